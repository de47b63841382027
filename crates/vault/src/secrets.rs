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
        match self.entry(name)?.get_password() {
            Ok(secret) => Ok(Some(Sensitive::new(secret))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(keyring_error(error)),
        }
    }

    fn set(&self, name: &str, secret: &Sensitive<String>) -> Result<()> {
        self.entry(name)?
            .set_password(secret.expose())
            .map_err(keyring_error)
    }

    fn delete(&self, name: &str) -> Result<()> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(keyring_error(error)),
        }
    }

    fn shared(&self) -> Arc<dyn SecretStore> {
        Arc::new(self.clone())
    }
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

    #[test]
    fn keyring_services_are_namespaced() {
        assert_eq!(KeyringStore::new("test").service(), "com.branchdesk.test");
        assert_ne!(
            KeyringStore::new("dev").service(),
            KeyringStore::new("production").service()
        );
    }
}
