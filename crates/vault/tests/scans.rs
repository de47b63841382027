//! Encrypted scan files: round trips, no plaintext on disk, tampering and truncation.

// Tests state their expectations with unwrap: a failure's panic is the report.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Read;
use std::path::PathBuf;

use branchdesk_vault::{
    DraftId, Error, Provider, ScanId, SecretStore, Vault, SCANS_DIR, SCAN_KEY_ENTRY,
};
use common::{person, Fixture};

const CHUNK: usize = 64 * 1024;

/// Bytes that differ from chunk to chunk, so reordered chunks would show.
fn sample(len: usize) -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

fn read_all(vault: &Vault, id: ScanId) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    vault.open_scan(id).unwrap().read_to_end(&mut out)?;
    Ok(out)
}

fn scan_file(fx: &Fixture, id: ScanId) -> PathBuf {
    fx.dir.path().join(SCANS_DIR).join(format!("{id}.bin"))
}

fn assert_corrupt(result: std::io::Result<Vec<u8>>) {
    let err = result.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData, "{err}");
    assert!(err.to_string().contains("integrity check"), "{err}");
}

#[test]
fn scans_of_every_size_round_trip() {
    let fx = Fixture::new();
    let vault = fx.open();
    let draft = vault
        .create_draft(&person("Ada", Provider::Cos))
        .unwrap()
        .id;
    for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17] {
        let data = sample(len);
        let id = vault.put_scan(draft, data.as_slice()).unwrap();
        assert_eq!(read_all(&vault, id).unwrap(), data, "length {len}");
        let overhead = std::fs::metadata(scan_file(&fx, id)).unwrap().len() - len as u64;
        assert!(overhead < 200 + 16 * (len / CHUNK) as u64, "{overhead}");
    }
    let sizes: Vec<u64> = vault
        .list_scans(draft)
        .unwrap()
        .iter()
        .map(|s| s.size)
        .collect();
    assert_eq!(sizes.len(), 7);
    assert!(sizes.contains(&(3 * CHUNK as u64 + 17)));
}

#[test]
fn a_scan_file_holds_no_plaintext_and_no_temporary_files_remain() {
    let fx = Fixture::new();
    let vault = fx.open();
    let draft = vault
        .create_draft(&person("Ada", Provider::Cos))
        .unwrap()
        .id;
    let marker = b"PASSPORT-NUMBER-X1234567 Ada Lovelace";
    let mut data = sample(2 * CHUNK);
    data[CHUNK - 10..CHUNK - 10 + marker.len()].copy_from_slice(marker);
    let source = fx.dir.path().join("upload.jpg");
    std::fs::write(&source, &data).unwrap();
    let id = vault.put_scan_file(draft, &source).unwrap();

    let names: Vec<String> = std::fs::read_dir(fx.dir.path().join(SCANS_DIR))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, vec![format!("{id}.bin")]);
    let stored = std::fs::read(scan_file(&fx, id)).unwrap();
    assert!(!stored.windows(marker.len()).any(|w| w == marker));
    assert!(!stored
        .windows(64)
        .any(|w| data.windows(64).next() == Some(w)));
    assert_eq!(read_all(&vault, id).unwrap(), data);
}

#[test]
fn a_flipped_byte_anywhere_is_detected() {
    let fx = Fixture::new();
    let vault = fx.open();
    let draft = vault
        .create_draft(&person("Ada", Provider::Cos))
        .unwrap()
        .id;
    let data = sample(2 * CHUNK + 100);
    let id = vault.put_scan(draft, data.as_slice()).unwrap();
    let path = scan_file(&fx, id);
    let original = std::fs::read(&path).unwrap();

    // In the wrapped key (header) the scan does not even open.
    for at in [0, 20, 50, 90] {
        let mut bytes = original.clone();
        bytes[at] ^= 0x01;
        std::fs::write(&path, &bytes).unwrap();
        assert!(
            matches!(vault.open_scan(id), Err(Error::ScanCorrupt(_))),
            "byte {at}"
        );
    }
    // In a chunk (first, middle, last) reading fails at that chunk.
    for at in [120, CHUNK + 500, original.len() - 1] {
        let mut bytes = original.clone();
        bytes[at] ^= 0x80;
        std::fs::write(&path, &bytes).unwrap();
        assert_corrupt(read_all(&vault, id));
    }
    std::fs::write(&path, &original).unwrap();
    assert_eq!(read_all(&vault, id).unwrap(), data);
}

#[test]
fn truncation_extension_and_swapped_files_are_detected() {
    let fx = Fixture::new();
    let vault = fx.open();
    let draft = vault
        .create_draft(&person("Ada", Provider::Cos))
        .unwrap()
        .id;
    let data = sample(3 * CHUNK);
    let id = vault.put_scan(draft, data.as_slice()).unwrap();
    let path = scan_file(&fx, id);
    let original = std::fs::read(&path).unwrap();
    let header = original.len() - 3 * (CHUNK + 16);

    // Whole chunks cut off, part of one, everything after the header.
    for len in [
        header + CHUNK + 16,
        header + 2 * (CHUNK + 16),
        original.len() - 1,
        header + 5,
        header,
    ] {
        std::fs::write(&path, &original[..len]).unwrap();
        assert_corrupt(read_all(&vault, id));
    }
    std::fs::write(&path, &original[..header - 1]).unwrap();
    assert!(matches!(vault.open_scan(id), Err(Error::ScanCorrupt(_))));

    let mut longer = original.clone();
    longer.extend_from_slice(&[0u8; 40]);
    std::fs::write(&path, &longer).unwrap();
    assert_corrupt(read_all(&vault, id));

    // Another scan's file under this scan's name: its key is bound to its own id.
    let other = vault.put_scan(draft, b"other".as_slice()).unwrap();
    std::fs::copy(scan_file(&fx, other), &path).unwrap();
    assert!(matches!(vault.open_scan(id), Err(Error::ScanCorrupt(_))));
}

#[test]
fn scans_belong_to_a_draft_and_go_with_it() {
    let fx = Fixture::new();
    let (kept, gone_draft, gone_scans, deleted) = {
        let vault = fx.open();
        let a = vault
            .create_draft(&person("Ada", Provider::Cos))
            .unwrap()
            .id;
        let b = vault
            .create_draft(&person("Bob", Provider::Fin))
            .unwrap()
            .id;
        let kept = vault.put_scan(a, b"front".as_slice()).unwrap();
        let deleted = vault.put_scan(a, b"back".as_slice()).unwrap();
        let gone = [
            vault.put_scan(b, b"1".as_slice()).unwrap(),
            vault.put_scan(b, b"2".as_slice()).unwrap(),
        ];
        assert_eq!(vault.list_scans(b).unwrap().len(), 2);

        assert!(vault.delete_scan(deleted).unwrap());
        assert!(!vault.delete_scan(deleted).unwrap());
        assert!(matches!(
            vault.open_scan(deleted),
            Err(Error::ScanNotFound(_))
        ));
        assert!(vault.delete_draft(b).unwrap());
        (kept, b, gone, deleted)
    };

    // After a restart: the kept scan reads back; the others left no file behind.
    let vault = fx.open();
    assert_eq!(read_all(&vault, kept).unwrap(), b"front");
    assert!(vault.list_scans(gone_draft).unwrap().is_empty());
    for id in gone_scans.into_iter().chain([deleted]) {
        assert!(!scan_file(&fx, id).exists());
    }
    assert_eq!(
        std::fs::read_dir(fx.dir.path().join(SCANS_DIR))
            .unwrap()
            .count(),
        1
    );
}

#[test]
fn a_scan_for_a_missing_draft_is_refused_without_leaving_a_file() {
    let fx = Fixture::new();
    let vault = fx.open();
    assert!(matches!(
        vault.put_scan(DraftId::new(), b"x".as_slice()),
        Err(Error::DraftNotFound(_))
    ));
    let dir = fx.dir.path().join(SCANS_DIR);
    assert!(!dir.exists() || std::fs::read_dir(dir).unwrap().count() == 0);
}

#[test]
fn a_reader_error_stores_nothing() {
    struct Failing(usize);
    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0 == 0 {
                return Err(std::io::Error::other("camera unplugged"));
            }
            let n = buf.len().min(self.0);
            self.0 -= n;
            Ok(n)
        }
    }
    let fx = Fixture::new();
    let vault = fx.open();
    let draft = vault
        .create_draft(&person("Ada", Provider::Cos))
        .unwrap()
        .id;
    let err = vault.put_scan(draft, Failing(CHUNK * 2 + 5)).unwrap_err();
    assert!(err.to_string().contains("camera unplugged"), "{err}");
    assert!(vault.list_scans(draft).unwrap().is_empty());
    assert_eq!(
        std::fs::read_dir(fx.dir.path().join(SCANS_DIR))
            .unwrap()
            .count(),
        0
    );
}

#[test]
fn scans_without_their_key_are_an_error_not_a_new_key() {
    let fx = Fixture::new();
    {
        let vault = fx.open();
        let draft = vault
            .create_draft(&person("Ada", Provider::Cos))
            .unwrap()
            .id;
        vault.put_scan(draft, b"x".as_slice()).unwrap();
    }
    fx.secrets.delete(SCAN_KEY_ENTRY).unwrap();
    let err = Vault::open(fx.dir.path(), &fx.secrets).unwrap_err();
    assert!(matches!(err, Error::ScanKeyMissing { .. }), "{err}");
    assert!(fx.secrets.get(SCAN_KEY_ENTRY).unwrap().is_none());
}

#[test]
fn opening_sweeps_stale_leftovers_but_not_fresh_ones() {
    let fx = Fixture::new();
    let kept = {
        let vault = fx.open();
        let draft = vault
            .create_draft(&person("Ada", Provider::Cos))
            .unwrap()
            .id;
        vault.put_scan(draft, b"keep me".as_slice()).unwrap()
    };
    let dir = fx.dir.path().join(SCANS_DIR);
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let leftover = |name: String, modified: std::time::SystemTime| {
        let path = dir.join(name);
        std::fs::write(&path, b"ciphertext").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(modified)
            .unwrap();
        path
    };
    let stale_part = leftover(format!("{}.bin.part", ScanId::new()), hour_ago);
    let stale_orphan = leftover(format!("{}.bin", ScanId::new()), hour_ago);
    // Possibly another process's put_scan between its rename and its insert.
    let fresh_orphan = leftover(
        format!("{}.bin", ScanId::new()),
        std::time::SystemTime::now(),
    );
    std::fs::File::options()
        .write(true)
        .open(scan_file(&fx, kept))
        .unwrap()
        .set_modified(hour_ago)
        .unwrap();

    let vault = fx.open();
    assert!(!stale_part.exists());
    assert!(!stale_orphan.exists());
    assert!(fresh_orphan.exists());
    assert_eq!(read_all(&vault, kept).unwrap(), b"keep me");
}
