//! Who acts: `--staff NAME` signed in with the PIN read from standard input (never an
//! argument, never echoed, never logged), `staff add|list`, and `settings maker-checker`.
//! The rules — who may add people, the lock after wrong PINs, who changes settings — are
//! the engine's (`branchdesk_engine::people`).

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use branchdesk_domain::Sensitive;
use branchdesk_engine::people::{self, Person, TRAINEE};
use branchdesk_engine::store::{Role, StaffProfile, Vault};
use branchdesk_engine::{Desk, Environment};
use clap::ValueEnum;
use serde::Serialize;

use crate::terminal::printable;

/// A refusal by a rule of the desk (a role, a PIN, the review's rules): exit code 1, as
/// the engine's own refusals are.
#[derive(Debug)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// Whether `error` is a rule's refusal rather than a usage or runtime error.
pub fn is_refusal(error: &anyhow::Error) -> bool {
    use branchdesk_engine::store::VaultError;
    use branchdesk_engine::Error as E;
    error.chain().any(|cause| {
        cause.is::<Refused>()
            || cause.downcast_ref::<E>().is_some_and(|e| {
                matches!(
                    e,
                    E::SignInNeeded
                        | E::RoleNeeded { .. }
                        | E::WrongPin { .. }
                        | E::ProfileLocked { .. }
                        | E::ProfileDisabled
                        | E::UnknownPerson(_)
                        | E::PinLength { .. }
                        | E::PersonName
                        | E::TraineeOutsideTraining
                        | E::FirstMustBeAdmin
                        | E::MakerCannotApprove
                        | E::CheckVoided
                        | E::NotInQueue
                        | E::ReasonNeeded(_)
                        | E::DecisionNotAllowed(_)
                        | E::MarksNeeded
                        | E::EmptyNote
                        | E::Vault(
                            VaultError::StaffNameTaken(_)
                                | VaultError::StaffNotFound(_)
                                | VaultError::NotHeld(_)
                                | VaultError::ClaimedBy { .. }
                        )
                )
            })
            || cause.downcast_ref::<VaultError>().is_some_and(|e| {
                matches!(
                    e,
                    VaultError::StaffNameTaken(_)
                        | VaultError::StaffNotFound(_)
                        | VaultError::NotHeld(_)
                        | VaultError::ClaimedBy { .. }
                )
            })
    })
}

/// The name given with `--staff` (globally, or a command's own `--staff`), signed in
/// only when the command needs a person.
#[derive(Debug, Clone, Default)]
pub struct Staff {
    pub name: Option<String>,
}

impl Staff {
    /// Who acts on `desk`. With profiles in the data folder: the person `--staff` names,
    /// signed in with the PIN on standard input (the engine refuses without one). Without
    /// profiles, as before they existed: the name given, else the operating system's user.
    pub fn person(&self, desk: &Desk) -> Result<Person> {
        match self.signed_in(desk.vault(), desk.environment())? {
            Some(person) => Ok(person),
            None => Ok(desk.acting(None)?),
        }
    }

    /// The person `--staff` names, signed in when the desk has profiles; `Ok(None)` when
    /// nobody is named and none are required; the engine's `SignInNeeded` when profiles
    /// exist and nobody is named.
    pub fn signed_in(&self, vault: &Vault, environment: Environment) -> Result<Option<Person>> {
        let required = people::required(vault)?;
        let name = self
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        match (name, required) {
            (None, false) => Ok(None),
            (None, true) => Err(branchdesk_engine::Error::SignInNeeded.into()),
            (Some(name), false) => Ok(Some(Person {
                name: name.to_owned(),
                role: Role::Staff,
            })),
            (Some(name), true) => {
                let pin = if name.eq_ignore_ascii_case(TRAINEE) {
                    Sensitive::new(String::new())
                } else {
                    read_pin(&format!("PIN for {name}: "), name)?
                };
                let person = people::sign_in(vault, environment, name, pin.expose())?;
                tracing::info!(role = person.role.as_str(), "signed in");
                Ok(Some(person))
            }
        }
    }

    /// The name recorded for an action a command's own `--staff NAME` names (`tos
    /// confirm`, `… resolve`): with profiles, that person signed in; without, the name.
    pub fn name_for(&self, vault: &Vault, environment: Environment) -> Result<String> {
        match self.signed_in(vault, environment)? {
            Some(person) => Ok(person.name),
            None => bail!("say who acts: --staff NAME"),
        }
    }
}

/// One line of standard input; on a terminal, typed without echo after `prompt`.
fn read_pin(prompt: &str, whose: &str) -> Result<Sensitive<String>> {
    let stdin = std::io::stdin();
    let pin = if stdin.is_terminal() {
        rpassword::prompt_password(prompt).context("reading the PIN")?
    } else {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .context("reading the PIN from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    if pin.is_empty() {
        // Not tried: an empty line would count towards the profile's lock.
        bail!(
            "no PIN for {} on standard input: pipe it in as a line, or run this in a terminal",
            printable(whose)
        );
    }
    Ok(Sensitive::new(pin))
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RoleArg {
    Staff,
    Reviewer,
    Admin,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::Staff => Role::Staff,
            RoleArg::Reviewer => Role::Reviewer,
            RoleArg::Admin => Role::Admin,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum EnvironmentArg {
    #[value(name = "TRAINING")]
    Training,
    #[value(name = "SANDBOX")]
    Sandbox,
    #[value(name = "PRODUCTION")]
    Production,
}

impl From<EnvironmentArg> for Environment {
    fn from(environment: EnvironmentArg) -> Self {
        match environment {
            EnvironmentArg::Training => Environment::Training,
            EnvironmentArg::Sandbox => Environment::Sandbox,
            EnvironmentArg::Production => Environment::Production,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

/// A profile as `staff list` shows it: never its PIN's hash.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProfileView {
    name: String,
    role: Role,
    disabled: bool,
    /// RFC 3339, UTC, while locked after wrong PINs.
    locked_until: Option<String>,
}

impl From<StaffProfile> for ProfileView {
    fn from(p: StaffProfile) -> Self {
        ProfileView {
            name: p.name,
            role: p.role,
            disabled: p.disabled,
            locked_until: p
                .locked_until
                .filter(|until| *until > chrono::Utc::now())
                .map(|until| until.to_rfc3339()),
        }
    }
}

/// `staff add NAME --role ROLE`: the first profile (an admin) needs nobody signed in and
/// reads only its PIN; after it an admin's `--staff`, whose PIN is the first line of
/// standard input and the new person's the second.
pub fn add(data_dir: Option<&Path>, staff: &Staff, name: &str, role: Role) -> Result<ExitCode> {
    let (vault, _) = crate::store::open(data_dir)?;
    let environment = crate::store::environment(&vault)?;
    let first = !people::required(&vault)?;
    if first && role != Role::Admin {
        return Err(branchdesk_engine::Error::FirstMustBeAdmin.into());
    }
    let admin = if first {
        None
    } else {
        Some(
            staff
                .signed_in(&vault, environment)?
                .ok_or(branchdesk_engine::Error::SignInNeeded)?,
        )
    };
    if let Some(admin) = &admin {
        admin.require_admin()?;
    }
    let pin = read_new_pin(name)?;
    let added = people::add(&vault, admin.as_ref(), name, role, pin.expose())?;
    println!(
        "{} added as {}{}",
        printable(&added.name),
        added.role,
        if first {
            "; from now on this desk's actions need --staff NAME with the PIN on standard input"
        } else {
            ""
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// The new person's PIN: a line of standard input, or typed twice at a terminal.
fn read_new_pin(name: &str) -> Result<Sensitive<String>> {
    let pin = read_pin(&format!("New PIN for {name}: "), name)?;
    if std::io::stdin().is_terminal() {
        let again = read_pin("The same PIN again: ", name)?;
        if again.expose() != pin.expose() {
            bail!("the two PINs differ; nobody was added");
        }
    }
    Ok(pin)
}

/// `staff list`: every profile, by name.
pub fn list(data_dir: Option<&Path>, json: bool) -> Result<ExitCode> {
    let (vault, _) = crate::store::open(data_dir)?;
    let profiles: Vec<ProfileView> = people::list(&vault)?
        .into_iter()
        .map(ProfileView::from)
        .collect();
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&profiles)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    if profiles.is_empty() {
        writeln!(
            out,
            "no profiles: actions are recorded under the computer's user; add the first admin with `branchdesk-cli staff add NAME --role admin`"
        )?;
    }
    for p in profiles {
        let mut notes = Vec::new();
        if p.disabled {
            notes.push("disabled".to_owned());
        }
        if let Some(until) = &p.locked_until {
            notes.push(format!("locked until {until}"));
        }
        writeln!(
            out,
            "{:<30} {:<9} {}",
            printable(&p.name),
            p.role.as_str(),
            notes.join(", ")
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `settings maker-checker on|off`: an admin turns the four-eyes check on or off for an
/// environment (by default the one this desk works in).
pub fn maker_checker(
    data_dir: Option<&Path>,
    staff: &Staff,
    on: bool,
    environment: Option<Environment>,
) -> Result<ExitCode> {
    let (vault, _) = crate::store::open(data_dir)?;
    let here = crate::store::environment(&vault)?;
    if !people::required(&vault)? {
        return Err(Refused(
            "only an admin changes desk settings, and this desk has no profiles yet: add the first admin with `branchdesk-cli staff add NAME --role admin`".to_owned(),
        )
        .into());
    }
    let admin = staff
        .signed_in(&vault, here)?
        .ok_or(branchdesk_engine::Error::SignInNeeded)?;
    let environment = environment.unwrap_or(here);
    people::set_maker_checker(&vault, &admin, environment, on)?;
    println!(
        "maker-checker is {} in {environment}{}",
        if on { "on" } else { "off" },
        if on {
            ": submissions wait for a reviewer who is not their maker"
        } else {
            ""
        }
    );
    Ok(ExitCode::SUCCESS)
}
