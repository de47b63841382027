//! Which provider connection the desk works on. Training mode (the built-in sandbox) is
//! the default; a configured connection is used once staff turn Training off.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use branchdesk_vault::{Connection, Provider, SecretStore, Vault};
use serde::{Deserialize, Serialize};

use crate::clients::{
    bvnk_client, cos_client, fin_client, http_client, CosConnection, Environment,
};
use crate::flows::bvnk::BvnkConnection;
use crate::flows::fin::FinConnection;
use crate::training::Training;
use crate::{Desk, Error, Result};
use branchdesk_domain::fin::FinAttachConfig;

/// The token endpoint a provider uses when the connection names none.
pub fn default_auth_url(provider: Provider, base_url: &str) -> String {
    let base = base_url.trim_end_matches('/');
    match provider {
        Provider::Fin => format!("{base}/v1/oauth/token"),
        Provider::Cos | Provider::Bvnk => format!("{base}/connect/token"),
    }
}

/// Workstation settings that are not secret, kept as a small file in the data folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    pub training: bool,
    /// The folder the branch's scanner saves into, watched for new scans; none by default.
    pub scanner_folder: Option<PathBuf>,
    /// How the window looks and which language it speaks, as staff chose in Settings.
    pub appearance: Appearance,
    /// Set once the first-minute welcome in Training has been used or put away: it is not
    /// offered again.
    pub welcome_seen: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            training: true,
            scanner_folder: None,
            appearance: Appearance::default(),
            welcome_seen: false,
        }
    }
}

/// Whether the Onboard screen greets a new desk: in Training, before any draft exists, and
/// until the welcome has been used or put away ([`Settings::welcome_seen`]).
pub fn welcome_due(data_dir: &Path, desk: &Desk) -> Result<bool> {
    Ok(desk.environment() == Environment::Training
        && !Settings::load(data_dir).welcome_seen
        && desk.list_drafts("", "")?.is_empty()
        && desk.list_drafts("", crate::drafts::ARCHIVED)?.is_empty())
}

/// Remembers that the welcome has been used or put away.
pub fn welcome_seen(data_dir: &Path) -> Result<()> {
    Settings {
        welcome_seen: true,
        ..Settings::load(data_dir)
    }
    .save(data_dir)
}

/// The window's theme, language and text size; theme and language follow the system
/// unless staff chose otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
pub struct Appearance {
    pub theme: Theme,
    pub language: Language,
    /// The text's size in percent of the system's (Ctrl + and Ctrl −), within
    /// [`TEXT_SIZES`].
    pub text_size: u16,
}

impl Default for Appearance {
    fn default() -> Self {
        Self {
            theme: Theme::default(),
            language: Language::default(),
            text_size: 100,
        }
    }
}

/// The text sizes staff can step through, in percent: from a little smaller than the
/// system's to twice its size, where every screen still fits a 1280×800 window.
pub const TEXT_SIZES: std::ops::RangeInclusive<u16> = 80..=200;

impl Appearance {
    /// The same appearance with its text size brought within [`TEXT_SIZES`]: a hand-edited
    /// settings file or a key held down never makes the window unusable.
    pub fn bounded(self) -> Self {
        Self {
            text_size: self.text_size.clamp(*TEXT_SIZES.start(), *TEXT_SIZES.end()),
            ..self
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum Theme {
    /// Light or dark as the operating system is set.
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum Language {
    /// The operating system's language when the app speaks it, English otherwise.
    #[default]
    System,
    En,
    Es,
}

const SETTINGS_FILE: &str = "settings.json";

impl Settings {
    fn path(data_dir: &Path) -> PathBuf {
        data_dir.join(SETTINGS_FILE)
    }

    /// A missing or unreadable file means the defaults: Training, nothing at risk.
    pub fn load(data_dir: &Path) -> Settings {
        std::fs::read(Self::path(data_dir))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Written to a temporary file and renamed, so a crash never leaves half a file.
    pub fn save(&self, data_dir: &Path) -> Result<()> {
        let path = Self::path(data_dir);
        let temporary = path.with_extension("json.new");
        let bytes = serde_json::to_vec_pretty(self)?;
        std::fs::write(&temporary, bytes)
            .and_then(|()| std::fs::rename(&temporary, &path))
            .map_err(|source| Error::File {
                what: "the settings file",
                source,
            })
    }
}

/// A desk and, in Training mode, the sandbox it talks to.
pub struct Started {
    pub desk: Arc<Desk>,
    pub training: Option<Training>,
    /// Why the configured connection could not be used, when Training was chosen instead.
    pub problem: Option<String>,
}

/// Training keeps its drafts in a vault of its own, so nothing typed for practice can ever
/// be submitted to a real provider, and nothing real is mixed into practice.
pub const TRAINING_DIR: &str = "training";

/// Builds the desk the settings ask for. A configured connection that cannot be used (its
/// secret gone from the keyring, say) falls back to Training and says why, so staff are
/// never left without a working screen and never sent to a provider by surprise.
pub async fn start(
    data_dir: &Path,
    vault: Arc<Vault>,
    secrets: &dyn SecretStore,
    settings: &Settings,
) -> Result<Started> {
    let mut problem = None;
    if !settings.training {
        match vault.connection_for(Provider::Cos)? {
            Some(connection) => match cos_desk(Arc::clone(&vault), secrets, &connection) {
                Ok(mut desk) => {
                    // Fin.com drafts go out on its connection when one is configured.
                    if let Some(fin) = vault.connection_for(Provider::Fin)? {
                        match fin_connection(&fin, secrets) {
                            Ok(fin) => desk = desk.with_fin(fin),
                            Err(error) => problem = Some(error.to_string()),
                        }
                    }
                    // And BVNK drafts on BVNK's.
                    if let Some(bvnk) = vault.connection_for(Provider::Bvnk)? {
                        match bvnk_connection(&bvnk, secrets) {
                            Ok(bvnk) => desk = desk.with_bvnk(bvnk),
                            Err(error) => problem = Some(error.to_string()),
                        }
                    }
                    return Ok(Started {
                        desk: Arc::new(desk),
                        training: None,
                        problem,
                    });
                }
                Err(error) => problem = Some(error.to_string()),
            },
            None => problem = Some("no Cross River connection is configured".to_owned()),
        }
    }
    let vault = Arc::new(Vault::open(&data_dir.join(TRAINING_DIR), secrets)?);
    let training = Training::start(Default::default()).await?;
    let connection = training.cos_connection();
    let http = http_client()?;
    let cos = cos_client(http.clone(), &connection)?;
    let desk = Desk::new(
        vault,
        cos,
        connection.partner_id.clone(),
        Environment::Training,
        connection.base_url.clone(),
    )
    .with_fin(training.fin_connection(http.clone())?)
    .with_bvnk(training.bvnk_connection(http)?);
    Ok(Started {
        desk: Arc::new(desk),
        training: Some(training),
        problem,
    })
}

/// Fin.com on a configured connection, its secret read from the keyring.
pub fn fin_connection(connection: &Connection, secrets: &dyn SecretStore) -> Result<FinConnection> {
    let secret = connection
        .secret(secrets)?
        .ok_or_else(|| Error::SecretMissing {
            provider: "Fin.com",
        })?;
    let client = fin_client(
        http_client()?,
        &connection.base_url,
        connection.auth_url.as_deref(),
        connection.client_id.as_deref().unwrap_or_default(),
        secret,
    )?;
    Ok(FinConnection::new(client, fin_attach_config(connection)))
}

/// BVNK on a configured connection, its Hawk key read from the keyring.
pub fn bvnk_connection(
    connection: &Connection,
    secrets: &dyn SecretStore,
) -> Result<BvnkConnection> {
    let key = connection
        .secret(secrets)?
        .ok_or(Error::SecretMissing { provider: "BVNK" })?;
    let client = bvnk_client(
        http_client()?,
        &connection.base_url,
        connection.hawk_id.as_deref().unwrap_or_default(),
        key,
    )?;
    Ok(BvnkConnection::new(client))
}

/// What Fin.com has configured for the bank as a client, as the connection records it.
pub fn fin_attach_config(connection: &Connection) -> FinAttachConfig {
    FinAttachConfig {
        selfie_required: connection.fin_selfie_required,
    }
}

/// The COS connection as a client configuration, its secret read from the keyring.
pub fn cos_connection(connection: &Connection, secrets: &dyn SecretStore) -> Result<CosConnection> {
    let client_secret = connection
        .secret(secrets)?
        .ok_or_else(|| Error::SecretMissing {
            provider: "Cross River",
        })?;
    Ok(CosConnection {
        token_url: connection
            .auth_url
            .clone()
            .unwrap_or_else(|| default_auth_url(Provider::Cos, &connection.base_url)),
        base_url: connection.base_url.clone(),
        client_id: connection.client_id.clone().unwrap_or_default(),
        client_secret,
        partner_id: connection.partner_id.clone().unwrap_or_default(),
    })
}

/// A desk on a configured COS connection (the app out of Training, and the CLI).
pub fn cos_desk(
    vault: Arc<Vault>,
    secrets: &dyn SecretStore,
    connection: &Connection,
) -> Result<Desk> {
    let cos = cos_connection(connection, secrets)?;
    let client = cos_client(http_client()?, &cos)?;
    Ok(Desk::new(
        vault,
        client,
        cos.partner_id,
        connection.environment,
        cos.base_url,
    ))
}

#[cfg(test)]
mod tests;

/// A connection as Settings shows it: everything but the secret.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionView {
    pub id: String,
    pub provider: String,
    pub environment: String,
    pub base_url: String,
    pub auth_url: Option<String>,
    pub client_id: Option<String>,
    pub partner_id: Option<String>,
    pub hawk_id: Option<String>,
    /// Fin.com asks for a selfie with every set of documents.
    pub fin_selfie_required: bool,
}

impl From<&Connection> for ConnectionView {
    fn from(c: &Connection) -> Self {
        Self {
            id: c.id.to_string(),
            provider: c.provider.to_string(),
            environment: c.environment.to_string(),
            base_url: c.base_url.clone(),
            auth_url: c.auth_url.clone(),
            client_id: c.client_id.clone(),
            partner_id: c.partner_id.clone(),
            hawk_id: c.hawk_id.clone(),
            fin_selfie_required: c.fin_selfie_required,
        }
    }
}

/// What staff type to add a connection. The secret is typed once, goes to the keyring,
/// and is never shown again.
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
pub struct ConnectionInput {
    pub provider: String,
    pub environment: String,
    pub base_url: String,
    pub auth_url: String,
    pub client_id: String,
    pub partner_id: String,
    pub hawk_id: String,
    pub secret: String,
    /// Fin.com only: its client configuration asks for a selfie with every set of documents.
    pub fin_selfie_required: bool,
}

fn issue(field: &str, message: &str) -> branchdesk_domain::validate::Issue {
    branchdesk_domain::validate::Issue {
        field: field.to_owned(),
        code: "connection".to_owned(),
        message: message.to_owned(),
        severity: branchdesk_domain::validate::Severity::Error,
    }
}

/// Refuses ([`Error::QueueBusy`]) while any of `vaults` has submissions queued. A plan is
/// made for one connection and one environment: changing either under queued work could
/// send it where it was not meant to go, so the change waits until the queue is empty.
pub fn ensure_queue_empty(vaults: &[&Vault]) -> Result<()> {
    for vault in vaults {
        if !vault.drafts_with_pending_work()?.is_empty() {
            return Err(Error::QueueBusy);
        }
    }
    Ok(())
}

/// Checks a connection form and stores it; the secret only in `secrets`. Refused while
/// work is queued, before anything is written ([`ensure_queue_empty`]), unless it only
/// gives back the missing secret of the connection the work is for.
pub fn add_connection(
    vault: &Vault,
    secrets: &dyn SecretStore,
    input: &ConnectionInput,
) -> Result<ConnectionView> {
    let new = connection_from_input(input)?;
    // One connection per provider: a new one replaces the old, secret included.
    let previous = vault.connection_for(new.provider)?;
    ensure_connection_may_change(vault, secrets, &new)?;
    let added = vault.add_connection(
        &new,
        &branchdesk_vault::Sensitive::new(input.secret.trim().to_owned()),
        secrets,
    )?;
    if let Some(previous) = previous {
        vault.remove_connection(previous.id, secrets)?;
    }
    Ok(ConnectionView::from(&added))
}

/// The connection a form describes, checked field by field ([`Error::Invalid`]); nothing
/// is read or written.
pub fn connection_from_input(input: &ConnectionInput) -> Result<branchdesk_vault::NewConnection> {
    let mut issues = Vec::new();
    let provider = input.provider.parse::<Provider>().ok();
    if provider.is_none() {
        issues.push(issue(
            "provider",
            "Choose the provider: Cross River, Fin.com or BVNK.",
        ));
    }
    let environment = input
        .environment
        .parse::<branchdesk_vault::Environment>()
        .ok();
    if environment.is_none() {
        issues.push(issue("environment", "Choose SANDBOX or PRODUCTION."));
    }
    let trimmed = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    for (field, value) in [
        ("baseUrl", Some(input.base_url.as_str())),
        ("authUrl", trimmed(&input.auth_url).as_deref()),
    ] {
        if let Some(value) = value {
            if let Err(error) = branchdesk_api::check_base_url(value.trim()) {
                issues.push(issue(field, &format!("{error}.")));
            }
        }
    }
    let missing_id = match provider {
        Some(Provider::Bvnk) => trimmed(&input.hawk_id)
            .is_none()
            .then_some(("hawkId", "Enter the Hawk id BVNK gave you.")),
        Some(Provider::Cos | Provider::Fin) => trimmed(&input.client_id)
            .is_none()
            .then_some(("clientId", "Enter the client id the provider gave you.")),
        None => None,
    };
    if let Some((field, message)) = missing_id {
        issues.push(issue(field, message));
    }
    if provider == Some(Provider::Cos)
        && !branchdesk_domain::validate::is_guid(input.partner_id.trim())
    {
        issues.push(issue(
            "partnerId",
            "Enter Cross River's partner id: a GUID such as 6e80b097-693c-4592-8440-02f345335bbf.",
        ));
    }
    if input.secret.trim().is_empty() {
        issues.push(issue(
            "secret",
            "Enter the client secret (BVNK: the Hawk key). It is kept in the system keyring only.",
        ));
    }
    let (Some(provider), Some(environment), true) = (provider, environment, issues.is_empty())
    else {
        return Err(Error::Invalid(issues));
    };
    Ok(branchdesk_vault::NewConnection {
        provider,
        environment,
        base_url: input.base_url.trim().trim_end_matches('/').to_owned(),
        auth_url: trimmed(&input.auth_url),
        client_id: trimmed(&input.client_id),
        partner_id: trimmed(&input.partner_id),
        hawk_id: trimmed(&input.hawk_id),
        // A setting of Fin.com's alone: the form shows it only for Fin.com.
        fin_selfie_required: provider == Provider::Fin && input.fin_selfie_required,
    })
}

/// Refuses to store `new` while work is queued ([`Error::QueueBusy`]): queued plans were
/// made for the connection they would lose. The one change allowed then is giving back the
/// missing secret of the very connection the work is for (after a restore, which carries
/// no secrets): queued work still goes exactly where it was planned to.
pub fn ensure_connection_may_change(
    vault: &Vault,
    secrets: &dyn SecretStore,
    new: &branchdesk_vault::NewConnection,
) -> Result<()> {
    if gives_back_secret(vault, secrets, new)? {
        return Ok(());
    }
    ensure_queue_empty(&[vault])
}

/// Whether storing `new` only gives back the missing secret of the stored connection of
/// its provider: the same destination, identity and settings, and no secret in the
/// keyring for it (as after a restore, which carries no secrets).
pub fn gives_back_secret(
    vault: &Vault,
    secrets: &dyn SecretStore,
    new: &branchdesk_vault::NewConnection,
) -> Result<bool> {
    Ok(match vault.connection_for(new.provider)? {
        Some(stored) => same_destination(&stored, new) && stored.secret(secrets)?.is_none(),
        None => false,
    })
}

/// Whether `new` points where `stored` does, with the same identity and settings. The token
/// URLs are compared as used: the CLI stores the default one, Settings leaves it empty.
fn same_destination(stored: &Connection, new: &branchdesk_vault::NewConnection) -> bool {
    let token_url = |base_url: &str, auth_url: &Option<String>| {
        auth_url
            .clone()
            .unwrap_or_else(|| default_auth_url(new.provider, base_url))
    };
    stored.provider == new.provider
        && stored.environment == new.environment
        && stored.base_url == new.base_url
        && token_url(&stored.base_url, &stored.auth_url) == token_url(&new.base_url, &new.auth_url)
        && stored.client_id == new.client_id
        && stored.partner_id == new.partner_id
        && stored.hawk_id == new.hawk_id
        && stored.fin_selfie_required == new.fin_selfie_required
}

/// Removes a connection and its secret; `false` when there was none. Refused while work is
/// queued, before anything is removed ([`ensure_queue_empty`]).
pub fn remove_connection(
    vault: &Vault,
    secrets: &dyn SecretStore,
    id: branchdesk_vault::ConnectionId,
) -> Result<bool> {
    ensure_queue_empty(&[vault])?;
    Ok(vault.remove_connection(id, secrets)?)
}

/// Asks the provider for a token with the stored credentials and says plainly how it went.
pub async fn test_connection(connection: &Connection, secrets: &dyn SecretStore) -> Result<String> {
    match connection.provider {
        Provider::Cos => {
            let client = cos_client(http_client()?, &cos_connection(connection, secrets)?)?;
            client.check_credentials().await?;
            Ok("Cross River accepted the credentials and issued a token.".to_owned())
        }
        Provider::Fin => {
            fin_connection(connection, secrets)?
                .client()?
                .check_credentials()
                .await?;
            Ok("Fin.com accepted the credentials and issued a token.".to_owned())
        }
        Provider::Bvnk => {
            bvnk_connection(connection, secrets)?
                .client()?
                .check_credentials()
                .await?;
            Ok("BVNK accepted the Hawk credentials.".to_owned())
        }
    }
}
