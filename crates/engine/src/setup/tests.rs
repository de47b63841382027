use super::*;

#[test]
fn settings_default_to_training_and_survive_a_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    assert!(Settings::load(dir.path()).training);
    Settings {
        training: false,
        ..Settings::default()
    }
    .save(dir.path())
    .unwrap();
    assert!(!Settings::load(dir.path()).training);
    std::fs::write(dir.path().join(SETTINGS_FILE), b"{not json").unwrap();
    assert!(
        Settings::load(dir.path()).training,
        "a damaged file falls back to Training"
    );
}

fn input() -> ConnectionInput {
    ConnectionInput {
        provider: "cos".into(),
        environment: "SANDBOX".into(),
        base_url: "https://sandbox.crbcos.com/".into(),
        client_id: "branch-7".into(),
        partner_id: "6e80b097-693c-4592-8440-02f345335bbf".into(),
        secret: "s3cret-value".into(),
        ..ConnectionInput::default()
    }
}

#[test]
fn a_connection_form_is_checked_field_by_field() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = branchdesk_vault::MemoryStore::default();
    let vault = Vault::open(dir.path(), &secrets).unwrap();
    let refused = |input: ConnectionInput| match add_connection(&vault, &secrets, &input) {
        Err(Error::Invalid(issues)) => issues.into_iter().map(|i| i.field).collect::<Vec<_>>(),
        other => panic!("expected refusal, got {other:?}"),
    };
    assert_eq!(
        refused(ConnectionInput {
            base_url: "http://sandbox.crbcos.com".into(),
            ..input()
        }),
        ["baseUrl"]
    );
    assert_eq!(
        refused(ConnectionInput {
            partner_id: "partner".into(),
            ..input()
        }),
        ["partnerId"]
    );
    assert_eq!(
        refused(ConnectionInput {
            secret: " ".into(),
            ..input()
        }),
        ["secret"]
    );
    assert_eq!(
        refused(ConnectionInput {
            environment: "LIVE".into(),
            ..input()
        }),
        ["environment"]
    );
    assert_eq!(
        refused(ConnectionInput {
            provider: "bvnk".into(),
            partner_id: String::new(),
            ..input()
        }),
        ["hawkId"]
    );
    assert!(
        vault.list_connections().unwrap().is_empty(),
        "nothing stored on refusal"
    );
}

#[test]
fn a_new_connection_replaces_the_old_one_and_its_secret() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = branchdesk_vault::MemoryStore::default();
    let vault = Vault::open(dir.path(), &secrets).unwrap();
    let first = add_connection(&vault, &secrets, &input()).unwrap();
    assert_eq!(first.base_url, "https://sandbox.crbcos.com");
    let second = add_connection(
        &vault,
        &secrets,
        &ConnectionInput {
            secret: "other".into(),
            ..input()
        },
    )
    .unwrap();
    let stored = vault.list_connections().unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id.to_string(), second.id);
    assert_eq!(
        stored[0].secret(&secrets).unwrap().unwrap().expose(),
        "other"
    );
    let first_id = first.id.parse().unwrap();
    assert!(secrets
        .get(&branchdesk_vault::secret_entry(first_id))
        .unwrap()
        .is_none());
    let cos = cos_connection(&stored[0], &secrets).unwrap();
    assert_eq!(cos.token_url, "https://sandbox.crbcos.com/connect/token");
}

#[test]
fn a_fin_connection_keeps_its_selfie_setting_and_others_never_have_one() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = branchdesk_vault::MemoryStore::default();
    let vault = Vault::open(dir.path(), &secrets).unwrap();
    let fin = |selfie| ConnectionInput {
        provider: "fin".into(),
        environment: "SANDBOX".into(),
        base_url: "https://sandbox.fin.example".into(),
        client_id: "branch-7".into(),
        secret: "s3cret-value".into(),
        fin_selfie_required: selfie,
        ..ConnectionInput::default()
    };
    let shown = add_connection(&vault, &secrets, &fin(true)).unwrap();
    assert!(shown.fin_selfie_required);
    let stored = vault.connection_for(Provider::Fin).unwrap().unwrap();
    assert!(fin_attach_config(&stored).selfie_required);
    let shown = add_connection(&vault, &secrets, &fin(false)).unwrap();
    assert!(!shown.fin_selfie_required);
    let stored = vault.connection_for(Provider::Fin).unwrap().unwrap();
    assert_eq!(fin_attach_config(&stored), FinAttachConfig::default());

    // A box left ticked on the form before choosing another provider is not kept.
    let cos = add_connection(
        &vault,
        &secrets,
        &ConnectionInput {
            fin_selfie_required: true,
            ..input()
        },
    )
    .unwrap();
    assert!(!cos.fin_selfie_required);
}

#[test]
fn token_urls_default_per_provider() {
    assert_eq!(
        default_auth_url(Provider::Cos, "https://x/"),
        "https://x/connect/token"
    );
    assert_eq!(
        default_auth_url(Provider::Fin, "https://y"),
        "https://y/v1/oauth/token"
    );
}

#[test]
fn the_appearance_is_remembered_and_an_older_file_keeps_its_other_settings() {
    let dir = tempfile::tempdir().unwrap();
    // A settings file from before the appearance was kept: its choices stand, and the
    // window follows the system.
    std::fs::write(
        dir.path().join(SETTINGS_FILE),
        br#"{"training": false, "scannerFolder": "/srv/scans"}"#,
    )
    .unwrap();
    let older = Settings::load(dir.path());
    assert!(!older.training);
    assert_eq!(older.appearance, Appearance::default());
    assert_eq!(
        (older.appearance.theme, older.appearance.language),
        (Theme::System, Language::System)
    );

    Settings {
        appearance: Appearance {
            theme: Theme::Dark,
            language: Language::Es,
            text_size: 150,
        },
        ..older
    }
    .save(dir.path())
    .unwrap();
    let stored = std::fs::read_to_string(dir.path().join(SETTINGS_FILE)).unwrap();
    assert!(stored.contains(r#""theme": "dark""#), "{stored}");
    let again = Settings::load(dir.path());
    assert_eq!(again.appearance.theme, Theme::Dark);
    assert_eq!(again.appearance.language, Language::Es);
    assert!(!again.training, "the rest is kept");
}

#[test]
fn the_text_size_stays_where_every_screen_still_fits() {
    let asked = |text_size| {
        Appearance {
            text_size,
            ..Appearance::default()
        }
        .bounded()
        .text_size
    };
    assert_eq!(asked(150), 150);
    assert_eq!(asked(10), 80);
    assert_eq!(asked(900), 200);
    assert_eq!(Appearance::default().text_size, 100);
}
