//! What Duplicate keeps of a draft. A duplicate starts another customer's onboarding from
//! the same form: it keeps the fields staff typed and chose, but nothing that belongs to the
//! customer the original was for beyond the form: not the scans (images of that person's
//! documents), not the Latin-script forms made from that customer's names and streets, and
//! not the partner reference COS holds that customer under. The provider's ids and the
//! submission history stay with the original too: they live beside it, never in a body.

use branchdesk_domain::draft::{Address, Draft, Names};

/// The form of `draft`, ready to be stored as a new draft for a new customer.
pub(crate) fn for_a_new_customer(mut draft: Draft) -> Draft {
    draft.scans.clear();
    for document in &mut draft.identity_documents {
        document.scan_ids.clear();
    }
    // Says what the proof-of-address scan is; there is no scan any more.
    draft.fin.address_document_type.clear();
    without_latin_names(&mut draft.name);
    for address in &mut draft.addresses {
        without_latin_streets(address);
    }
    for associate in &mut draft.associates {
        without_latin_names(&mut associate.name);
        without_latin_streets(&mut associate.address);
    }
    // Read from the first customer's documents, not this one's.
    draft.value_sources.clear();
    // Unique per customer record at COS: reused, it would name the original's record.
    draft.cos.client_identifier.clear();
    draft
}

fn without_latin_names(names: &mut Names) {
    names.latin = Default::default();
}

fn without_latin_streets(address: &mut Address) {
    address.street1_latin.clear();
    address.street2_latin.clear();
    address.street1_latin_from.clear();
    address.street2_latin_from.clear();
}
