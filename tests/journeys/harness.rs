//! Launching the app for one test: its own tauri-driver, its own data folder, and a
//! screenshot in `target/e2e-screenshots/` when the journey fails.

use std::future::Future;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use thirtyfour::prelude::*;

pub type Outcome = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// The first admin a journey makes when a desk outside Training asks for one.
pub const DESK_ADMIN: (&str, &str) = ("Desk Admin", "1357");

pub struct App {
    pub driver: WebDriver,
    driver_process: Child,
    /// The data folder, when this app owns it (a journey that restarts the app owns it
    /// itself and launches each run in it).
    _data_dir: Option<tempfile::TempDir>,
    /// What axe-core found on the screens this journey went through, in either theme
    /// ([`App::audit`]); the journey fails on any at its end.
    violations: std::sync::Mutex<Vec<String>>,
}

impl Drop for App {
    /// Ends tauri-driver and, with it, the native driver and the app it started: they share
    /// its process group. A journey that panics drops its App without quitting the session,
    /// and a window left open would take over the next journey's launch (the app allows one
    /// instance), failing every journey after it.
    fn drop(&mut self) {
        #[cfg(unix)]
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.driver_process.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.driver_process.kill();
        let _ = self.driver_process.wait();
    }
}

fn env_path(name: &str) -> PathBuf {
    PathBuf::from(std::env::var_os(name).unwrap_or_else(|| {
        panic!("{name} is not set: run the end-to-end tests with `cargo xtask test`")
    }))
}

/// Two distinct free ports: both are held until both are known, or the OS could hand
/// out the same one twice.
fn two_free_ports() -> (u16, u16) {
    let a = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let b = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    (
        a.local_addr().unwrap().port(),
        b.local_addr().unwrap().port(),
    )
}

impl App {
    pub async fn launch() -> App {
        let data_dir = tempfile::tempdir().unwrap();
        let mut app = App::launch_in(data_dir.path()).await;
        app._data_dir = Some(data_dir);
        app
    }

    /// Launches the app on an existing data folder, as a restart would.
    pub async fn launch_in(data_dir: &std::path::Path) -> App {
        App::launch_with(data_dir, &[]).await
    }

    /// Launches the app with extra environment (e.g. the test answers to file dialogs).
    pub async fn launch_with(
        data_dir: &std::path::Path,
        env: &[(&str, std::ffi::OsString)],
    ) -> App {
        let app = App::open_window(data_dir, env).await;
        app.wait_for_css("body[data-ready='true']")
            .await
            .expect("the page reports ready");
        // Training's ready profile, as a new user signs in; journeys about signing in sign
        // out again first.
        if app
            .driver
            .find(By::Css("#signin [data-person='Trainee']"))
            .await
            .is_ok()
        {
            app.sign_in("Trainee", "").await.expect("Trainee signs in");
        }
        app
    }

    /// Starts the app and its WebDriver session, and returns as soon as there is a window:
    /// its desk may still be opening.
    pub async fn open_window(
        data_dir: &std::path::Path,
        env: &[(&str, std::ffi::OsString)],
    ) -> App {
        let app = env_path("BRANCHDESK_APP");
        wait_for_folder_free(data_dir).await;
        // A start-up failure is recorded instead of waiting on a message box nobody sees:
        // a journey then fails on its missing window rather than hanging the ones after it.
        let dialogs =
            std::env::temp_dir().join(format!("branchdesk-e2e-dialogs-{}.txt", std::process::id()));
        let (port, native_port) = two_free_ports();
        let mut command = Command::new(env_path("TAURI_DRIVER"));
        // Its own process group, so that dropping the App ends the app with it.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let driver_process = command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("BRANCHDESK_DATA_DIR", data_dir)
            .env("BRANCHDESK_E2E_DIALOGS", &dialogs)
            .envs(env.iter().map(|(k, v)| (*k, v)))
            .stdout(Stdio::null())
            .spawn()
            .expect("tauri-driver starts");
        wait_for_port(port).await;

        let mut capabilities = thirtyfour::Capabilities::new();
        capabilities.insert("browserName".into(), json!("wry"));
        capabilities.insert(
            "tauri:options".into(),
            json!({ "application": app.to_string_lossy() }),
        );
        // tauri-driver listens before the native driver behind it does: on a busy machine
        // the first session request can meet a closed connection, so it is asked again.
        let mut attempt = 0;
        let driver = loop {
            attempt += 1;
            match WebDriver::new(format!("http://127.0.0.1:{port}"), capabilities.clone()).await {
                Ok(driver) => break driver,
                Err(error) if attempt < 5 => {
                    eprintln!("no WebDriver session yet ({error}); asking again");
                    tokio::time::sleep(std::time::Duration::from_millis(500 * attempt)).await;
                }
                Err(error) => panic!("a WebDriver session with the app: {error}"),
            }
        };
        App {
            driver,
            driver_process,
            _data_dir: None,
            violations: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// Signs `name` in on the sign-in screen with `pin` (none for Training's Trainee).
    pub async fn sign_in(&self, name: &str, pin: &str) -> WebDriverResult<()> {
        self.click(&format!("#signin [data-person='{name}']"))
            .await?;
        if !pin.is_empty() {
            let field = self.wait_for_css("#signin-pin").await?;
            field.send_keys(pin).await?;
            self.click("#signin-go").await?;
        }
        self.wait_for_css(&format!("body[data-person='{name}']"))
            .await
            .map(|_| ())
    }

    pub async fn wait_for_css(&self, selector: &str) -> WebDriverResult<WebElement> {
        self.driver
            .query(By::Css(selector))
            .wait(Duration::from_secs(20), Duration::from_millis(100))
            .first()
            .await
    }

    /// The app on `data_dir` whose folder dialog answers `folder`, as the scanner's folder.
    pub async fn launch_for_scanner(data_dir: &std::path::Path, folder: &std::path::Path) -> App {
        App::launch_with(
            data_dir,
            &[("BRANCHDESK_E2E_PICKS", folder.as_os_str().to_owned())],
        )
        .await
    }

    /// Chooses the scanner's folder in Settings (the dialog answers as the app was
    /// launched to) and waits until Settings shows it; the shown folder is returned.
    pub async fn choose_scanner_folder(&self) -> WebDriverResult<String> {
        self.click("a[data-view='settings']").await?;
        self.click("#scanner-choose").await?;
        let shown = self
            .wait_for_css("#scanner-folder:not([data-folder=''])")
            .await?;
        Ok(shown.attr("data-folder").await?.unwrap_or_default())
    }

    /// Presses `keys` with the modifiers `held` down, wherever the focus is, as staff do.
    pub async fn press(
        &self,
        held: &[Key],
        keys: impl Into<thirtyfour::common::keys::TypingData>,
    ) -> WebDriverResult<()> {
        let mut chain = self.driver.action_chain();
        for key in held {
            chain = chain.key_down(key.clone());
        }
        chain = chain.send_keys(keys);
        for key in held.iter().rev() {
            chain = chain.key_up(key.clone());
        }
        chain.perform().await
    }

    /// The id of the element that has the focus ("" for none).
    pub async fn focused_id(&self) -> WebDriverResult<String> {
        let answer = self
            .driver
            .execute(
                "return document.activeElement ? document.activeElement.id : '';",
                vec![],
            )
            .await?;
        Ok(answer.json().as_str().unwrap_or_default().to_owned())
    }

    pub async fn text_of(&self, selector: &str) -> WebDriverResult<String> {
        self.driver.find(By::Css(selector)).await?.text().await
    }

    /// Signs someone in again when the sign-in screen came back: leaving Training signs its
    /// Trainee out, and a desk outside Training with nobody yet asks for its first admin,
    /// as staff would do then.
    pub async fn ensure_signed_in(&self) -> WebDriverResult<()> {
        if self.driver.find(By::Css("#signin")).await.is_err() {
            return Ok(());
        }
        if let Ok(trainee) = self
            .driver
            .find(By::Css("#signin [data-person='Trainee']"))
            .await
        {
            trainee.click().await?;
        } else if let Ok(name) = self.driver.find(By::Css("#first-name")).await {
            name.send_keys(DESK_ADMIN.0).await?;
            self.driver
                .find(By::Css("#first-pin"))
                .await?
                .send_keys(DESK_ADMIN.1)
                .await?;
            self.driver
                .find(By::Css("#first-pin-again"))
                .await?
                .send_keys(DESK_ADMIN.1)
                .await?;
            self.driver
                .find(By::Css("#first-go"))
                .await?
                .click()
                .await?;
        } else if let Ok(admin) = self
            .driver
            .find(By::Css(format!("#signin [data-person='{}']", DESK_ADMIN.0)))
            .await
        {
            // After a restart, the admin made earlier signs in with their PIN.
            admin.click().await?;
            self.wait_for_css("#signin-pin")
                .await?
                .send_keys(DESK_ADMIN.1)
                .await?;
            self.driver
                .find(By::Css("#signin-go"))
                .await?
                .click()
                .await?;
        } else {
            return Ok(());
        }
        self.wait_for_css("body[data-person]").await.map(|_| ())
    }

    pub async fn type_into(&self, id: &str, text: &str) -> WebDriverResult<()> {
        if !id.starts_with("signin") && !id.starts_with("first-") {
            self.ensure_signed_in().await?;
        }
        // A field can appear with the answer to what was just done (a row added once the
        // rules have answered): waited for, not assumed.
        let input = self.wait_for_css(&format!("#{id}")).await?;
        input.clear().await?;
        input.send_keys(text).await
    }

    /// Types into the wizard's field for a draft path (`addresses[0].city`).
    pub async fn fill(&self, fields: &[(&str, &str)]) -> WebDriverResult<()> {
        for (path, value) in fields {
            self.type_into(&field_id(path), value).await?;
        }
        Ok(())
    }

    /// Picks an option of the wizard's select for a draft path.
    pub async fn choose(&self, path: &str, value: &str) -> WebDriverResult<()> {
        let css = format!("#{} option[value='{value}']", field_id(path));
        self.wait_for_css(&css).await?.click().await
    }

    /// Goes on with Next and waits until the wizard shows the following step: the step left
    /// behind is redrawn, so nothing found on it may be used afterwards.
    pub async fn next(&self) -> WebDriverResult<()> {
        let current = self
            .wait_for_css("button.step[aria-current='step']")
            .await?
            .attr("data-step")
            .await?
            .unwrap_or_default();
        self.click("#next").await?;
        let now = self
            .wait_for_css(&format!(
                "button.step[aria-current='step']:not([data-step='{current}'])"
            ))
            .await?
            .attr("data-step")
            .await?
            .unwrap_or_default();
        self.audit(&format!("the wizard's {now} step")).await;
        Ok(())
    }

    /// Checks the screen on show with axe-core in the theme it is in and in the other one
    /// (the page's theme switched for the check and put back), and keeps what is found
    /// for [`App::finish`]. Every journey does this on each wizard step it reaches and on
    /// the screen it ends on.
    pub async fn audit(&self, what: &str) {
        let mut found = Vec::new();
        let theme = self
            .driver
            .execute(
                "return document.documentElement.dataset.theme || 'light';",
                vec![],
            )
            .await
            .ok()
            .and_then(|answer| answer.json().as_str().map(str::to_owned))
            .unwrap_or_else(|| "light".to_owned());
        let other = if theme == "dark" { "light" } else { "dark" };
        let set = |to: &str| {
            self.driver.execute(
                "document.documentElement.dataset.theme = arguments[0];",
                vec![json!(to)],
            )
        };
        if let Err(error) = self.axe(&format!("{what} ({theme} theme)")).await {
            found.push(error.to_string());
        }
        if set(other).await.is_ok() {
            if let Err(error) = self.axe(&format!("{what} ({other} theme)")).await {
                found.push(error.to_string());
            }
            let _ = set(&theme).await;
        }
        self.violations
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend(found);
    }

    /// Clicks what `css` finds once the form has settled. A click first takes the focus out
    /// of the field being typed in, and the check that starts can add or remove a message
    /// and move the button from under the pointer: so the field is left first, the checks
    /// answer, and then the button is clicked where it now is.
    pub async fn click(&self, css: &str) -> WebDriverResult<()> {
        self.driver
            .execute(
                "const a = document.activeElement; \
                 if (a instanceof HTMLElement && a.matches('input, select, textarea')) a.blur();",
                vec![],
            )
            .await?;
        self.wait_for_css("html:not([data-checking])").await?;
        if !css.starts_with("#signin") && !css.starts_with("#first-") {
            self.ensure_signed_in().await?;
        }
        self.wait_for_css(css).await?.click().await
    }

    /// Runs a journey; on failure saves a screenshot named after it, then fails the test.
    pub async fn journey<F, Fut>(name: &str, body: F)
    where
        F: FnOnce(App) -> Fut,
        Fut: Future<Output = (App, Outcome)>,
    {
        let app = App::launch().await;
        let (app, outcome) = body(app).await;
        app.finish(name, outcome).await;
    }

    /// Ends the session; on failure first saves a screenshot named after the journey.
    pub async fn finish(self, name: &str, outcome: Outcome) {
        let app = self;
        let outcome = match outcome {
            Ok(()) => {
                app.audit(&format!("the screen {name} ends on")).await;
                let found = std::mem::take(
                    &mut *app
                        .violations
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner),
                );
                if found.is_empty() {
                    Ok(())
                } else {
                    Err(found.join("\n").into())
                }
            }
            failed => failed,
        };
        if let Err(error) = outcome {
            let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-screenshots");
            let _ = std::fs::create_dir_all(&dir);
            let shot = dir.join(format!("{name}.png"));
            let saved = app.driver.screenshot(&shot).await.is_ok();
            let _ = app.driver.clone().quit().await;
            panic!(
                "journey {name} failed: {error}{}",
                if saved {
                    format!(" (screenshot: {})", shot.display())
                } else {
                    String::new()
                }
            );
        }
        if std::env::var_os("BRANCHDESK_E2E_SHOTS").is_some() {
            // Screenshots of passing journeys too, for a person to look at.
            let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-screenshots");
            let _ = std::fs::create_dir_all(&dir);
            let _ = app
                .driver
                .screenshot(&dir.join(format!("{name}.ok.png")))
                .await;
        }
        let _ = app.driver.clone().quit().await;
    }
}

/// Waits until no process holds `data_dir` (its `branchdesk.lock`): a journey that starts
/// the app again on the same folder must not meet the last run's process still ending,
/// which would hand the new start over to it.
async fn wait_for_folder_free(data_dir: &std::path::Path) {
    let lock = data_dir.join("branchdesk.lock");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let free = match std::fs::OpenOptions::new().write(true).open(&lock) {
            // The lock is dropped with the file at once: it only asks whether it is held.
            Ok(file) => file.try_lock().is_ok(),
            Err(_) => true,
        };
        if free {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the last app on {} did not end",
            data_dir.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(
            Instant::now() < deadline,
            "tauri-driver did not listen on {port}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits up to `within` for the submission on screen to settle, and gives the state it
/// settled in: `submitted` or `needs_attention`.
pub async fn settled_submission(app: &App, within: Duration) -> Result<String, String> {
    eventually(within, "the submission to finish", || async {
        let el = app.driver.find(By::Id("submission-state")).await.ok()?;
        let state = el.attr("data-state").await.ok()??;
        (state == "submitted" || state == "needs_attention").then_some(state)
    })
    .await
}

/// Polls `check` until it yields `Some`, or fails after `within`.
pub async fn eventually<T, F, Fut>(within: Duration, what: &str, mut check: F) -> Result<T, String>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + within;
    loop {
        if let Some(value) = check().await {
            return Ok(value);
        }
        if Instant::now() > deadline {
            return Err(format!("timed out waiting for {what}"));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The id the wizard gives the input of a draft path, as `fieldId` in ui/views/fields.js.
pub fn field_id(path: &str) -> String {
    let mut id = String::from("f-");
    let mut last_dash = false;
    for c in path.chars() {
        if matches!(c, '[' | ']' | '.') {
            if !last_dash {
                id.push('-');
            }
            last_dash = true;
        } else {
            id.push(c);
            last_dash = false;
        }
    }
    id.trim_end_matches('-').to_owned()
}

/// The WCAG levels the accessibility check holds each screen to.
const AXE_TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

impl App {
    /// Signs out with "Switch person" in the top bar and waits for the sign-in screen.
    pub async fn switch_person(&self) -> WebDriverResult<()> {
        self.click("#switch-person").await?;
        self.wait_for_css("#signin[role='dialog']").await?;
        self.wait_for_css("body:not([data-person])").await?;
        Ok(())
    }

    /// Signs out and signs `name` in with `pin`, as the next person at the desk does.
    pub async fn switch_to(&self, name: &str, pin: &str) -> WebDriverResult<()> {
        self.switch_person().await?;
        self.sign_in(name, pin).await
    }

    /// Checks the window as it is now with axe-core (WCAG 2.0 and 2.1, A and AA) and fails
    /// naming each violation's rule, impact and first element. axe-core is handed to the
    /// page over WebDriver, never through the app itself (`cargo xtask test` installs it in
    /// `.tools/node`). `what` names the screen in the failure.
    pub async fn axe(&self, what: &str) -> Outcome {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../.tools/node/node_modules/axe-core/axe.min.js");
        let loaded = self
            .driver
            .execute("return typeof window.axe === 'object';", vec![])
            .await?;
        if loaded.json().as_bool() != Some(true) {
            let source = std::fs::read_to_string(&path).map_err(|error| {
                format!(
                    "axe-core at {}: {error} (`cargo xtask test` installs it)",
                    path.display()
                )
            })?;
            self.driver
                .execute(&format!("{source}\n;return true;"), vec![])
                .await?;
        }
        let answer = self
            .driver
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 window.axe.run(document, { runOnly: { type: 'tag', values: arguments[0] } }) \
                   .then((r) => done({ passes: r.passes.length, violations: r.violations.map((v) => ({ \
                     id: v.id, impact: v.impact, help: v.help, count: v.nodes.length, \
                     target: v.nodes[0] ? v.nodes[0].target.join(' ') : '', \
                     html: v.nodes[0] ? v.nodes[0].html.slice(0, 160) : '' })) })) \
                   .catch((e) => done({ error: String(e) }));",
                vec![json!(AXE_TAGS)],
            )
            .await?;
        let answer = answer.json();
        if let Some(error) = answer["error"].as_str() {
            return Err(format!("axe-core could not check {what}: {error}").into());
        }
        if answer["passes"].as_u64().unwrap_or(0) == 0 {
            return Err(format!("axe-core checked nothing on {what}: {answer}").into());
        }
        let violations = answer["violations"].as_array().cloned().unwrap_or_default();
        if violations.is_empty() {
            return Ok(());
        }
        let listed: Vec<String> = violations
            .iter()
            .map(|v| {
                format!(
                    "{} ({}, {} element(s)) at {} {}: {}",
                    v["id"].as_str().unwrap_or_default(),
                    v["impact"].as_str().unwrap_or("no impact given"),
                    v["count"],
                    v["target"].as_str().unwrap_or_default(),
                    v["html"].as_str().unwrap_or_default(),
                    v["help"].as_str().unwrap_or_default(),
                )
            })
            .collect();
        Err(format!(
            "axe-core finds {} accessibility violation(s) on {what}:\n  {}",
            listed.len(),
            listed.join("\n  ")
        )
        .into())
    }
}

/// Every file in the data folder's `logs/`, by name, with its text.
pub fn app_logs(data: &std::path::Path) -> Vec<(String, String)> {
    let dir = data.join("logs");
    let mut logs: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("no log folder at {}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(&path).unwrap();
            (name, String::from_utf8_lossy(&bytes).into_owned())
        })
        .collect();
    logs.sort();
    logs
}
