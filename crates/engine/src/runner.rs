//! The runner: sends each plan's steps in order until the provider gives a definite
//! answer, and records every outcome with its audit entry in the same commit. Everything it
//! needs is in the vault, so a restart resumes where it stopped.
//!
//! - [`state`]: the runner's state, its writes, and its claim on a draft.
//! - [`passes`]: the loop, one draft's steps one at a time, and the dispatch to each
//!   provider's flow.
//! - [`pipelined`]: a COS plan sent without waiting for the disk between its steps.
//! - [`record`]: what the runner records when a step does not end done.

mod passes;
mod pipelined;
mod record;
mod state;

pub use passes::offline_wait;
pub(crate) use state::Runner;
