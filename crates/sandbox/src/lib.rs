//! An HTTP emulator of the Cross River COS, Fin.com and BVNK onboarding APIs.
//!
//! The emulator is written from the providers' public documentation only, so that it and the
//! real clients check each other. See the crate README for endpoints, training credentials,
//! fault settings and the documented sandbox test triggers.
//!
//! Layout, each module using only those listed after it:
//! - `middleware`: the router, and what every request passes (settling, faults, idempotent
//!   replay, statistics, saving).
//! - `settle`: what moves on with time (COS scans, Fin.com reviews, BVNK decisions), before
//!   each request.
//! - `cos`, `fin`, `bvnk`: each provider's endpoints, a folder each; `admin`: the
//!   `/_sandbox` endpoints for tests and trainers.
//! - `state`: what the sandbox remembers, saved whole to SQLite.
//! - `config`, `faults`, `error`: settings, fault rules, the error type.
//! - `answers`, `net`, `formats`, `countries`: faulty answers, a listener that can cut
//!   connections, and small shared helpers.

// Handlers return a finished provider error answer as their `Err`; boxing it buys nothing.
#![allow(clippy::result_large_err)]

mod admin;
mod answers;
mod bvnk;
mod config;
mod cos;
mod countries;
mod error;
mod faults;
mod fin;
mod formats;
mod middleware;
mod net;
mod settle;
mod state;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{BvnkCredentials, CosCredentials, Credentials, FinCredentials, SandboxConfig};
pub use error::{Error, Result};
pub use faults::{FaultKind, FaultRule, Faults};

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
        let router = middleware::router(Arc::new(app));
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
