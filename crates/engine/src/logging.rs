//! The log file the app and the CLI share: `logs/` in the data folder, one file a day per
//! program (`branchdesk-app.YYYY-MM-DD.log`, `branchdesk-cli.YYYY-MM-DD.log`), the last
//! [`KEEP_FILES`] of each kept. Info by default; `BRANCHDESK_LOG` (or `RUST_LOG`) may ask for
//! more from Branchdesk's own crates, never less than info.
//!
//! What goes in: what happened and why, never who it happened to. Events carry ids, HTTP
//! methods, paths, statuses and error codes; errors that can hold customer data or a
//! provider's words (which may echo that data) are logged through their `for_log` forms,
//! which keep codes and drop texts. Lines are written straight to the file, unbuffered, so
//! a crash loses none of them.

use std::path::{Path, PathBuf};

use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

use crate::{Error, Result};

/// The log folder inside the data folder.
pub const LOG_DIR: &str = "logs";
/// How many daily files of each program are kept; older ones are deleted.
pub const KEEP_FILES: usize = 14;
/// Raises the level, e.g. `debug` or `branchdesk_engine=trace`; `RUST_LOG` when unset.
pub const LOG_ENV: &str = "BRANCHDESK_LOG";

/// The HTTP and TLS stacks stay at info whatever is asked: at debug and below they describe
/// connections and frames, which is noise here and could one day carry a header.
const QUIET: &[&str] = &[
    "hyper",
    "hyper_util",
    "h2",
    "reqwest",
    "native_tls",
    "tower",
];

/// Where this process logs; keep it for the life of the process.
#[derive(Debug)]
pub struct LogGuard {
    dir: PathBuf,
    prefix: &'static str,
}

impl LogGuard {
    /// The log folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file this process is writing to today.
    pub fn current_file(&self) -> PathBuf {
        let today = chrono::Utc::now().format("%Y-%m-%d");
        self.dir.join(format!("{}.{today}.log", self.prefix))
    }
}

/// Whether log lines also go to standard error (the app's terminal, when it has one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Echo {
    Stderr,
    Off,
}

/// Starts logging to `data_dir/logs/<program>.<date>.log` for the rest of the process, and
/// logs panics there too. Fails if the folder cannot be made or logging has already started.
pub fn init(data_dir: &Path, program: &'static str, echo: Echo) -> Result<LogGuard> {
    let dir = data_dir.join(LOG_DIR);
    std::fs::create_dir_all(&dir).map_err(|source| Error::LogFolder {
        path: dir.clone(),
        source: source.into(),
    })?;
    let file = appender(&dir, program)?;
    let to_file = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(file)
        .with_filter(filter());
    let to_stderr = (echo == Echo::Stderr).then(|| {
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_filter(filter())
    });
    tracing_subscriber::registry()
        .with(to_file)
        .with(to_stderr)
        .try_init()
        .map_err(|_| Error::LoggingStarted)?;
    log_panics();
    tracing::info!(
        program,
        version = env!("CARGO_PKG_VERSION"),
        pid = std::process::id(),
        "started"
    );
    Ok(LogGuard {
        dir,
        prefix: program,
    })
}

/// Today's file of `program` in `dir`, the oldest beyond [`KEEP_FILES`] deleted. The
/// appender counts as its own every file whose name starts with `program`, so no program's
/// name may start with another's (hence `branchdesk-app`, not `branchdesk`).
fn appender(dir: &Path, program: &'static str) -> Result<RollingFileAppender> {
    RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(program)
        .filename_suffix("log")
        .max_log_files(KEEP_FILES)
        .build(dir)
        .map_err(|source| Error::LogFolder {
            path: dir.to_path_buf(),
            source: source.into(),
        })
}

/// Logging to standard error only, with the same filter, for a process that has no data
/// folder to keep a log in. Does nothing when logging has already started.
pub fn init_stderr_only() {
    let to_stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(filter());
    let _ = tracing_subscriber::registry().with(to_stderr).try_init();
}

/// Info, or what `BRANCHDESK_LOG`/`RUST_LOG` asks for when that is more; the HTTP stack
/// never below info.
///
/// Asked as `level` and `target=level` lists (`debug`, `branchdesk_engine=trace`), by
/// `tracing_subscriber`'s `Targets`: span and field filters, and the regular expressions
/// that `EnvFilter` would compile for them, are of no use to staff or IT here.
fn filter() -> Targets {
    let asked = std::env::var(LOG_ENV)
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_default();
    QUIET.iter().fold(asked_for(&asked), |filter, target| {
        filter.with_target(*target, LevelFilter::INFO)
    })
}

/// `asked` as a filter, unless it asks for less than info (or is not a filter at all).
fn asked_for(asked: &str) -> Targets {
    let info = Targets::new().with_default(LevelFilter::INFO);
    let Ok(parsed) = asked.trim().parse::<Targets>() else {
        return info;
    };
    let filter = match parsed.default_level() {
        Some(_) => parsed,
        None => parsed.with_default(LevelFilter::INFO),
    };
    if most(&filter) < LevelFilter::INFO {
        return info;
    }
    filter
}

/// The most any target of `filter` logs.
fn most(filter: &Targets) -> LevelFilter {
    filter
        .iter()
        .map(|(_, level)| level)
        .chain(filter.default_level())
        .max()
        .unwrap_or(LevelFilter::OFF)
}

/// A panic is a fault of Branchdesk's: it goes to the log with where it happened, then to
/// the default handler as before.
fn log_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        tracing::error!(%location, %message, "panic");
        previous(info);
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn count(dir: &Path, prefix: &str) -> usize {
        std::fs::read_dir(dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with(&format!("{prefix}."))
            })
            .count()
    }

    #[test]
    fn old_files_beyond_the_limit_go_and_the_other_programs_files_stay() {
        let dir = tempfile::tempdir().unwrap();
        for day in 1..=20 {
            for program in ["branchdesk-cli", "branchdesk-app"] {
                let name = format!("{program}.2025-01-{day:02}.log");
                std::fs::write(dir.path().join(name), b"old\n").unwrap();
            }
        }
        let mut file = appender(dir.path(), "branchdesk-cli").unwrap();
        file.write_all(b"today\n").unwrap();
        assert!(
            count(dir.path(), "branchdesk-cli") <= KEEP_FILES,
            "{}",
            count(dir.path(), "branchdesk-cli")
        );
        assert_eq!(count(dir.path(), "branchdesk-app"), 20);
    }

    #[test]
    fn the_level_is_info_unless_more_is_asked_for() {
        let level = |asked: &str| most(&asked_for(asked));
        assert_eq!(level(""), LevelFilter::INFO);
        assert_eq!(level("warn"), LevelFilter::INFO);
        assert_eq!(level("off"), LevelFilter::INFO);
        assert_eq!(level("not a filter=at all=really"), LevelFilter::INFO);
        assert_eq!(level("debug"), LevelFilter::DEBUG);
        assert_eq!(level("branchdesk_engine=trace"), LevelFilter::TRACE);
        // A target asked for more, the rest at info.
        let one = asked_for("branchdesk_engine=debug");
        assert!(one.would_enable("branchdesk_engine::runner", &tracing::Level::DEBUG));
        assert!(!one.would_enable("branchdesk_vault", &tracing::Level::DEBUG));
        assert!(one.would_enable("branchdesk_vault", &tracing::Level::INFO));
    }
}
