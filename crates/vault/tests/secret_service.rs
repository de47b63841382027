//! The keyring against a real Secret Service. `cargo xtask test` runs it inside its own
//! `dbus-run-session` with a freshly unlocked gnome-keyring, so it never sees the user's
//! keyring; it is ignored in a plain `cargo test` for the same reason.

use branchdesk_vault::{KeyringStore, SecretStore, Sensitive};

#[test]
#[ignore = "needs an isolated Secret Service: run by `cargo xtask test`"]
fn a_secret_is_stored_read_and_deleted_through_the_os_keyring() {
    let store = KeyringStore::new(&format!("test-{}", uuid::Uuid::new_v4()));
    let secret = Sensitive::new(format!("secret-{}", uuid::Uuid::new_v4()));

    assert!(store.get("cos-client-secret").unwrap().is_none());
    store.set("cos-client-secret", &secret).unwrap();
    assert_eq!(
        store.get("cos-client-secret").unwrap().as_ref(),
        Some(&secret)
    );

    // A second handle sees the same entry: it really went through the keyring.
    let again = KeyringStore::new(store.service().trim_start_matches("com.branchdesk."));
    assert_eq!(
        again.get("cos-client-secret").unwrap().as_ref(),
        Some(&secret)
    );

    store.delete("cos-client-secret").unwrap();
    assert!(store.get("cos-client-secret").unwrap().is_none());
    store.delete("cos-client-secret").unwrap();
}
