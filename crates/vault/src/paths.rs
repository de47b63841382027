use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// Where all local data lives, when set. Tests and the CLI's `--data-dir` use it so nothing
/// touches the user's real app-data folder.
pub const DATA_DIR_ENV: &str = "BRANCHDESK_DATA_DIR";

/// The data folder: `explicit` if given, else `$BRANCHDESK_DATA_DIR`, else the platform's
/// app-data folder. Created if missing, readable by the current user only on Unix.
pub fn data_dir(explicit: Option<&Path>) -> Result<PathBuf> {
    let dir = match explicit {
        Some(path) => path.to_path_buf(),
        None => match std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
            Some(value) => PathBuf::from(value),
            None => directories::ProjectDirs::from("com", "Branchdesk", "Branchdesk")
                .ok_or(Error::NoDataDir)?
                .data_dir()
                .to_path_buf(),
        },
    };
    std::fs::create_dir_all(&dir).map_err(|source| Error::DataDir {
        path: dir.clone(),
        source,
    })?;
    restrict_to_owner(&dir).map_err(|source| Error::DataDir {
        path: dir.clone(),
        source,
    })?;
    Ok(dir)
}

#[cfg(unix)]
fn restrict_to_owner(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

#[cfg(not(unix))]
fn restrict_to_owner(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_folder_is_created_and_private() {
        let root = tempfile::tempdir().unwrap();
        let wanted = root.path().join("nested").join("data");
        let dir = data_dir(Some(&wanted)).unwrap();
        assert_eq!(dir, wanted);
        assert!(dir.is_dir());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
    }

    #[test]
    fn a_file_in_the_way_is_reported_with_its_path() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("occupied");
        std::fs::write(&file, b"x").unwrap();
        let err = data_dir(Some(&file.join("data"))).unwrap_err();
        assert!(err.to_string().contains("occupied"), "{err}");
    }
}
