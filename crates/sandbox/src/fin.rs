use std::sync::Arc;

use axum::Router;
use chrono::{DateTime, Utc};

use crate::state::{App, Store};

pub(crate) fn routes(_app: &Arc<App>) -> Router<Arc<App>> {
    Router::new()
}

pub(crate) fn settle(_store: &mut Store, _now: DateTime<Utc>) -> bool {
    false
}
