//! The document reader's own process. Every decoder in this crate reads files staff were
//! handed by a customer or a scanner, so each read that decodes pixels or a PDF runs in a
//! short-lived process of its own: a decoder that panics, runs away with memory or never
//! finishes ends that process, and the employee gets a clear refusal while the app, its
//! drafts and its window carry on. It is also what lets release builds abort on panic (a
//! smaller binary, and no half-unwound state anywhere).
//!
//! Which program reads:
//! - the app starts `branchdesk-reader` ([`READER_NAME`]), installed beside it
//!   ([`isolate_beside_this_executable`]). The app is built without this crate's `decoders`
//!   feature, so not one codec is linked into it, and the reader, linking nothing of the
//!   window, starts in a millisecond;
//! - the CLI, which has the decoders anyway, starts itself again with [`ARG`]
//!   ([`serve_or_isolate`]);
//! - library tests opt in to neither, so there every read runs in the calling thread.
//!
//! The reader reads one request from standard input, the version of the program that asks
//! and then the job, and writes its answers to standard output as frames: a little-endian
//! `u32` length, then a postcard message. Reading the file from disk stays in the parent
//! (bounded by the file limit); the reader touches no file and caps its own address space
//! before it decodes anything.

use std::borrow::Cow;
#[cfg(feature = "decoders")]
use std::ffi::OsStr;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
#[cfg(feature = "decoders")]
use std::process::ExitCode;
use std::process::{Command, Stdio};
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

/// The reader's executable, installed beside the app (without the platform's suffix).
pub const READER_NAME: &str = "branchdesk-reader";

/// The version both sides must share: the request's layout is theirs alone.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The reader's exit code when the request came from another version (an app updated while
/// it was open); it writes its own version to standard error.
const OTHER_VERSION_EXIT: u8 = 3;

/// Longest a read may take. A 12-megapixel photo is checked and converted in about a
/// second; a minute is a decoder stuck on a crafted file, not a slow computer.
const DEADLINE: Duration = Duration::from_secs(60);

/// Largest frame either side accepts: a 30 MB file and its copies with room to spare.
/// A length beyond it is a broken stream, refused before anything is allocated for it.
const MAX_FRAME_BYTES: u32 = 256 * 1024 * 1024;

/// The reader's address space: its decoders are held to 512 MB of pixels by
/// [`CheckConfig::max_decode_alloc_bytes`]; the rest is room for the working copies a
/// conversion makes and for the executable's own mappings, while a runaway allocation (the
/// `reader_hog` test reserves 64 GB) is refused long before the computer swaps.
#[cfg(all(unix, feature = "decoders"))]
const MAX_ADDRESS_SPACE_BYTES: u64 = 3 * 1024 * 1024 * 1024;

/// Standard error the parent keeps of a reader that failed, for the log.
const KEPT_STDERR_BYTES: u64 = 4 * 1024;

static READER: OnceLock<PathBuf> = OnceLock::new();

#[cfg(feature = "failpoints")]
mod armed;

/// For a binary that has the decoders, first thing in `main`. Started as a reader (with
/// [`ARG`]), the process answers its one request and this returns its exit code, for `main`
/// to return. Otherwise every later read in this process goes to a reader that is this
/// same executable started again, and this returns `None`.
#[cfg(feature = "decoders")]
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

/// For the app's `main`: every read goes to [`READER_NAME`] in the app's own folder, where
/// the installers put it (`/usr/bin` from the `.deb`, the `.app`'s `Contents/MacOS`, the
/// program folder on Windows) and where cargo builds it. Gives the path it will start.
pub fn isolate_beside_this_executable() -> io::Result<PathBuf> {
    let reader = std::env::current_exe()?
        .with_file_name(format!("{READER_NAME}{}", std::env::consts::EXE_SUFFIX));
    isolate_in(reader.clone());
    Ok(reader)
}

/// Every later read in this process goes to `reader`. The first reader set stays.
pub fn isolate_in(reader: PathBuf) {
    let _ = READER.set(reader);
}

/// On Linux the running image itself, so that a package upgrade that replaced the file on
/// disk does not start a reader of another version.
#[cfg(feature = "decoders")]
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

#[cfg(feature = "decoders")]
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
        #[cfg(feature = "decoders")]
        None => job.here(on_preview),
        // A program without the decoders that did not say where its reader is.
        #[cfg(not(feature = "decoders"))]
        None => Err(Error::ReaderMissing {
            path: READER_NAME.to_owned(),
        }),
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
    // The version first, so that a reader of another version can tell before it reads a
    // job whose layout it may not know.
    let request = postcard::to_stdvec(&(VERSION, job)).map_err(|e| unavailable(e.to_string()))?;
    let mut command = Command::new(exe);
    command
        .arg(ARG)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(windows)]
    {
        // No console window flashing up beside the app for each read.
        use std::os::windows::process::CommandExt;
        const CREATE_NO_WINDOW: u32 = 0x0800_0000;
        command.creation_flags(CREATE_NO_WINDOW);
    }
    let mut child = command.spawn().map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => Error::ReaderMissing {
            path: exe.display().to_string(),
        },
        _ => unavailable(e.to_string()),
    })?;
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
        Err(_) if matches!(&status, Ok(s) if s.code() == Some(OTHER_VERSION_EXIT.into())) => {
            Err(Error::ReaderOtherVersion {
                reader: said.chars().take(40).collect(),
                app: VERSION.to_owned(),
            })
        }
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

/// The reader's side, for the `main` of a program that is only a reader: one request on
/// standard input, its frames on standard output.
#[cfg(feature = "decoders")]
pub fn serve() -> ExitCode {
    cap_address_space();
    #[cfg(feature = "failpoints")]
    armed::failpoint();
    serve_on(&mut io::stdin().lock(), &mut io::stdout().lock())
}

#[cfg(feature = "decoders")]
fn serve_on(from: &mut impl Read, to: &mut impl Write) -> ExitCode {
    let frame = match read_frame(from) {
        Ok(frame) => frame,
        Err(error) => {
            eprintln!("no request: {error}");
            return ExitCode::FAILURE;
        }
    };
    let unreadable = |error: postcard::Error| {
        eprintln!("unreadable request: {error}");
        ExitCode::FAILURE
    };
    let (version, job) = match postcard::take_from_bytes::<&str>(&frame) {
        Ok(read) => read,
        Err(error) => return unreadable(error),
    };
    if version != VERSION {
        // The asking side says what this means to staff; it needs only the version.
        eprint!("{VERSION}");
        return ExitCode::from(OTHER_VERSION_EXIT);
    }
    let job: Job<'_> = match postcard::from_bytes(job) {
        Ok(job) => job,
        Err(error) => return unreadable(error),
    };
    let mut out = BufWriter::new(to);
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

#[cfg(feature = "decoders")]
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
#[cfg(feature = "decoders")]
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

#[cfg(all(test, feature = "decoders"))]
mod tests;
