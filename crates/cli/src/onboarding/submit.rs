//! `submit`: plans the ready drafts and sends every draft with work left, until nothing is
//! left or (with `--wait`) only what cannot be sent; then a one-line summary.

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use branchdesk_engine::people::Person;
use branchdesk_engine::queue::{awaits_customer, drafts_in, recover_unplanned, runnable};
use branchdesk_engine::{Desk, Error as EngineError};
use branchdesk_vault::{DraftFilter, DraftId, DraftState, Vault};

use super::plan::{plan_ready, Planned};
use crate::store::Reach;
use crate::terminal::printable;

/// Whether any draft is ready to be planned (and so needs its maker).
pub fn has_ready(desk: &Desk) -> Result<bool> {
    Ok(!drafts_in(desk.vault(), &[DraftState::Ready])?.is_empty())
}

/// `maker`: who submits the ready drafts (see [`has_ready`]); `None` when none were ready.
pub async fn submit(
    desk: Arc<Desk>,
    reach: Reach,
    maker: Option<Person>,
    wait: bool,
    concurrency: usize,
) -> Result<ExitCode> {
    let vault = desk.vault();
    let concurrency = concurrency.max(1);
    let mut refused: HashMap<DraftId, String> = HashMap::new();
    let mut pause = Duration::from_millis(100);
    loop {
        recover_unplanned(vault)?;
        // Drafts with work left from an earlier run go first; ready drafts follow as soon
        // as their batch's plans are on disk, so sending starts while the rest are planned.
        let (queue, queued) = tokio::sync::mpsc::unbounded_channel();
        for id in runnable(vault)? {
            // The receiver is below, alive until every draft has run.
            let _ = queue.send(id);
        }
        let ready: Vec<DraftId> = drafts_in(vault, &[DraftState::Ready])?
            .into_iter()
            .filter(|id| !refused.contains_key(id))
            .collect();
        let planner = {
            let desk = Arc::clone(&desk);
            let maker = maker.clone();
            tokio::task::spawn_blocking(move || {
                plan_ready(&desk, reach, maker.as_ref(), ready, concurrency, queue)
            })
        };
        let drafts = futures::stream::unfold(queued, |mut queued| async move {
            queued.recv().await.map(|id| (id, queued))
        });
        let results = desk.run_drafts(drafts, concurrency).await;
        let outcomes = planner.await.context("planning the drafts stopped")??;
        let ran = results.len();
        let (mut planned, mut deferred) = (0usize, 0usize);
        for (id, outcome) in outcomes {
            match outcome {
                Planned::Queued => planned += 1,
                Planned::Deferred => deferred += 1,
                Planned::Refused(why) => {
                    // The reason can quote the draft's values: it goes to the terminal only.
                    tracing::info!(draft = %id, "not sent: refused before planning");
                    eprintln!("{id}: not sent: {}", printable(&why));
                    refused.insert(id, why);
                }
            }
        }
        let mut offline = 0usize;
        for (id, result) in results {
            match result {
                Ok(()) => {}
                Err(EngineError::Provider(e)) if e.is_retryable() => {
                    tracing::info!(draft = %id, error = %e.for_log(), "waiting for the network");
                    offline += 1;
                }
                Err(error) => {
                    tracing::warn!(draft = %id, error = %error.for_log(), "submission stopped");
                    eprintln!("{id}: {}", printable(&error.to_string()));
                }
            }
        }
        if !wait || (ran == 0 && planned == 0) {
            if deferred > 0 && wait {
                eprintln!("{deferred} draft(s) wait for an owner that cannot be sent");
            }
            break;
        }
        if offline > 0 {
            // Doubling up to 10 s: quick after a blip, but a provider that keeps answering
            // 429 (or stays down) is asked a few times a minute, not in a loop.
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(10));
        } else {
            pause = Duration::from_millis(100);
        }
    }
    let mut awaiting = 0usize;
    for id in drafts_in(vault, &[DraftState::Waiting])? {
        if awaits_customer(vault, id)? {
            awaiting += 1;
            let provider = match vault.get_draft(id)?.map(|d| d.summary.provider) {
                Some(branchdesk_vault::Provider::Bvnk) => "BVNK's agreements",
                _ => "Fin.com's terms",
            };
            let url = match desk.terms(&id.to_string()) {
                Ok(terms) => {
                    terms.map_or_else(|| "(the provider gave no link)".to_owned(), |t| t.url)
                }
                // A link off Fin.com's own domain is not printed: only why.
                Err(error @ EngineError::TermsLinkRefused(_)) => format!("(none: {error})"),
                Err(error) => return Err(error.into()),
            };
            let url = printable(&url);
            eprintln!(
                "{id}: waits for the customer to accept {provider} at {url}\n    then: branchdesk-cli tos confirm {id} --staff NAME"
            );
        }
    }
    let checks = drafts_in(vault, &[DraftState::AwaitingCheck])?.len();
    if checks > 0 {
        eprintln!(
            "{checks} draft(s) await a second person's check before anything is sent: see `branchdesk-cli review list`"
        );
    }
    summary(vault, &refused, awaiting)
}

/// `awaiting`: drafts waiting for the customer's terms, which the vault counts as waiting.
fn summary(vault: &Vault, refused: &HashMap<DraftId, String>, awaiting: usize) -> Result<ExitCode> {
    let mut counts: HashMap<DraftState, usize> = HashMap::new();
    for d in vault.list_drafts(&DraftFilter::default())? {
        *counts.entry(d.state).or_default() += 1;
    }
    let count = |s| counts.get(&s).copied().unwrap_or(0);
    let awaiting_terms = match awaiting {
        0 => String::new(),
        n => format!(", {n} awaiting the customer's terms"),
    };
    tracing::info!(
        submitted = count(DraftState::Submitted) + count(DraftState::Approved),
        need_attention = count(DraftState::NeedsAttention),
        awaiting_terms = awaiting,
        refused = refused.len(),
        "submit finished"
    );
    println!(
        "{} submitted, {} waiting to be sent, {} need attention, {} not ready{awaiting_terms}",
        count(DraftState::Submitted) + count(DraftState::Approved),
        (count(DraftState::Waiting) - awaiting.min(count(DraftState::Waiting)))
            + count(DraftState::Sending)
            + count(DraftState::Ready)
            - refused.len().min(count(DraftState::Ready)),
        count(DraftState::NeedsAttention),
        count(DraftState::Draft) + refused.len(),
    );
    Ok(
        if count(DraftState::NeedsAttention) > 0 || !refused.is_empty() {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        },
    )
}
