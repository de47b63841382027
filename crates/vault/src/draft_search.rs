//! What the Drafts list's search matches: a draft's name with accents and case folded away,
//! the last four of its tax id, and (kept by the schema's trigger) the customer ids its
//! provider gave it. Staff type "nunez" for "Núñez" and "núñez" for "Nunez": both sides are
//! folded the same way, so either finds the other.

use rusqlite::{params, Connection};

/// Separates the key's parts, so a search never matches across the name and the tax id.
/// Staff cannot type it into the one-line search box.
const SEPARATOR: char = '\n';

/// A text with its letters reduced to plain ASCII (`Núñez` → `nunez`, `Ødegård` →
/// `odegard`) and lower-cased: the same folding for stored names and for what staff type.
pub(crate) fn fold(text: &str) -> String {
    any_ascii::any_ascii(text.trim()).to_lowercase()
}

/// The stored search key of a draft: its folded name and its tax id's last four (the only
/// part the list keeps).
pub(crate) fn search_key(display_name: &str, masked_tax_id: Option<&str>) -> String {
    let last_four: String = masked_tax_id
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    format!("{}{SEPARATOR}{last_four}", fold(display_name))
}

/// What staff typed, folded like the keys; `None` when there is nothing to search for.
pub(crate) fn query(typed: &str) -> Option<String> {
    let folded = fold(typed).replace(SEPARATOR, " ");
    (!folded.is_empty()).then_some(folded)
}

/// Writes the search key of every draft stored before the key existed.
pub(crate) fn fill_search_keys(conn: &Connection) -> rusqlite::Result<()> {
    let rows = {
        let mut statement = conn.prepare("SELECT id, display_name, masked_tax_id FROM drafts")?;
        let rows = statement.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, Option<String>>(2)?,
            ))
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let mut update = conn.prepare("UPDATE drafts SET search_key = ?2 WHERE id = ?1")?;
    for (id, name, masked) in rows {
        update.execute(params![id, search_key(&name, masked.as_deref())])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_and_case_fold_away_on_both_sides() {
        assert_eq!(fold(" Núñez "), "nunez");
        assert_eq!(fold("NUÑEZ"), "nunez");
        assert_eq!(query("núñez").as_deref(), Some("nunez"));
        assert_eq!(query("   "), None);
    }

    #[test]
    fn the_key_keeps_only_the_tax_ids_last_four() {
        assert_eq!(
            search_key("José Núñez", Some("•••-••-6789")),
            "jose nunez\n6789"
        );
        assert_eq!(search_key("Ada", Some("••••")), "ada\n");
        assert_eq!(search_key("Ada", None), "ada\n");
    }

    #[test]
    fn drafts_stored_before_the_key_existed_are_found_after_the_upgrade() {
        use crate::{DraftFilter, DraftInput, DraftState, MaskedTaxId, MemoryStore, NewStep};
        use crate::{PartyKind, Provider, Vault};
        let dir = tempfile::tempdir().unwrap();
        let secrets = MemoryStore::default();
        {
            let vault = Vault::open(dir.path(), &secrets).unwrap();
            let draft = vault
                .create_draft(&DraftInput {
                    provider: Provider::Cos,
                    kind: PartyKind::Person,
                    display_name: "José Núñez".to_owned(),
                    masked_tax_id: Some(MaskedTaxId::from_full("123-45-6789")),
                    state: DraftState::Draft,
                    body: serde_json::json!({}),
                })
                .unwrap();
            let step = NewStep {
                kind: "cos.create_customer".to_owned(),
                idempotency_key: "k".to_owned(),
                body: b"{}".to_vec(),
            };
            vault.create_plan(draft.id, Provider::Cos, &[step]).unwrap();
            let step = vault.next_pending_step(draft.id).unwrap().unwrap();
            vault.mark_step_sent(step.id).unwrap();
            vault
                .mark_step_done(step.id, &serde_json::json!({ "customerId": "C-42" }))
                .unwrap();
            // The database as the release before the search key left it (schema version 9).
            vault
                .raw()
                .execute_batch(&format!(
                    "{}
                     DROP TRIGGER drafts_customer_ids;
                     DROP INDEX drafts_list;
                     ALTER TABLE drafts DROP COLUMN customer_ids;
                     ALTER TABLE drafts DROP COLUMN search_key;
                     CREATE INDEX drafts_list ON drafts (updated_at DESC, id, name_folded,
                         provider, kind, display_name, masked_tax_id, state, created_at,
                         archived);
                     PRAGMA user_version = 9;",
                    crate::archive::tests::UNDO_PEOPLE_AND_REVIEW
                ))
                .unwrap();
        }
        let vault = Vault::open(dir.path(), &secrets).unwrap();
        for typed in ["nunez", "6789", "c-42"] {
            let listed = vault
                .list_drafts(&DraftFilter {
                    name_contains: Some(typed.to_owned()),
                    ..Default::default()
                })
                .unwrap();
            assert_eq!(listed.len(), 1, "{typed}");
        }
    }
}
