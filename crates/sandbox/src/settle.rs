//! Time-driven state: COS compliance scans, Fin.com reviews and BVNK decisions come due
//! while nobody asks, and are moved forward here before each request is handled.
//!
//! This sits above `state` and the providers' modules, so the state never calls back into
//! a provider.

use chrono::{DateTime, Utc};

use crate::formats::chrono_ttl;
use crate::state::App;

/// Moves every time-driven change due by `now` into the store; true when anything changed
/// (the caller then saves the state).
pub(crate) fn settle(app: &App, now: DateTime<Utc>) -> bool {
    let mut store = app.store();
    let scanned = crate::cos::settle(&mut store, now);
    let reviewed = crate::fin::settle(&mut store, now);
    let decided = crate::bvnk::settle(&mut store, now, chrono_ttl(app.cfg.compliance_delay));
    scanned || reviewed || decided
}
