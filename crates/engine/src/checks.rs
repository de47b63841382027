//! A draft against the rules of the provider it goes to, as staff see it while they type
//! and as submitting enforces it: blank optional rows ignored, plus the scans' own
//! findings (a warning not yet kept with a reason holds the submission back).

use branchdesk_domain::draft::{Draft, Provider};
use branchdesk_domain::fin::FinAttachConfig;
use branchdesk_domain::validate::{self, Issue};

use crate::drafts::without_blank_rows;
use crate::records::today;

/// The rules' verdict on `draft`. `attach` is the Fin.com connection's attach rules.
pub(crate) fn validate(draft: &Draft, attach: FinAttachConfig) -> Vec<Issue> {
    let draft = without_blank_rows(draft);
    match draft.provider {
        Provider::Fin => {
            let mut issues = branchdesk_domain::fin::fin_on(&draft, today());
            issues.extend(crate::flows::fin::plan::document_issues(&draft, attach));
            issues.extend(crate::scans::unresolved_warnings(&draft));
            issues
        }
        Provider::Bvnk => {
            let mut issues = validate::bvnk_on(
                &draft,
                today(),
                branchdesk_domain::bvnk::DEFAULT_DOCUMENT_LIMIT_BYTES,
            );
            issues.extend(crate::scans::unresolved_warnings(&draft));
            issues
        }
        Provider::Cos => validate::cos_on(&draft, today()),
    }
}
