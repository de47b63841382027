//! A business's owners as staff pick them: what a Personal customer's compliance results
//! say about taking them as an owner, and the rule that each owner is listed once.
//!
//! The pickers and the Review page show this verdict in words; it is decided here so the
//! window, the CLI and any later check read the same results the same way.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::draft::CosBeneficialOwner;
use crate::issue::Issue;
use crate::scan_status::ScanStatus;

/// What a customer's latest compliance results (OFAC, PEP, internal list) say, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum OwnerStanding {
    /// A check found the person on its list (`Positive`): a sanctions or PEP hit.
    Hit,
    /// A check failed or is being reviewed by the bank: not yet a yes.
    Attention,
    /// A check has not reported yet.
    Pending,
    /// Every check came back clear.
    Clear,
}

/// The standing of a customer from their three check results (`None`: not reported).
/// A hit on any list outweighs everything else: staff must see it first.
pub fn standing(checks: [Option<ScanStatus>; 3]) -> OwnerStanding {
    checks
        .iter()
        .map(|check| match check {
            Some(ScanStatus::Positive) => OwnerStanding::Hit,
            Some(ScanStatus::Failed | ScanStatus::Reviewing) => OwnerStanding::Attention,
            Some(ScanStatus::Pending) | None => OwnerStanding::Pending,
            Some(ScanStatus::Clear) => OwnerStanding::Clear,
        })
        .min()
        .unwrap_or(OwnerStanding::Pending)
}

/// A customer listed as a beneficial owner more than once: their shares would be counted
/// twice and COS would hold two records for one person. The later rows are flagged, on
/// their owner field, so the first stays as chosen.
pub fn repeated_owners(owners: &[CosBeneficialOwner]) -> Vec<Issue> {
    let mut seen: Vec<String> = Vec::new();
    let mut issues = Vec::new();
    for (i, owner) in owners.iter().enumerate() {
        let id = owner.owner_customer_id.trim().to_lowercase();
        if id.is_empty() {
            continue;
        }
        if let Some(first) = seen.iter().position(|s| *s == id) {
            issues.push(Issue::error(
                &format!("cos.beneficialOwners[{i}].ownerCustomerId"),
                "owner_repeated",
                format!(
                    "This person is already beneficial owner {}: give their whole share there, or choose someone else.",
                    first + 1
                ),
            ));
        }
        seen.push(id);
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(id: &str) -> CosBeneficialOwner {
        CosBeneficialOwner {
            owner_customer_id: id.into(),
            title: "CEO".into(),
            ownership_percentage: "10".into(),
        }
    }

    #[test]
    fn a_positive_check_is_a_hit_whatever_the_others_say() {
        use ScanStatus::*;
        assert_eq!(
            standing([Some(Clear), Some(Positive), Some(Clear)]),
            OwnerStanding::Hit
        );
        assert_eq!(
            standing([Some(Positive), Some(Reviewing), None]),
            OwnerStanding::Hit
        );
        assert_eq!(
            standing([Some(Clear), Some(Clear), Some(Reviewing)]),
            OwnerStanding::Attention
        );
        assert_eq!(
            standing([Some(Failed), Some(Pending), Some(Clear)]),
            OwnerStanding::Attention
        );
        assert_eq!(
            standing([Some(Clear), None, Some(Clear)]),
            OwnerStanding::Pending
        );
        assert_eq!(
            standing([Some(Clear), Some(Clear), Some(Clear)]),
            OwnerStanding::Clear
        );
        assert_eq!(standing([None, None, None]), OwnerStanding::Pending);
    }

    #[test]
    fn the_same_owner_twice_is_flagged_on_the_later_row() {
        let a = "9052b6a5-3f09-41d1-b526-ade80104eb79";
        let b = "49160e7c-6c94-4898-a7cc-5457b80a3307";
        // Case and spaces do not make another person.
        let owners = [
            owner(a),
            owner(b),
            owner(""),
            owner(&a.to_uppercase()),
            owner(&format!(" {b}")),
        ];
        let issues = repeated_owners(&owners);
        let fields: Vec<_> = issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "cos.beneficialOwners[3].ownerCustomerId",
                "cos.beneficialOwners[4].ownerCustomerId"
            ]
        );
        assert!(issues
            .iter()
            .all(|i| i.code == "owner_repeated" && i.is_error()));
        assert!(
            issues[0].message.contains("beneficial owner 1"),
            "{}",
            issues[0].message
        );
        assert!(
            issues[1].message.contains("beneficial owner 2"),
            "{}",
            issues[1].message
        );
        assert!(repeated_owners(&[owner(a), owner(b), owner(""), owner("")]).is_empty());
    }
}
