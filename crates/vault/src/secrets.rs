//! Secrets: provider credentials and the database key. They live only in the OS keyring
//! (Secret Service, Keychain, Credential Manager) and travel in [`Sensitive`], which never
//! prints or serialises its contents.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub use branchdesk_domain::Sensitive;

use crate::{Error, Result};

/// Every keyring entry's service name starts with this, followed by the build's namespace,
/// so development and test builds never read or overwrite production entries.
pub const SERVICE_PREFIX: &str = "com.branchdesk";

/// Where secrets are kept. A missing entry is `Ok(None)`; deleting a missing entry succeeds.
pub trait SecretStore: Send + Sync {
    fn get(&self, name: &str) -> Result<Option<Sensitive<String>>>;
    fn set(&self, name: &str, secret: &Sensitive<String>) -> Result<()>;
    fn delete(&self, name: &str) -> Result<()>;
    /// A handle on the same entries that the vault can keep: it writes the audit log's
    /// anchor after each commit, long after the store it was opened with may be gone.
    fn shared(&self) -> Arc<dyn SecretStore>;
}

/// The operating system's keyring.
#[derive(Debug, Clone)]
pub struct KeyringStore {
    service: String,
}

impl KeyringStore {
    /// `namespace` separates builds: e.g. `production`, `dev`, or a test's unique name.
    pub fn new(namespace: &str) -> Self {
        Self {
            service: format!("{SERVICE_PREFIX}.{namespace}"),
        }
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, name).map_err(keyring_error)
    }
}

fn keyring_error(error: keyring::Error) -> Error {
    // The keyring's own message names the failure (locked, no service, …) but never the
    // secret, so it is safe to pass on.
    let detail = error.to_string();
    match error {
        // Locked, or an unlock prompt that was dismissed or could not be shown.
        keyring::Error::NoStorageAccess(_) => Error::KeyringLocked { detail },
        // No keyring service answered (no Secret Service on the session bus, no bus).
        keyring::Error::PlatformFailure(_) => Error::KeyringUnavailable { detail },
        _ => Error::Keyring(detail),
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, name: &str) -> Result<Option<Sensitive<String>>> {
        let entry = self.entry(name)?;
        match asked(|| entry.get_password()) {
            Ok(secret) => Ok(Some(Sensitive::new(secret))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(keyring_error(error)),
        }
    }

    fn set(&self, name: &str, secret: &Sensitive<String>) -> Result<()> {
        let entry = self.entry(name)?;
        asked(|| entry.set_password(secret.expose())).map_err(keyring_error)
    }

    fn delete(&self, name: &str) -> Result<()> {
        let entry = self.entry(name)?;
        match asked(|| entry.delete_credential()) {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(keyring_error(error)),
        }
    }

    fn shared(&self) -> Arc<dyn SecretStore> {
        Arc::new(self.clone())
    }
}

/// Makes a keyring call, and makes it once more if the keyring's service went away while
/// answering it. A Secret Service that crashes is started again by the session bus on the
/// next call, so the second call reaches a fresh one. Asking twice is safe: every call here
/// reads, writes the same value again, or deletes (a second delete finds nothing).
fn asked<T>(call: impl Fn() -> keyring::Result<T>) -> keyring::Result<T> {
    match call() {
        Err(error) if service_went_away(&error) => {
            tracing::warn!("the keyring's service stopped while answering; asking it once more");
            call()
        }
        answer => answer,
    }
}

/// The bus's own answer when the service it passed a call to disconnected without replying
/// (a timeout has the same name but is not this: the service is still there, and busy).
#[cfg(target_os = "linux")]
fn service_went_away(error: &keyring::Error) -> bool {
    let keyring::Error::PlatformFailure(inner) = error else {
        return false;
    };
    match inner.downcast_ref::<dbus_secret_service::Error>() {
        Some(dbus_secret_service::Error::Dbus(dbus)) => {
            dbus.name() == Some("org.freedesktop.DBus.Error.NoReply")
                && dbus.message().is_some_and(|m| m.contains("disconnected"))
        }
        _ => false,
    }
}

/// Keychain and Credential Manager are part of the system, not a process that can go away.
#[cfg(not(target_os = "linux"))]
fn service_went_away(_: &keyring::Error) -> bool {
    false
}

/// An in-memory store for unit tests and Training mode, which has no real secrets. Clones
/// share their entries, as handles on one keyring would.
#[derive(Default, Clone)]
pub struct MemoryStore {
    entries: Arc<Mutex<HashMap<String, String>>>,
}

impl MemoryStore {
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        // A panic while holding this lock cannot leave the map half-written (each call does
        // one insert or remove), so a poisoned lock is still sound to use.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, name: &str) -> Result<Option<Sensitive<String>>> {
        Ok(self.entries().get(name).cloned().map(Sensitive::new))
    }

    fn set(&self, name: &str, secret: &Sensitive<String>) -> Result<()> {
        self.entries()
            .insert(name.to_owned(), secret.expose().clone());
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<()> {
        self.entries().remove(name);
        Ok(())
    }

    fn shared(&self) -> Arc<dyn SecretStore> {
        Arc::new(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_follows_the_store_contract() {
        let store = MemoryStore::default();
        assert!(store.get("cos").unwrap().is_none());
        store.set("cos", &Sensitive::new("s1".into())).unwrap();
        assert_eq!(store.get("cos").unwrap().unwrap().expose(), "s1");
        store.set("cos", &Sensitive::new("s2".into())).unwrap();
        assert_eq!(store.get("cos").unwrap().unwrap().expose(), "s2");
        store.delete("cos").unwrap();
        store.delete("cos").unwrap();
        assert!(store.get("cos").unwrap().is_none());
    }

    #[cfg(target_os = "linux")]
    fn bus_error(name: &str, message: &str) -> keyring::Error {
        keyring::Error::PlatformFailure(Box::new(dbus_secret_service::Error::Dbus(
            dbus::Error::new_custom(name, message),
        )))
    }

    /// Calls `asked` with a call that fails with `first` once and then succeeds; how many
    /// times it was made and what `asked` answered.
    fn asked_after(first: keyring::Error) -> (usize, keyring::Result<&'static str>) {
        let calls = std::cell::Cell::new(0);
        let first = std::cell::Cell::new(Some(first));
        let answer = asked(|| {
            calls.set(calls.get() + 1);
            match first.take() {
                Some(error) => Err(error),
                None => Ok("secret"),
            }
        });
        (calls.get(), answer)
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_service_that_went_away_mid_call_is_asked_once_more() {
        let (calls, answer) = asked_after(bus_error(
            "org.freedesktop.DBus.Error.NoReply",
            "Message recipient disconnected from message bus without replying",
        ));
        assert_eq!(calls, 2);
        assert_eq!(answer.unwrap(), "secret");
    }

    #[test]
    fn other_keyring_failures_are_not_asked_again() {
        let mut failures = vec![
            keyring::Error::NoEntry,
            keyring::Error::NoStorageAccess(Box::new(std::io::Error::other("locked"))),
            keyring::Error::PlatformFailure(Box::new(std::io::Error::other("no bus"))),
        ];
        #[cfg(target_os = "linux")]
        failures.extend([
            // A timeout: the service is there but busy (an unlock prompt, say).
            bus_error(
                "org.freedesktop.DBus.Error.NoReply",
                "Did not receive a reply. Possible causes include: the remote application did \
                 not send a reply, the message bus security policy blocked the reply, the reply \
                 timeout expired, or the network connection was broken.",
            ),
            bus_error(
                "org.freedesktop.DBus.Error.ServiceUnknown",
                "The name org.freedesktop.secrets was not provided by any .service files",
            ),
        ]);
        for failure in failures {
            let shown = failure.to_string();
            let (calls, answer) = asked_after(failure);
            assert_eq!(calls, 1, "{shown}");
            assert!(answer.is_err(), "{shown}");
        }
    }

    #[test]
    fn keyring_services_are_namespaced() {
        assert_eq!(KeyringStore::new("test").service(), "com.branchdesk.test");
        assert_ne!(
            KeyringStore::new("dev").service(),
            KeyringStore::new("production").service()
        );
    }
}
