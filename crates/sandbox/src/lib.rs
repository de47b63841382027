//! An HTTP emulator of the Cross River COS, Fin.com and BVNK onboarding APIs.
//!
//! The emulator is written from the providers' public documentation only, so that it and the
//! real clients check each other. See the crate README for endpoints, training credentials,
//! fault settings and the documented sandbox test triggers.

// Handlers return a finished provider error answer as their `Err`; boxing it buys nothing.
#![allow(clippy::result_large_err)]

mod admin;
mod answers;
mod bvnk;
mod cos;
mod countries;
mod faults;
mod fin;
mod mw;
mod net;
mod state;
mod util;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use faults::{FaultKind, FaultRule, Faults};

/// Everything that can go wrong while starting or configuring the sandbox.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    #[error("invalid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("invalid fault settings: {0}")]
    Faults(String),
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
}

pub type Result<T> = std::result::Result<T, Error>;

/// How the sandbox behaves. `Default` gives the documented training setup.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Port on 127.0.0.1; 0 picks any free port.
    pub port: u16,
    /// Seeds every random choice (fault draws, generated numbers) so runs repeat.
    pub seed: u64,
    pub faults: Faults,
    /// SQLite file keeping the state across restarts; `None` keeps it in memory.
    pub db: Option<PathBuf>,
    /// How long OFAC/PEP/internalList scans and Fin.com reviews stay pending.
    pub compliance_delay: Duration,
    /// Whether Fin.com attach requires exactly one SELFIE entry (a per-client setting there).
    pub fin_selfie_required: bool,
    /// Whether the Fin.com client may create RELIANCE customers (else 423).
    pub fin_reliance_enabled: bool,
    /// Largest accepted Fin.com upload per file; larger files get 413.
    pub fin_upload_limit_bytes: u64,
    /// Lifetime of COS and Fin.com access tokens.
    pub token_ttl: Duration,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            port: 0,
            seed: 0,
            faults: Faults::default(),
            db: None,
            compliance_delay: Duration::from_secs(3),
            fin_selfie_required: false,
            fin_reliance_enabled: false,
            fin_upload_limit_bytes: 10 * 1024 * 1024,
            token_ttl: Duration::from_secs(86_400),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CosCredentials {
    pub client_id: String,
    pub client_secret: String,
    pub partner_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinCredentials {
    pub client_id: String,
    pub client_secret: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BvnkCredentials {
    pub hawk_id: String,
    pub hawk_key: String,
}

/// The fixed training credentials the sandbox accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    pub cos: CosCredentials,
    pub fin: FinCredentials,
    pub bvnk: BvnkCredentials,
}

impl Default for Credentials {
    fn default() -> Self {
        Self {
            cos: CosCredentials {
                client_id: "branchdesk-training".into(),
                client_secret: "cos-training-secret".into(),
                partner_id: "6e80b097-693c-4592-8440-02f345335bbf".into(),
            },
            fin: FinCredentials {
                client_id: "branchdesk-training".into(),
                client_secret: "fin-training-secret".into(),
            },
            bvnk: BvnkCredentials {
                hawk_id: "branchdesk-training".into(),
                hawk_key: "bvnk-training-hawk-key".into(),
            },
        }
    }
}

/// A running sandbox server.
pub struct Sandbox {
    addr: SocketAddr,
    credentials: Credentials,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Binds 127.0.0.1:`config.port` and serves in a background tokio task.
    pub async fn start(config: SandboxConfig) -> Result<Sandbox> {
        let credentials = Credentials::default();
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await?;
        let addr = listener.local_addr()?;
        let app = state::App::new(config, credentials.clone(), addr)?;
        let router = mw::router(Arc::new(app));
        let (stop, stopped) = oneshot::channel::<()>();
        let service = router.into_make_service_with_connect_info::<net::ConnInfo>();
        let task = tokio::spawn(async move {
            let served = axum::serve(net::SandboxListener::new(listener), service)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await;
            if let Err(err) = served {
                tracing::error!("sandbox server stopped: {err}");
            }
        });
        Ok(Sandbox {
            addr,
            credentials,
            stop: Some(stop),
            task: Some(task),
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The single JSON line a parent process reads to find the sandbox.
    pub fn ready_line(&self) -> String {
        serde_json::json!({ "url": self.url(), "credentials": self.credentials }).to_string()
    }

    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take() {
            // Graceful shutdown waits for open connections; a stalled fault must not hang it.
            if tokio::time::timeout(Duration::from_secs(2), &mut task)
                .await
                .is_err()
            {
                task.abort();
            }
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Starts the sandbox, prints `ready_line()` on stdout and serves until Ctrl-C or SIGTERM.
pub async fn serve_standalone(config: SandboxConfig) -> Result<()> {
    use std::io::Write;
    let sandbox = Sandbox::start(config).await?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", sandbox.ready_line())?;
        out.flush()?;
    }
    wait_for_signal().await;
    sandbox.shutdown().await;
    Ok(())
}

#[cfg(unix)]
async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() {
    let _ = tokio::signal::ctrl_c().await;
}
