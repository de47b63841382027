//! BVNK's field paths (`company.associates[1].person.dateOfBirth`) as the draft's own
//! (`associates[1].birthDate`), so a refusal is shown where staff fix it.

use crate::draft::Draft;

/// The draft field a BVNK field path names, where there is one.
pub fn draft_field(path: &str, draft: &Draft) -> Option<String> {
    let path = path.trim();
    if let Some(rest) = path.strip_prefix("company.associates[") {
        let (index, rest) = rest.split_once(']')?;
        let index: usize = index.parse().ok()?;
        let rest = rest.trim_start_matches('.');
        let field = associate_field(rest)?;
        return Some(format!("associates[{index}].{field}"));
    }
    if let Some(rest) = path.strip_prefix("associates[") {
        let (index, rest) = rest.split_once(']')?;
        let index: usize = index.parse().ok()?;
        let field = associate_field(rest.trim_start_matches('.'))?;
        return Some(format!("associates[{index}].{field}"));
    }
    let field = match path {
        "company.name" | "name" => "company.legalName",
        "company.description" | "description" => "company.description",
        "company.registrationNumber" => "company.registrationNumber",
        "company.taxResidenceCountryCode" => "company.taxResidenceCountry",
        "company.industryReference" => "bvnk.industryReference",
        "company.monthlyExpectedVolumesReference" => "bvnk.monthlyExpectedVolumesReference",
        "company.associates" => "associates",
        "individual.firstName" => "name.first",
        "individual.lastName" => "name.last",
        "individual.dateOfBirth" => "person.birthDate",
        "individual.nationality" => "person.citizenshipCountry",
        "individual.birthCountryCode" => "person.birthCountry",
        "individual.emailAddress" => "emails[0].address",
        "individual.phoneNumber" => "phones[0].number",
        "riskScore" => "bvnk.riskScore",
        _ => {
            let address = path
                .strip_prefix("company.address.")
                .or_else(|| path.strip_prefix("individual.address."))
                .or_else(|| path.strip_prefix("address."))?;
            // The create sends the primary address (or the first).
            let index = draft
                .addresses
                .iter()
                .position(|a| a.is_primary)
                .unwrap_or(0);
            return Some(format!("addresses[{index}].{}", address_field(address)?));
        }
    };
    Some(field.to_owned())
}

fn address_field(name: &str) -> Option<&'static str> {
    Some(match name {
        "addressLine1" => "street1",
        "addressLine2" => "street2",
        "city" => "city",
        "postalCode" | "postCode" => "postalCode",
        "countryCode" | "country" => "country",
        _ => return None,
    })
}

fn associate_field(rest: &str) -> Option<String> {
    if let Some(address) = rest.strip_prefix("person.address.") {
        return Some(format!("address.{}", address_field(address)?));
    }
    Some(
        match rest {
            "person.firstName" => "name.first",
            "person.lastName" => "name.last",
            "person.dateOfBirth" => "birthDate",
            "details.birthCountryCode" => "birthCountry",
            "details.contactInfo.emailAddress" | "details.contactinfo.emailAddress" => "email",
            "details.contactInfo.phoneNumber" | "details.contactinfo.phoneNumber" => "phone",
            "details.documentInfo.number" | "details.documentNumber" => "document.number",
            "details.documentInfo.type" => "document.idType",
            "details.documentInfo.issuingCountryCode" => "document.issuingCountry",
            "details.taxIdentification.number" => "taxId.number",
            "title" => "title",
            "riskScore" => "riskScore",
            _ if rest.starts_with("controls") => "hasControl",
            _ => return None,
        }
        .to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::PartyKind;

    #[test]
    fn bvnk_paths_land_on_the_fields_staff_fix() {
        let draft = Draft {
            kind: PartyKind::Company,
            ..Default::default()
        };
        for (path, field) in [
            ("company.name", "company.legalName"),
            (
                "company.associates[1].person.dateOfBirth",
                "associates[1].birthDate",
            ),
            (
                "company.associates[0].details.contactInfo.phoneNumber",
                "associates[0].phone",
            ),
            ("company.address.postalCode", "addresses[0].postalCode"),
            (
                "company.associates[2].person.address.countryCode",
                "associates[2].address.country",
            ),
            ("individual.dateOfBirth", "person.birthDate"),
        ] {
            assert_eq!(draft_field(path, &draft).as_deref(), Some(field), "{path}");
        }
        assert_eq!(draft_field("signedAgreementSessionReference", &draft), None);
        assert_eq!(draft_field("company.associates[x].title", &draft), None);
    }
}
