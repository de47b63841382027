//! Who is at the desk: staff profiles, signing in with a PIN, the lock after wrong PINs, and
//! the desk settings only an admin changes (maker-checker per environment, the idle lock).
//! Every change and every sign-in is in the audit log under the person who made it.

use std::time::Duration;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use branchdesk_vault::{
    Actor, AuditOutcome, AuditRecord, NewStaff, Role, StaffChange, StaffProfile, Vault,
};
use chrono::Utc;
use serde::Serialize;
use ts_rs::TS;

use crate::clients::Environment;
use crate::{Error, Result};

/// The ready profile of Training mode: no PIN, never stored, and refused outside Training,
/// so a new user is never stuck and a real desk never has a door without a lock.
pub const TRAINEE: &str = "Trainee";
/// Wrong PINs in a row that lock a profile.
pub const LOCK_AFTER: u32 = 5;
/// How long a profile stays locked after [`LOCK_AFTER`] wrong PINs.
pub const LOCK_FOR: Duration = Duration::from_secs(15 * 60);
/// Idle minutes before the window locks, unless an admin sets another figure.
pub const IDLE_MINUTES: u32 = 10;
const PIN_MIN: usize = 4;
const PIN_MAX: usize = 64;

const MAKER_CHECKER_KEY: &str = "maker_checker";
const IDLE_KEY: &str = "idle_minutes";

/// The person signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    pub name: String,
    #[ts(type = "\"staff\" | \"reviewer\" | \"admin\"")]
    pub role: Role,
}

impl Person {
    pub fn actor(&self) -> Actor {
        Actor::Staff(self.name.clone())
    }

    /// Training's ready profile, an admin so every screen can be tried.
    pub fn trainee() -> Person {
        Person {
            name: TRAINEE.to_owned(),
            role: Role::Admin,
        }
    }

    fn require(&self, allowed: bool, needed: &'static str) -> Result<()> {
        if allowed {
            Ok(())
        } else {
            Err(Error::RoleNeeded { needed })
        }
    }

    pub fn require_admin(&self) -> Result<()> {
        self.require(self.role == Role::Admin, "an admin")
    }

    pub fn require_reviewer(&self) -> Result<()> {
        self.require(self.role.reviews(), "a reviewer or an admin")
    }
}

/// Whether actions here need a signed-in person: once any profile with a PIN exists.
pub fn required(vault: &Vault) -> Result<bool> {
    Ok(vault.staff_count()? > 0)
}

fn audit(
    actor: Actor,
    action: &str,
    facts: serde_json::Value,
    outcome: AuditOutcome,
) -> AuditRecord {
    AuditRecord {
        draft_id: None,
        actor,
        action: action.to_owned(),
        provider: None,
        endpoint: None,
        status: None,
        provider_ids: facts,
        outcome,
    }
}

fn checked_name(name: &str) -> Result<&str> {
    let name = name.trim();
    let letters = name.chars().count();
    if letters == 0 || letters > 60 || name.chars().any(char::is_control) {
        return Err(Error::PersonName);
    }
    if name.eq_ignore_ascii_case(TRAINEE) {
        return Err(Error::Vault(branchdesk_vault::Error::StaffNameTaken(
            TRAINEE.to_owned(),
        )));
    }
    Ok(name)
}

/// The PIN's Argon2id hash (a PHC string with its own salt).
pub fn hash_pin(pin: &str) -> Result<String> {
    let length = pin.chars().count();
    if !(PIN_MIN..=PIN_MAX).contains(&length) {
        return Err(Error::PinLength {
            min: PIN_MIN,
            max: PIN_MAX,
        });
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|_| Error::WorkLost)
}

fn pin_matches(pin: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(pin.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Adds a profile. The first profile of a desk is an admin and needs nobody signed in;
/// after it, only an admin adds people.
pub fn add(
    vault: &Vault,
    by: Option<&Person>,
    name: &str,
    role: Role,
    pin: &str,
) -> Result<StaffProfile> {
    let name = checked_name(name)?;
    let first = !required(vault)?;
    let actor = match (first, by) {
        (true, _) if role != Role::Admin => return Err(Error::FirstMustBeAdmin),
        // Whoever is signed in (Training's Trainee) adds the first admin; on a new desk
        // with nobody yet, the first admin adds themself.
        (true, Some(by)) => by.actor(),
        (true, None) => Actor::Staff(name.to_owned()),
        (false, Some(admin)) => {
            admin.require_admin()?;
            admin.actor()
        }
        (false, None) => return Err(Error::SignInNeeded),
    };
    let pin_hash = Some(hash_pin(pin)?);
    let record = audit(
        actor,
        "staff.added",
        serde_json::json!({ "person": name, "role": role.as_str() }),
        AuditOutcome::Success,
    );
    Ok(vault.add_staff(
        &NewStaff {
            name,
            role,
            pin_hash,
        },
        &record,
    )?)
}

/// Every profile, by name.
pub fn list(vault: &Vault) -> Result<Vec<StaffProfile>> {
    Ok(vault.list_staff()?)
}

/// Signs `name` in with `pin`. Training's [`TRAINEE`] needs no PIN, in Training only.
/// A wrong PIN counts towards the lock; each attempt is audited either way.
pub fn sign_in(vault: &Vault, environment: Environment, name: &str, pin: &str) -> Result<Person> {
    if name.trim().eq_ignore_ascii_case(TRAINEE) {
        return if environment == Environment::Training {
            Ok(Person::trainee())
        } else {
            Err(Error::TraineeOutsideTraining)
        };
    }
    let Some((profile, hash)) = vault.staff_with_pin(name)? else {
        return Err(Error::UnknownPerson(name.trim().to_owned()));
    };
    if profile.disabled {
        return Err(Error::ProfileDisabled);
    }
    let now = Utc::now();
    if let Some(until) = profile.locked_until.filter(|until| *until > now) {
        return Err(Error::ProfileLocked {
            until: until.format("%H:%M UTC").to_string(),
        });
    }
    let right = hash.as_deref().is_some_and(|hash| pin_matches(pin, hash));
    let lock_until = now + chrono::Duration::from_std(LOCK_FOR).unwrap_or_default();
    let record = audit(
        Actor::Staff(profile.name.clone()),
        if right {
            "staff.signed_in"
        } else {
            "staff.wrong_pin"
        },
        serde_json::json!({}),
        if right {
            AuditOutcome::Success
        } else {
            AuditOutcome::Failure
        },
    );
    let after = vault.record_pin_attempt(&profile.id, right, LOCK_AFTER, lock_until, &record)?;
    if right {
        return Ok(Person {
            name: after.name,
            role: after.role,
        });
    }
    match after.locked_until {
        Some(until) if until > now => Err(Error::ProfileLocked {
            until: until.format("%H:%M UTC").to_string(),
        }),
        _ => Err(Error::WrongPin {
            left: LOCK_AFTER.saturating_sub(after.failed_pins),
        }),
    }
}

/// An admin's change to a profile: its role, disabled or enabled, a new PIN (which also
/// ends a lock). An admin cannot disable or demote themself: a desk keeps an admin.
pub fn change(
    vault: &Vault,
    admin: &Person,
    name: &str,
    role: Option<Role>,
    disabled: Option<bool>,
    new_pin: Option<&str>,
) -> Result<StaffProfile> {
    admin.require_admin()?;
    let own = name.trim().eq_ignore_ascii_case(&admin.name);
    if own && (disabled == Some(true) || role.is_some_and(|r| r != Role::Admin)) {
        return Err(Error::RoleNeeded {
            needed: "another admin",
        });
    }
    let pin_hash = new_pin.map(hash_pin).transpose()?;
    let what: Vec<&str> = [
        role.map(|_| "role"),
        disabled.map(|d| if d { "disabled" } else { "enabled" }),
        pin_hash.as_ref().map(|_| "pin_reset"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let record = audit(
        admin.actor(),
        "staff.changed",
        serde_json::json!({
            "person": name.trim(),
            "changes": what,
            "role": role.map(|r| r.as_str()),
        }),
        AuditOutcome::Success,
    );
    let change = StaffChange {
        role,
        disabled,
        pin_hash,
    };
    Ok(vault.change_staff(name, &change, &record)?)
}

fn setting_key(environment: Environment) -> String {
    format!("{MAKER_CHECKER_KEY}.{}", environment.as_str())
}

/// Whether submissions in `environment` wait for a second person's check: as an admin set
/// it, else off in Training and Sandbox and on in Production.
pub fn maker_checker(vault: &Vault, environment: Environment) -> Result<bool> {
    Ok(match vault.desk_setting(&setting_key(environment))? {
        Some(value) => value == "on",
        None => environment == Environment::Production,
    })
}

/// An admin turns maker-checker on or off for `environment`.
pub fn set_maker_checker(
    vault: &Vault,
    admin: &Person,
    environment: Environment,
    on: bool,
) -> Result<()> {
    admin.require_admin()?;
    let record = audit(
        admin.actor(),
        "settings.maker_checker",
        serde_json::json!({ "environment": environment.as_str(), "on": on }),
        AuditOutcome::Success,
    );
    Ok(vault.set_desk_setting(
        &setting_key(environment),
        if on { "on" } else { "off" },
        &record,
    )?)
}

/// Idle minutes before the window locks.
pub fn idle_minutes(vault: &Vault) -> Result<u32> {
    Ok(vault
        .desk_setting(IDLE_KEY)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(IDLE_MINUTES))
}

/// An admin sets the idle lock, 1 to 120 minutes.
pub fn set_idle_minutes(vault: &Vault, admin: &Person, minutes: u32) -> Result<()> {
    admin.require_admin()?;
    let minutes = minutes.clamp(1, 120);
    let record = audit(
        admin.actor(),
        "settings.idle_lock",
        serde_json::json!({ "minutes": minutes }),
        AuditOutcome::Success,
    );
    Ok(vault.set_desk_setting(IDLE_KEY, &minutes.to_string(), &record)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault() -> (tempfile::TempDir, Vault) {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::open(dir.path(), &branchdesk_vault::MemoryStore::default()).unwrap();
        (dir, vault)
    }

    #[test]
    fn the_first_person_is_an_admin_and_then_only_admins_add_people() {
        let (_dir, vault) = vault();
        assert!(!required(&vault).unwrap());
        assert!(matches!(
            add(&vault, None, "Ana Ruiz", Role::Staff, "4821"),
            Err(Error::FirstMustBeAdmin)
        ));
        add(&vault, None, "Ana Ruiz", Role::Admin, "4821").unwrap();
        assert!(required(&vault).unwrap());
        assert!(matches!(
            add(&vault, None, "Ben Okafor", Role::Staff, "1111"),
            Err(Error::SignInNeeded)
        ));
        let staff = Person {
            name: "Ben".into(),
            role: Role::Staff,
        };
        assert!(matches!(
            add(&vault, Some(&staff), "Cy", Role::Staff, "1111"),
            Err(Error::RoleNeeded { .. })
        ));
        let ana = sign_in(&vault, Environment::Sandbox, "ana ruiz", "4821").unwrap();
        assert_eq!(ana.role, Role::Admin);
        add(&vault, Some(&ana), "Ben Okafor", Role::Reviewer, "2468").unwrap();
        assert!(matches!(
            add(&vault, Some(&ana), "BEN OKAFOR", Role::Staff, "1357"),
            Err(Error::Vault(branchdesk_vault::Error::StaffNameTaken(_)))
        ));
        let names: Vec<String> = list(&vault).unwrap().into_iter().map(|p| p.name).collect();
        assert_eq!(names, ["Ana Ruiz", "Ben Okafor"]);
    }

    #[test]
    fn five_wrong_pins_lock_a_profile_until_an_admin_resets_it() {
        let (_dir, vault) = vault();
        add(&vault, None, "Ana", Role::Admin, "4821").unwrap();
        let ana = sign_in(&vault, Environment::Sandbox, "Ana", "4821").unwrap();
        add(&vault, Some(&ana), "Ben", Role::Staff, "2468").unwrap();
        for left in (1..LOCK_AFTER).rev() {
            match sign_in(&vault, Environment::Sandbox, "Ben", "0000") {
                Err(Error::WrongPin { left: l }) => assert_eq!(l, left),
                other => panic!("expected a wrong PIN, got {other:?}"),
            }
        }
        assert!(matches!(
            sign_in(&vault, Environment::Sandbox, "Ben", "0000"),
            Err(Error::ProfileLocked { .. })
        ));
        // Locked: even the right PIN is refused.
        assert!(matches!(
            sign_in(&vault, Environment::Sandbox, "Ben", "2468"),
            Err(Error::ProfileLocked { .. })
        ));
        change(&vault, &ana, "Ben", None, None, Some("9753")).unwrap();
        assert!(sign_in(&vault, Environment::Sandbox, "Ben", "2468").is_err());
        assert_eq!(
            sign_in(&vault, Environment::Sandbox, "Ben", "9753")
                .unwrap()
                .name,
            "Ben"
        );
        let actions: Vec<String> = vault
            .list_audit(&branchdesk_vault::AuditFilter::default())
            .unwrap()
            .into_iter()
            .map(|e| e.record.action)
            .collect();
        assert_eq!(
            actions.iter().filter(|a| *a == "staff.wrong_pin").count(),
            6,
            "{actions:?}"
        );
        assert!(actions.contains(&"staff.changed".to_owned()));
    }

    #[test]
    fn a_disabled_profile_cannot_sign_in_and_an_admin_keeps_their_own_role() {
        let (_dir, vault) = vault();
        add(&vault, None, "Ana", Role::Admin, "4821").unwrap();
        let ana = sign_in(&vault, Environment::Sandbox, "Ana", "4821").unwrap();
        add(&vault, Some(&ana), "Ben", Role::Staff, "2468").unwrap();
        change(&vault, &ana, "Ben", None, Some(true), None).unwrap();
        assert!(matches!(
            sign_in(&vault, Environment::Sandbox, "Ben", "2468"),
            Err(Error::ProfileDisabled)
        ));
        assert!(change(&vault, &ana, "Ana", None, Some(true), None).is_err());
        assert!(change(&vault, &ana, "Ana", Some(Role::Staff), None, None).is_err());
    }

    #[test]
    fn the_trainee_signs_in_without_a_pin_only_in_training() {
        let (_dir, vault) = vault();
        assert_eq!(
            sign_in(&vault, Environment::Training, "Trainee", "").unwrap(),
            Person::trainee()
        );
        assert!(matches!(
            sign_in(&vault, Environment::Production, "Trainee", ""),
            Err(Error::TraineeOutsideTraining)
        ));
        assert!(add(&vault, None, "trainee", Role::Admin, "4821").is_err());
    }

    #[test]
    fn a_pin_is_stored_only_as_an_argon2id_hash() {
        let hash = hash_pin("4821").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!hash.contains("4821"));
        assert!(pin_matches("4821", &hash));
        assert!(!pin_matches("4822", &hash));
        assert!(matches!(hash_pin("12"), Err(Error::PinLength { .. })));
    }

    #[test]
    fn maker_checker_is_on_in_production_by_default_and_an_admin_changes_it() {
        let (_dir, vault) = vault();
        assert!(!maker_checker(&vault, Environment::Training).unwrap());
        assert!(maker_checker(&vault, Environment::Production).unwrap());
        let staff = Person {
            name: "Ben".into(),
            role: Role::Reviewer,
        };
        assert!(set_maker_checker(&vault, &staff, Environment::Training, true).is_err());
        set_maker_checker(&vault, &Person::trainee(), Environment::Training, true).unwrap();
        assert!(maker_checker(&vault, Environment::Training).unwrap());
        assert!(maker_checker(&vault, Environment::Production).unwrap());
    }
}
