use std::sync::Arc;

use axum::Router;

use crate::state::App;

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
}
