//! Fin.com: OAuth-like tokens, Create Individual Customer V2, document upload, Attach
//! Documents V2 (seed 003 rules) and Get Customer Details V2.

use std::collections::HashSet;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, Datelike, Duration, Utc};
use rand::Rng;
use serde_json::{json, Value};

use crate::countries::is_alpha3;
use crate::state::{App, FinCustomer, FinFile, Store};
use crate::util::{self, parse_date, present, str_field};

const ACCEPTED_TYPES: &[&str] = &["application/pdf", "image/jpeg", "image/png"];
const IDENTITY_TYPES: &[&str] = &[
    "PASSPORT",
    "NATIONAL_ID",
    "DRIVERS_LICENSE",
    "RESIDENCE_PERMIT",
    "SELFIE",
];
const ADDRESS_TYPES: &[&str] = &["UTILITY_BILL", "GOVERNMENT_LETTER", "BANK_STATEMENT"];
const EMPLOYMENT: &[&str] = &[
    "EMPLOYED",
    "SELF_EMPLOYED",
    "RETIRED",
    "STUDENT",
    "UNEMPLOYED",
];

pub(crate) fn routes(app: &Arc<App>) -> Router<Arc<App>> {
    // The body limit must sit above the per-file limit so oversized files reach the
    // handler and get the documented 413 instead of a generic rejection.
    let upload_limit = usize::try_from(app.cfg.fin_upload_limit_bytes)
        .unwrap_or(usize::MAX)
        .saturating_mul(4)
        .saturating_add(1024 * 1024);
    Router::new()
        .route("/v1/oauth/token", post(token))
        .route("/v1/oauth/refresh-token", post(refresh))
        .route("/v2/customers/individual", post(create_individual))
        .route(
            "/v1/customers/upload",
            post(upload).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/v2/customers/{customer_id}/individual/attach",
            post(attach),
        )
        .route("/v2/customers/{customer_id}", get(get_customer))
        .route("/orchestration-customer-tos", get(tos_page))
}

type FieldErrors = Vec<(String, String)>;

fn message(status: StatusCode, text: &str) -> Response {
    util::json(status, json!({ "message": text }))
}

fn unprocessable(errors: FieldErrors) -> Response {
    let first = errors
        .first()
        .map(|(f, m)| format!("{f}: {m}"))
        .unwrap_or_else(|| "The given data was invalid.".into());
    let list: Vec<Value> = errors.into_iter().map(|(f, m)| json!({ f: m })).collect();
    util::json(
        StatusCode::UNPROCESSABLE_ENTITY,
        json!({ "message": first, "errors": list }),
    )
}

fn coded(status: StatusCode, code: &str, text: &str) -> Response {
    util::json(
        status,
        json!({ "error": { "code": code, "message": text } }),
    )
}

fn unauthorized() -> Response {
    message(StatusCode::UNAUTHORIZED, "Authentication failed")
}

fn authorize(app: &App, headers: &HeaderMap) -> Result<(), Response> {
    let ok = util::bearer(headers)
        .and_then(|t| app.store().fin_tokens.get(t).copied())
        .is_some_and(|expires| expires > Utc::now());
    if ok {
        Ok(())
    } else {
        Err(unauthorized())
    }
}

fn chrono_ttl(d: std::time::Duration) -> Duration {
    Duration::from_std(d).unwrap_or(Duration::zero())
}

fn issue_tokens(app: &App) -> Response {
    let now = Utc::now();
    let access_expiry = now + chrono_ttl(app.cfg.token_ttl);
    let refresh_expiry = now + chrono_ttl(app.cfg.token_ttl) * 7;
    let access = util::new_token();
    let refresh = util::new_token();
    {
        let mut store = app.store();
        store.fin_tokens.insert(access.clone(), access_expiry);
        store
            .fin_refresh_tokens
            .insert(refresh.clone(), refresh_expiry);
    }
    util::json(
        StatusCode::OK,
        json!({ "data": {
            "access_token": access,
            "access_token_ttl": util::fin_token_time(access_expiry),
            "refresh_token": refresh,
            "refresh_token_ttl": util::fin_token_time(refresh_expiry),
            "current_time": util::fin_token_time(now),
        }}),
    )
}

fn json_object(body: &Bytes) -> Option<Value> {
    serde_json::from_slice::<Value>(body)
        .ok()
        .filter(Value::is_object)
}

async fn token(State(app): State<Arc<App>>, body: Bytes) -> Response {
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

async fn refresh(State(app): State<Arc<App>>, body: Bytes) -> Response {
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

/// Collects every problem of a Create Individual V2 body.
struct Check {
    errors: FieldErrors,
}

impl Check {
    fn push(&mut self, field: impl Into<String>, msg: impl Into<String>) {
        self.errors.push((field.into(), msg.into()));
    }

    fn object<'a>(&mut self, v: &'a Value, key: &str, path: &str) -> Option<&'a Value> {
        match v.get(key) {
            Some(o @ Value::Object(_)) => Some(o),
            None | Some(Value::Null) => {
                self.push(path, "is required");
                None
            }
            Some(_) => {
                self.push(path, "must be an object");
                None
            }
        }
    }

    fn string<'a>(
        &mut self,
        v: &'a Value,
        key: &str,
        path: &str,
        required: bool,
    ) -> Option<&'a str> {
        match v.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s),
            None | Some(Value::Null) if !required => None,
            Some(Value::String(_)) | None | Some(Value::Null) => {
                self.push(path, "is required");
                None
            }
            Some(_) => {
                self.push(path, "must be a string");
                None
            }
        }
    }

    fn one_of(
        &mut self,
        v: &Value,
        key: &str,
        path: &str,
        required: bool,
        allowed: &[&str],
    ) -> Option<String> {
        let s = self.string(v, key, path, required)?;
        if allowed.contains(&s) {
            Some(s.to_string())
        } else {
            self.push(path, format!("must be one of {}", allowed.join(", ")));
            None
        }
    }

    fn country(&mut self, v: &Value, key: &str, path: &str, required: bool) -> Option<String> {
        let s = self.string(v, key, path, required)?;
        if is_alpha3(s) {
            Some(s.to_string())
        } else {
            self.push(path, "must be an ISO 3166-1 alpha-3 country code");
            None
        }
    }

    /// A non-ASCII value needs its `_en` Latin transliteration next to it.
    fn with_latin(&mut self, v: &Value, key: &str, prefix: &str, required: bool) {
        let path = format!("{prefix}.{key}");
        let Some(value) = self.string(v, key, &path, required) else {
            return;
        };
        let en_key = format!("{key}_en");
        let en_path = format!("{prefix}.{en_key}");
        let en = self.string(v, &en_key, &en_path, false);
        if !value.is_ascii() && en.is_none() {
            self.push(
                en_path.clone(),
                format!("is required because {key} is not Latin"),
            );
        }
        if en.is_some_and(|e| !e.is_ascii()) {
            self.push(en_path, "must be written in Latin (ASCII) characters");
        }
    }

    fn integer(&mut self, v: &Value, key: &str, path: &str, min: i64) -> Option<i64> {
        match v.get(key) {
            Some(Value::Number(n)) if n.is_i64() || n.is_u64() => {
                let x = n.as_i64().unwrap_or(i64::MAX);
                if x < min {
                    self.push(path, format!("must be at least {min}"));
                }
                Some(x)
            }
            None | Some(Value::Null) => {
                self.push(path, "is required");
                None
            }
            Some(_) => {
                self.push(path, "must be an integer");
                None
            }
        }
    }

    fn date(
        &mut self,
        v: &Value,
        key: &str,
        path: &str,
        required: bool,
    ) -> Option<chrono::NaiveDate> {
        let s = self.string(v, key, path, required)?;
        let d = parse_date(s);
        if d.is_none() {
            self.push(path, "must be a date written YYYY-MM-DD");
        }
        d
    }
}

fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else {
        return false;
    };
    (8..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

fn is_subdivision(s: &str) -> bool {
    match s.split_once('-') {
        Some((country, sub)) => {
            util::is_upper_alpha(country, 2)
                && (1..=3).contains(&sub.len())
                && sub
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        }
        None => false,
    }
}

fn age_on(born: chrono::NaiveDate, today: chrono::NaiveDate) -> i32 {
    let mut age = today.year() - born.year();
    if (today.month(), today.day()) < (born.month(), born.day()) {
        age -= 1;
    }
    age
}

fn check_individual(body: &Value) -> FieldErrors {
    let mut c = Check { errors: Vec::new() };
    c.one_of(
        body,
        "verification_type",
        "verification_type",
        true,
        &["STANDARD", "RELIANCE"],
    );
    if let Some(b) = c.object(body, "basic_info", "basic_info") {
        c.with_latin(b, "first_name", "basic_info", true);
        c.with_latin(b, "middle_name", "basic_info", false);
        c.with_latin(b, "last_name", "basic_info", true);
        if let Some(dob) = c.date(b, "dob", "basic_info.dob", true) {
            let age = age_on(dob, Utc::now().date_naive());
            if !(18..=120).contains(&age) {
                c.push("basic_info.dob", "age must be between 18 and 120 years");
            }
        }
        if let Some(email) = c.string(b, "email", "basic_info.email", true) {
            if email != email.to_lowercase() {
                c.push("basic_info.email", "must be all lowercase");
            } else if !util::is_email(email) {
                c.push("basic_info.email", "must be a valid email address");
            }
        }
        if let Some(phone) = c.string(b, "phone", "basic_info.phone", true) {
            if !is_e164(phone) {
                c.push(
                    "basic_info.phone",
                    "must be in E.164 format, e.g. +14155552671",
                );
            }
        }
        c.country(
            b,
            "country_of_residence",
            "basic_info.country_of_residence",
            true,
        );
        c.country(
            b,
            "primary_nationality",
            "basic_info.primary_nationality",
            true,
        );
        c.country(
            b,
            "secondary_nationality",
            "basic_info.secondary_nationality",
            false,
        );
        c.one_of(b, "gender", "basic_info.gender", false, &["MALE", "FEMALE"]);
        match b.get("tax_info") {
            Some(Value::Array(items)) if !items.is_empty() => {
                let mut seen = HashSet::new();
                for (i, item) in items.iter().enumerate() {
                    let p = format!("basic_info.tax_info.{i}");
                    c.country(item, "country_code", &format!("{p}.country_code"), true);
                    c.string(item, "document_type", &format!("{p}.document_type"), true);
                    if let Some(id) =
                        c.string(item, "document_id", &format!("{p}.document_id"), true)
                    {
                        if !seen.insert(id.to_string()) {
                            c.push(format!("{p}.document_id"), "must be unique");
                        }
                    }
                }
            }
            Some(Value::Array(_)) => c.push("basic_info.tax_info", "must have at least 1 item"),
            None | Some(Value::Null) => c.push("basic_info.tax_info", "is required"),
            Some(_) => c.push("basic_info.tax_info", "must be an array"),
        }
    }
    if let Some(a) = c.object(body, "address", "address") {
        c.with_latin(a, "street_line_1", "address", true);
        c.with_latin(a, "street_line_2", "address", false);
        c.string(a, "city", "address.city", true);
        if let Some(sub) = c.string(a, "subdivision_code", "address.subdivision_code", true) {
            if !is_subdivision(sub) {
                c.push(
                    "address.subdivision_code",
                    "must be an ISO 3166-2 code such as US-CA",
                );
            }
        }
        c.string(a, "postal_code", "address.postal_code", true);
        c.country(a, "country", "address.country", true);
    }
    if let Some(f) = c.object(body, "financial_profile", "financial_profile") {
        c.one_of(
            f,
            "employment_status",
            "financial_profile.employment_status",
            true,
            EMPLOYMENT,
        );
        c.integer(f, "occupation_id", "financial_profile.occupation_id", 1);
        c.integer(f, "purpose_id", "financial_profile.purpose_id", 1);
        match f.get("source_of_fund_ids") {
            Some(Value::Array(ids)) if !ids.is_empty() => {
                if !ids.iter().all(|x| x.is_i64() || x.is_u64()) {
                    c.push(
                        "financial_profile.source_of_fund_ids",
                        "must contain integers",
                    );
                }
            }
            Some(Value::Array(_)) => c.push(
                "financial_profile.source_of_fund_ids",
                "must have at least 1 item",
            ),
            _ => c.push("financial_profile.source_of_fund_ids", "is required"),
        }
        c.integer(
            f,
            "monthly_volume_usd",
            "financial_profile.monthly_volume_usd",
            0,
        );
        c.string(
            f,
            "purpose_remarks",
            "financial_profile.purpose_remarks",
            false,
        );
        c.string(
            f,
            "source_of_funds_description",
            "financial_profile.source_of_funds_description",
            false,
        );
    }
    match body.get("meta_data") {
        None | Some(Value::Null) | Some(Value::Object(_)) => {}
        Some(_) => c.push("meta_data", "must be an object"),
    }
    c.errors
}

fn tos_url(app: &App, customer_id: &str, value: &str) -> String {
    format!(
        "{}/orchestration-customer-tos?customer_id={customer_id}&tos_policies_value={value}",
        app.tos_base_url()
    )
}

async fn create_individual(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = authorize(&app, &headers) {
        return r;
    }
    let Some(body) = json_object(&body) else {
        return unprocessable(vec![("body".into(), "must be a JSON object".into())]);
    };
    if str_field(&body, "verification_type") == Some("RELIANCE") && !app.cfg.fin_reliance_enabled {
        return message(
            StatusCode::LOCKED,
            "RELIANCE is not available for your client",
        );
    }
    let errors = check_individual(&body);
    if !errors.is_empty() {
        return unprocessable(errors);
    }
    let customer_id = uuid::Uuid::new_v4().to_string();
    let tos_value = uuid::Uuid::new_v4().to_string();
    let now = Utc::now();
    let tax_ids: Vec<String> = body["basic_info"]["tax_info"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|t| t["document_id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let reference = body["meta_data"]["reference"].as_str().map(str::to_string);
    let mut store = app.store();
    let duplicate = store.fin_customers.values().any(|other| {
        let theirs = &other.request["basic_info"]["tax_info"];
        theirs.as_array().is_some_and(|a| {
            a.iter().any(|t| {
                t["document_id"]
                    .as_str()
                    .is_some_and(|d| tax_ids.iter().any(|x| x == d))
            })
        }) || reference
            .as_ref()
            .is_some_and(|r| other.request["meta_data"]["reference"] == json!(r))
    });
    store.fin_customers.insert(
        customer_id.clone(),
        FinCustomer {
            customer_id: customer_id.clone(),
            owner: app.creds.fin.client_id.clone(),
            api_version: "v2".into(),
            customer_type: "INDIVIDUAL".into(),
            status: "INCOMPLETE".into(),
            tos_policies_value: tos_value.clone(),
            request: body,
            created_at: now,
            updated_at: now,
            last_status_updated_at: now,
            attach_count: 0,
            pending: Vec::new(),
            attached: Value::Null,
            rejection_reason: Value::Null,
            request_for_information: Vec::new(),
        },
    );
    store.stats.customer_created("fin", duplicate);
    util::json(
        StatusCode::OK,
        json!({ "data": {
            "customer_id": customer_id,
            "tos_policies_url": tos_url(&app, &customer_id, &tos_value),
        }}),
    )
}

async fn tos_page(Query(q): Query<std::collections::HashMap<String, String>>) -> Response {
    let customer = q.get("customer_id").map(String::as_str).unwrap_or("");
    let escaped: String = customer
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    Html(format!(
        "<!doctype html><title>Fin.com Terms of Service (sandbox)</title>\
         <h1>Terms of Service</h1><p>Sandbox terms for customer {escaped}. \
         Accepting here has no effect; the tos_policies_value in the link is what the attach call checks.</p>"
    ))
    .into_response()
}

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

async fn upload(
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
    util::json(StatusCode::OK, json!({ "data": { "files": answer } }))
}

fn forbidden() -> Response {
    coded(
        StatusCode::FORBIDDEN,
        "forbidden",
        "Customer is not eligible for this operation",
    )
}

/// Checks the attach body against every rule of the Attach Documents V2 page. Returns the
/// 422 problems, and the URIs that must belong to the customer.
fn check_attach(
    body: &Value,
    customer: &FinCustomer,
    selfie_required: bool,
) -> (FieldErrors, Vec<String>) {
    let mut c = Check { errors: Vec::new() };
    let mut owned_uris = Vec::new();
    let mut unique = HashSet::new();
    let today = Utc::now().date_naive();
    let mut files_of =
        |c: &mut Check, doc: &Value, path: &str, selfie: bool| -> Vec<Option<String>> {
            let mut sides = Vec::new();
            match doc.get("files") {
                Some(Value::Array(files)) if !files.is_empty() => {
                    for (j, f) in files.iter().enumerate() {
                        let fp = format!("{path}.files.{j}");
                        let uri = c.string(f, "uri", &format!("{fp}.uri"), true);
                        let side =
                            c.one_of(f, "side", &format!("{fp}.side"), false, &["FRONT", "BACK"]);
                        sides.push(side);
                        if let Some(uri) = uri {
                            owned_uris.push(uri.to_string());
                            if !selfie && !unique.insert(uri.to_string()) {
                                c.push(
                                    format!("{fp}.uri"),
                                    "file URIs must be unique across the request",
                                );
                            }
                        }
                    }
                }
                Some(Value::Array(_)) => {
                    c.push(format!("{path}.files"), "must have at least 1 item")
                }
                _ => c.push(format!("{path}.files"), "is required"),
            }
            sides
        };

    match body.get("identifying_documents") {
        Some(Value::Array(docs)) if !docs.is_empty() => {
            let mut primary = 0;
            let mut selfies = 0;
            for (i, doc) in docs.iter().enumerate() {
                let p = format!("identifying_documents.{i}");
                let Some(kind) = c.one_of(doc, "type", &format!("{p}.type"), true, IDENTITY_TYPES)
                else {
                    continue;
                };
                if kind == "SELFIE" {
                    selfies += 1;
                    // A SELFIE carries only type and files; anything else is ignored.
                    if files_of(&mut c, doc, &p, true).len() > 1 {
                        c.push(format!("{p}.files"), "SELFIE takes exactly 1 file");
                    }
                    continue;
                }
                primary += 1;
                c.string(doc, "number", &format!("{p}.number"), true);
                let country = c.country(doc, "country", &format!("{p}.country"), false);
                let issued = c.date(doc, "issue_date", &format!("{p}.issue_date"), false);
                let expires = c.date(doc, "expiry_date", &format!("{p}.expiry_date"), true);
                if let Some(exp) = expires {
                    if exp <= today {
                        c.push(format!("{p}.expiry_date"), "must be in the future");
                    }
                    if issued.is_some_and(|iss| exp <= iss) {
                        c.push(format!("{p}.expiry_date"), "must be later than issue_date");
                    }
                }
                let state = c.string(doc, "state", &format!("{p}.state"), false);
                match (kind.as_str(), country.as_deref(), state) {
                    ("DRIVERS_LICENSE", Some("USA"), None) => c.push(
                        format!("{p}.state"),
                        "is required for a DRIVERS_LICENSE issued in the USA",
                    ),
                    ("PASSPORT" | "NATIONAL_ID" | "RESIDENCE_PERMIT", _, Some(_)) => {
                        c.push(format!("{p}.state"), format!("is not allowed for {kind}"))
                    }
                    (_, _, Some(s)) if s.chars().count() > 64 => {
                        c.push(format!("{p}.state"), "must be at most 64 characters")
                    }
                    _ => {}
                }
                let sides = files_of(&mut c, doc, &p, false);
                if sides.is_empty() {
                    continue;
                }
                if kind == "PASSPORT" {
                    if sides.len() != 1 {
                        c.push(format!("{p}.files"), "PASSPORT takes exactly 1 file");
                    }
                } else {
                    let front = sides
                        .iter()
                        .filter(|s| s.as_deref() == Some("FRONT"))
                        .count();
                    let back = sides
                        .iter()
                        .filter(|s| s.as_deref() == Some("BACK"))
                        .count();
                    if sides.len() != 2 || front != 1 || back != 1 {
                        c.push(
                            format!("{p}.files"),
                            format!("{kind} needs exactly 2 files: one FRONT and one BACK"),
                        );
                    }
                }
            }
            if primary > 1 {
                c.push(
                    "identifying_documents",
                    "at most one non-SELFIE document may be included",
                );
            }
            if selfies > 1 {
                c.push(
                    "identifying_documents",
                    "at most one SELFIE entry may be included",
                );
            }
            if selfie_required && selfies != 1 {
                c.push(
                    "identifying_documents",
                    "exactly one SELFIE entry carrying at least one file is required for your client",
                );
            }
        }
        Some(Value::Array(_)) => c.push("identifying_documents", "must have at least 1 item"),
        None | Some(Value::Null) => c.push("identifying_documents", "is required"),
        Some(_) => c.push("identifying_documents", "must be an array"),
    }

    match body.get("address_documents") {
        Some(Value::Array(docs)) if docs.len() == 1 => {
            let doc = &docs[0];
            let p = "address_documents.0";
            c.one_of(doc, "type", &format!("{p}.type"), true, ADDRESS_TYPES);
            if let Some(country) = c.country(doc, "country", &format!("{p}.country"), true) {
                let residence = customer.request["basic_info"]["country_of_residence"].as_str();
                if Some(country.as_str()) != residence {
                    c.push(
                        format!("{p}.country"),
                        "must match the customer's country_of_residence",
                    );
                }
            }
            c.date(doc, "issue_date", &format!("{p}.issue_date"), false);
            let sides = files_of(&mut c, doc, p, false);
            if sides.len() > 1 {
                c.push(format!("{p}.files"), "exactly one file is required");
            }
        }
        Some(Value::Array(_)) => c.push("address_documents", "exactly one entry is required"),
        None | Some(Value::Null) => c.push("address_documents", "is required"),
        Some(_) => c.push("address_documents", "must be an array"),
    }

    match c.string(body, "tos_policies_value", "tos_policies_value", true) {
        Some(v) if v != customer.tos_policies_value => c.push(
            "tos_policies_value",
            "does not match the tos_policies_url of this customer",
        ),
        _ => {}
    }
    (c.errors, owned_uris)
}

async fn attach(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(customer_id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(r) = authorize(&app, &headers) {
        return r;
    }
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return util::json(
            StatusCode::BAD_REQUEST,
            json!({ "status": 400, "message": "Malformed request body" }),
        );
    };
    if !body.is_object() {
        return util::json(
            StatusCode::BAD_REQUEST,
            json!({ "status": 400, "message": "Malformed request body" }),
        );
    }
    let key = customer_id.to_ascii_lowercase();
    let mut store = app.store();
    let Some(customer) = store.fin_customers.get(&key) else {
        return message(StatusCode::NOT_FOUND, "Customer not found");
    };
    if customer.owner != app.creds.fin.client_id {
        return forbidden();
    }
    // PROCESSING is exactly the time the previous attach is still being worked on.
    if customer.status == "PROCESSING" {
        return coded(
            StatusCode::CONFLICT,
            "conflict",
            "An attach request is already in progress for this customer",
        );
    }
    if customer.customer_type != "INDIVIDUAL"
        || customer.api_version != "v2"
        || !matches!(customer.status.as_str(), "INCOMPLETE" | "ACTION_REQUIRED")
    {
        return forbidden();
    }
    let (errors, uris) = check_attach(&body, customer, app.cfg.fin_selfie_required);
    if !errors.is_empty() {
        return unprocessable(errors);
    }
    let mut unknown = FieldErrors::new();
    for uri in &uris {
        match store.fin_files.get(uri) {
            None => unknown.push(("files".into(), format!("{uri} was not uploaded"))),
            Some(f) if f.customer_id != key => {
                return coded(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    "A file URI does not belong to this customer",
                )
            }
            Some(_) => {}
        }
    }
    if !unknown.is_empty() {
        return unprocessable(unknown);
    }
    let now = Utc::now();
    let delay = chrono_ttl(app.cfg.compliance_delay);
    let Some(customer) = store.fin_customers.get_mut(&key) else {
        return message(StatusCode::NOT_FOUND, "Customer not found");
    };
    customer.attach_count += 1;
    customer.attached = body;
    customer.status = "PROCESSING".into();
    customer.updated_at = now;
    customer.last_status_updated_at = now;
    customer.pending = vec![
        (now + delay / 2, "REVIEWING".into()),
        (now + delay, final_status(customer).into()),
    ];
    util::json(
        StatusCode::OK,
        json!({ "data": { "customer_id": customer.customer_id }, "meta": null }),
    )
}

/// Sandbox triggers: last name "Reject" fails the first review (ACTION_REQUIRED) and passes
/// a re-attach; last name "Denied" is refused for good; an attach without a primary
/// identity document always comes back ACTION_REQUIRED.
fn final_status(customer: &FinCustomer) -> &'static str {
    let last = util::fold_name(
        customer.request["basic_info"]["last_name_en"]
            .as_str()
            .or(customer.request["basic_info"]["last_name"].as_str())
            .unwrap_or(""),
    );
    if last == "denied" {
        "REJECTED"
    } else if primary_document(&customer.attached).is_none()
        || (last == "reject" && customer.attach_count == 1)
    {
        "ACTION_REQUIRED"
    } else {
        "APPROVED"
    }
}

fn primary_document(attached: &Value) -> Option<&Value> {
    attached["identifying_documents"]
        .as_array()?
        .iter()
        .find(|d| d["type"] != "SELFIE")
}

fn rejection(customer: &FinCustomer, final_status: &str) -> (Value, Vec<Value>) {
    let Some(doc) = primary_document(&customer.attached) else {
        return (
            json!({
                "applicant": {
                    "moderation_comment": "An identity document is required.",
                    "reject_labels": ["DOCUMENT_MISSING"],
                },
                "documents": [],
            }),
            vec![json!({
                "scope": "CUSTOMER",
                "section": "identifying_documents",
                "categories": [{ "document_type": "PASSPORT", "fields": [
                    { "field_name": "files", "data_type": "URI", "status": "MISSING",
                      "reason": "No identity document was provided.", "options": [] }
                ]}],
            })],
        );
    };
    let uri = doc["files"][0]["uri"].clone();
    let kind = doc["type"].clone();
    let reason = if final_status == "REJECTED" {
        json!({
            "applicant": { "moderation_comment": "The applicant cannot be onboarded.", "reject_labels": ["PROBLEMATIC_APPLICANT_DATA"] },
            "documents": [],
        })
    } else {
        json!({
            "applicant": { "moderation_comment": "", "reject_labels": ["LOW_QUALITY"] },
            "documents": [{
                "uri": uri,
                "category": "PROOF_OF_IDENTITY",
                "moderation_comment": "This document is not accepted.\n - The document should be of good quality.",
                "reject_labels": ["LOW_QUALITY"],
            }],
        })
    };
    let rfi = if final_status == "REJECTED" {
        Vec::new()
    } else {
        vec![json!({
            "scope": "CUSTOMER",
            "section": "identifying_documents",
            "categories": [{ "document_type": kind, "fields": [
                { "field_name": "files", "data_type": "URI", "status": "INVALID",
                  "reason": "Unacceptable document.", "options": [] }
            ]}],
        })]
    };
    (reason, rfi)
}

pub(crate) fn settle(store: &mut Store, now: DateTime<Utc>) -> bool {
    let mut changed = false;
    for customer in store.fin_customers.values_mut() {
        while customer.pending.first().is_some_and(|(at, _)| *at <= now) {
            let (at, status) = customer.pending.remove(0);
            customer.status = status;
            customer.updated_at = at;
            customer.last_status_updated_at = at;
            changed = true;
            match customer.status.as_str() {
                "ACTION_REQUIRED" | "REJECTED" => {
                    let (reason, rfi) = rejection(customer, &customer.status);
                    customer.rejection_reason = reason;
                    customer.request_for_information = rfi;
                }
                _ => {
                    customer.rejection_reason = Value::Null;
                    customer.request_for_information = Vec::new();
                }
            }
        }
    }
    changed
}

async fn get_customer(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(customer_id): Path<String>,
) -> Response {
    if let Err(r) = authorize(&app, &headers) {
        return r;
    }
    let store = app.store();
    let Some(c) = store.fin_customers.get(&customer_id.to_ascii_lowercase()) else {
        return message(StatusCode::NOT_FOUND, "Customer not found");
    };
    let b = &c.request["basic_info"];
    util::json(
        StatusCode::OK,
        json!({ "data": {
            "customer_id": c.customer_id,
            "type": c.customer_type,
            "first_name": b["first_name"],
            "last_name": b["last_name"],
            "email": b["email"],
            "phone": b["phone"],
            "country_of_residence": b["country_of_residence"],
            "verification_type": c.request["verification_type"],
            "customer_status": c.status,
            "tos_policies_url": tos_url(&app, &c.customer_id, &c.tos_policies_value),
            "created_at": util::fin_time(c.created_at),
            "updated_at": util::fin_time(c.updated_at),
            "last_status_updated_at": util::fin_time(c.last_status_updated_at),
            "rejection_reason": c.rejection_reason,
            "request_for_information": c.request_for_information,
        }}),
    )
}
