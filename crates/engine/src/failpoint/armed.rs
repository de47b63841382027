//! The hook itself, compiled only with the `failpoints` feature: the variable is read once
//! per process, so each check is one load of a value.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use super::Point;

pub const ENV: &str = "BRANCHDESK_FAILPOINT";

struct Armed {
    point: Point,
    nth: u32,
    reached: AtomicU32,
}

fn armed_point() -> Option<&'static Armed> {
    static ARMED: OnceLock<Option<Armed>> = OnceLock::new();
    ARMED
        .get_or_init(|| {
            let value = std::env::var(ENV).ok()?;
            let (name, nth) = match value.split_once('@') {
                Some((name, nth)) => (name, nth.trim().parse().ok()?),
                None => (value.as_str(), 1),
            };
            let point = match name.trim() {
                "before_send" => Point::BeforeSend,
                "during_send" => Point::DuringSend,
                "after_provider_2xx" => Point::AfterProvider2xx,
                _ => return None,
            };
            Some(Armed {
                point,
                nth,
                reached: AtomicU32::new(0),
            })
        })
        .as_ref()
}

pub fn armed(point: Point) -> bool {
    armed_point().is_some_and(|a| a.point == point)
}

/// Aborts if `point` is armed and this is its Nth arrival. An abort, not a panic or an
/// exit: nothing unwinds, no destructor or buffered write runs, as in a power cut.
pub fn hit(point: Point) {
    if let Some(armed) = armed_point().filter(|a| a.point == point) {
        if armed.reached.fetch_add(1, Ordering::SeqCst) + 1 == armed.nth {
            eprintln!("failpoint {point:?} reached: aborting");
            tracing::warn!(?point, "failpoint reached: aborting");
            std::process::abort();
        }
    }
}

/// Runs `request` and, on the armed arrival, aborts while it is in flight.
pub async fn during<T>(request: impl std::future::Future<Output = T>) -> T {
    let Some(armed) = armed_point() else {
        return request.await;
    };
    if armed.reached.fetch_add(1, Ordering::SeqCst) + 1 != armed.nth {
        return request.await;
    }
    let _ = tokio::time::timeout(Duration::from_millis(50), request).await;
    eprintln!("failpoint DuringSend reached: aborting");
    tracing::warn!("failpoint DuringSend reached: aborting");
    std::process::abort();
}
