//! Saving a connection from Settings, with the rule the CLI follows: while submissions are
//! queued no connection may change, since the queued plans were made for the one in use;
//! the one change allowed then is giving back the missing secret of that very connection
//! (after a restore, which carries no secrets), since queued work still goes exactly where
//! it was planned to.

use branchdesk_vault::{SecretStore, Vault};

use crate::setup::{self, ConnectionInput, ConnectionView};
use crate::Result;

/// What saving the form changed, which decides how the desk is rebuilt on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A new or different connection: moving the desk onto it waits for an empty queue.
    Replaced,
    /// The stored connection's missing secret, everything else alike: the desk is rebuilt
    /// on the same destination, queued work and all.
    SecretGivenBack,
}

/// Checks the form and stores the connection in `vault` (the workstation's), its secret in
/// `secrets`. Refused while work is queued on `vault` or on any of `also_idle` (the desk in
/// use, which may be Training's), before anything is written, unless it only gives back
/// the missing secret of the connection the work is for.
pub fn save_connection(
    vault: &Vault,
    also_idle: &[&Vault],
    secrets: &dyn SecretStore,
    input: &ConnectionInput,
) -> Result<(ConnectionView, Change)> {
    let new = setup::connection_from_input(input)?;
    let change = if setup::gives_back_secret(vault, secrets, &new)? {
        Change::SecretGivenBack
    } else {
        let mut vaults = vec![vault];
        vaults.extend_from_slice(also_idle);
        setup::ensure_queue_empty(&vaults)?;
        Change::Replaced
    };
    Ok((setup::add_connection(vault, secrets, input)?, change))
}

#[cfg(test)]
mod tests {
    use branchdesk_vault::{
        secret_entry, Actor, AuditOutcome, AuditRecord, DraftInput, DraftState, MemoryStore,
        NewStep, PartyKind, PlannedSubmission, Provider,
    };

    use super::*;
    use crate::Error;

    fn input(secret: &str) -> ConnectionInput {
        ConnectionInput {
            provider: "cos".into(),
            environment: "SANDBOX".into(),
            base_url: "https://sandbox.crbcos.com".into(),
            client_id: "branch-7".into(),
            partner_id: "6e80b097-693c-4592-8440-02f345335bbf".into(),
            secret: secret.into(),
            ..ConnectionInput::default()
        }
    }

    /// A draft planned and not yet sent: work queued on `vault`.
    fn queue_work(vault: &Vault) {
        let draft = DraftInput {
            provider: Provider::Cos,
            kind: PartyKind::Person,
            display_name: "Ada".into(),
            masked_tax_id: None,
            state: DraftState::Waiting,
            body: serde_json::json!({}),
        };
        let id = vault.create_draft(&draft).unwrap().id;
        vault
            .submit_plans(&[PlannedSubmission {
                draft: id,
                input: draft,
                steps: vec![NewStep {
                    kind: "cos.create_customer".into(),
                    idempotency_key: "k-1".into(),
                    body: b"{}".to_vec(),
                }],
                audit: AuditRecord {
                    draft_id: Some(id),
                    actor: Actor::System,
                    action: "submit".into(),
                    provider: Some(Provider::Cos),
                    endpoint: None,
                    status: None,
                    provider_ids: serde_json::json!({}),
                    outcome: AuditOutcome::Success,
                },
                hold: None,
            }])
            .unwrap()
            .remove(0)
            .unwrap();
        assert!(!vault.drafts_with_pending_work().unwrap().is_empty());
    }

    #[test]
    fn with_work_queued_only_the_missing_secret_of_the_same_connection_is_taken() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = MemoryStore::default();
        let vault = Vault::open(dir.path(), &secrets).unwrap();
        let training = Vault::open(&dir.path().join("training"), &secrets).unwrap();
        let (first, change) =
            save_connection(&vault, &[&training], &secrets, &input("one")).unwrap();
        assert_eq!(change, Change::Replaced);
        queue_work(&vault);
        queue_work(&training);

        // Its secret is still there: any change, even the same form, waits for the queue.
        let refused = save_connection(&vault, &[&training], &secrets, &input("two"));
        assert!(matches!(refused, Err(Error::QueueBusy)), "{refused:?}");

        // The secret is lost (a restore brings none): another destination is still refused…
        secrets
            .delete(&secret_entry(first.id.parse().unwrap()))
            .unwrap();
        let elsewhere = ConnectionInput {
            base_url: "https://other.crbcos.com".into(),
            ..input("two")
        };
        let refused = save_connection(&vault, &[&training], &secrets, &elsewhere);
        assert!(matches!(refused, Err(Error::QueueBusy)), "{refused:?}");
        let refused = save_connection(
            &vault,
            &[&training],
            &secrets,
            &ConnectionInput {
                client_id: "branch-8".into(),
                ..input("two")
            },
        );
        assert!(matches!(refused, Err(Error::QueueBusy)), "{refused:?}");

        // …and the same connection's secret is taken, whatever is queued on either desk.
        let (given, change) =
            save_connection(&vault, &[&training], &secrets, &input("two")).unwrap();
        assert_eq!(change, Change::SecretGivenBack);
        let stored = vault.connection_for(Provider::Cos).unwrap().unwrap();
        assert_eq!(stored.id.to_string(), given.id);
        assert_eq!(stored.base_url, "https://sandbox.crbcos.com");
        assert_eq!(stored.secret(&secrets).unwrap().unwrap().expose(), "two");
        assert_eq!(vault.list_connections().unwrap().len(), 1);
    }

    #[test]
    fn a_connection_the_cli_stored_with_its_default_token_url_is_the_same_as_the_form_left_empty() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = MemoryStore::default();
        let vault = Vault::open(dir.path(), &secrets).unwrap();
        // As `connection add cos` stores it (the restored vault's connection): the token URL
        // written out, and no secret on this computer.
        let stored = vault
            .add_connection(
                &branchdesk_vault::NewConnection {
                    provider: Provider::Cos,
                    environment: branchdesk_vault::Environment::Sandbox,
                    base_url: "https://sandbox.crbcos.com".into(),
                    auth_url: Some("https://sandbox.crbcos.com/connect/token".into()),
                    client_id: Some("branch-7".into()),
                    partner_id: Some("6e80b097-693c-4592-8440-02f345335bbf".into()),
                    hawk_id: None,
                    fin_selfie_required: false,
                },
                &branchdesk_vault::Sensitive::new("gone".into()),
                &secrets,
            )
            .unwrap();
        secrets.delete(&secret_entry(stored.id)).unwrap();
        queue_work(&vault);
        let (_, change) = save_connection(&vault, &[], &secrets, &input("back")).unwrap();
        assert_eq!(change, Change::SecretGivenBack);
        // Another token URL is another destination.
        secrets
            .delete(&secret_entry(
                vault.connection_for(Provider::Cos).unwrap().unwrap().id,
            ))
            .unwrap();
        let refused = save_connection(
            &vault,
            &[],
            &secrets,
            &ConnectionInput {
                auth_url: "https://auth.example/connect/token".into(),
                ..input("back")
            },
        );
        assert!(matches!(refused, Err(Error::QueueBusy)), "{refused:?}");
    }

    #[test]
    fn an_invalid_form_is_refused_on_its_field_before_the_queue_is_asked() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = MemoryStore::default();
        let vault = Vault::open(dir.path(), &secrets).unwrap();
        queue_work(&vault);
        let refused = save_connection(
            &vault,
            &[],
            &secrets,
            &ConnectionInput {
                partner_id: "partner".into(),
                ..input("one")
            },
        );
        match refused {
            Err(Error::Invalid(issues)) => assert_eq!(issues[0].field, "partnerId"),
            other => panic!("expected the field's problem, got {other:?}"),
        }
    }
}
