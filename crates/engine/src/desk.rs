//! The desk: the one face the app and the CLI use. Every method delegates — drafts to
//! [`crate::drafts`], checks to [`crate::checks`], submitting to [`crate::submit`], a
//! submission's state to [`crate::status`], sending to the [`crate::runner`], each
//! provider's own work to [`crate::flows`], scans to [`crate::scans`], the Activity list to
//! [`crate::activity`] — so what the desk can do reads here in one place.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use branchdesk_api::cos::CosClient;
use branchdesk_domain::draft::{Draft, PartyKind, Provider, ScanSlot};
use branchdesk_domain::fin::FinAttachConfig;
use branchdesk_domain::prefill::offer::Offer;
use branchdesk_domain::validate::Issue;
use branchdesk_vault::{DraftId, Vault};
use tokio::sync::broadcast;

use crate::activity::{Activity, ActivityQuery};
use crate::clients::Environment;
use crate::flows::cos::owners::CosCustomer;
use crate::flows::{bvnk, cos, fin};
use crate::people::Person;
use crate::records::{
    draft_id, DraftListItem, DraftRecord, QueueSummary, Saved, Submission, Terms, UploadView,
};
use crate::review::{self, Case, CaseSummary, Decision};
use crate::runner::Runner;
use crate::scans::ScanPreview;
use crate::submit::Planner;
use crate::{checks, drafts, people, scans, status, Result};

pub struct Desk {
    runner: Runner,
    partner_id: String,
    environment: Environment,
    cos_base_url: String,
    reads: crate::prefill::Reads,
}

impl Desk {
    pub fn new(
        vault: Arc<Vault>,
        cos: CosClient,
        partner_id: String,
        environment: Environment,
        cos_base_url: String,
    ) -> Self {
        Self {
            runner: Runner::new(vault, cos),
            partner_id,
            environment,
            cos_base_url,
            reads: crate::prefill::Reads::default(),
        }
    }

    /// The desk with a Fin.com connection, for drafts whose provider is Fin.com.
    pub fn with_fin(mut self, fin: fin::FinConnection) -> Self {
        self.runner.fin = fin;
        let progress = self.runner.fin.uploads.progress();
        self.runner.bvnk.uploads.report_to(progress);
        self
    }

    /// The desk with a BVNK connection, for drafts whose provider is BVNK. Its documents'
    /// progress goes where Fin.com's does, so the window listens in one place.
    pub fn with_bvnk(mut self, mut connection: bvnk::BvnkConnection) -> Self {
        connection
            .uploads
            .report_to(self.runner.fin.uploads.progress());
        self.runner.bvnk = connection;
        self
    }

    /// Test hook: a shorter key retention, to exercise the stale-key rule without waiting.
    pub fn with_key_retention(mut self, retention: Duration) -> Self {
        self.runner.key_retention = retention;
        self
    }

    /// Test hook: how often the runner asks Fin.com about undecided customers.
    pub fn with_follow_interval(mut self, interval: Duration) -> Self {
        self.runner.set_follow_interval(interval);
        self
    }

    pub fn environment(&self) -> Environment {
        self.environment
    }

    pub fn cos_base_url(&self) -> &str {
        &self.cos_base_url
    }

    pub fn vault(&self) -> &Vault {
        &self.runner.vault
    }

    // Drafts.

    pub fn create_draft(&self, kind: PartyKind) -> Result<DraftRecord> {
        self.create_draft_for(kind, Provider::Cos)
    }

    /// A new draft for `provider`, with the rows the wizard shows already in place.
    pub fn create_draft_for(&self, kind: PartyKind, provider: Provider) -> Result<DraftRecord> {
        drafts::create(self.vault(), kind, provider)
    }

    /// The sample customer a guided onboarding starts from (see [`drafts::sample`]).
    pub fn sample_draft() -> Draft {
        drafts::sample()
    }

    /// A new Cross River Personal draft filled with [`Desk::sample_draft`].
    pub fn create_sample_draft(&self) -> Result<DraftRecord> {
        drafts::create_sample(self.vault())
    }

    pub fn get_draft(&self, id: &str) -> Result<DraftRecord> {
        drafts::get(self.vault(), id)
    }

    /// Autosave; a draft in the outbox is frozen, and one awaiting its check is withdrawn
    /// from it (`by` changed it).
    pub fn save_draft_as(&self, id: &str, draft: &Draft, by: &Person) -> Result<Saved> {
        drafts::save_by(self.vault(), id, draft, by)
    }

    /// [`Desk::save_draft_as`] on a desk without profiles, or with nobody signed in.
    pub fn save_draft(&self, id: &str, draft: &Draft) -> Result<Saved> {
        drafts::save(self.vault(), id, draft)
    }

    /// The Drafts list: `state` is a draft state, empty for all, or
    /// [`drafts::ARCHIVED`].
    pub fn list_drafts(&self, search: &str, state: &str) -> Result<Vec<DraftListItem>> {
        drafts::list(self.vault(), search, state)
    }

    /// A new draft from another's form, for another customer.
    pub fn duplicate_draft(&self, id: &str) -> Result<DraftRecord> {
        drafts::duplicate(self.vault(), id)
    }

    /// Deletes a draft never planned; one that may have reached a provider is archived
    /// instead.
    pub fn delete_draft(&self, id: &str) -> Result<()> {
        drafts::delete(self.vault(), id)
    }

    pub fn archive_draft(&self, id: &str) -> Result<()> {
        self.archive_draft_as(id, &self.acting(None)?)
    }

    pub fn archive_draft_as(&self, id: &str, by: &Person) -> Result<()> {
        drafts::set_archived(self.vault(), id, true, by)
    }

    pub fn unarchive_draft(&self, id: &str) -> Result<()> {
        self.unarchive_draft_as(id, &self.acting(None)?)
    }

    pub fn unarchive_draft_as(&self, id: &str, by: &Person) -> Result<()> {
        drafts::set_archived(self.vault(), id, false, by)
    }

    /// The rules' verdict on a draft as staff see it.
    pub fn validate(&self, draft: &Draft) -> Vec<Issue> {
        checks::validate(draft, self.fin_attach_config())
    }

    // Submitting and its state.

    fn planner<'a>(&'a self, maker: &'a Person) -> Result<Planner<'a>> {
        Ok(Planner {
            vault: self.vault(),
            fin: &self.runner.fin,
            bvnk: &self.runner.bvnk,
            partner_id: &self.partner_id,
            key_retention: self.runner.key_retention,
            maker,
            four_eyes: self.maker_checker()?,
        })
    }

    /// Freezes the draft into its provider's plan and wakes the runner; with maker-checker
    /// on, the plan waits for a reviewer's check instead.
    pub fn submit_as(&self, id: &str, draft: &Draft, by: &Person) -> Result<Submission> {
        let draft_id = draft_id(id)?;
        self.planner(by)?.submit(draft_id, draft)?;
        self.runner.wake();
        status::submission(self.vault(), &self.runner.fin, draft_id)
    }

    /// [`Desk::submit_as`] by whoever acts on a desk with nobody signed in (the OS user on
    /// a desk without profiles).
    pub fn submit(&self, id: &str, draft: &Draft) -> Result<Submission> {
        self.submit_as(id, draft, &self.acting(None)?)
    }

    /// [`Desk::submit_as`] for several drafts, stored in one transaction; each draft's outcome.
    pub fn submit_all(&self, drafts: &[(DraftId, Draft)], by: &Person) -> Result<Vec<Result<()>>> {
        let outcomes = self.planner(by)?.submit_all(drafts)?;
        if outcomes.iter().any(Result::is_ok) {
            self.runner.wake();
        }
        Ok(outcomes)
    }

    /// The submission's progress and the provider's result as it reports it now.
    pub async fn submission_status(&self, id: &str) -> Result<Submission> {
        let r = &self.runner;
        status::submission_status(&r.vault, &r.cos, &r.fin, &r.bvnk, draft_id(id)?).await
    }

    pub fn queue_summary(&self) -> Result<QueueSummary> {
        status::queue_summary(self.vault())
    }

    /// The Personal customers this workstation created at Cross River.
    pub fn cos_customers(&self) -> Result<Vec<CosCustomer>> {
        cos::owners::customers(self.vault())
    }

    // The runner.

    /// Sends every plan with work left, for the life of the app.
    pub async fn run(self: Arc<Self>) {
        self.runner.run().await
    }

    /// Asks the runner to stop once its current pass is over.
    pub fn stop(&self) {
        self.runner.stop()
    }

    /// Sends one draft's steps until done, a definite rejection, or no network.
    pub async fn run_draft(&self, draft: DraftId) -> Result<()> {
        self.runner.run_draft(draft).await
    }

    /// Runs `drafts`, `concurrency` at a time, each draft's steps in order.
    pub async fn run_drafts(
        &self,
        drafts: impl futures::Stream<Item = DraftId> + Send,
        concurrency: usize,
    ) -> Vec<(DraftId, Result<()>)> {
        self.runner.run_drafts(drafts, concurrency).await
    }

    // What only a person can say about a lost answer.

    /// What staff found at Cross River about a step whose outcome is unknown; the draft is
    /// then submitted again as stored.
    pub async fn resolve_unknown_cos_customer(
        &self,
        id: &str,
        customer_id: Option<&str>,
        staff: &str,
    ) -> Result<Submission> {
        let draft = draft_id(id)?;
        cos::recovery::resolve(self.vault(), &self.runner.cos, draft, customer_id, staff).await?;
        self.submit_again(id, staff)
    }

    /// What staff found at Fin.com about a customer whose creation went unanswered; the
    /// draft is then submitted again as stored.
    pub async fn resolve_unknown_fin_customer(
        &self,
        id: &str,
        customer_id: Option<&str>,
        staff: &str,
    ) -> Result<Submission> {
        let draft = draft_id(id)?;
        fin::recovery::resolve(self.vault(), &self.runner.fin, draft, customer_id, staff).await?;
        self.submit_again(id, staff)
    }

    /// What staff found at BVNK about a customer whose creation's answer could not be read
    /// (its reference, or `None`: not created); the draft is then submitted again as stored.
    pub async fn resolve_unknown_bvnk_customer(
        &self,
        id: &str,
        reference: Option<&str>,
        staff: &str,
    ) -> Result<Submission> {
        let draft = draft_id(id)?;
        let client = self.runner.bvnk.client()?;
        bvnk::recovery::resolve(self.vault(), client, draft, reference, staff).await?;
        self.submit_again(id, staff)
    }

    /// After a resolve the plan goes on without a second check: the draft was checked (or
    /// never needed one) when it was first submitted, and nothing in it changed.
    fn submit_again(&self, id: &str, staff: &str) -> Result<Submission> {
        let stored = self.get_draft(id)?;
        let draft_id = draft_id(id)?;
        let by = Person {
            name: staff.to_owned(),
            role: branchdesk_vault::Role::Staff,
        };
        let mut planner = self.planner(&by)?;
        planner.four_eyes = false;
        planner.submit(draft_id, &stored.draft)?;
        self.runner.wake();
        status::submission(self.vault(), &self.runner.fin, draft_id)
    }

    // Fin.com's terms and uploads.

    /// The configured Fin.com connection's rules for an attach.
    pub fn fin_attach_config(&self) -> FinAttachConfig {
        self.runner.fin.attach_config()
    }

    /// Whether the draft's latest plan goes to BVNK.
    fn goes_to_bvnk(&self, draft: DraftId) -> Result<bool> {
        Ok(self
            .vault()
            .latest_plan(draft)?
            .is_some_and(|p| p.provider == branchdesk_vault::Provider::Bvnk))
    }

    /// Records that the customer accepted the provider's terms (Fin.com's terms, BVNK's
    /// agreements) and lets the plan go on.
    pub fn confirm_terms(&self, id: &str, staff: &str) -> Result<()> {
        let draft = draft_id(id)?;
        if self.goes_to_bvnk(draft)? {
            bvnk::agreement::confirm(self.vault(), draft, staff)?;
        } else {
            fin::terms::confirm(self.vault(), draft, staff)?;
        }
        self.runner.wake();
        Ok(())
    }

    /// The terms page of a Fin.com draft whose customer exists, or the agreements page of
    /// a BVNK draft whose session exists.
    pub fn terms(&self, id: &str) -> Result<Option<Terms>> {
        let draft = draft_id(id)?;
        if self.goes_to_bvnk(draft)? {
            return bvnk::agreement::page(self.vault(), &self.runner.bvnk, draft);
        }
        fin::terms::terms(self.vault(), &self.runner.fin, draft)
    }

    /// A terms link judged against the connection in use (`bvnk`: BVNK's, else Fin.com's);
    /// the shell asks again just before it opens one.
    pub fn checked_terms_url(&self, url: &str) -> Result<url::Url> {
        fin::terms::checked_url(&self.runner.fin, url).or_else(|refused| {
            bvnk::agreement::checked_url(&self.runner.bvnk, url).map_err(|_| refused)
        })
    }

    /// Whether the draft's submission waits for the customer to accept the provider's terms.
    pub fn awaits_terms(&self, id: &str) -> Result<bool> {
        let draft = draft_id(id)?;
        Ok(fin::terms::awaits(self.vault(), draft)?
            || bvnk::agreement::awaits(self.vault(), draft)?)
    }

    /// Stops the draft's uploads; true when it had uploads left to stop.
    pub fn cancel_upload(&self, id: &str) -> Result<bool> {
        let draft = draft_id(id)?;
        if self.goes_to_bvnk(draft)? {
            return bvnk::follow::cancel_upload(self.vault(), &self.runner.bvnk, draft);
        }
        fin::follow::cancel_upload(self.vault(), &self.runner.fin, draft)
    }

    /// Upload progress of every draft, as it happens.
    pub fn upload_progress(&self) -> broadcast::Receiver<UploadView> {
        self.runner.fin.subscribe()
    }

    // Scans.

    /// Checks the file, stores it encrypted, and puts it in `slot`; the draft's scans.
    pub fn attach_scan(&self, draft: &str, slot: &str, path: &Path) -> Result<Vec<ScanSlot>> {
        scans::attach_scan(self.vault(), draft, slot, path)
    }

    /// [`Desk::attach_scan`], handing `on_preview` the checks and the thumbnail at once.
    pub fn attach_scan_with(
        &self,
        draft: &str,
        slot: &str,
        path: &Path,
        on_preview: &mut dyn FnMut(ScanPreview),
    ) -> Result<Vec<ScanSlot>> {
        scans::attach_scan_with(self.vault(), draft, slot, path, on_preview)
    }

    /// Turns the scan in `slot` by quarter turns, checking it again.
    pub fn rotate_scan(
        &self,
        draft: &str,
        slot: &str,
        quarter_turns: i32,
    ) -> Result<Vec<ScanSlot>> {
        scans::rotate_scan(self.vault(), draft, slot, quarter_turns)
    }

    /// Keeps a scan despite its warnings, for the reason staff give.
    pub fn accept_scan_warnings(
        &self,
        draft: &str,
        slot: &str,
        reason: &str,
    ) -> Result<Vec<ScanSlot>> {
        self.accept_scan_warnings_as(draft, slot, reason, &self.acting(None)?)
    }

    /// [`Desk::accept_scan_warnings`], recorded under `by`.
    pub fn accept_scan_warnings_as(
        &self,
        draft: &str,
        slot: &str,
        reason: &str,
        by: &Person,
    ) -> Result<Vec<ScanSlot>> {
        scans::accept_scan_warnings(self.vault(), draft, slot, reason, by)
    }

    pub fn remove_scan(&self, draft: &str, slot: &str) -> Result<Vec<ScanSlot>> {
        scans::remove_scan(self.vault(), draft, slot)
    }

    /// A scan's thumbnail as a `data:` URL: the only form a scan reaches the window in.
    pub fn thumbnail(&self, thumbnail_id: &str) -> Result<String> {
        scans::thumbnail(self.vault(), thumbnail_id)
    }

    // Prefill from the document itself.

    /// What the scan in `slot` offers the draft (a licence's barcode, a passport's zone), if
    /// it holds anything readable.
    pub fn prefill_offer(&self, draft: &str, slot: &str) -> Result<Option<Offer>> {
        crate::prefill::offer_for(self.vault(), &self.reads, draft, slot)
    }

    /// Fills the fields at `paths` from the scan in `slot`, as `by` accepted them.
    pub fn accept_prefill(
        &self,
        draft: &str,
        slot: &str,
        paths: &[String],
        by: &Person,
    ) -> Result<DraftRecord> {
        crate::prefill::accept(self.vault(), &self.reads, draft, slot, paths, by)
    }

    // Activity.

    /// The first page of the Activity list.
    pub fn activity(&self, draft: Option<&str>, outcome: &str) -> Result<Activity> {
        self.activity_page(&ActivityQuery {
            draft,
            outcome,
            ..ActivityQuery::default()
        })
    }

    /// One page of the Activity list.
    pub fn activity_page(&self, query: &ActivityQuery<'_>) -> Result<Activity> {
        crate::activity::page(self.vault(), query)
    }

    // People and the review.

    /// Whether this desk's submissions wait for a second person's check.
    /// Only a desk with profiles has reviewers to check: without any, a held plan could
    /// never be approved, so four eyes starts with the first profile.
    pub fn maker_checker(&self) -> Result<bool> {
        Ok(people::required(self.vault())?
            && people::maker_checker(self.vault(), self.environment)?)
    }

    /// Signs a person in with their PIN (Training's Trainee with none).
    pub fn sign_in(&self, name: &str, pin: &str) -> Result<Person> {
        people::sign_in(self.vault(), self.environment, name, pin)
    }

    /// Who acts: the person signed in; with nobody signed in, the operating system's user
    /// on a desk that has no profiles yet (as before profiles existed), else refused.
    pub fn acting(&self, signed_in: Option<&Person>) -> Result<Person> {
        match signed_in {
            Some(person) => Ok(person.clone()),
            None if people::required(self.vault())? => Err(crate::Error::SignInNeeded),
            None => Ok(Person {
                name: crate::records::staff_member(),
                role: branchdesk_vault::Role::Staff,
            }),
        }
    }

    /// The review queue, longest waiting first.
    pub fn review_queue(&self) -> Result<Vec<CaseSummary>> {
        review::queue::cases(self.vault(), self.vault())
    }

    /// Opens a case, claiming it for `by` when nobody else has it.
    pub fn open_case(&self, id: &str, by: &Person) -> Result<Case> {
        let draft = draft_id(id)?;
        let mut case = review::case::open(self.vault(), self.vault(), draft, by)?;
        case.submission = status::submission(self.vault(), &self.runner.fin, draft).ok();
        Ok(case)
    }

    /// A case as it stands, without claiming it.
    pub fn view_case(&self, id: &str, by: &Person) -> Result<Case> {
        let draft = draft_id(id)?;
        let mut case = review::case::view(self.vault(), self.vault(), draft, by)?;
        case.submission = status::submission(self.vault(), &self.runner.fin, draft).ok();
        Ok(case)
    }

    /// A masked value in full; audited.
    pub fn reveal_field(&self, id: &str, path: &str, by: &Person) -> Result<String> {
        review::case::reveal(self.vault(), draft_id(id)?, path, by)
    }

    pub fn add_case_note(&self, id: &str, body: &str, by: &Person) -> Result<()> {
        review::case::add_note(self.vault(), draft_id(id)?, by, body)
    }

    /// An admin releases a case's claim.
    pub fn release_case(&self, id: &str, by: &Person) -> Result<bool> {
        review::case::release(self.vault(), draft_id(id)?, by)
    }

    /// Decides a case; a BVNK decision goes to BVNK through the outbox.
    pub fn decide_case(&self, id: &str, decision: &Decision, by: &Person) -> Result<()> {
        let queued =
            review::decide::decide(self.vault(), self.vault(), draft_id(id)?, by, decision)?;
        if queued {
            self.runner.wake();
        }
        Ok(())
    }

    /// The maker takes a draft back from its check to change it.
    pub fn withdraw_from_check(&self, id: &str, by: &Person) -> Result<()> {
        review::decide::withdraw(self.vault(), draft_id(id)?, by)
    }
}
