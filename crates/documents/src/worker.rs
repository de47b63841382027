//! The document reader's own process. Every decoder in this crate reads files staff were
//! handed by a customer or a scanner, so each read that decodes pixels or a PDF runs in a
//! short-lived child of the same executable, started with [`ARG`]: a decoder that panics,
//! runs away with memory or never finishes ends that child, and the employee gets a clear
//! refusal while the app, its drafts and its window carry on. It is also what lets release
//! builds abort on panic (a smaller binary, and no half-unwound state anywhere).
//!
//! Binaries opt in with [`serve_or_isolate`] first thing in `main`. Library tests do not,
//! so there every read runs in the calling thread, exactly as before.
//!
//! The child reads one request from standard input and writes its answers to standard
//! output as frames: a little-endian `u32` length, then a postcard message. Reading the
//! file from disk stays in the parent (bounded by the file limit); the child touches no
//! file and caps its own address space before it decodes anything.

use std::borrow::Cow;
use std::ffi::OsStr;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::sync::{mpsc, OnceLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::barcode::BarcodeRead;
use crate::config::CheckConfig;
use crate::error::{Error, Result};
use crate::input::Input;
use crate::mrz::MrzRead;
use crate::pdf::{PageImage, Picture};
use crate::pipeline::{self, Run};
use crate::report::Report;
use crate::Preview;

/// The argument that makes the executable a document reader instead of itself.
pub const ARG: &str = "--read-document";

/// Longest a read may take. A 12-megapixel photo is checked and converted in about a
/// second; a minute is a decoder stuck on a crafted file, not a slow computer.
const DEADLINE: Duration = Duration::from_secs(60);

/// Largest frame either side accepts: a 30 MB file and its copies with room to spare.
/// A length beyond it is a broken stream, refused before anything is allocated for it.
const MAX_FRAME_BYTES: u32 = 256 * 1024 * 1024;

/// The reader's address space: its decoders are held to 512 MB of pixels by
/// [`CheckConfig::max_decode_alloc_bytes`], and the executable's own libraries (the
/// window's toolkit among them) take a few hundred MB of mappings before any of it.
#[cfg(unix)]
const MAX_ADDRESS_SPACE_BYTES: u64 = 3 * 1024 * 1024 * 1024;

/// Standard error the parent keeps of a reader that failed, for the log.
const KEPT_STDERR_BYTES: u64 = 4 * 1024;

static READER: OnceLock<PathBuf> = OnceLock::new();

#[cfg(feature = "failpoints")]
mod armed;

/// For a binary's `main`, before anything else. Started as a reader (with [`ARG`]), the
/// process answers its one request and this returns its exit code, for `main` to return.
/// Otherwise every later read in this process goes to a reader, and this returns `None`.
pub fn serve_or_isolate() -> Option<ExitCode> {
    if std::env::args_os().nth(1).as_deref() == Some(OsStr::new(ARG)) {
        return Some(serve());
    }
    match own_executable() {
        Ok(exe) => {
            let _ = READER.set(exe);
        }
        // Not fatal: the reads then run in this process, as library tests run them.
        Err(error) => eprintln!("documents are read in this process ({error})"),
    }
    None
}

/// On Linux the running image itself, so that a package upgrade that replaced the file on
/// disk does not start a reader of another version.
fn own_executable() -> io::Result<PathBuf> {
    if cfg!(target_os = "linux") {
        let link = PathBuf::from("/proc/self/exe");
        if link.exists() {
            return Ok(link);
        }
    }
    std::env::current_exe()
}

/// One read, as the reader receives it.
#[derive(Serialize, Deserialize)]
pub(crate) enum Job<'a> {
    /// The checks and, unless only inspecting, the copy to store (`crate::normalise`).
    Pipeline {
        input: Input,
        cfg: Cow<'a, CheckConfig>,
        job: pipeline::Job,
    },
    ViewPicture {
        #[serde(borrow, with = "serde_bytes")]
        bytes: &'a [u8],
        max_long_side: u32,
    },
    /// The pages' pictures, each made fit for the viewer when `max_long_side` is given.
    PageImages {
        #[serde(borrow, with = "serde_bytes")]
        bytes: &'a [u8],
        max_pages: u32,
        max_long_side: Option<u32>,
    },
    Pdf417 {
        #[serde(borrow, with = "serde_bytes")]
        bytes: &'a [u8],
        cfg: Cow<'a, CheckConfig>,
    },
    Mrz {
        #[serde(borrow, with = "serde_bytes")]
        bytes: &'a [u8],
        cfg: Cow<'a, CheckConfig>,
    },
}

/// What a read gives, whichever process did it.
#[derive(Serialize, Deserialize)]
pub(crate) enum Answer {
    Pipeline(Box<Run>),
    Picture(Picture),
    Pages(Vec<PageImage>),
    Barcode(BarcodeRead),
    Mrz(MrzRead),
}

/// A frame from the reader.
#[derive(Serialize, Deserialize)]
enum Reply {
    /// The checks and the thumbnail, before the copy to store is made.
    Preview {
        #[serde(with = "as_json")]
        report: Box<Report>,
        #[serde(with = "serde_bytes")]
        thumbnail_jpeg: Option<Vec<u8>>,
    },
    Done(Result<Answer>),
}

impl Job<'_> {
    /// Does the read in this thread.
    fn here(self, on_preview: &mut dyn FnMut(&Preview<'_>)) -> Result<Answer> {
        Ok(match self {
            Job::Pipeline { input, cfg, job } => {
                Answer::Pipeline(Box::new(pipeline::run(input, &cfg, job, on_preview)))
            }
            Job::ViewPicture {
                bytes,
                max_long_side,
            } => Answer::Picture(crate::pdf::view_picture_here(bytes, max_long_side)?),
            Job::PageImages {
                bytes,
                max_pages,
                max_long_side,
            } => {
                let max_pages = usize::try_from(max_pages).unwrap_or(usize::MAX);
                let mut pages = crate::pdf::page_images_here(bytes, max_pages)?;
                if let Some(max_long_side) = max_long_side {
                    for page in &mut pages {
                        if let Some(picture) = page.picture.take() {
                            page.picture = Some(crate::pdf::view_picture_here(
                                &picture.bytes,
                                max_long_side,
                            )?);
                        }
                    }
                }
                Answer::Pages(pages)
            }
            Job::Pdf417 { bytes, cfg } => Answer::Barcode(crate::barcode::read_here(bytes, &cfg)?),
            Job::Mrz { bytes, cfg } => Answer::Mrz(crate::mrz::read_here(bytes, &cfg)?),
        })
    }
}

/// Does `job` in a reader when this process has opted in, in this thread otherwise, and
/// gives the answer `take` picks: an answer of another kind than the job asked for (only
/// a reader of another version could send one) is an error.
pub(crate) fn run<T>(
    job: Job<'_>,
    on_preview: &mut dyn FnMut(&Preview<'_>),
    take: fn(Answer) -> Option<T>,
) -> Result<T> {
    let answer = match READER.get() {
        Some(exe) => ask(exe, &job, on_preview),
        None => job.here(on_preview),
    }?;
    take(answer).ok_or_else(|| Error::ReaderUnavailable {
        detail: "it answered another question than the one asked".to_owned(),
    })
}

fn ask(
    exe: &std::path::Path,
    job: &Job<'_>,
    on_preview: &mut dyn FnMut(&Preview<'_>),
) -> Result<Answer> {
    let unavailable = |detail: String| Error::ReaderUnavailable { detail };
    let request = postcard::to_stdvec(job).map_err(|e| unavailable(e.to_string()))?;
    let mut child = Command::new(exe)
        .arg(ARG)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| unavailable(e.to_string()))?;
    let (Some(stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        // Proven by the three `Stdio::piped()` above; said as an error all the same.
        let _ = child.kill();
        let _ = child.wait();
        return Err(unavailable("its pipes were not opened".to_owned()));
    };
    // The request goes in on a thread of its own: a reader that fails early stops reading,
    // and the parent must be reading its answer (or its end) meanwhile.
    let writer = std::thread::spawn(move || {
        let mut stdin = BufWriter::new(stdin);
        write_frame(&mut stdin, &request).and_then(|()| stdin.flush())
    });
    let kept = std::thread::spawn(move || {
        let mut text = Vec::new();
        let mut stderr = stderr;
        let _ = stderr
            .by_ref()
            .take(KEPT_STDERR_BYTES)
            .read_to_end(&mut text);
        let _ = io::copy(&mut stderr, &mut io::sink());
        String::from_utf8_lossy(&text).trim().to_owned()
    });
    let (finished, finish) = mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        let late = matches!(
            finish.recv_timeout(DEADLINE),
            Err(mpsc::RecvTimeoutError::Timeout)
        );
        if late {
            let _ = child.kill();
        }
        (child.wait(), late)
    });

    let answer = read_answers(BufReader::new(stdout), on_preview);
    drop(finished);
    let (status, late) = watchdog
        .join()
        .map_err(|_| unavailable("its watch stopped".to_owned()))?;
    let said = kept.join().unwrap_or_default();
    let _ = writer.join();
    match answer {
        Ok(answer) => answer,
        Err(_) if late => Err(Error::ReaderTimedOut {
            seconds: DEADLINE.as_secs(),
        }),
        Err(broken) => {
            let status = match status {
                Ok(status) => status.to_string(),
                Err(error) => error.to_string(),
            };
            tracing::warn!(%status, reader_said = %said, "the document reader stopped");
            Err(Error::ReaderStopped {
                detail: format!("{status}; {broken}"),
            })
        }
    }
}

/// The reader's frames up to its answer. `Err` when the stream ends or breaks first.
fn read_answers(
    mut from: impl Read,
    on_preview: &mut dyn FnMut(&Preview<'_>),
) -> io::Result<Result<Answer>> {
    loop {
        let frame = read_frame(&mut from)?;
        let reply: Reply = postcard::from_bytes(&frame)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        match reply {
            Reply::Preview {
                report,
                thumbnail_jpeg,
            } => on_preview(&Preview {
                report: &report,
                thumbnail_jpeg: thumbnail_jpeg.as_deref(),
            }),
            Reply::Done(answer) => return Ok(answer),
        }
    }
}

/// The reader's side: one request in, its frames out.
fn serve() -> ExitCode {
    cap_address_space();
    #[cfg(feature = "failpoints")]
    armed::failpoint();
    let frame = match read_frame(&mut io::stdin().lock()) {
        Ok(frame) => frame,
        Err(error) => {
            eprintln!("no request: {error}");
            return ExitCode::FAILURE;
        }
    };
    let job: Job<'_> = match postcard::from_bytes(&frame) {
        Ok(job) => job,
        Err(error) => {
            eprintln!("unreadable request: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let mut preview = |p: &Preview<'_>| {
        let reply = Reply::Preview {
            report: Box::new(p.report.clone()),
            thumbnail_jpeg: p.thumbnail_jpeg.map(<[u8]>::to_vec),
        };
        // A parent that stopped listening gets no answer either; the end is the same.
        let _ = send(&mut out, &reply);
    };
    let answer = job.here(&mut preview);
    match send(&mut out, &Reply::Done(answer)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("the answer was not sent: {error}");
            ExitCode::FAILURE
        }
    }
}

fn send(out: &mut impl Write, reply: &Reply) -> io::Result<()> {
    let bytes =
        postcard::to_stdvec(reply).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    write_frame(out, &bytes)?;
    out.flush()
}

fn write_frame(out: &mut impl Write, payload: &[u8]) -> io::Result<()> {
    let len = u32::try_from(payload.len())
        .ok()
        .filter(|len| *len <= MAX_FRAME_BYTES)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "frame too large"))?;
    out.write_all(&len.to_le_bytes())?;
    out.write_all(payload)
}

fn read_frame(from: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut len = [0u8; 4];
    from.read_exact(&mut len)?;
    let len = u32::from_le_bytes(len);
    if len > MAX_FRAME_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("a frame of {len} bytes"),
        ));
    }
    // Grown as the bytes arrive, never reserved from the length alone.
    let mut frame = Vec::new();
    from.take(u64::from(len)).read_to_end(&mut frame)?;
    if frame.len() != len as usize {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(frame)
}

/// Held to [`MAX_ADDRESS_SPACE_BYTES`], an allocation past it fails and ends the reader
/// instead of pushing the computer into swap with a customer waiting.
fn cap_address_space() {
    #[cfg(unix)]
    {
        use rustix::process::{setrlimit, Resource, Rlimit};
        let cap = Rlimit {
            current: Some(MAX_ADDRESS_SPACE_BYTES),
            maximum: Some(MAX_ADDRESS_SPACE_BYTES),
        };
        if let Err(error) = setrlimit(Resource::As, cap) {
            eprintln!("the reader's memory is not capped ({error})");
        }
    }
}

/// A value carried as JSON text inside a frame: the report's plan is a tagged enum for
/// its JSON readers, a form postcard cannot read back.
pub(crate) mod as_json {
    use serde::de::{DeserializeOwned, Error as _};
    use serde::ser::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(value: &T, to: S) -> Result<S::Ok, S::Error> {
        let text = serde_json::to_string(value).map_err(S::Error::custom)?;
        to.serialize_str(&text)
    }

    pub fn deserialize<'de, T: DeserializeOwned, D: Deserializer<'de>>(
        from: D,
    ) -> Result<T, D::Error> {
        let text = String::deserialize(from)?;
        serde_json::from_str(&text).map_err(D::Error::custom)
    }
}

/// A MIME type carried by name and given back as the crate's own constant.
pub(crate) mod static_mime {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::report::Format;

    pub fn serialize<S: Serializer>(mime: &&'static str, to: S) -> Result<S::Ok, S::Error> {
        to.serialize_str(mime)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(from: D) -> Result<&'static str, D::Error> {
        let name = String::deserialize(from)?;
        known(&name).ok_or_else(|| D::Error::custom(format!("unknown type {name}")))
    }

    pub fn known(name: &str) -> Option<&'static str> {
        [
            Format::Jpeg,
            Format::Png,
            Format::Pdf,
            Format::Tiff,
            Format::Webp,
        ]
        .into_iter()
        .filter_map(Format::mime)
        .chain(["application/octet-stream"])
        .find(|m| *m == name)
    }
}

#[cfg(test)]
mod tests;
