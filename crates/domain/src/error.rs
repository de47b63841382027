/// Errors of the domain crate: a draft that cannot be turned into a provider request.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The draft breaks at least one rule; each issue names its field.
    #[error("the draft has {} problem(s) to fix", .0.len())]
    Invalid(Vec<crate::validate::Issue>),
}

pub type Result<T> = std::result::Result<T, Error>;
