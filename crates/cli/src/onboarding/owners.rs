//! How a draft names its owners before they are at COS: `@ref` for another draft in the same
//! import file, `draft:<id>` for a stored draft, until each has a COS customer id.

use branchdesk_domain::draft::Draft;

/// How an import file names a draft in the same file, e.g. `"primaryOwnerCustomerId":
/// "@peter"` for the draft with `"ref": "peter"`.
pub(super) const REF_PREFIX: char = '@';
/// How a stored draft names another stored draft until that one has a COS customer id.
pub(super) const DRAFT_PREFIX: &str = "draft:";
/// Stands in for an owner not yet at COS when checking a draft, so only the draft's own
/// problems are reported.
pub(super) const PLACEHOLDER_GUID: &str = "00000000-0000-4000-8000-000000000000";

pub(super) fn owner_ids(draft: &Draft) -> Vec<&str> {
    std::iter::once(draft.cos.primary_owner_customer_id.as_str())
        .chain(
            draft
                .cos
                .beneficial_owners
                .iter()
                .map(|o| o.owner_customer_id.as_str()),
        )
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

pub(super) fn map_owner_ids(draft: &mut Draft, mut f: impl FnMut(&str) -> Option<String>) {
    let mut apply = |id: &mut String| {
        if let Some(new) = f(id.trim()) {
            *id = new;
        }
    };
    apply(&mut draft.cos.primary_owner_customer_id);
    for owner in &mut draft.cos.beneficial_owners {
        apply(&mut owner.owner_customer_id);
    }
}
