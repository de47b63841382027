//! What the upload benches measure in their own process: resident memory from
//! /proc/self/status and the CPU time of its threads.

/// A `kB` field of /proc/self/status (`VmRSS:`, `VmHWM:`), 0 when it cannot be read.
pub fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                line.strip_prefix(field)?
                    .trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse()
                    .ok()
            })
        })
        .unwrap_or(0)
}

/// CPU time so far of this process's threads, in nanoseconds (what each has spent on a CPU,
/// from /proc/self/task/*/schedstat). Threads that have ended are not counted, but the
/// runtime keeps its threads through an upload.
pub fn cpu_ns() -> u64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .filter_map(|task| {
            let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
            stat.split_whitespace().next()?.parse::<u64>().ok()
        })
        .sum()
}
