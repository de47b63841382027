//! `connection add|list|remove`: where each provider is and who we are there. The secret is
//! read from standard input and goes only to the keyring.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use branchdesk_vault::{Connection, Environment, NewConnection, Provider, Sensitive};
use clap::ValueEnum;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ProviderArg {
    Cos,
    Fin,
    Bvnk,
}

impl From<ProviderArg> for Provider {
    fn from(p: ProviderArg) -> Self {
        match p {
            ProviderArg::Cos => Provider::Cos,
            ProviderArg::Fin => Provider::Fin,
            ProviderArg::Bvnk => Provider::Bvnk,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum EnvironmentArg {
    Sandbox,
    Production,
}

pub struct Add {
    pub provider: ProviderArg,
    pub environment: Option<EnvironmentArg>,
    pub base_url: String,
    pub auth_url: Option<String>,
    pub client_id: Option<String>,
    pub partner_id: Option<String>,
    pub hawk_id: Option<String>,
    /// Fin.com only: a selfie goes with every set of documents.
    pub selfie_required: bool,
}

/// Credentials travel over these URLs: only https, except to this machine (the sandbox).
/// Returns whether the host is this machine.
fn check_url(flag: &str, text: &str) -> Result<bool> {
    let url = url::Url::parse(text).with_context(|| format!("{flag} `{text}` is not a URL"))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => bail!("{flag} `{text}` has no host"),
    };
    match url.scheme() {
        "https" => Ok(loopback),
        "http" if loopback => Ok(true),
        scheme => bail!(
            "{flag} must be an https:// URL (plain http is only allowed to this machine), not {scheme}://"
        ),
    }
}

/// Everything that can be checked without the vault or keyring, so mistakes are reported
/// before anything is touched.
pub fn validate(add: &Add) -> Result<NewConnection> {
    let provider = Provider::from(add.provider);
    let mut loopback = check_url("--base-url", &add.base_url)?;
    if let Some(auth) = &add.auth_url {
        loopback &= check_url("--auth-url", auth)?;
    }
    let environment = match add.environment {
        Some(EnvironmentArg::Sandbox) => Environment::Sandbox,
        Some(EnvironmentArg::Production) => Environment::Production,
        None if loopback => Environment::Sandbox,
        None => bail!(
            "say which environment {} is: --environment sandbox or --environment production",
            add.base_url
        ),
    };
    let present = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
    match provider {
        Provider::Bvnk => {
            if !present(&add.hawk_id) {
                bail!(
                    "a BVNK connection needs --hawk-id (the Hawk key is read from standard input)"
                );
            }
            if add.client_id.is_some() || add.partner_id.is_some() {
                bail!("BVNK signs requests with Hawk: give --hawk-id, not --client-id or --partner-id");
            }
        }
        Provider::Cos | Provider::Fin => {
            if !present(&add.client_id) {
                bail!("a {provider} connection needs --client-id");
            }
            if add.hawk_id.is_some() {
                bail!("--hawk-id is for BVNK connections only");
            }
        }
    }
    if provider == Provider::Cos {
        let Some(partner) = add.partner_id.as_deref().filter(|s| !s.trim().is_empty()) else {
            bail!("a COS connection needs --partner-id (the partner GUID Cross River gave you)");
        };
        uuid::Uuid::parse_str(partner.trim())
            .with_context(|| format!("--partner-id `{partner}` is not a GUID"))?;
    } else if add.partner_id.is_some() {
        bail!("--partner-id is for COS connections only");
    }
    if add.selfie_required && provider != Provider::Fin {
        bail!("--selfie-required is for Fin.com connections only");
    }
    let trimmed = |v: &Option<String>| v.as_deref().map(|s| s.trim().to_owned());
    Ok(NewConnection {
        provider,
        environment,
        base_url: add.base_url.trim_end_matches('/').to_owned(),
        auth_url: match provider {
            Provider::Bvnk => None,
            _ => Some(add.auth_url.clone().unwrap_or_else(|| {
                branchdesk_engine::setup::default_auth_url(provider, &add.base_url)
            })),
        },
        client_id: trimmed(&add.client_id),
        partner_id: trimmed(&add.partner_id),
        hawk_id: trimmed(&add.hawk_id),
        fin_selfie_required: add.selfie_required,
    })
}

/// One line from standard input. When it is a terminal, a prompt goes to stderr first; the
/// secret is never printed.
fn read_secret(provider: Provider) -> Result<Sensitive<String>> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let what = if provider == Provider::Bvnk {
            "Hawk key"
        } else {
            "client secret"
        };
        eprint!("{provider} {what} (then Enter): ");
        std::io::stderr().flush()?;
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    let secret = line.trim_end_matches(['\r', '\n']).to_owned();
    if secret.trim().is_empty() {
        bail!("no secret on standard input: pipe it in, e.g. `printf %s \"$SECRET\" | branchdesk-cli connection add …`");
    }
    Ok(Sensitive::new(secret))
}

pub fn add(data_dir: Option<&Path>, add: &Add) -> Result<ExitCode> {
    let new = validate(add)?;
    let secret = read_secret(new.provider)?;
    let (vault, secrets) = crate::store::open(data_dir)?;
    // Queued plans were made for the connection they would now lose (unless this only
    // gives back its missing secret).
    branchdesk_engine::setup::ensure_connection_may_change(&vault, &secrets, &new)?;
    let added = vault.add_connection(&new, &secret, &secrets)?;
    // One connection per provider: the new one replaces the old, whose secret goes too.
    for old in vault.list_connections()? {
        if old.provider == added.provider && old.id != added.id {
            vault.remove_connection(old.id, &secrets)?;
        }
    }
    println!(
        "{} connection {} added ({}, {}{}); its secret is in the keyring",
        added.provider,
        added.id,
        added.environment,
        added.base_url,
        selfie_note(&added)
    );
    Ok(ExitCode::SUCCESS)
}

pub fn list(data_dir: Option<&Path>, json: bool) -> Result<ExitCode> {
    let (vault, _) = crate::store::open(data_dir)?;
    let connections = vault.list_connections()?;
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string(&connections)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    if connections.is_empty() {
        writeln!(
            out,
            "no connections; add one with:\n  {}",
            crate::store::ADD_COS_HINT
        )?;
    }
    for c in connections {
        let who = c
            .client_id
            .as_deref()
            .map(|id| format!("client {id}"))
            .or_else(|| c.hawk_id.as_deref().map(|id| format!("hawk id {id}")))
            .unwrap_or_default();
        let partner = c
            .partner_id
            .as_deref()
            .map(|p| format!(", partner {p}"))
            .unwrap_or_default();
        writeln!(
            out,
            "{}  {:<4} {:<10} {}  {}{}{}",
            c.id,
            c.provider,
            c.environment,
            c.base_url,
            who,
            partner,
            selfie_note(&c)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Said beside a Fin.com connection that asks for a selfie with every set of documents.
fn selfie_note(connection: &Connection) -> &'static str {
    if connection.fin_selfie_required {
        ", selfie required"
    } else {
        ""
    }
}

pub fn remove(data_dir: Option<&Path>, id: &str) -> Result<ExitCode> {
    let id = id
        .parse::<branchdesk_vault::ConnectionId>()
        .with_context(|| format!("`{id}` is not a connection id (see `connection list`)"))?;
    let (vault, secrets) = crate::store::open(data_dir)?;
    if branchdesk_engine::setup::remove_connection(&vault, &secrets, id)? {
        println!("connection {id} removed, with its secret");
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("branchdesk-cli: no connection {id}");
        Ok(ExitCode::FAILURE)
    }
}
