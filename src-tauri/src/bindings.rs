//! TypeScript declarations of every type that crosses the command layer, generated from
//! the Rust types and committed as `ui/types/bindings.d.ts`, and the rules' select lists as
//! `ui/types/lists.js`. The tests fail when a committed file is stale; `cargo xtask
//! bindings` rewrites both.

#[cfg(test)]
mod tests {
    use ts_rs::TS;

    use crate::backup::{BackupView, RestoreCheck, RestoreView};
    use crate::commands::{ConnectionCheck, SettingsView, Validation};
    use crate::error::{ErrorCode, UiError};
    use crate::intake::{DropEvent, TrayView};
    use crate::people::{DeskSettings, PersonView, SessionView};
    use crate::window::{AppInfo, Connectivity, ReadyStage};
    use branchdesk_domain::cos::ScanStatus;
    use branchdesk_domain::draft::{
        Address, Associate, AssociateDocument, BvnkSection, CompanyDetails, CosBeneficialOwner,
        CosSection, Draft, DueDiligence, Email, FinSection, IdentityDocument, LatinNames, Names,
        PartyKind, PersonDetails, Phone, Provider, ScanCheck, ScanSlot, TaxId,
    };
    use branchdesk_domain::fin::LatinSuggestion;
    use branchdesk_domain::form::FieldValue;
    use branchdesk_domain::kinds::DraftState;
    use branchdesk_domain::options::{Choice, FieldOptions};
    use branchdesk_domain::owners::OwnerStanding;
    use branchdesk_domain::prefill::offer::{Flag, Offer, OfferKind, Offered};
    use branchdesk_domain::prefill::{DocumentKind, Source};
    use branchdesk_domain::scan_slots::{SlotDocument, SlotSpec};
    use branchdesk_domain::validate::{Issue, Severity};
    use branchdesk_engine::activity::{Activity, ActivityEntry, ActivityFinding};
    use branchdesk_engine::activity_words::Words;
    use branchdesk_engine::flows::cos::compliance::CheckTimes;
    use branchdesk_engine::flows::cos::owners::CosCustomer;
    use branchdesk_engine::import_csv::{CsvCheck, RowProblem};
    use branchdesk_engine::people::Person;
    use branchdesk_engine::records::DecisionView;
    use branchdesk_engine::records::{
        BvnkOutcome, DraftListItem, DraftRecord, FinOutcome, QueueSummary, Saved, StepProblem,
        Submission, Terms, UploadView,
    };
    use branchdesk_engine::review::case::NoteView;
    use branchdesk_engine::review::{
        Case, CaseSummary, Decision, DecisionKind, DraftField, Reason,
    };
    use branchdesk_engine::scan_view::ScanPage;
    use branchdesk_engine::scanner::{AssignedScan, TrayFile};
    use branchdesk_engine::scans::ScanPreview;
    use branchdesk_engine::setup::{Appearance, Language, Theme};
    use branchdesk_engine::setup::{ConnectionInput, ConnectionView};
    use branchdesk_engine::{CosOutcome, Environment};

    const COMMITTED: &str = "../ui/types/bindings.d.ts";

    fn render() -> String {
        let declarations = [
            Activity::decl(),
            Case::decl(),
            CaseSummary::decl(),
            Decision::decl(),
            DecisionKind::decl(),
            DecisionView::decl(),
            DeskSettings::decl(),
            DraftField::decl(),
            NoteView::decl(),
            Person::decl(),
            PersonView::decl(),
            Reason::decl(),
            SessionView::decl(),
            ScanPage::decl(),
            Offer::decl(),
            Offered::decl(),
            OfferKind::decl(),
            Flag::decl(),
            DocumentKind::decl(),
            Source::decl(),
            ActivityEntry::decl(),
            ActivityFinding::decl(),
            Address::decl(),
            AssignedScan::decl(),
            AppInfo::decl(),
            ReadyStage::decl(),
            Appearance::decl(),
            Theme::decl(),
            Language::decl(),
            BackupView::decl(),
            RestoreCheck::decl(),
            RestoreView::decl(),
            Associate::decl(),
            AssociateDocument::decl(),
            BvnkOutcome::decl(),
            BvnkSection::decl(),
            CheckTimes::decl(),
            Choice::decl(),
            CompanyDetails::decl(),
            ConnectionCheck::decl(),
            ConnectionInput::decl(),
            ConnectionView::decl(),
            Connectivity::decl(),
            CosBeneficialOwner::decl(),
            CosCustomer::decl(),
            CosOutcome::decl(),
            CosSection::decl(),
            CsvCheck::decl(),
            Draft::decl(),
            DropEvent::decl(),
            DraftListItem::decl(),
            DraftRecord::decl(),
            DraftState::decl(),
            DueDiligence::decl(),
            Email::decl(),
            Environment::decl(),
            ErrorCode::decl(),
            FieldOptions::decl(),
            FinOutcome::decl(),
            FieldValue::decl(),
            SlotDocument::decl(),
            SlotSpec::decl(),
            FinSection::decl(),
            IdentityDocument::decl(),
            Issue::decl(),
            LatinNames::decl(),
            LatinSuggestion::decl(),
            Names::decl(),
            OwnerStanding::decl(),
            PartyKind::decl(),
            PersonDetails::decl(),
            Provider::decl(),
            Phone::decl(),
            QueueSummary::decl(),
            RowProblem::decl(),
            Saved::decl(),
            ScanCheck::decl(),
            ScanPreview::decl(),
            ScanSlot::decl(),
            ScanStatus::decl(),
            SettingsView::decl(),
            Severity::decl(),
            StepProblem::decl(),
            Submission::decl(),
            TaxId::decl(),
            Terms::decl(),
            TrayFile::decl(),
            TrayView::decl(),
            UiError::decl(),
            UploadView::decl(),
            Validation::decl(),
            Words::decl(),
        ];
        let mut out = String::from(
            "// Generated from the Rust types by `cargo xtask bindings`. Do not edit.\n\
             // Why one file (about 700 lines): every type that crosses the command layer, in one\n\
             // declaration file the whole UI imports from; it is written, never read through.\n\n",
        );
        // Fin.com's documented statuses; one it does not document is passed on as it came.
        let known: Vec<String> = branchdesk_domain::fin::CustomerStatus::KNOWN
            .iter()
            .map(|s| format!("{s:?}"))
            .collect();
        let fin_status = format!("type FinStatus = {} | (string & {{}});", known.join(" | "));
        for declaration in declarations.into_iter().chain([fin_status]) {
            out.push_str("export ");
            out.push_str(&declaration);
            out.push_str("\n\n");
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    }

    /// The rules' select lists as a JS module, for the wizard's fields.
    fn render_lists() -> String {
        let mut out = String::from(
            "// @ts-check\n// Generated from the Rust rules by `cargo xtask bindings`. Do not edit.\n",
        );
        for (name, values) in branchdesk_domain::options::select_lists() {
            let quoted: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
            out.push_str(&format!(
                "\nexport const {name} = Object.freeze([{}]);\n",
                quoted.join(", ")
            ));
        }
        out
    }

    #[test]
    fn committed_select_lists_are_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/types/lists.js");
        let fresh = render_lists();
        if std::env::var_os("BRANCHDESK_WRITE_BINDINGS").is_some() {
            std::fs::write(&path, &fresh).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "ui/types/lists.js is stale: run `cargo xtask bindings` and commit the result"
        );
    }

    #[test]
    fn committed_typescript_bindings_are_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(COMMITTED);
        let fresh = render();
        if std::env::var_os("BRANCHDESK_WRITE_BINDINGS").is_some() {
            std::fs::write(&path, &fresh).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "ui/types/bindings.d.ts is stale: run `cargo xtask bindings` and commit the result"
        );
    }
}
