#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "the operating system's keyring refused access: {0}. Unlock the keyring and try again."
    )]
    Keyring(String),
    #[error(
        "no folder for Branchdesk's data could be found; set {} to choose one",
        crate::DATA_DIR_ENV
    )]
    NoDataDir,
    #[error("the data folder {path} cannot be used: {source}")]
    DataDir {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

pub type Result<T> = std::result::Result<T, Error>;
