//! A second start of the app on a data folder that an open window holds brings that
//! window to the front and ends, instead of a second desk on the same outbox.
//!
//! The open app listens on loopback and leaves the address, with a word chosen at random,
//! in the data folder (`branchdesk.lock.handover`); a second start reads it, says `show <word>` and waits
//! for `shown`. The data folder's lock stays what protects the folder: this only decides
//! whether a second start ends quietly (the window answered) or tells staff who holds the
//! folder (the CLI, or an app that does not answer). Loopback and the standard library
//! work the same on every system; the word keeps a stale file from a crash, or any other
//! program on that port, from being taken for the app.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use rand::RngCore;

/// Beside the folder's lock, and named after it, so whatever passes over the lock's files
/// as no data (backups, restores, the start-up checks) passes over this one too.
const FILE: &str = "branchdesk.lock.handover";
/// How long either side waits on the other: the open app answers from a thread of its own,
/// so only a hung process takes this long.
const PATIENCE: Duration = Duration::from_secs(3);
/// A request or answer is one short line; anything longer is not ours.
const LINE_MAX: u64 = 128;

/// What to do when a second start asks: set once the window exists. A call that comes
/// before then is answered all the same, since the window being built comes up in front.
pub type Front = Arc<OnceLock<Box<dyn Fn() + Send + Sync>>>;

/// Listening for second starts until dropped; the file goes with it.
pub struct Handover {
    file: PathBuf,
    address: SocketAddr,
    closing: Arc<AtomicBool>,
    pub front: Front,
}

impl Handover {
    /// Listens on loopback and writes where into the data folder. Called right after the
    /// folder's lock is taken, so a second start finds the file as soon as it finds the
    /// folder taken.
    pub fn listen(data_dir: &Path) -> std::io::Result<Handover> {
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        let mut bytes = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let word: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let address = listener.local_addr()?;
        let file = data_dir.join(FILE);
        write_private(&file, &format!("{address} {word}\n"))?;
        let front: Front = Arc::default();
        let closing = Arc::new(AtomicBool::new(false));
        let (answering, closed) = (front.clone(), closing.clone());
        std::thread::Builder::new()
            .name("handover".into())
            .spawn(move || {
                for stream in listener.incoming().flatten() {
                    if closed.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Err(error) = answer(stream, &word, &answering) {
                        tracing::debug!(%error, "a call on the hand-over port was not a second start");
                    }
                }
            })?;
        Ok(Handover {
            file,
            address,
            closing,
            front,
        })
    }
}

impl Drop for Handover {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.file);
        // The listening thread waits in accept: one last call wakes it to see it must end.
        self.closing.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.address, PATIENCE);
    }
}

fn answer(stream: TcpStream, word: &str, front: &Front) -> std::io::Result<()> {
    stream.set_read_timeout(Some(PATIENCE))?;
    stream.set_write_timeout(Some(PATIENCE))?;
    let mut line = String::new();
    BufReader::new((&stream).take(LINE_MAX)).read_line(&mut line)?;
    if line.trim_end() != format!("show {word}") {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "not the hand-over request",
        ));
    }
    tracing::info!("a second start handed over: the window comes to the front");
    if let Some(bring_to_front) = front.get() {
        bring_to_front();
    }
    (&stream).write_all(b"shown\n")
}

/// Asks the app that holds the data folder to come to the front; `true` when it said it
/// did. `false` when there is no app to ask (the holder is the CLI), or it does not answer.
pub fn ask(data_dir: &Path) -> bool {
    match try_ask(data_dir) {
        Ok(shown) => shown,
        Err(error) => {
            tracing::info!(%error, "no open window answered the hand-over");
            false
        }
    }
}

fn try_ask(data_dir: &Path) -> std::io::Result<bool> {
    let mut text = String::new();
    std::fs::File::open(data_dir.join(FILE))?
        .take(LINE_MAX)
        .read_to_string(&mut text)?;
    let invalid =
        || std::io::Error::new(std::io::ErrorKind::InvalidData, "unreadable handover file");
    let (address, word) = text.trim_end().split_once(' ').ok_or_else(invalid)?;
    let address: SocketAddr = address.parse().map_err(|_| invalid())?;
    // Only ever loopback: the file is in a folder staff can write to.
    if !address.ip().is_loopback() {
        return Err(invalid());
    }
    let mut stream = TcpStream::connect_timeout(&address, PATIENCE)?;
    stream.set_read_timeout(Some(PATIENCE))?;
    stream.set_write_timeout(Some(PATIENCE))?;
    stream.write_all(format!("show {word}\n").as_bytes())?;
    let mut reply = String::new();
    BufReader::new(stream.take(LINE_MAX)).read_line(&mut reply)?;
    Ok(reply == "shown\n")
}

/// The file readable by its owner only where the system has such modes: the word is no
/// secret worth guarding, but nobody else needs it.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).truncate(true).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// An app listening in a new data folder, counting how often it was brought to the front.
    fn listening() -> (tempfile::TempDir, Handover, Arc<AtomicUsize>) {
        let data = tempfile::tempdir().unwrap();
        let handover = Handover::listen(data.path()).unwrap();
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = calls.clone();
        let _ = handover.front.set(Box::new(move || {
            counted.fetch_add(1, Ordering::SeqCst);
        }));
        (data, handover, calls)
    }

    #[test]
    fn a_second_start_is_answered_and_brings_the_window_to_the_front() {
        let (data, _handover, calls) = listening();
        assert!(ask(data.path()));
        assert!(ask(data.path()));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn the_wrong_word_is_not_obeyed() {
        let (data, _handover, calls) = listening();
        let text = std::fs::read_to_string(data.path().join(FILE)).unwrap();
        let (address, _) = text.trim_end().split_once(' ').unwrap();
        std::fs::write(data.path().join(FILE), format!("{address} not-the-word\n")).unwrap();
        assert!(!ask(data.path()));
        assert_eq!(calls.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn with_no_app_listening_a_second_start_is_not_answered() {
        let data = tempfile::tempdir().unwrap();
        // No file at all: the holder is the CLI.
        assert!(!ask(data.path()));
        // A stale file from an app that has gone: its port no longer answers.
        let gone = Handover::listen(data.path()).unwrap();
        let stale = std::fs::read_to_string(data.path().join(FILE)).unwrap();
        drop(gone);
        std::fs::write(data.path().join(FILE), stale).unwrap();
        assert!(!ask(data.path()));
        // Garbage, or an address that is not loopback, is refused without connecting.
        std::fs::write(data.path().join(FILE), "x".repeat(4096)).unwrap();
        assert!(!ask(data.path()));
        std::fs::write(data.path().join(FILE), "192.0.2.1:80 word\n").unwrap();
        assert!(!ask(data.path()));
    }

    #[test]
    fn the_file_is_one_of_the_folder_locks_files() {
        assert!(FILE.starts_with(branchdesk_vault::LOCK_FILE));
    }

    #[test]
    fn the_file_goes_when_the_app_closes() {
        let data = tempfile::tempdir().unwrap();
        let handover = Handover::listen(data.path()).unwrap();
        assert!(data.path().join(FILE).exists());
        drop(handover);
        assert!(!data.path().join(FILE).exists());
    }
}
