//! Which paths may be read as scans. A path arrives from the file dialog, a drop on the
//! window, the scanner folder, or an import file's `scanFiles`; before it is opened it must
//! be a regular file. Opening a named pipe would block until someone writes to it, a device
//! would read without end, and a folder is not a scan. A symbolic link is followed to what
//! it names, and when the path came from a folder (the scanner folder, an import file's
//! folder) the link must stay inside that folder: a link planted in a shared scanner folder
//! must not hand another file of this computer to a provider.

use std::path::{Path, PathBuf};

use crate::{Error, PathRefusal, Result};

/// The file to open for `path`: the path itself, or for a symbolic link the file it names.
/// `folder`, when the path was taken from one, is where a link may point.
pub fn checked_scan_path(path: &Path, folder: Option<&Path>) -> Result<PathBuf> {
    let shown = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let refuse = |why: PathRefusal| {
        Err(Error::ScanPathRefused {
            name: shown.clone(),
            why,
        })
    };
    let Ok(own) = std::fs::symlink_metadata(path) else {
        return refuse(PathRefusal::Missing);
    };
    let target = if own.file_type().is_symlink() {
        let Ok(target) = std::fs::canonicalize(path) else {
            return refuse(PathRefusal::BrokenLink);
        };
        if let Some(folder) = folder {
            let Ok(folder) = std::fs::canonicalize(folder) else {
                return refuse(PathRefusal::FolderUnreadable);
            };
            if !target.starts_with(&folder) {
                return refuse(PathRefusal::LinkOutsideFolder);
            }
        }
        target
    } else {
        path.to_path_buf()
    };
    let Ok(meta) = std::fs::metadata(&target) else {
        return refuse(PathRefusal::Missing);
    };
    let kind = meta.file_type();
    if kind.is_file() {
        return Ok(target);
    }
    if kind.is_dir() {
        return refuse(PathRefusal::Folder);
    }
    refuse(special_kind(&kind))
}

#[cfg(unix)]
fn special_kind(kind: &std::fs::FileType) -> PathRefusal {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        PathRefusal::Pipe
    } else if kind.is_char_device() || kind.is_block_device() {
        PathRefusal::Device
    } else if kind.is_socket() {
        PathRefusal::Socket
    } else {
        PathRefusal::NotRegular
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> PathRefusal {
    PathRefusal::NotRegular
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn refused(result: Result<PathBuf>) -> String {
        match result {
            Err(error @ Error::ScanPathRefused { .. }) => error.to_string(),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn only_regular_files_and_links_inside_the_folder_pass() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("scanner");
        let outside = dir.path().join("elsewhere");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        let scan = folder.join("front.jpg");
        std::fs::write(&scan, b"jpeg").unwrap();
        let secret = outside.join("secret.jpg");
        std::fs::write(&secret, b"not yours").unwrap();

        assert_eq!(checked_scan_path(&scan, Some(&folder)).unwrap(), scan);
        assert_eq!(checked_scan_path(&scan, None).unwrap(), scan);

        let fifo = folder.join("pipe.jpg");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // Returns at once: the pipe is never opened (opening it would block this test).
        assert!(refused(checked_scan_path(&fifo, Some(&folder))).contains("named pipe"));
        assert!(refused(checked_scan_path(&fifo, None)).contains("named pipe"));

        assert!(refused(checked_scan_path(Path::new("/dev/zero"), None)).contains("device"));
        assert!(refused(checked_scan_path(&outside, None)).contains("folder"));

        let inside_link = folder.join("link.jpg");
        symlink(&scan, &inside_link).unwrap();
        let resolved = std::fs::canonicalize(&scan).unwrap();
        assert_eq!(
            checked_scan_path(&inside_link, Some(&folder)).unwrap(),
            resolved
        );

        let escape = folder.join("escape.jpg");
        symlink(&secret, &escape).unwrap();
        assert!(refused(checked_scan_path(&escape, Some(&folder))).contains("outside"));
        // Picked in the dialog by staff themselves: followed to the file it names.
        assert_eq!(
            checked_scan_path(&escape, None).unwrap(),
            std::fs::canonicalize(&secret).unwrap()
        );

        let to_fifo = folder.join("to-pipe.jpg");
        symlink(&fifo, &to_fifo).unwrap();
        assert!(refused(checked_scan_path(&to_fifo, None)).contains("named pipe"));
        let to_device = folder.join("to-device.jpg");
        symlink("/dev/zero", &to_device).unwrap();
        assert!(refused(checked_scan_path(&to_device, None)).contains("device"));
        let dangling = folder.join("dangling.jpg");
        symlink(folder.join("gone.jpg"), &dangling).unwrap();
        assert!(refused(checked_scan_path(&dangling, None)).contains("does not exist"));
    }
}
