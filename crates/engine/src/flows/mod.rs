//! One module per provider, each the whole of that provider's onboarding: how a draft
//! becomes its plan of steps, how each step goes on the wire, and what happens when an
//! answer is lost. Each takes the vault and its own client, never the desk.

pub mod bvnk;
pub mod cos;
pub mod fin;
