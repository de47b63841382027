//! `cos resolve`, `fin resolve` and `bvnk resolve`: what a person found at the provider about a customer
//! whose creation went unanswered — its customer id, or that it was not created. The draft
//! is planned again from it; `submit` sends it.

use std::process::ExitCode;

use anyhow::{bail, Result};
use branchdesk_domain::draft::Provider;
use branchdesk_engine::{Desk, Error as EngineError};
use branchdesk_vault::DraftId;

use crate::store::Reach;

pub async fn resolve_customer(
    desk: &Desk,
    reach: Reach,
    provider: Provider,
    id: &str,
    customer_id: Option<&str>,
    staff: &str,
) -> Result<ExitCode> {
    let name = match provider {
        Provider::Fin => "Fin.com",
        Provider::Bvnk => "BVNK",
        Provider::Cos => "Cross River",
    };
    if staff.trim().is_empty() {
        bail!("say who checked the customer at {name}: --staff NAME");
    }
    let draft: DraftId = id
        .trim()
        .parse()
        .map_err(|_| anyhow::anyhow!("`{id}` is not a draft id (see `draft list`)"))?;
    let id = &draft.to_string();
    if desk.vault().get_draft(draft)?.is_none() {
        bail!("there is no draft {id} (see `draft list`)");
    }
    if let Some(why) = reach.refusal(provider) {
        bail!("{why}");
    }
    // With profiles, the person named signs in (the PIN on standard input).
    let staff = &crate::people::Staff {
        name: Some(staff.to_owned()),
    }
    .name_for(desk.vault(), desk.environment())?;
    let resolved = match provider {
        Provider::Fin => {
            desk.resolve_unknown_fin_customer(id, customer_id, staff)
                .await
        }
        Provider::Bvnk => {
            desk.resolve_unknown_bvnk_customer(id, customer_id, staff)
                .await
        }
        Provider::Cos => {
            desk.resolve_unknown_cos_customer(id, customer_id, staff)
                .await
        }
    };
    match resolved {
        Ok(_) => {}
        Err(EngineError::Invalid(issues)) => bail!(
            "{id}: {}",
            issues
                .iter()
                .map(|i| i.message.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ),
        Err(error) => bail!("{id}: {error}"),
    }
    let staff = staff.trim();
    match customer_id.map(str::trim).filter(|c| !c.is_empty()) {
        Some(customer) => println!(
            "{id}: continues with {name} customer {customer} (found by {staff}); `submit` sends the rest"
        ),
        None => println!(
            "{id}: recorded that {name} did not create the customer (checked by {staff}); `submit` sends the request again"
        ),
    }
    Ok(ExitCode::SUCCESS)
}
