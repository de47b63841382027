//! The commands of who is at the desk: the sign-in screen, the idle lock, Settings → People
//! and the desk settings only an admin changes. Thin: the rules are the engine's.

use branchdesk_engine::people::{self, Person};
use branchdesk_engine::store::{Role, StaffProfile};
use branchdesk_engine::Environment;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::state::AppState;
use crate::UiError;

type Answer<T> = Result<T, UiError>;

/// A profile as the sign-in screen and Settings → People show it: never its PIN's hash.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PersonView {
    pub name: String,
    #[ts(type = "\"staff\" | \"reviewer\" | \"admin\"")]
    pub role: Role,
    pub has_pin: bool,
    pub disabled: bool,
    /// RFC 3339, UTC, while locked after wrong PINs.
    pub locked_until: Option<String>,
}

impl From<StaffProfile> for PersonView {
    fn from(p: StaffProfile) -> Self {
        PersonView {
            name: p.name,
            role: p.role,
            has_pin: p.has_pin,
            disabled: p.disabled,
            locked_until: p
                .locked_until
                .filter(|until| *until > chrono::Utc::now())
                .map(|until| until.to_rfc3339()),
        }
    }
}

/// What the sign-in screen and the top bar need.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    /// Who is signed in; `None` shows the sign-in screen.
    pub person: Option<Person>,
    /// The names to pick from, Training's Trainee first in Training.
    pub people: Vec<PersonView>,
    /// No profile exists yet: outside Training, the first start creates the first admin.
    pub first_admin_needed: bool,
    pub training: bool,
    pub idle_minutes: u32,
    /// Seconds without keys or pointer before the window locks (the idle minutes).
    pub idle_seconds: u32,
}

fn session(state: &AppState) -> Answer<SessionView> {
    let desk = state.desk();
    let training = desk.environment() == Environment::Training;
    let mut people: Vec<PersonView> = people::list(desk.vault())?
        .into_iter()
        .map(PersonView::from)
        .collect();
    if training {
        people.insert(
            0,
            PersonView {
                name: people::TRAINEE.to_owned(),
                role: Role::Admin,
                has_pin: false,
                disabled: false,
                locked_until: None,
            },
        );
    }
    Ok(SessionView {
        person: state.person(),
        first_admin_needed: !people::required(desk.vault())?,
        people,
        training,
        idle_minutes: people::idle_minutes(desk.vault())?,
        idle_seconds: state.idle_seconds(),
    })
}

#[tauri::command(async)]
pub fn session_get(state: State<'_, AppState>) -> Answer<SessionView> {
    session(&state)
}

/// Signs a person in with their PIN (Training's Trainee with none); audited either way.
#[tauri::command(async)]
pub fn session_sign_in(
    state: State<'_, AppState>,
    name: String,
    pin: String,
) -> Answer<SessionView> {
    let person = state.desk().sign_in(&name, &pin)?;
    state.sign_in(person);
    session(&state)
}

/// The idle lock and "Switch person": nobody is signed in until someone signs in again.
#[tauri::command(async)]
pub fn session_sign_out(state: State<'_, AppState>) -> Answer<SessionView> {
    state.sign_out();
    session(&state)
}

/// The page saw keys or the pointer: the person is still at the desk.
#[tauri::command(async)]
pub fn session_touch(state: State<'_, AppState>) {
    state.touch();
}

/// The first start: the first person, an admin, who then adds the others.
#[tauri::command(async)]
pub fn session_first_admin(
    state: State<'_, AppState>,
    name: String,
    pin: String,
) -> Answer<SessionView> {
    let desk = state.desk();
    let added = people::add(desk.vault(), None, &name, Role::Admin, &pin)?;
    state.sign_in(desk.sign_in(&added.name, &pin)?);
    session(&state)
}

/// Settings → People: every profile (admins only).
#[tauri::command(async)]
pub fn staff_list(state: State<'_, AppState>) -> Answer<Vec<PersonView>> {
    state.acting()?.require_admin()?;
    Ok(people::list(state.desk().vault())?
        .into_iter()
        .map(PersonView::from)
        .collect())
}

/// An admin adds a person.
#[tauri::command(async)]
pub fn staff_add(
    state: State<'_, AppState>,
    name: String,
    role: Role,
    pin: String,
) -> Answer<PersonView> {
    let admin = state.acting()?;
    Ok(people::add(state.desk().vault(), Some(&admin), &name, role, &pin)?.into())
}

/// An admin changes a person: role, disabled, a new PIN (which also ends a lock).
#[tauri::command(async)]
pub fn staff_change(
    state: State<'_, AppState>,
    name: String,
    role: Option<Role>,
    disabled: Option<bool>,
    pin: Option<String>,
) -> Answer<PersonView> {
    let admin = state.acting()?;
    let desk = state.desk();
    let changed = people::change(
        desk.vault(),
        &admin,
        &name,
        role,
        disabled,
        pin.as_deref().filter(|p| !p.is_empty()),
    )?;
    Ok(changed.into())
}

/// The desk settings an admin sets, for the environment in use.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeskSettings {
    pub environment: Environment,
    pub maker_checker: bool,
    pub idle_minutes: u32,
}

fn desk_settings(state: &AppState) -> Answer<DeskSettings> {
    let desk = state.desk();
    Ok(DeskSettings {
        environment: desk.environment(),
        maker_checker: desk.maker_checker()?,
        idle_minutes: people::idle_minutes(desk.vault())?,
    })
}

#[tauri::command(async)]
pub fn desk_settings_get(state: State<'_, AppState>) -> Answer<DeskSettings> {
    desk_settings(&state)
}

/// An admin turns maker-checker on or off for the environment in use, or sets the idle
/// lock's minutes.
#[tauri::command(async)]
pub fn desk_settings_set(
    state: State<'_, AppState>,
    maker_checker: Option<bool>,
    idle_minutes: Option<u32>,
) -> Answer<DeskSettings> {
    let admin = state.acting()?;
    let desk = state.desk();
    if let Some(on) = maker_checker {
        people::set_maker_checker(desk.vault(), &admin, desk.environment(), on)?;
    }
    if let Some(minutes) = idle_minutes {
        people::set_idle_minutes(desk.vault(), &admin, minutes)?;
    }
    desk_settings(&state)
}
