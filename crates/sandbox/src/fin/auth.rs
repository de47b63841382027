//! Tokens by client credentials, their single-use refresh, and the bearer check every other
//! Fin.com endpoint makes.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::Utc;
use serde_json::json;

use super::check::json_object;
use super::reply::{unauthorized, unprocessable, FieldErrors};
use crate::formats::{self, chrono_ttl, present, str_field};
use crate::state::App;

pub(super) fn authorize(app: &App, headers: &HeaderMap) -> Result<(), Response> {
    let ok = formats::bearer(headers)
        .and_then(|t| app.store().fin_tokens.get(t).copied())
        .is_some_and(|expires| expires > Utc::now());
    if ok {
        Ok(())
    } else {
        Err(unauthorized())
    }
}

fn issue_tokens(app: &App) -> Response {
    let now = Utc::now();
    let access_expiry = now + chrono_ttl(app.cfg.token_ttl);
    let refresh_expiry = now + chrono_ttl(app.cfg.token_ttl) * 7;
    let access = formats::new_token();
    let refresh = formats::new_token();
    {
        let mut store = app.store();
        store.fin_tokens.insert(access.clone(), access_expiry);
        store
            .fin_refresh_tokens
            .insert(refresh.clone(), refresh_expiry);
    }
    formats::json(
        StatusCode::OK,
        json!({ "data": {
            "access_token": access,
            "access_token_ttl": formats::fin_token_time(access_expiry),
            "refresh_token": refresh,
            "refresh_token_ttl": formats::fin_token_time(refresh_expiry),
            "current_time": formats::fin_token_time(now),
        }}),
    )
}

pub(super) async fn token(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let Some(body) = json_object(&body) else {
        return unprocessable(vec![("body".into(), "must be a JSON object".into())]);
    };
    let mut errors = FieldErrors::new();
    for f in ["client_id", "client_secret"] {
        if !present(&body, f) {
            errors.push((f.into(), format!("The {f} field is required.")));
        }
    }
    if !errors.is_empty() {
        return unprocessable(errors);
    }
    let creds = &app.creds.fin;
    if str_field(&body, "client_id") != Some(&creds.client_id)
        || str_field(&body, "client_secret") != Some(&creds.client_secret)
    {
        return unauthorized();
    }
    issue_tokens(&app)
}

pub(super) async fn refresh(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let Some(body) = json_object(&body) else {
        return unprocessable(vec![("body".into(), "must be a JSON object".into())]);
    };
    let Some(refresh) = str_field(&body, "refresh_token").filter(|s| !s.is_empty()) else {
        return unprocessable(vec![(
            "refresh_token".into(),
            "The refresh_token field is required.".into(),
        )]);
    };
    // A refresh token is single use: the pair it produced replaces it.
    let expiry = app.store().fin_refresh_tokens.remove(refresh);
    match expiry {
        Some(e) if e > Utc::now() => issue_tokens(&app),
        _ => unauthorized(),
    }
}
