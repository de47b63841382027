//! Upload Document: multipart files, judged by their bytes, each given a URI for the attach.

use std::sync::Arc;

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use rand::Rng;
use serde_json::json;

use super::auth::authorize;
use super::reply::{coded, message, unprocessable, FieldErrors};
use crate::formats;
use crate::state::{App, FinFile};

const ACCEPTED_TYPES: &[&str] = &["application/pdf", "image/jpeg", "image/png"];

fn file_uri(app: &App, name: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = app.rng();
    let prefix: String = (0..8)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("/{prefix}_{clean}")
}

pub(super) async fn upload(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    if let Err(r) = authorize(&app, &headers) {
        return r;
    }
    let Ok(mut multipart) = multipart else {
        return unprocessable(vec![("body".into(), "must be multipart/form-data".into())]);
    };
    let limit = app.cfg.fin_upload_limit_bytes;
    let mut customer_id: Option<String> = None;
    let mut files: Vec<(String, String, Vec<u8>)> = Vec::new();
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return message(StatusCode::PAYLOAD_TOO_LARGE, "File too large");
            }
            Err(_) => {
                return unprocessable(vec![("body".into(), "malformed multipart body".into())])
            }
        };
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        if name == "customer_id" && file_name.is_none() {
            match field.text().await {
                Ok(t) => customer_id = Some(t.trim().to_string()),
                Err(_) => return unprocessable(vec![("customer_id".into(), "unreadable".into())]),
            }
            continue;
        }
        let mut data = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    data.extend_from_slice(&chunk);
                    if data.len() as u64 > limit {
                        return message(
                            StatusCode::PAYLOAD_TOO_LARGE,
                            &format!("File {name} is larger than {limit} bytes"),
                        );
                    }
                }
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return message(StatusCode::PAYLOAD_TOO_LARGE, "File too large");
                }
                Err(_) => return unprocessable(vec![(name, "unreadable file".into())]),
            }
        }
        files.push((name.clone(), file_name.unwrap_or(name), data));
    }
    let Some(customer_id) = customer_id.filter(|c| !c.is_empty()) else {
        return unprocessable(vec![(
            "customer_id".into(),
            "The customer_id field is required.".into(),
        )]);
    };
    if files.is_empty() {
        return unprocessable(vec![(
            "files".into(),
            "At least one file is required.".into(),
        )]);
    }
    let mut errors = FieldErrors::new();
    let mut kinds = Vec::new();
    for (field, _, data) in &files {
        // Judge the type by the bytes, never by the name or the declared content type.
        match infer::get(data).map(|k| k.mime_type()) {
            Some(mime) if ACCEPTED_TYPES.contains(&mime) => kinds.push(mime.to_string()),
            _ => errors.push((field.clone(), "must be a PDF, JPEG or PNG file".into())),
        }
    }
    if !errors.is_empty() {
        return unprocessable(errors);
    }
    let key = customer_id.to_ascii_lowercase();
    {
        let store = app.store();
        match store.fin_customers.get(&key) {
            None => return message(StatusCode::NOT_FOUND, "Customer not found"),
            Some(c) if c.owner != app.creds.fin.client_id => {
                return coded(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    "Customer not owned by the client",
                )
            }
            Some(_) => {}
        }
    }
    let mut answer = Vec::new();
    for ((field, file_name, data), mime) in files.into_iter().zip(kinds) {
        let uri = file_uri(&app, &file_name);
        app.store().fin_files.insert(
            uri.clone(),
            FinFile {
                customer_id: key.clone(),
                field: field.clone(),
                mime,
                size: data.len() as u64,
            },
        );
        answer.push(json!({ field: uri }));
    }
    formats::json(StatusCode::OK, json!({ "data": { "files": answer } }))
}
