//! The archive's byte stream: XChaCha20-Poly1305 STREAM over 64 KiB chunks (sealed as
//! written, opened as read, one chunk read ahead to know the last), and the framed records
//! inside it.

use std::io::{Read, Write};
use std::path::Path;

use chacha20poly1305::aead::stream::{DecryptorBE32, EncryptorBE32};
use chacha20poly1305::aead::Payload;
use chacha20poly1305::XChaCha20Poly1305;
use zeroize::Zeroizing;

use crate::scans::read_full;
use crate::{Error, Result};

pub(super) const CHUNK: usize = 64 * 1024;
const TAG_LEN: usize = 16;
pub(super) const SEALED_CHUNK: usize = CHUNK + TAG_LEN;
/// A frame of a record's bytes; 0 ends the record.
const FRAME: usize = 32 * 1024;

/// Seals what is written into 64 KiB STREAM chunks.
pub(super) struct Sealer<W: Write> {
    pub(super) out: W,
    pub(super) encryptor: Option<EncryptorBE32<XChaCha20Poly1305>>,
    pub(super) buffer: Zeroizing<Vec<u8>>,
    pub(super) aad: Vec<u8>,
}

impl<W: Write> Sealer<W> {
    pub(super) fn seal_full(&mut self) -> std::io::Result<()> {
        let encryptor = self
            .encryptor
            .as_mut()
            .ok_or_else(|| std::io::Error::other("the archive was already finished"))?;
        let sealed = encryptor
            .encrypt_next(Payload {
                msg: &self.buffer,
                aad: &self.aad,
            })
            .map_err(|_| std::io::Error::other("sealing a chunk failed"))?;
        self.out.write_all(&sealed)?;
        self.buffer.clear();
        Ok(())
    }

    /// Seals what is left as the last chunk.
    pub(super) fn finish(mut self) -> std::io::Result<W> {
        let encryptor = self
            .encryptor
            .take()
            .ok_or_else(|| std::io::Error::other("the archive was already finished"))?;
        let sealed = encryptor
            .encrypt_last(Payload {
                msg: &self.buffer,
                aad: &self.aad,
            })
            .map_err(|_| std::io::Error::other("sealing a chunk failed"))?;
        self.out.write_all(&sealed)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

impl<W: Write> Write for Sealer<W> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let mut rest = data;
        while !rest.is_empty() {
            // A full buffer is sealed only once more follows: the last chunk must be
            // sealed as the last.
            if self.buffer.len() == CHUNK {
                self.seal_full()?;
            }
            let take = (CHUNK - self.buffer.len()).min(rest.len());
            self.buffer.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Opens STREAM chunks as they are read, reading one ahead to know the last.
pub(super) struct Opener<R: Read> {
    pub(super) input: R,
    pub(super) decryptor: Option<DecryptorBE32<XChaCha20Poly1305>>,
    pub(super) sealed: Vec<u8>,
    pub(super) plain: Zeroizing<Vec<u8>>,
    pub(super) pos: usize,
    pub(super) aad: Vec<u8>,
    pub(super) first: bool,
    pub(super) finished: bool,
}

impl<R: Read> Opener<R> {
    pub(super) fn input_error(e: std::io::Error) -> Error {
        Error::io("reading", "the backup archive", e)
    }

    pub(super) fn refill(&mut self) -> Result<()> {
        let Some(mut decryptor) = self.decryptor.take() else {
            return Err(Error::BackupDamaged);
        };
        let mut next = Vec::new();
        if self.sealed.len() == SEALED_CHUNK {
            next.resize(SEALED_CHUNK, 0);
            let len = read_full(&mut self.input, &mut next).map_err(Self::input_error)?;
            next.truncate(len);
        }
        let opened = if next.is_empty() {
            self.finished = true;
            decryptor.decrypt_last(Payload {
                msg: &self.sealed,
                aad: &self.aad,
            })
        } else {
            let opened = decryptor.decrypt_next(Payload {
                msg: &self.sealed,
                aad: &self.aad,
            });
            self.decryptor = Some(decryptor);
            self.sealed = next;
            opened
        };
        let first = std::mem::replace(&mut self.first, false);
        match opened {
            Ok(plain) => {
                self.plain = Zeroizing::new(plain);
                self.pos = 0;
                Ok(())
            }
            // The first chunk is where a wrong passphrase shows; later ones only fail
            // when the archive was damaged or cut short.
            Err(_) if first => Err(Error::BackupPassphrase),
            Err(_) => Err(Error::BackupDamaged),
        }
    }

    pub(super) fn read_exact(&mut self, buf: &mut [u8]) -> Result<()> {
        let mut filled = 0;
        while filled < buf.len() {
            if self.pos == self.plain.len() {
                if self.finished {
                    return Err(Error::BackupDamaged);
                }
                self.refill()?;
                continue;
            }
            let n = (buf.len() - filled).min(self.plain.len() - self.pos);
            buf[filled..filled + n].copy_from_slice(&self.plain[self.pos..self.pos + n]);
            self.pos += n;
            filled += n;
        }
        Ok(())
    }

    pub(super) fn u8(&mut self) -> Result<u8> {
        let mut byte = [0u8; 1];
        self.read_exact(&mut byte)?;
        Ok(byte[0])
    }

    pub(super) fn u32(&mut self) -> Result<u32> {
        let mut bytes = [0u8; 4];
        self.read_exact(&mut bytes)?;
        Ok(u32::from_be_bytes(bytes))
    }

    /// Copies one framed record's bytes into `out`; a failure of `out` is returned as is.
    pub(super) fn copy_record(&mut self, out: &mut dyn Write, target: &Path) -> Result<u64> {
        let mut frame = Zeroizing::new(vec![0u8; FRAME]);
        let mut total = 0u64;
        loop {
            let len = self.u32()? as usize;
            if len == 0 {
                return Ok(total);
            }
            if len > FRAME {
                return Err(Error::BackupDamaged);
            }
            self.read_exact(&mut frame[..len])?;
            out.write_all(&frame[..len])
                .map_err(|e| Error::io("writing", target, e))?;
            total += len as u64;
        }
    }

    /// Whether the archive ends exactly here.
    pub(super) fn at_end(&mut self) -> Result<bool> {
        if self.pos < self.plain.len() {
            return Ok(false);
        }
        while !self.finished {
            self.refill()?;
            if self.pos < self.plain.len() {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// A record's bytes as a reader, for the scan encryption to pull from.
pub(super) struct RecordReader<'a, R: Read> {
    pub(super) opener: &'a mut Opener<R>,
    pub(super) left_in_frame: usize,
    pub(super) done: bool,
    pub(super) error: Option<Error>,
}

impl<R: Read> Read for RecordReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.done || buf.is_empty() {
            return Ok(0);
        }
        let result = (|| {
            if self.left_in_frame == 0 {
                let len = self.opener.u32()? as usize;
                if len > FRAME {
                    return Err(Error::BackupDamaged);
                }
                if len == 0 {
                    self.done = true;
                    return Ok(0);
                }
                self.left_in_frame = len;
            }
            let n = buf.len().min(self.left_in_frame);
            self.opener.read_exact(&mut buf[..n])?;
            self.left_in_frame -= n;
            Ok(n)
        })();
        result.map_err(|error| {
            self.error = Some(error);
            std::io::Error::other("the backup archive could not be read")
        })
    }
}

pub(super) fn write_record(
    out: &mut dyn Write,
    from: &mut impl Read,
    source: &Path,
) -> Result<u64> {
    let mut frame = Zeroizing::new(vec![0u8; FRAME]);
    let mut total = 0u64;
    let write_error = |e| Error::io("writing", "the backup archive", e);
    loop {
        let len = read_full(from, &mut frame).map_err(|e| Error::io("reading", source, e))?;
        if len == 0 {
            break;
        }
        out.write_all(&(len as u32).to_be_bytes())
            .and_then(|()| out.write_all(&frame[..len]))
            .map_err(write_error)?;
        total += len as u64;
    }
    out.write_all(&0u32.to_be_bytes()).map_err(write_error)?;
    Ok(total)
}
