//! A 25 MB scan is encrypted and decrypted without ever being held whole in memory. Its own
//! test binary, since it counts every allocation the process makes.

// Tests state their expectations with unwrap: a failure's panic is the report.
#![allow(clippy::unwrap_used)]

mod common;

use std::alloc::System;
use std::io::Read;

use branchdesk_vault::Provider;
use cap::Cap;
use common::{person, Fixture};

#[global_allocator]
static ALLOC: Cap<System> = Cap::new(System, usize::MAX);

const MIB: usize = 1024 * 1024;
const SIZE: usize = 25 * MIB;

/// 25 MB of bytes made on the fly, never all at once.
struct Generated {
    left: usize,
    state: u8,
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.left);
        for byte in &mut buf[..n] {
            self.state = self.state.wrapping_mul(31).wrapping_add(7);
            *byte = self.state;
        }
        self.left -= n;
        Ok(n)
    }
}

#[test]
fn a_25_mb_scan_is_streamed_both_ways() {
    let fx = Fixture::new();
    let vault = fx.open();
    let draft = vault
        .create_draft(&person("Ada", Provider::Cos))
        .unwrap()
        .id;

    let before = ALLOC.allocated();
    let id = vault
        .put_scan(
            draft,
            Generated {
                left: SIZE,
                state: 1,
            },
        )
        .unwrap();
    let mut reader = vault.open_scan(id).unwrap();
    let mut expected = Generated {
        left: SIZE,
        state: 1,
    };
    let (mut got, mut want) = (vec![0u8; 8192], vec![0u8; 8192]);
    let mut total = 0;
    loop {
        let n = reader.read(&mut got).unwrap();
        if n == 0 {
            break;
        }
        expected.read_exact(&mut want[..n]).unwrap();
        assert_eq!(got[..n], want[..n], "at byte {total}");
        total += n;
    }
    assert_eq!(total, SIZE);
    assert_eq!(vault.list_scans(draft).unwrap()[0].size, SIZE as u64);

    let peak = ALLOC.max_allocated().saturating_sub(before);
    assert!(peak < 2 * MIB, "peak {} KiB above baseline", peak / 1024);
}
