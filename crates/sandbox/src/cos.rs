//! Cross River COS: client-credentials token and Customer Management (core module).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::Router;
use chrono::{DateTime, Utc};
use rand::Rng;
use serde_json::{json, Map, Value};

use crate::state::{App, CosCustomer, Store};
use crate::util::{self, is_guid, is_upper_alpha, parse_date, present, str_field};

const AUDIENCE: &str = "https://api.crbcos.com/";

// Error codes. Ranges follow the COS convention: 1xxx validation, 2xxx rule violation,
// 3xxx security, 9999 system.
const REQUIRED: u32 = 1000;
const FORMAT: u32 = 1001;
const ENUM: u32 = 1002;
const TOO_LONG: u32 = 1003;
const TYPE: u32 = 1004;
const MALFORMED: u32 = 1005;
const NOT_FOUND: u32 = 2000;
const NOT_PERSONAL_OWNER: u32 = 2001;
const NOT_PERSONAL_BENEFICIAL_OWNER: u32 = 2002;
const NOT_BUSINESS: u32 = 2003;
const OWNERSHIP_OVER_100: u32 = 2004;
const IDENTIFICATION_NOT_FOUND: u32 = 2005;
const UNAUTHORIZED: u32 = 3000;
const WRONG_PARTNER: u32 = 3001;

type Errors = Vec<(u32, String)>;

pub(crate) fn routes() -> Router<Arc<App>> {
    let cm = Router::new()
        .route("/customers", post(create_customer))
        .route("/customers/{id}", get(get_customer))
        .route("/customers/{id}/addresses", post(add_address))
        .route("/customers/{id}/phones", post(add_phone))
        .route("/customers/{id}/emails", post(add_email))
        .route("/customers/{id}/identifications", post(add_identification))
        .route(
            "/customers/{id}/identifications/{identification_id}",
            post(update_identification),
        )
        .route(
            "/customers/{id}/beneficial-owners",
            post(add_beneficial_owner),
        )
        .route("/customers/{id}/profile", put(update_profile));
    Router::new()
        .route("/connect/token", post(token))
        // The published samples use both spellings of the first path segment.
        .nest("/core/v1/cm", cm.clone())
        .nest("/Core/v1/cm", cm)
}

fn errors(status: StatusCode, list: Errors) -> Response {
    let list: Vec<Value> = list
        .into_iter()
        .map(|(code, message)| json!({ "Code": code, "Message": message }))
        .collect();
    util::json(status, json!({ "Errors": list }))
}

fn one_error(status: StatusCode, code: u32, message: impl Into<String>) -> Response {
    errors(status, vec![(code, message.into())])
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    util::json(
        status,
        json!({ "error": error, "error_description": description }),
    )
}

async fn token(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let Ok(form) = serde_urlencoded::from_bytes::<HashMap<String, String>>(&body) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "body must be application/x-www-form-urlencoded",
        );
    };
    let field = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    if field("grant_type") != "client_credentials" {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "grant_type must be client_credentials",
        );
    }
    let creds = &app.creds.cos;
    if field("client_id") != creds.client_id || field("client_secret") != creds.client_secret {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "unknown client or wrong secret",
        );
    }
    if field("audience") != AUDIENCE {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "audience must be https://api.crbcos.com/",
        );
    }
    let token = util::new_token();
    let ttl = app.cfg.token_ttl;
    let expires = Utc::now() + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::zero());
    app.store().cos_tokens.insert(token.clone(), expires);
    util::json(
        StatusCode::OK,
        json!({ "access_token": token, "expires_in": ttl.as_secs(), "token_type": "Bearer" }),
    )
}

fn authorize(app: &App, headers: &HeaderMap) -> Result<(), Response> {
    let ok = util::bearer(headers)
        .and_then(|t| app.store().cos_tokens.get(t).copied())
        .is_some_and(|expires| expires > Utc::now());
    if ok {
        Ok(())
    } else {
        Err(one_error(
            StatusCode::UNAUTHORIZED,
            UNAUTHORIZED,
            "Missing, invalid or expired access token",
        ))
    }
}

fn parse_body(body: &Bytes) -> Result<Map<String, Value>, Response> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(one_error(
            StatusCode::BAD_REQUEST,
            MALFORMED,
            "Request body must be a JSON object",
        )),
    }
}

/// Field checks that collect every problem instead of stopping at the first.
struct Check<'a> {
    obj: &'a Value,
    prefix: &'static str,
    errors: Errors,
}

impl<'a> Check<'a> {
    fn new(obj: &'a Value, prefix: &'static str) -> Self {
        Check {
            obj,
            prefix,
            errors: Vec::new(),
        }
    }

    fn name(&self, field: &str) -> String {
        format!("{}{field}", self.prefix)
    }

    fn required(&mut self, field: &str) -> bool {
        if present(self.obj, field) {
            true
        } else {
            self.errors
                .push((REQUIRED, format!("{} required", self.name(field))));
            false
        }
    }

    fn string(&mut self, field: &str, required: bool, max: usize) -> Option<&'a str> {
        if required && !self.required(field) {
            return None;
        }
        match self.obj.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => {
                if s.chars().count() > max {
                    self.errors.push((
                        TOO_LONG,
                        format!("{} must be at most {max} characters", self.name(field)),
                    ));
                }
                Some(s.as_str())
            }
            Some(_) => {
                self.errors
                    .push((TYPE, format!("{} must be a string", self.name(field))));
                None
            }
        }
    }

    fn boolean(&mut self, field: &str, required: bool) {
        match self.obj.get(field) {
            None | Some(Value::Null) if required => {
                self.errors
                    .push((REQUIRED, format!("{} required", self.name(field))));
            }
            None | Some(Value::Null) | Some(Value::Bool(_)) => {}
            Some(_) => self
                .errors
                .push((TYPE, format!("{} must be true or false", self.name(field)))),
        }
    }

    fn one_of(&mut self, field: &str, required: bool, allowed: &[&str]) -> Option<&'a str> {
        let value = self.string(field, required, 100)?;
        if allowed.contains(&value) {
            Some(value)
        } else {
            self.errors.push((
                ENUM,
                format!("{} must be one of {}", self.name(field), allowed.join(", ")),
            ));
            None
        }
    }

    fn date(&mut self, field: &str, required: bool) -> Option<chrono::NaiveDate> {
        let value = self.string(field, required, 10_000)?;
        let date = parse_date(value);
        if date.is_none() {
            self.errors.push((
                FORMAT,
                format!("{} must be a date written YYYY-MM-DD", self.name(field)),
            ));
        }
        date
    }

    fn guid(&mut self, field: &str, required: bool) -> Option<&'a str> {
        let value = self.string(field, required, 10_000)?;
        if is_guid(value) {
            Some(value)
        } else {
            self.errors
                .push((FORMAT, format!("{} must be a GUID", self.name(field))));
            None
        }
    }

    fn country2(&mut self, field: &str, required: bool) {
        if let Some(value) = self.string(field, required, 10_000) {
            if !is_upper_alpha(value, 2) {
                self.errors.push((
                    FORMAT,
                    format!("{} must be a 2-letter country code", self.name(field)),
                ));
            }
        }
    }

    fn number(&mut self, field: &str, required: bool, min: f64, max: f64) -> Option<f64> {
        match self.obj.get(field) {
            None | Some(Value::Null) => {
                if required {
                    self.errors
                        .push((REQUIRED, format!("{} required", self.name(field))));
                }
                None
            }
            Some(Value::Number(n)) => {
                let x = n.as_f64().unwrap_or(f64::NAN);
                if !(min..=max).contains(&x) {
                    self.errors.push((
                        FORMAT,
                        format!("{} must be between {min} and {max}", self.name(field)),
                    ));
                    return None;
                }
                Some(x)
            }
            Some(_) => {
                self.errors
                    .push((TYPE, format!("{} must be a number", self.name(field))));
                None
            }
        }
    }

    fn object(&mut self, field: &str, required: bool) -> Option<&'a Value> {
        match self.obj.get(field) {
            None | Some(Value::Null) => {
                if required {
                    self.errors
                        .push((REQUIRED, format!("{} required", self.name(field))));
                }
                None
            }
            Some(v @ Value::Object(_)) => Some(v),
            Some(_) => {
                self.errors
                    .push((TYPE, format!("{} must be an object", self.name(field))));
                None
            }
        }
    }

    fn digits(&mut self, field: &str, required: bool, len: usize) -> Option<&'a str> {
        let value = self.string(field, required, 10_000)?;
        if value.len() == len && value.bytes().all(|b| b.is_ascii_digit()) {
            Some(value)
        } else {
            self.errors.push((
                FORMAT,
                format!("{} must be exactly {len} digits", self.name(field)),
            ));
            None
        }
    }
}

const TAX_ID_TYPES: &[&str] = &["Ssn", "Ein", "Itin", "Foreign", "Other"];
const RISK_RATINGS: &[&str] = &["Low", "Medium", "High"];
const ID_TYPES: &[&str] = &[
    "DriversLicense",
    "Passport",
    "IdCard",
    "SocialSecurity",
    "Other",
];

/// Profile checks; for a Business the primary owner must already be a Personal customer.
fn check_profile(profile: &Value, classification: &str, store: &Store) -> Errors {
    let mut c = Check::new(profile, "profile.");
    c.one_of("riskRating", true, RISK_RATINGS);
    c.boolean("politicallyExposedPerson", true);
    c.boolean("enableBackupWithholding", false);
    c.boolean("privacyOptOut", false);
    c.number("backupWithholdingPercent", false, 0.0, 100.0);
    c.country2("citizenshipCountryCode", false);
    let tax_type = if classification == "Business" {
        c.one_of("taxIdType", true, &["Ein"])
    } else {
        c.boolean("regO", true);
        c.one_of("taxIdType", true, TAX_ID_TYPES)
    };
    match tax_type {
        Some("Ssn" | "Ein" | "Itin") => {
            c.digits("taxId", true, 9);
        }
        _ => {
            c.string("taxId", true, 50);
        }
    }
    let mut rule = Vec::new();
    if classification == "Business" {
        c.date("dateFormed", true);
        c.string("entityType", true, 100);
        c.string("ownershipType", true, 100);
        if let Some(owner) = c.guid("primaryOwnerCustomerId", true) {
            if !is_personal(store, owner) {
                rule.push((
                    NOT_PERSONAL_OWNER,
                    "primaryOwnerCustomerId must be an existing Personal customer: onboard the owner first"
                        .to_string(),
                ));
            }
        }
    } else if let Some(born) = c.date("birthDate", false) {
        if born > Utc::now().date_naive() {
            c.errors
                .push((FORMAT, "profile.birthDate must not be in the future".into()));
        }
    }
    let mut all = c.errors;
    all.extend(rule);
    all
}

fn is_personal(store: &Store, id: &str) -> bool {
    store
        .cos_customers
        .get(&id.to_ascii_lowercase())
        .is_some_and(|c| c.record["classification"] == "Personal")
}

fn check_address(v: &Value, prefix: &'static str) -> Errors {
    let mut c = Check::new(v, prefix);
    c.string("addressType", true, 50);
    c.one_of("classification", false, &["Residential", "Business"]);
    c.boolean("isPrimary", false);
    c.string("street1", true, 100);
    c.string("street2", false, 100);
    c.string("city", true, 50);
    let country = c.string("countryCode", true, 10);
    c.country2("countryCode", false);
    let us = country == Some("US");
    c.string("state", us, 50);
    if let Some(postal) = c.string("postalCode", true, 20) {
        let ok = |p: &str| p.len() == 5 && p.bytes().all(|b| b.is_ascii_digit());
        let zip = match postal.split_once('-') {
            Some((a, b)) => ok(a) && b.len() == 4 && b.bytes().all(|x| x.is_ascii_digit()),
            None => ok(postal),
        };
        if us && !zip {
            c.errors.push((
                FORMAT,
                format!("{prefix}postalCode must be a US ZIP code (12345 or 12345-6789)"),
            ));
        }
    }
    c.errors
}

fn check_phone(v: &Value, prefix: &'static str) -> Errors {
    let mut c = Check::new(v, prefix);
    c.boolean("isPrimary", false);
    c.one_of("phoneType", true, &["Mobile", "Work", "Home"]);
    c.digits("phoneNumber", true, 10);
    if let Some(ext) = c.string("extension", false, 10) {
        if !ext.bytes().all(|b| b.is_ascii_digit()) {
            c.errors
                .push((FORMAT, format!("{prefix}extension must be digits")));
        }
    }
    c.errors
}

fn check_email(v: &Value, prefix: &'static str) -> Errors {
    let mut c = Check::new(v, prefix);
    c.boolean("isPrimary", false);
    c.string("emailType", false, 50);
    if let Some(email) = c.string("emailAddress", true, 254) {
        if !util::is_email(email) {
            c.errors.push((
                FORMAT,
                format!("{prefix}emailAddress is not a valid email address"),
            ));
        }
    }
    c.errors
}

fn check_identification(v: &Value) -> Errors {
    let mut c = Check::new(v, "");
    c.boolean("isPrimary", true);
    c.string("idNumber", true, 50);
    c.one_of("idType", true, ID_TYPES);
    c.date("issuedDate", false);
    c.date("expDate", false);
    c.date("verifiedDate", false);
    c.string("issuingAuthority", true, 100);
    c.string("issuingStateOrProvince", false, 50);
    c.country2("issuingCountryCode", true);
    c.errors
}

fn full_name(name: &Value) -> String {
    if let Some(entity) = str_field(name, "entityName") {
        return entity.trim().to_string();
    }
    ["firstName", "middleName", "lastName"]
        .iter()
        .filter_map(|k| str_field(name, k))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn emit(store: &mut Store, partner_id: &str, event: &str, customer_id: &str) {
    store.cos_events.push(json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "eventName": event,
        "status": "Pending",
        "partnerId": partner_id,
        "createdAt": util::cos_time(Utc::now()),
        "resources": [format!("core/v1/cm/customers/{customer_id}")],
        "details": [],
    }));
}

/// Scan results for the documented sandbox test names; everyone else comes back Clear.
fn scan(record: &Value) -> (&'static str, &'static str, &'static str) {
    let name = util::fold_name(&full_name(&record["name"]));
    let born = record["profile"]["birthDate"].as_str().unwrap_or("");
    let ofac = if name == "francisco javier arellano felix" && born == "1969-12-11" {
        "Positive"
    } else {
        "Clear"
    };
    let pep = if name == "vladimir putin" {
        "Positive"
    } else {
        "Clear"
    };
    (ofac, pep, "Clear")
}

pub(crate) fn settle(store: &mut Store, now: DateTime<Utc>) -> bool {
    let due: Vec<String> = store
        .cos_customers
        .iter()
        .filter(|(_, c)| !c.scanned && c.scan_due <= now)
        .map(|(id, _)| id.clone())
        .collect();
    for id in &due {
        let Some(customer) = store.cos_customers.get_mut(id) else {
            continue;
        };
        let (ofac, pep, internal) = scan(&customer.record);
        customer.scanned = true;
        let record = &mut customer.record;
        record["ofac"] = json!(ofac);
        record["pepScan"] = json!(pep);
        record["internalList"] = json!(internal);
        record["lastModifiedAt"] = json!(util::cos_time(now));
        let partner = record["partnerId"].as_str().unwrap_or("").to_string();
        let shown_id = record["id"].as_str().unwrap_or(id).to_string();
        emit(store, &partner, "Core.Customer.Ofac.Changed", &shown_id);
        emit(store, &partner, "Core.Customer.PepScan.Changed", &shown_id);
    }
    !due.is_empty()
}

fn now_str() -> String {
    util::cos_time(Utc::now())
}

async fn create_customer(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = authorize(&app, &headers) {
        return r;
    }
    let body = match parse_body(&body) {
        Ok(b) => Value::Object(b),
        Err(r) => return r,
    };
    let mut c = Check::new(&body, "");
    let partner = c.guid("partnerId", true).map(str::to_string);
    let classification = c
        .one_of("classification", true, &["Personal", "Business"])
        .unwrap_or("Personal")
        .to_string();
    c.string("clientIdentifier", false, 50);
    if let Some(email) = c.string("primaryEmail", false, 254) {
        if !util::is_email(email) {
            c.errors
                .push((FORMAT, "primaryEmail is not a valid email address".into()));
        }
    }
    c.object("dueDiligence", false);
    c.object("businessDueDiligence", false);
    let name = c.object("name", true).cloned();
    let profile = c.object("profile", true).cloned();
    let primary_address = c.object("primaryAddress", false).cloned();
    let primary_phone = c.object("primaryPhone", false).cloned();
    let mut errs = c.errors;
    if let Some(name) = &name {
        let mut n = Check::new(name, "name.");
        if classification == "Business" {
            n.string("entityName", true, 100);
        } else {
            if !present(name, "firstName") {
                n.errors.push((REQUIRED, "First name required".into()));
            } else {
                n.string("firstName", false, 50);
            }
            if !present(name, "lastName") {
                n.errors.push((REQUIRED, "Last name required".into()));
            } else {
                n.string("lastName", false, 50);
            }
            for k in ["prefix", "middleName", "suffix", "preferredName"] {
                n.string(k, false, 50);
            }
        }
        errs.extend(n.errors);
    }
    if let Some(a) = &primary_address {
        errs.extend(check_address(a, "primaryAddress."));
    }
    if let Some(p) = &primary_phone {
        errs.extend(check_phone(p, "primaryPhone."));
    }
    let mut store = app.store();
    let profile_errors = profile
        .as_ref()
        .map(|p| check_profile(p, &classification, &store))
        .unwrap_or_default();
    let (validation, rules): (Errors, Errors) = profile_errors
        .into_iter()
        .partition(|(code, _)| *code < 2000);
    errs.extend(validation);
    if !errs.is_empty() {
        return errors(StatusCode::BAD_REQUEST, errs);
    }
    let partner = partner.unwrap_or_default();
    if !partner.eq_ignore_ascii_case(&app.creds.cos.partner_id) {
        return one_error(
            StatusCode::FORBIDDEN,
            WRONG_PARTNER,
            "partnerId does not belong to the authenticated partner",
        );
    }
    if !rules.is_empty() {
        return errors(StatusCode::BAD_REQUEST, rules);
    }
    let (Some(mut name), Some(profile)) = (name, profile) else {
        return one_error(
            StatusCode::BAD_REQUEST,
            REQUIRED,
            "name and profile required",
        );
    };
    name["fullName"] = json!(full_name(&name));

    let tax_id = profile["taxId"].as_str().unwrap_or("").to_string();
    let client_identifier = str_field(&body, "clientIdentifier").map(str::to_string);
    let duplicate = store.cos_customers.values().any(|other| {
        (!tax_id.is_empty() && other.record["profile"]["taxId"] == json!(tax_id))
            || client_identifier
                .as_ref()
                .is_some_and(|ci| other.record["clientIdentifier"] == json!(ci))
    });

    let id = uuid::Uuid::new_v4().to_string();
    store.cif_counter += 1;
    let cif = format!(
        "{}{:08}",
        app.rng().gen_range(1000..10000u32),
        store.cif_counter
    );
    let now = now_str();
    let mut record = json!({
        "id": id,
        "cifNumber": cif,
        "classification": classification,
        "status": "Active",
        "ofac": "Pending",
        "pepScan": "Pending",
        "internalList": "Pending",
        "name": name,
        "profile": profile,
        "createdAt": now,
        "lastModifiedAt": now,
        "partnerId": app.creds.cos.partner_id,
    });
    for key in [
        "clientIdentifier",
        "dueDiligence",
        "businessDueDiligence",
        "primaryEmail",
        "primaryIdentification",
    ] {
        if let Some(v) = body.get(key).filter(|v| !v.is_null()) {
            record[key] = v.clone();
        }
    }
    let mut customer = CosCustomer {
        record,
        scan_due: Utc::now()
            + chrono::Duration::from_std(app.cfg.compliance_delay)
                .unwrap_or(chrono::Duration::zero()),
        scanned: false,
        addresses: Vec::new(),
        phones: Vec::new(),
        emails: Vec::new(),
        identifications: Vec::new(),
        beneficial_owners: Vec::new(),
    };
    let partner_id = app.creds.cos.partner_id.clone();
    let mut events = vec!["Core.Customer.Onboarded"];
    if let Some(a) = primary_address {
        let item = sub_record(&a, &id, &partner_id);
        customer.record["primaryAddress"] = item.clone();
        customer.addresses.push(item);
        events.push("Core.Customer.Address.Added");
    }
    if let Some(p) = primary_phone {
        let item = sub_record(&p, &id, &partner_id);
        customer.record["primaryPhone"] = item.clone();
        customer.phones.push(item);
        events.push("Core.Customer.Phone.Added");
    }
    let answer = customer.record.clone();
    store.cos_customers.insert(id.clone(), customer);
    store.stats.customer_created("cos", duplicate);
    for event in events {
        emit(&mut store, &partner_id, event, &id);
    }
    util::json(StatusCode::CREATED, answer)
}

fn sub_record(v: &Value, customer_id: &str, partner_id: &str) -> Value {
    let mut item = v.clone();
    let now = now_str();
    item["id"] = json!(uuid::Uuid::new_v4().to_string());
    item["customerId"] = json!(customer_id);
    item["status"] = json!("Active");
    item["createdAt"] = json!(now);
    item["lastModifiedAt"] = json!(now);
    item["partnerId"] = json!(partner_id);
    item
}

/// Looks up the customer in the path, answering 400/404 in COS form when it cannot.
fn customer_key(store: &Store, id: &str) -> Result<String, Response> {
    if !is_guid(id) {
        return Err(one_error(
            StatusCode::BAD_REQUEST,
            FORMAT,
            "customerId must be a GUID",
        ));
    }
    let key = id.to_ascii_lowercase();
    if store.cos_customers.contains_key(&key) {
        Ok(key)
    } else {
        Err(one_error(
            StatusCode::NOT_FOUND,
            NOT_FOUND,
            format!("Customer {id} not found"),
        ))
    }
}

async fn get_customer(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = authorize(&app, &headers) {
        return r;
    }
    let store = app.store();
    match customer_key(&store, &id) {
        Ok(key) => util::json(StatusCode::OK, store.cos_customers[&key].record.clone()),
        Err(r) => r,
    }
}

#[derive(Clone, Copy)]
enum Sub {
    Address,
    Phone,
    Email,
    Identification,
}

async fn add_address(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    add_sub(&app, &headers, &id, &body, Sub::Address)
}

async fn add_phone(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    add_sub(&app, &headers, &id, &body, Sub::Phone)
}

async fn add_email(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    add_sub(&app, &headers, &id, &body, Sub::Email)
}

async fn add_identification(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    add_sub(&app, &headers, &id, &body, Sub::Identification)
}

fn add_sub(app: &App, headers: &HeaderMap, id: &str, body: &Bytes, kind: Sub) -> Response {
    if let Err(r) = authorize(app, headers) {
        return r;
    }
    let mut store = app.store();
    let key = match customer_key(&store, id) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let body = match parse_body(body) {
        Ok(b) => Value::Object(b),
        Err(r) => return r,
    };
    let errs = match kind {
        Sub::Address => check_address(&body, ""),
        Sub::Phone => check_phone(&body, ""),
        Sub::Email => check_email(&body, ""),
        Sub::Identification => check_identification(&body),
    };
    if !errs.is_empty() {
        return errors(StatusCode::BAD_REQUEST, errs);
    }
    let partner_id = app.creds.cos.partner_id.clone();
    let shown_id = store.cos_customers[&key].record["id"]
        .as_str()
        .unwrap_or(id)
        .to_string();
    let item = sub_record(&body, &shown_id, &partner_id);
    let Some(customer) = store.cos_customers.get_mut(&key) else {
        return one_error(StatusCode::NOT_FOUND, NOT_FOUND, "Customer not found");
    };
    let (list, primary_field, event) = match kind {
        Sub::Address => (
            &mut customer.addresses,
            "primaryAddress",
            "Core.Customer.Address.Added",
        ),
        Sub::Phone => (
            &mut customer.phones,
            "primaryPhone",
            "Core.Customer.Phone.Added",
        ),
        Sub::Email => (
            &mut customer.emails,
            "primaryEmail",
            "Core.Customer.Email.Added",
        ),
        Sub::Identification => (
            &mut customer.identifications,
            "primaryIdentification",
            "Core.Customer.Identification.Added",
        ),
    };
    // The first record of a kind is the primary one, as the onboarding tutorial says.
    let primary = list.is_empty() || body["isPrimary"] == json!(true);
    list.push(item.clone());
    if primary {
        customer.record[primary_field] = item.clone();
    }
    customer.record["lastModifiedAt"] = json!(now_str());
    emit(&mut store, &partner_id, event, &shown_id);
    util::json(StatusCode::CREATED, item)
}

async fn update_identification(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((id, identification_id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    if let Err(r) = authorize(&app, &headers) {
        return r;
    }
    let mut store = app.store();
    let key = match customer_key(&store, &id) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let body = match parse_body(&body) {
        Ok(b) => Value::Object(b),
        Err(r) => return r,
    };
    let errs = check_identification(&body);
    if !errs.is_empty() {
        return errors(StatusCode::BAD_REQUEST, errs);
    }
    let partner_id = app.creds.cos.partner_id.clone();
    let Some(customer) = store.cos_customers.get_mut(&key) else {
        return one_error(StatusCode::NOT_FOUND, NOT_FOUND, "Customer not found");
    };
    let Some(existing) = customer.identifications.iter_mut().find(|i| {
        i["id"]
            .as_str()
            .is_some_and(|x| x.eq_ignore_ascii_case(&identification_id))
    }) else {
        return one_error(
            StatusCode::NOT_FOUND,
            IDENTIFICATION_NOT_FOUND,
            format!("Identification {identification_id} not found"),
        );
    };
    let keep = ["id", "customerId", "status", "createdAt", "partnerId"];
    let mut updated = body.clone();
    for k in keep {
        updated[k] = existing[k].clone();
    }
    updated["lastModifiedAt"] = json!(now_str());
    *existing = updated.clone();
    if customer.record["primaryIdentification"]["id"] == updated["id"]
        || body["isPrimary"] == json!(true)
    {
        customer.record["primaryIdentification"] = updated.clone();
    }
    let shown_id = customer.record["id"].as_str().unwrap_or(&id).to_string();
    emit(
        &mut store,
        &partner_id,
        "Core.Customer.Identification.Changed",
        &shown_id,
    );
    util::json(StatusCode::OK, updated)
}

async fn add_beneficial_owner(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(r) = authorize(&app, &headers) {
        return r;
    }
    let mut store = app.store();
    let key = match customer_key(&store, &id) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let body = match parse_body(&body) {
        Ok(b) => Value::Object(b),
        Err(r) => return r,
    };
    let mut c = Check::new(&body, "");
    let owner = c.guid("ownerCustomerId", true).map(str::to_string);
    c.string("ownerTitle", true, 100);
    let share = c.number("ownershipPercentage", true, 0.0, 100.0);
    if share == Some(0.0) {
        c.errors
            .push((FORMAT, "ownershipPercentage must be above 0".into()));
    }
    if !c.errors.is_empty() {
        return errors(StatusCode::BAD_REQUEST, c.errors);
    }
    let customer = &store.cos_customers[&key];
    if customer.record["classification"] != "Business" {
        return one_error(
            StatusCode::BAD_REQUEST,
            NOT_BUSINESS,
            "Beneficial owners can only be added to a Business customer",
        );
    }
    let owner = owner.unwrap_or_default();
    if !is_personal(&store, &owner) {
        return one_error(
            StatusCode::BAD_REQUEST,
            NOT_PERSONAL_BENEFICIAL_OWNER,
            "ownerCustomerId must be an existing Personal customer",
        );
    }
    let total: f64 = customer
        .beneficial_owners
        .iter()
        .filter_map(|o| o["ownershipPercentage"].as_f64())
        .sum::<f64>()
        + share.unwrap_or(0.0);
    if total > 100.0 {
        return one_error(
            StatusCode::BAD_REQUEST,
            OWNERSHIP_OVER_100,
            "Total ownershipPercentage of beneficial owners would exceed 100",
        );
    }
    let partner_id = app.creds.cos.partner_id.clone();
    let shown_id = customer.record["id"].as_str().unwrap_or(&id).to_string();
    let item = sub_record(&body, &shown_id, &partner_id);
    if let Some(customer) = store.cos_customers.get_mut(&key) {
        customer.beneficial_owners.push(item.clone());
        customer.record["lastModifiedAt"] = json!(now_str());
    }
    util::json(StatusCode::CREATED, item)
}

async fn update_profile(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(r) = authorize(&app, &headers) {
        return r;
    }
    let mut store = app.store();
    let key = match customer_key(&store, &id) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let body = match parse_body(&body) {
        Ok(b) => Value::Object(b),
        Err(r) => return r,
    };
    // Accept the profile itself or wrapped as {"profile": {...}}.
    let profile = match body.get("profile") {
        Some(p @ Value::Object(_)) => p.clone(),
        _ => body,
    };
    let classification = store.cos_customers[&key].record["classification"]
        .as_str()
        .unwrap_or("Personal")
        .to_string();
    let errs = check_profile(&profile, &classification, &store);
    if !errs.is_empty() {
        return errors(StatusCode::BAD_REQUEST, errs);
    }
    let partner_id = app.creds.cos.partner_id.clone();
    let Some(customer) = store.cos_customers.get_mut(&key) else {
        return one_error(StatusCode::NOT_FOUND, NOT_FOUND, "Customer not found");
    };
    customer.record["profile"] = profile;
    customer.record["lastModifiedAt"] = json!(now_str());
    let answer = customer.record.clone();
    let shown_id = answer["id"].as_str().unwrap_or(&id).to_string();
    emit(
        &mut store,
        &partner_id,
        "Core.Customer.Profile.Changed",
        &shown_id,
    );
    util::json(StatusCode::OK, answer)
}
