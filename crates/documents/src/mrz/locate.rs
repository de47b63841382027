//! Finding the zone on the page: a local threshold, the dark connected components of a
//! character's size, chained left to right into text lines, and among those the lines whose
//! components stand at one even pitch and fill 30, 36 or 44 cells, two or three of them
//! stacked with the same pitch and left edge.

use image::GrayImage;

/// One line of the zone: where its cells are.
#[derive(Debug, Clone)]
pub(super) struct Line {
    /// Centre x of cell `k` is `first + pitch * k`.
    pub(super) first: f32,
    pub(super) pitch: f32,
    /// Centre y of the characters at x is `y0 + slope * x`.
    pub(super) y0: f32,
    pub(super) slope: f32,
    /// Cells in the line: 30, 36 or 44.
    pub(super) cells: usize,
    /// Median height of the line's characters.
    height: f32,
}

impl Line {
    pub(super) fn centre(&self, k: usize) -> (f32, f32) {
        let x = self.first + self.pitch * k as f32;
        (x, self.y0 + self.slope * x)
    }

    fn mid_y(&self) -> f32 {
        self.centre(self.cells / 2).1
    }
}

#[derive(Debug, Clone, Copy)]
struct Component {
    x0: u32,
    y0: u32,
    x1: u32,
    y1: u32,
}

impl Component {
    fn w(&self) -> f32 {
        (self.x1 - self.x0 + 1) as f32
    }
    fn h(&self) -> f32 {
        (self.y1 - self.y0 + 1) as f32
    }
    fn cx(&self) -> f32 {
        (self.x0 + self.x1 + 1) as f32 / 2.0
    }
    fn cy(&self) -> f32 {
        (self.y0 + self.y1 + 1) as f32 / 2.0
    }
}

/// The candidate zones, the lowest on the page first: each two lines of 44 or 36 cells, or
/// three of 30.
pub(super) fn zones(grey: &GrayImage) -> Vec<Vec<Line>> {
    let dark = binarize(grey);
    let components = components(&dark, grey.width(), grey.height());
    let mut lines: Vec<Line> = chains(&components)
        .iter()
        .filter_map(|members| fit_line(members))
        .collect();
    lines.sort_by(|a, b| a.mid_y().total_cmp(&b.mid_y()));
    let mut zones = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let count = if line.cells == 30 { 3 } else { 2 };
        let mut zone = vec![line.clone()];
        for next in &lines[i + 1..] {
            if zone.len() == count {
                break;
            }
            let last = zone.last().unwrap_or(line);
            if stacked(last, next) {
                zone.push(next.clone());
            }
        }
        if zone.len() == count {
            zones.push(zone);
        }
    }
    zones.reverse();
    zones
}

/// Whether `below` is the zone's next line after `above`: same cells, pitch and left edge,
/// one line spacing lower.
fn stacked(above: &Line, below: &Line) -> bool {
    let gap = below.mid_y() - above.mid_y();
    let h = above.height.max(below.height);
    below.cells == above.cells
        && (below.pitch / above.pitch - 1.0).abs() < 0.08
        && (below.first - above.first).abs() < 0.6 * above.pitch
        && gap > 1.2 * h
        && gap < 3.5 * h
}

/// Dark pixels by a local mean threshold (a pixel 15 % darker than its neighbourhood's
/// mean), so shading across a photographed page does not swallow a line.
fn binarize(grey: &GrayImage) -> Vec<bool> {
    let (w, h) = (grey.width() as usize, grey.height() as usize);
    let stride = w + 1;
    let mut integral = vec![0u32; stride * (h + 1)];
    let raw = grey.as_raw();
    for y in 0..h {
        let mut row = 0u32;
        for x in 0..w {
            row += u32::from(raw[y * w + x]);
            integral[(y + 1) * stride + x + 1] = integral[y * stride + x + 1] + row;
        }
    }
    let r = (w.max(h) / 60).max(8);
    let mut dark = vec![false; w * h];
    for y in 0..h {
        let (ya, yb) = (y.saturating_sub(r), (y + r + 1).min(h));
        for x in 0..w {
            let (xa, xb) = (x.saturating_sub(r), (x + r + 1).min(w));
            let sum = u64::from(integral[yb * stride + xb]) + u64::from(integral[ya * stride + xa])
                - u64::from(integral[ya * stride + xb])
                - u64::from(integral[yb * stride + xa]);
            let area = ((yb - ya) * (xb - xa)) as u64;
            dark[y * w + x] = u64::from(raw[y * w + x]) * area * 100 < sum * 85;
        }
    }
    dark
}

/// The 8-connected dark components of a character's size and shape.
fn components(dark: &[bool], w: u32, h: u32) -> Vec<Component> {
    let (wu, hu) = (w as usize, h as usize);
    let mut seen = vec![false; dark.len()];
    let mut stack = Vec::new();
    let mut found = Vec::new();
    let max_h = (h / 8).max(10) as f32;
    for start in 0..dark.len() {
        if !dark[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let mut c = Component {
            x0: u32::MAX,
            y0: u32::MAX,
            x1: 0,
            y1: 0,
        };
        let mut area = 0u32;
        while let Some(at) = stack.pop() {
            let (x, y) = (at % wu, at / wu);
            area += 1;
            c.x0 = c.x0.min(x as u32);
            c.x1 = c.x1.max(x as u32);
            c.y0 = c.y0.min(y as u32);
            c.y1 = c.y1.max(y as u32);
            for dy in [-1i64, 0, 1] {
                for dx in [-1i64, 0, 1] {
                    let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                    if nx < 0 || ny < 0 || nx >= wu as i64 || ny >= hu as i64 {
                        continue;
                    }
                    let n = ny as usize * wu + nx as usize;
                    if dark[n] && !seen[n] {
                        seen[n] = true;
                        stack.push(n);
                    }
                }
            }
        }
        let (cw, ch) = (c.w(), c.h());
        let fill = area as f32 / (cw * ch);
        if ch >= 8.0
            && ch <= max_h
            && cw <= 4.0 * ch
            && cw >= 0.15 * ch
            && fill > 0.08
            && fill < 0.9
        {
            found.push(c);
        }
    }
    found
}

/// Components chained into lines: each is linked to its nearest right neighbour of a
/// similar height at the same height on the page.
fn chains(components: &[Component]) -> Vec<Vec<Component>> {
    let mut order: Vec<usize> = (0..components.len()).collect();
    order.sort_by_key(|&i| components[i].x0);
    let mut parent: Vec<usize> = (0..components.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (pos, &i) in order.iter().enumerate() {
        let a = components[i];
        let reach = a.x1 as f32 + 1.2 * a.h();
        for &j in &order[pos + 1..] {
            let b = components[j];
            if b.x0 as f32 > reach {
                break;
            }
            let hmax = a.h().max(b.h());
            if b.cx() <= a.cx()
                || (a.cy() - b.cy()).abs() > 0.35 * hmax
                || a.h().min(b.h()) < 0.55 * hmax
                || b.x0 as f32 > a.x1 as f32 + 1.2 * hmax
            {
                continue;
            }
            let (ra, rb) = (root(&mut parent, i), root(&mut parent, j));
            parent[ra] = rb;
            break;
        }
    }
    let mut groups: std::collections::HashMap<usize, Vec<Component>> =
        std::collections::HashMap::new();
    for (i, &c) in components.iter().enumerate() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(c);
    }
    groups.into_values().filter(|g| g.len() >= 15).collect()
}

fn median(mut values: Vec<f32>) -> f32 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f32::total_cmp);
    values[values.len() / 2]
}

/// Least squares `y = a + b x`; `None` when the xs do not spread.
fn fit(points: &[(f32, f32)]) -> Option<(f32, f32)> {
    let n = points.len() as f64;
    if n < 2.0 {
        return None;
    }
    let (sx, sy) = points.iter().fold((0.0, 0.0), |(sx, sy), &(x, y)| {
        (sx + f64::from(x), sy + f64::from(y))
    });
    let (mx, my) = (sx / n, sy / n);
    let (mut sxx, mut sxy) = (0.0, 0.0);
    for &(x, y) in points {
        let dx = f64::from(x) - mx;
        sxx += dx * dx;
        sxy += dx * (f64::from(y) - my);
    }
    if sxx <= f64::EPSILON {
        return None;
    }
    let b = sxy / sxx;
    Some(((my - b * mx) as f32, b as f32))
}

/// A chain of components as a zone line, if they stand at one pitch and fill 30, 36 or 44
/// cells.
fn fit_line(members: &[Component]) -> Option<Line> {
    let mut members = members.to_vec();
    members.sort_by(|a, b| a.cx().total_cmp(&b.cx()));
    let height = median(members.iter().map(Component::h).collect());
    let tall: Vec<(f32, f32)> = members
        .iter()
        .filter(|c| c.h() >= 0.75 * height)
        .map(|c| (c.cx(), c.cy()))
        .collect();
    let (y0, slope) = fit(&tall)?;
    if slope.abs() > 0.1 {
        return None;
    }
    // Components of one character each (blur can join neighbours).
    let singles: Vec<&Component> = members
        .iter()
        .filter(|c| c.w() <= 1.2 * c.h() && c.h() >= 0.6 * height)
        .collect();
    if singles.len() < 12 {
        return None;
    }
    let steps: Vec<f32> = singles.windows(2).map(|p| p[1].cx() - p[0].cx()).collect();
    let mut pitch = median(steps);
    if pitch < 0.5 * height || pitch > 3.0 * height {
        return None;
    }
    let left = members.iter().map(|c| c.x0).min()? as f32;
    let right = members.iter().map(|c| c.x1).max()? as f32 + 1.0;
    let ink = median(singles.iter().map(|c| c.w()).collect());
    let estimate = (right - left - ink) / pitch + 1.0;
    let cells = [30usize, 36, 44].into_iter().min_by(|a, b| {
        (*a as f32 - estimate)
            .abs()
            .total_cmp(&(*b as f32 - estimate).abs())
    })?;
    if (cells as f32 - estimate).abs() > 2.0 {
        return None;
    }
    // Cells from the span, then refined by least squares over the single characters.
    pitch = (right - left - ink) / (cells - 1) as f32;
    let mut first = left + ink / 2.0;
    for _ in 0..3 {
        let points: Vec<(f32, f32)> = singles
            .iter()
            .map(|c| {
                let k = ((c.cx() - first) / pitch)
                    .round()
                    .clamp(0.0, (cells - 1) as f32);
                (k, c.cx())
            })
            .collect();
        let (a, b) = fit(&points)?;
        first = a;
        pitch = b;
    }
    let mut occupied = vec![false; cells];
    let mut residual = 0.0;
    for c in &singles {
        let k = ((c.cx() - first) / pitch).round();
        residual += ((c.cx() - first) - k * pitch).powi(2);
        if k >= 0.0 && (k as usize) < cells {
            occupied[k as usize] = true;
        }
    }
    let rms = (residual / singles.len() as f32).sqrt();
    let filled = occupied.iter().filter(|o| **o).count();
    let end = first + pitch * (cells - 1) as f32;
    if rms > 0.15 * pitch
        || filled * 2 < cells
        || (first - ink / 2.0 - left).abs() > 0.5 * pitch
        || (end + ink / 2.0 - right).abs() > 0.5 * pitch
    {
        return None;
    }
    Some(Line {
        first,
        pitch,
        y0,
        slope,
        cells,
        height,
    })
}
