//! Sign-in through the hosted page against a real emulator (ministack serves the pool's
//! managed login page, its `/oauth2/token` checks PKCE) and a real OpenID provider on
//! loopback as the pool's federated identity provider. The `sesame` CLI runs as a process
//! with `--browser --no-open`; the test plays the browser: it opens the printed address,
//! submits the forms and follows the redirects back to the CLI's loopback listener.

#[path = "support/cognito_cli.rs"]
mod cognito_cli;
#[path = "support/home.rs"]
mod home;
#[path = "support/ministack.rs"]
#[allow(dead_code)]
mod ministack;
#[path = "support/oidc_idp.rs"]
mod oidc_idp;
#[path = "support/proxy.rs"]
mod proxy;
#[path = "support/service.rs"]
mod service;

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Stdio};

use home::Home;
use ministack::{HostedClient, Mfa, Ministack, Pool, REGION};
use serde_json::Value;
use service::free_port;

const PASSWORD: &str = "Correct-Horse-9";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

// ---------------------------------------------------------------------------------------
// The CLI.

/// A CLI command running in the background (a sign-in waiting for the browser).
struct Running {
    child: Child,
    stdout: BufReader<ChildStdout>,
    /// What it printed before the address.
    before: String,
}

impl Running {
    /// The address the command printed for the browser.
    fn url(&mut self) -> String {
        let mut line = String::new();
        loop {
            line.clear();
            let n = self.stdout.read_line(&mut line).unwrap();
            if n == 0 {
                let out = self.child.wait_with_output_now();
                panic!("the CLI printed no address; it said: {out}");
            }
            if line.starts_with("http") {
                return line.trim().to_owned();
            }
            self.before.push_str(&line);
        }
    }

    /// Waits for the command; its exit code, standard output and error.
    fn finish(mut self) -> (Option<i32>, String, String) {
        let mut rest = std::mem::take(&mut self.before);
        std::io::Read::read_to_string(&mut self.stdout, &mut rest).unwrap();
        let out = self.child.wait_with_output().unwrap();
        (
            out.status.code(),
            rest,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

trait WaitNow {
    fn wait_with_output_now(&mut self) -> String;
}

impl WaitNow for Child {
    fn wait_with_output_now(&mut self) -> String {
        let _ = self.wait();
        let mut err = String::new();
        if let Some(mut stderr) = self.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut stderr, &mut err);
        }
        err
    }
}

/// The hosted sign-in's commands, for [`Home`] (tests/support/home.rs).
impl Home {
    /// Starts `sesame args` in the background, its stdin empty.
    fn start(&self, args: &[&str]) -> Running {
        let mut child = self
            .std_sesame()
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Running {
            child,
            stdout,
            before: String::new(),
        }
    }

    fn sign_in(&self, extra: &[&str]) -> Running {
        let mut args = vec!["cognito", "sign-in", "--browser", "--no-open"];
        if !extra.contains(&"--timeout") {
            args.extend(["--timeout", "60"]);
        }
        args.extend_from_slice(extra);
        self.start(&args)
    }

    /// `sesame cognito configure` for `client` with its hosted page, every call at the
    /// emulator's endpoint and the browser's answer on `port`.
    fn configure(&self, ms: &Ministack, client: &Pool, port: u16, scopes: Option<&str>) {
        self.configure_at(&ms.endpoint, client, port, scopes);
    }

    /// Like [`Home::configure`], with every call (and the hosted page) at `endpoint`.
    fn configure_at(&self, endpoint: &str, client: &Pool, port: u16, scopes: Option<&str>) {
        let port = port.to_string();
        let mut extra = vec!["--domain", endpoint, "--redirect-port", &port];
        if let Some(scopes) = scopes {
            extra.extend(["--scopes", scopes]);
        }
        let out = self.configure_cognito(endpoint, client, &extra);
        if client.client_secret.is_none() {
            assert!(
                out.contains(&format!("http://127.0.0.1:{port}/callback")),
                "{out}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// The browser: an HTTP client that follows redirects one by one and submits forms.

struct Browser {
    http: reqwest::Client,
}

/// A page the browser landed on.
struct Page {
    url: String,
    status: u16,
    body: String,
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The value of `name="…"` inside one HTML tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

/// The first form of `html`: its action and its hidden fields.
fn form(html: &str) -> (Option<String>, Vec<(String, String)>) {
    let form_start = html.find("<form").expect("a form on the page");
    let form_end = html[form_start..].find("</form>").unwrap() + form_start;
    let form = &html[form_start..form_end];
    let tag_end = form.find('>').unwrap();
    let action = attribute(&form[..tag_end], "action").filter(|a| !a.is_empty());
    let mut fields = Vec::new();
    for piece in form.split("<input").skip(1) {
        let tag = &piece[..piece.find('>').unwrap_or(piece.len())];
        if attribute(tag, "type").as_deref() == Some("hidden")
            && let (Some(name), Some(value)) = (attribute(tag, "name"), attribute(tag, "value"))
        {
            fields.push((name, value));
        }
    }
    (action, fields)
}

impl Browser {
    fn new() -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }

    /// Follows redirects from `response` until `stop` says to stop at a location (it is
    /// returned unvisited) or a page is reached.
    async fn follow(
        &self,
        mut response: reqwest::Response,
        stop: &dyn Fn(&str) -> bool,
    ) -> Result<Page, String> {
        for _ in 0..10 {
            let url = response.url().clone();
            if !response.status().is_redirection() {
                return Ok(Page {
                    url: url.to_string(),
                    status: response.status().as_u16(),
                    body: response.text().await.unwrap(),
                });
            }
            let location = response.headers()["location"].to_str().unwrap().to_owned();
            let next = url.join(&location).unwrap().to_string();
            if stop(&next) {
                return Err(next);
            }
            response = self.http.get(&next).send().await.unwrap();
        }
        panic!("too many redirects");
    }

    async fn open(&self, url: &str, stop: &dyn Fn(&str) -> bool) -> Result<Page, String> {
        let response = self.http.get(url).send().await.unwrap();
        self.follow(response, stop).await
    }

    /// Submits the page's first form with its hidden fields and `fields`.
    async fn submit(
        &self,
        page: &Page,
        fields: &[(&str, &str)],
        stop: &dyn Fn(&str) -> bool,
    ) -> Result<Page, String> {
        let (action, hidden) = form(&page.body);
        let base = reqwest::Url::parse(&page.url).unwrap();
        let target = match action {
            Some(action) => base.join(&action).unwrap(),
            None => base,
        };
        let mut body: Vec<(String, String)> = hidden;
        body.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let response = self.http.post(target).form(&body).send().await.unwrap();
        self.follow(response, stop).await
    }

    /// Submits the hosted page's sign-in form (`page`) with `username` and `password`.
    async fn log_in(
        &self,
        page: &Page,
        username: &str,
        password: &str,
        stop: &dyn Fn(&str) -> bool,
    ) -> Result<Page, String> {
        self.submit(
            page,
            &[("username", username), ("password", password)],
            stop,
        )
        .await
    }
}

fn never(_: &str) -> bool {
    false
}

/// The page ends at the CLI's listener: the "close this tab" page.
fn assert_back_at_sesame(page: &Page, port: u16) {
    assert!(
        page.url.starts_with(&format!("http://127.0.0.1:{port}/")),
        "{}",
        page.url
    );
    assert_eq!(page.status, 200);
    assert!(page.body.contains("close this tab"), "{}", page.body);
}

fn param(url: &str, name: &str) -> Option<String> {
    reqwest::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

async fn hosted_pool(ms: &Ministack, port: u16, providers: &[&str], secret: bool) -> Pool {
    let pool = ms.pool(Mfa::Off, false, None).await;
    ms.hosted_client(
        &pool,
        HostedClient {
            port,
            scopes: &[
                "openid",
                "email",
                "profile",
                "aws.cognito.signin.user.admin",
            ],
            providers,
            secret,
        },
    )
    .await
}

// ---------------------------------------------------------------------------------------

#[test]
fn the_hosted_page_signs_in_through_the_browser_and_signs_out_of_it() {
    let ms = Ministack::start();
    let port = free_port();
    let client = rt().block_on(async {
        let client = hosted_pool(&ms, port, &[], true).await;
        ms.confirmed_user(&client, "alice", PASSWORD, "alice@example.com")
            .await;
        client
    });
    let home = Home::with_vault();
    home.configure(&ms, &client, port, None);
    let browser = Browser::new();

    let mut cli = home.sign_in(&[]);
    let url = cli.url();
    // Discovery named the emulator's endpoint; S256 PKCE, state and nonce are in the URL.
    assert!(
        url.starts_with(&format!("{}/oauth2/authorize?", ms.endpoint)),
        "{url}"
    );
    assert_eq!(
        param(&url, "code_challenge_method").as_deref(),
        Some("S256")
    );
    assert_eq!(
        param(&url, "scope").as_deref(),
        Some("openid email profile")
    );
    rt().block_on(async {
        let login = browser.open(&url, &never).await.unwrap();
        assert!(login.body.contains("name=\"password\""), "{}", login.body);
        // A wrong password stays on the page, and nothing comes back to Sesame yet.
        let again = browser
            .log_in(&login, "alice", "wrong", &never)
            .await
            .unwrap();
        assert!(again.body.contains("Incorrect username or password"));
        let back = browser
            .log_in(&again, "alice", PASSWORD, &never)
            .await
            .unwrap();
        assert_back_at_sesame(&back, port);
    });
    let (code, out, err) = cli.finish();
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains("Signed in through the hosted page as alice@example.com (user alice)"),
        "{out}"
    );

    // The default scopes leave out the admin scope: whoami reads the verified ID token.
    let who = home.whoami().unwrap();
    assert_eq!(who["username"], "alice");
    assert_eq!(who["email"], "alice@example.com");
    assert_eq!(who["hosted"], true);
    assert_eq!(who["profile_source"], "id_token");
    assert_eq!(who["provider"], Value::Null);
    assert_eq!(who["mfa"], Value::Null);
    let mut scopes: Vec<&str> = who["scope"].as_str().unwrap().split(' ').collect();
    scopes.sort();
    assert_eq!(scopes, ["email", "openid", "profile"]);
    // The MFA commands say why they cannot work with this session.
    let out = home.run(&["cognito", "enable-mfa"], "");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("aws.cognito.signin.user.admin"), "{err}");
    // Refresh works with the hosted page's refresh token, and stays a hosted session.
    assert!(home.ok(&["cognito", "refresh"], "").contains("Refreshed"));
    assert_eq!(home.whoami().unwrap()["hosted"], true);

    // Sign-out revokes the tokens and ends the hosted page's session in the browser.
    let mut out = home.start(&["cognito", "sign-out", "--no-open"]);
    let logout = out.url();
    assert_eq!(
        param(&logout, "client_id").as_deref(),
        Some(client.client_id.as_str())
    );
    assert_eq!(
        param(&logout, "logout_uri"),
        Some(format!("http://127.0.0.1:{port}/signed-out"))
    );
    rt().block_on(async {
        let back = browser.open(&logout, &never).await.unwrap();
        assert_back_at_sesame(&back, port);
    });
    let (code, out, err) = out.finish();
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("refresh token is revoked"), "{out}");
    assert!(out.contains("hosted page's session has ended"), "{out}");
    assert!(home.whoami().is_none());

    // Asking for the admin scope lets whoami read the profile from Cognito.
    home.configure(
        &ms,
        &client,
        port,
        Some("openid email aws.cognito.signin.user.admin"),
    );
    let mut cli = home.sign_in(&[]);
    let url = cli.url();
    rt().block_on(async {
        let login = browser.open(&url, &never).await.unwrap();
        let back = browser
            .log_in(&login, "alice", PASSWORD, &never)
            .await
            .unwrap();
        assert_back_at_sesame(&back, port);
    });
    assert_eq!(cli.finish().0, Some(0));
    let who = home.whoami().unwrap();
    assert_eq!(who["profile_source"], "get_user");
    assert_eq!(who["mfa"], serde_json::json!([]));
    assert_eq!(who["attributes"]["email"], "alice@example.com");
}

/// Signs `user` in through the hosted page's form; what the CLI printed on stderr.
fn sign_in_on_the_form(home: &Home, browser: &Browser, port: u16, user: &str) -> String {
    let mut cli = home.sign_in(&[]);
    let url = cli.url();
    rt().block_on(async {
        let login = browser.open(&url, &never).await.unwrap();
        let back = browser
            .log_in(&login, user, PASSWORD, &never)
            .await
            .unwrap();
        assert_back_at_sesame(&back, port);
    });
    let (code, _, err) = cli.finish();
    assert_eq!(code, Some(0), "{err}");
    err
}

#[test]
fn the_browser_sign_in_names_the_vault_account_whose_code_the_page_may_ask_for() {
    let ms = Ministack::start();
    let port = free_port();
    let admin_scopes = "openid email profile aws.cognito.signin.user.admin";
    let client = rt().block_on(async {
        let pool = ms.pool(Mfa::Optional, false, None).await;
        let scopes: Vec<&str> = admin_scopes.split(' ').collect();
        let client = ms
            .hosted_client(
                &pool,
                HostedClient {
                    port,
                    scopes: &scopes,
                    providers: &[],
                    secret: false,
                },
            )
            .await;
        ms.confirmed_user(&client, "alice", PASSWORD, "alice@example.com")
            .await;
        client
    });
    let home = Home::with_vault();
    home.configure(&ms, &client, port, Some(admin_scopes));
    let browser = Browser::new();

    // The vault holds nothing of the pool yet: no hint.
    let err = sign_in_on_the_form(&home, &browser, port, "alice");
    assert!(!err.contains("authenticator code"), "{err}");

    // Sesame becomes alice's authenticator; the next hosted sign-in names its account.
    home.ok(&["cognito", "enable-mfa"], "");
    home.ok(&["cognito", "sign-out", "--local"], "");
    let account: Value = home
        .ok(&["list", "--json"], "")
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|a| a["issuer"] == format!("Cognito ({})", client.id))
        .expect("enable-mfa stored the pool's account");
    let label = format!(
        "{}: {}",
        account["issuer"].as_str().unwrap(),
        account["account"].as_str().unwrap()
    );
    let err = sign_in_on_the_form(&home, &browser, port, "alice");
    let hint = err
        .lines()
        .find(|l| l.contains("asks for an authenticator code"))
        .unwrap_or_else(|| panic!("no hint in: {err}"));
    assert!(hint.contains(&format!("({label})")), "{hint}");
    let command = format!("sesame code '{label}'");
    assert!(hint.ends_with(&command), "{hint}");

    // The command as printed, run by a shell, prints the account's current code.
    let printed = hint.split_once(": sesame ").unwrap().1;
    let shell = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("exec \"$SESAME_BIN\" {printed}"))
        .env("SESAME_BIN", env!("CARGO_BIN_EXE_sesame"))
        .env("SESAME_HOME", home.vault_dir())
        .env("SESAME_KEYSTORE", &home.keystore)
        .output()
        .unwrap();
    assert!(
        shell.status.success(),
        "{}",
        String::from_utf8_lossy(&shell.stderr)
    );
    let code = String::from_utf8(shell.stdout).unwrap();
    assert!(
        code.trim().len() == 6 && code.trim().bytes().all(|b| b.is_ascii_digit()),
        "{code:?}"
    );

    // The account's secret is not in what the CLI printed.
    let links = home.dir.path().join("links.txt");
    home.ok(
        &[
            "export",
            "--otpauth",
            links.to_str().unwrap(),
            "--plaintext",
        ],
        "",
    );
    let link = std::fs::read_to_string(&links).unwrap();
    let secret = param(link.trim(), "secret").expect("the account's secret");
    assert!(!err.contains(&secret), "{err}");
    assert!(!err.contains("secret"), "{err}");
}

/// Runs a sign-in whose browser side is `browse` (given the authorize URL, it returns
/// where it stopped); the CLI must fail with a message containing `expected`, and store
/// no session.
fn refused(home: &Home, expected: &str, extra: &[&str], browse: impl FnOnce(String)) {
    let mut cli = home.sign_in(extra);
    let url = cli.url();
    browse(url);
    let (code, out, err) = cli.finish();
    assert_eq!(code, Some(2), "{out} {err}");
    assert!(err.contains(expected), "expected {expected:?} in: {err}");
    assert!(home.whoami().is_none(), "a session was stored after: {err}");
}

#[test]
fn bad_answers_from_the_hosted_page_change_nothing() {
    let ms = Ministack::start();
    let port = free_port();
    let (client, other) = rt().block_on(async {
        let client = hosted_pool(&ms, port, &[], false).await;
        let other = ms
            .hosted_client(
                &client,
                HostedClient {
                    port,
                    scopes: &["openid", "email"],
                    providers: &[],
                    secret: false,
                },
            )
            .await;
        ms.confirmed_user(&client, "bob", PASSWORD, "bob@example.com")
            .await;
        (client, other)
    });
    let home = Home::with_vault();
    home.configure(&ms, &client, port, None);
    let browser = Browser::new();
    let callback = format!("http://127.0.0.1:{port}/callback");
    let at_callback = |url: &str| url.starts_with(&callback);

    // Signs in on the hosted page and returns the redirect to Sesame, unvisited.
    let sign_in_page = |url: &str| -> String {
        rt().block_on(async {
            let login = browser.open(url, &never).await.unwrap();
            browser
                .log_in(&login, "bob", PASSWORD, &at_callback)
                .await
                .err()
                .expect("a redirect back to Sesame")
        })
    };
    // The browser lands on Sesame's page: "could not sign in" when the answer itself is
    // wrong, "got the answer" when only the code exchange after it fails.
    let visit_expecting = |url: String, expected: &str| {
        rt().block_on(async {
            let page = browser.open(&url, &never).await.unwrap();
            assert!(page.body.contains(expected), "{}", page.body);
        })
    };
    let visit = |url: String| visit_expecting(url, "could not sign in");

    // A tampered state.
    refused(&home, "does not belong to this sign-in", &[], |url| {
        let back = sign_in_page(&url);
        let state = param(&back, "state").unwrap();
        visit(back.replace(&state, &format!("{state}x")));
    });
    // The user cancels: the hosted page sends error=access_denied back.
    refused(
        &home,
        "refused the sign-in: access_denied (the user cancelled)",
        &[],
        |url| {
            let state = param(&url, "state").unwrap();
            visit(format!(
                "{callback}?error=access_denied&error_description=the+user+cancelled&state={state}"
            ));
        },
    );
    // An error the emulator sends itself: a scope the app client does not allow.
    home.configure(&ms, &other, port, Some("openid profile"));
    refused(&home, "invalid_request (invalid_scope)", &[], |url| {
        rt().block_on(async {
            let page = browser.open(&url, &never).await.unwrap();
            assert!(page.body.contains("could not sign in"), "{}", page.body);
        })
    });
    // A code issued to another app client of the pool.
    home.configure(&ms, &client, port, None);
    let mut foreign = None;
    refused(&home, "the authorization code was refused", &[], |url| {
        // The other client's sign-in, answered with this sign-in's state.
        let mut other_url = reqwest::Url::parse(&url).unwrap();
        let pairs: Vec<(String, String)> = other_url
            .query_pairs()
            .map(|(k, v)| {
                let v = if k == "client_id" {
                    other.client_id.clone()
                } else if k == "scope" {
                    "openid email".into()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        other_url.query_pairs_mut().clear().extend_pairs(pairs);
        let back = sign_in_page(other_url.as_str());
        foreign = param(&back, "code");
        visit_expecting(back, "got the answer");
    });
    assert!(foreign.is_some());
    // A code used already: the first sign-in succeeds, its code replayed to a second fails.
    let mut cli = home.sign_in(&[]);
    let back = sign_in_page(&cli.url());
    let used = param(&back, "code").unwrap();
    rt().block_on(async { browser.open(&back, &never).await.unwrap() });
    assert_eq!(cli.finish().0, Some(0));
    home.ok(&["cognito", "sign-out", "--local"], "");
    refused(&home, "the authorization code was refused", &[], |url| {
        let state = param(&url, "state").unwrap();
        visit_expecting(
            format!("{callback}?code={used}&state={state}"),
            "got the answer",
        );
    });
    // Nobody comes back.
    refused(
        &home,
        "did not send the browser back within 1 s",
        &["--timeout", "1"],
        |_| {},
    );
}

#[test]
fn a_federated_user_signs_in_through_an_openid_provider() {
    let idp = oidc_idp::OidcIdp::start(&serde_json::json!({
        "sub": "carol",
        "email": "carol@idp.example",
        "name": "Carol Federated",
    }));
    let ms = Ministack::start();
    let port = free_port();
    let client = rt().block_on(async {
        let pool = ms.pool(Mfa::Off, false, None).await;
        ms.oidc_provider(&pool, "CorpIdP", &idp.issuer).await;
        ms.hosted_client(
            &pool,
            HostedClient {
                port,
                scopes: &["openid", "email", "profile"],
                providers: &["CorpIdP"],
                secret: false,
            },
        )
        .await
    });
    let home = Home::with_vault();
    home.configure(&ms, &client, port, None);
    // The app's "Continue with CorpIdP" button comes from the same configuration.
    let port_text = port.to_string();
    let out = home.configure_cognito(
        &ms.endpoint,
        &client,
        &[
            "--domain",
            &ms.endpoint,
            "--redirect-port",
            &port_text,
            "--provider",
            "CorpIdP",
            "--provider",
            "CorpIdP",
        ],
    );
    assert!(
        out.contains("Identity providers offered in the app: CorpIdP."),
        "{out}"
    );
    let bad = home.run(
        &[
            "cognito",
            "configure",
            "--region",
            REGION,
            "--user-pool-id",
            &client.id,
            "--client-id",
            &client.client_id,
            "--domain",
            &ms.endpoint,
            "--provider",
            "Corp IdP",
        ],
        "",
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("identity provider"));
    let browser = Browser::new();

    let mut cli = home.sign_in(&["--identity-provider", "CorpIdP"]);
    let url = cli.url();
    assert_eq!(param(&url, "identity_provider").as_deref(), Some("CorpIdP"));
    rt().block_on(async {
        // The pool sends the browser to the provider it discovered from its issuer.
        let idp_page = browser.open(&url, &never).await.unwrap();
        assert!(
            idp_page
                .url
                .starts_with(&format!("{}/oauth2/authorize", idp.issuer)),
            "{} {}",
            idp_page.url,
            idp.log()
        );
        // The provider's sign-in; back through the pool to Sesame.
        let back = browser
            .submit(&idp_page, &[("sub", "carol")], &never)
            .await
            .unwrap();
        assert_back_at_sesame(&back, port);
    });
    let (code, out, err) = cli.finish();
    assert_eq!(code, Some(0), "{err}\n{}", ms.log());
    assert!(out.contains("carol@idp.example"), "{out}");
    let who = home.whoami().unwrap();
    assert_eq!(who["provider"], "CorpIdP");
    assert_eq!(who["identities"][0]["provider_type"], "OIDC");
    assert_eq!(who["identities"][0]["user_id"], "carol");
    assert_eq!(who["username"], "CorpIdP_carol");
    assert_eq!(who["email"], "carol@idp.example");
    assert_eq!(who["attributes"]["name"], "Carol Federated");
    assert_eq!(who["profile_source"], "id_token");
}

#[test]
fn an_id_token_issued_to_another_client_of_the_pool_is_refused() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    let ms = Ministack::start();
    let port = free_port();
    // The pool's first app client signs in with a password; the hosted one is Sesame's.
    let (pool, hosted, foreign) = rt().block_on(async {
        let pool = ms.pool(Mfa::Off, false, None).await;
        let hosted = ms
            .hosted_client(
                &pool,
                HostedClient {
                    port,
                    scopes: &["openid", "email", "profile"],
                    providers: &[],
                    secret: false,
                },
            )
            .await;
        ms.confirmed_user(&pool, "dave", PASSWORD, "dave@example.com")
            .await;
        // The same user's ID token, signed by the same pool, issued to the other client.
        let auth = ms
            .admin()
            .initiate_auth()
            .client_id(&pool.client_id)
            .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "dave")
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
            .await
            .expect("InitiateAuth with the other client");
        let foreign = auth
            .authentication_result()
            .and_then(|r| r.id_token())
            .expect("an ID token")
            .to_owned();
        (pool, hosted, foreign)
    });
    assert_ne!(pool.client_id, hosted.client_id);
    // The token endpoint answers this sign-in's code with the other client's ID token.
    let swapped = Arc::new(AtomicBool::new(false));
    let proxy = {
        let swapped = swapped.clone();
        proxy::Proxy::start(&ms.endpoint, move |operation, _, answer| {
            if operation == "/oauth2/token" && answer.get("id_token").is_some() {
                answer["id_token"] = Value::String(foreign.clone());
                swapped.store(true, Ordering::SeqCst);
            }
        })
    };
    let home = Home::with_vault();
    home.configure_at(&proxy.endpoint, &hosted, port, None);
    let browser = Browser::new();

    let mut cli = home.sign_in(&[]);
    let url = cli.url();
    assert!(url.starts_with(&proxy.endpoint), "{url}");
    rt().block_on(async {
        let login = browser.open(&url, &never).await.unwrap();
        let back = browser
            .log_in(&login, "dave", PASSWORD, &never)
            .await
            .unwrap();
        // The answer itself was right: the browser is told Sesame got it.
        assert_back_at_sesame(&back, port);
    });
    let (code, out, err) = cli.finish();
    assert!(
        swapped.load(Ordering::SeqCst),
        "the code went to the token endpoint"
    );
    assert_ne!(code, Some(0), "{out}");
    let expected = format!(
        "the ID token is for the app client {}, not {}",
        pool.client_id, hosted.client_id
    );
    assert!(err.contains(&expected), "expected {expected:?} in: {err}");
    assert!(home.whoami().is_none(), "a session was stored after: {err}");
}
