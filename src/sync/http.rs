//! The [`SyncTransport`] over HTTP (reqwest, rustls): the contract's requests with the
//! Cognito access token as `Bearer`, this vault's `Sesame-Device` (and name), JSON error
//! bodies turned into typed [`TransportError`]s, and 409s as outcomes. HTTPS only, except to
//! a loopback address (a server on this machine); redirects are never followed; every
//! request has a timeout.

use std::time::Duration;

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::{Method, StatusCode, Url, header};
use serde::Serialize;
use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

use super::engine::{PostOutcome, PutKeyOutcome, SyncTransport, TransportError};
use super::item::DeviceId;
use super::wire::{
    ConflictBody, DEVICE_HEADER, DEVICE_NAME_HEADER, DataDeleted, Device, Devices, ErrorBody,
    ItemsPage, KeyConflict, KeyRecord, MAX_DEVICE_NAME_CHARS, PostItems, PutKey, PutKeyOk,
};
use crate::cognito::config::is_loopback;

/// How long one request may take, end to end.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long connecting may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The most bytes of an answer Sesame reads (a page of 1000 items of 16 KiB, and some).
const MAX_ANSWER_BYTES: usize = 24 * 1024 * 1024;

/// A sync server address Sesame will not use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServerUrlError {
    /// Not a URL.
    #[error("\"{0}\" is not a URL (expected https://HOST[/PATH])")]
    NotAUrl(String),
    /// Not `https://` (nor `http://` to this machine).
    #[error(
        "the sync server must be reached over HTTPS (plain http:// only to this machine, e.g. http://127.0.0.1:8787)"
    )]
    NotHttps,
    /// A user, password, query or fragment in the address.
    #[error("the sync server address must not carry a user name, password, query or fragment")]
    Extra,
}

/// Checks a server address and returns it normalised (no trailing slash).
pub fn server_url(text: &str) -> Result<String, ServerUrlError> {
    let url = Url::parse(text.trim()).map_err(|_| ServerUrlError::NotAUrl(text.to_owned()))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(url.as_str()) => {}
        _ => return Err(ServerUrlError::NotHttps),
    }
    if url.host_str().is_none() {
        return Err(ServerUrlError::NotAUrl(text.to_owned()));
    }
    if !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(ServerUrlError::Extra);
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// The sync API of one server, as one device of the signed-in user.
pub struct HttpTransport {
    http: reqwest::Client,
    base: String,
    token: Zeroizing<String>,
    device: DeviceId,
    device_name: Option<String>,
}

impl std::fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpTransport")
            .field("base", &self.base)
            .field("device", &self.device)
            .finish_non_exhaustive()
    }
}

impl HttpTransport {
    /// A transport to `server` (checked with [`server_url`]) with the Cognito access token
    /// `access_token`, as `device` (named `device_name`, shortened to 64 characters).
    pub fn new(
        server: &str,
        access_token: &str,
        device: &DeviceId,
        device_name: Option<&str>,
    ) -> Result<Self, ServerUrlError> {
        let base = server_url(server)?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .https_only(!is_loopback(&base))
            .build()
            .map_err(|_| ServerUrlError::NotAUrl(base.clone()))?;
        let device_name = device_name
            .map(|n| n.chars().take(MAX_DEVICE_NAME_CHARS).collect::<String>())
            .filter(|n| !n.trim().is_empty())
            .map(|n| utf8_percent_encode(&n, NON_ALPHANUMERIC).to_string());
        Ok(HttpTransport {
            http,
            base,
            token: Zeroizing::new(access_token.to_owned()),
            device: device.clone(),
            device_name,
        })
    }

    /// `GET /v1/devices`.
    pub async fn devices(&self) -> Result<Vec<Device>, TransportError> {
        let answer = self.send(Method::GET, "/v1/devices", None::<&()>).await?;
        match answer.status {
            StatusCode::OK => Ok(answer.json::<Devices>()?.devices),
            _ => Err(answer.error()),
        }
    }

    /// `DELETE /v1/devices/{id}`.
    pub async fn revoke(&self, device: &str) -> Result<(), TransportError> {
        let path = format!(
            "/v1/devices/{}",
            utf8_percent_encode(device, NON_ALPHANUMERIC)
        );
        let answer = self.send(Method::DELETE, &path, None::<&()>).await?;
        match answer.status {
            StatusCode::NO_CONTENT | StatusCode::OK => Ok(()),
            _ => Err(answer.error()),
        }
    }

    /// `DELETE /v1/data`: deletes everything the server holds for the user (key, items,
    /// devices); returns how many records went.
    pub async fn delete_data(&self) -> Result<u64, TransportError> {
        let answer = self.send(Method::DELETE, "/v1/data", None::<&()>).await?;
        match answer.status {
            StatusCode::OK => Ok(answer.json::<DataDeleted>()?.deleted),
            _ => Err(answer.error()),
        }
    }

    async fn send<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<Answer, TransportError> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(self.token.as_str())
            .header(DEVICE_HEADER, self.device.as_str())
            .header(header::ACCEPT, "application/json");
        if let Some(name) = &self.device_name {
            request = request.header(DEVICE_NAME_HEADER, name);
        }
        if let Some(body) = body {
            let bytes = serde_json::to_vec(body)
                .map_err(|e| TransportError::Protocol(format!("cannot encode the request: {e}")))?;
            request = request
                .header(header::CONTENT_TYPE, "application/json")
                .body(bytes);
        }
        let response = request.send().await.map_err(unreachable)?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if response
            .content_length()
            .is_some_and(|n| n > MAX_ANSWER_BYTES as u64)
        {
            return Err(TransportError::Protocol("the answer is too large".into()));
        }
        let bytes = response.bytes().await.map_err(unreachable)?;
        if bytes.len() > MAX_ANSWER_BYTES {
            return Err(TransportError::Protocol("the answer is too large".into()));
        }
        Ok(Answer {
            status,
            retry_after,
            bytes: bytes.to_vec(),
        })
    }
}

/// A request that got no answer, in words (no URL query, no token: neither is in them).
fn unreachable(e: reqwest::Error) -> TransportError {
    let what = if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "cannot connect".to_owned()
    } else {
        "the connection failed".to_owned()
    };
    let mut detail = String::new();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        TransportError::Unreachable(what)
    } else {
        TransportError::Unreachable(format!("{what}: {detail}"))
    }
}

/// One answer, read whole.
struct Answer {
    status: StatusCode,
    retry_after: Option<u64>,
    bytes: Vec<u8>,
}

impl Answer {
    fn json<T: DeserializeOwned>(&self) -> Result<T, TransportError> {
        serde_json::from_slice(&self.bytes).map_err(|e| {
            TransportError::Protocol(format!(
                "a {} answer that is not the expected JSON ({e})",
                self.status.as_u16()
            ))
        })
    }

    fn code(&self) -> Option<ErrorBody> {
        serde_json::from_slice::<ErrorBody>(&self.bytes).ok()
    }

    /// The error this answer stands for (any status the caller did not expect).
    fn error(&self) -> TransportError {
        let body = self.code();
        let code = body.as_ref().map(|b| b.error.as_str()).unwrap_or("");
        match self.status {
            StatusCode::UNAUTHORIZED => TransportError::SignInAgain {
                message: body
                    .map(|b| b.message)
                    .unwrap_or_else(|| "invalid token".into()),
            },
            StatusCode::FORBIDDEN if code == "device_revoked" => TransportError::DeviceRevoked,
            StatusCode::TOO_MANY_REQUESTS => TransportError::RateLimited {
                retry_after_secs: self.retry_after.unwrap_or(1).max(1),
            },
            status if status.is_redirection() => TransportError::Protocol(format!(
                "the server answered with a redirect ({}), which Sesame does not follow; check the server address",
                status.as_u16()
            )),
            status => match body {
                Some(b) => TransportError::Refused {
                    status: status.as_u16(),
                    code: b.error,
                    message: b.message,
                },
                None => TransportError::Refused {
                    status: status.as_u16(),
                    code: format!("http_{}", status.as_u16()),
                    message: format!(
                        "HTTP {} without a Sesame Sync error body (is this a Sesame Sync server?)",
                        status
                    ),
                },
            },
        }
    }
}

impl SyncTransport for HttpTransport {
    async fn get_key(&self) -> Result<Option<KeyRecord>, TransportError> {
        let answer = self.send(Method::GET, "/v1/key", None::<&()>).await?;
        match answer.status {
            StatusCode::OK => Ok(Some(answer.json()?)),
            StatusCode::NOT_FOUND if answer.code().is_some_and(|b| b.error == "no_key") => Ok(None),
            _ => Err(answer.error()),
        }
    }

    async fn put_key(&self, body: &PutKey) -> Result<PutKeyOutcome, TransportError> {
        let answer = self.send(Method::PUT, "/v1/key", Some(body)).await?;
        match answer.status {
            StatusCode::OK => Ok(PutKeyOutcome::Stored(answer.json::<PutKeyOk>()?)),
            StatusCode::CONFLICT => Ok(PutKeyOutcome::Current(
                answer.json::<KeyConflict>()?.current,
            )),
            _ => Err(answer.error()),
        }
    }

    async fn get_items(&self, since: u64, limit: u32) -> Result<ItemsPage, TransportError> {
        let path = format!("/v1/items?since={since}&limit={limit}");
        let answer = self.send(Method::GET, &path, None::<&()>).await?;
        match answer.status {
            StatusCode::OK => answer.json(),
            _ => Err(answer.error()),
        }
    }

    async fn post_items(&self, body: &PostItems) -> Result<PostOutcome, TransportError> {
        let answer = self.send(Method::POST, "/v1/items", Some(body)).await?;
        match answer.status {
            StatusCode::OK => Ok(PostOutcome::Applied(answer.json()?)),
            StatusCode::CONFLICT => Ok(PostOutcome::Conflict(
                answer.json::<ConflictBody>()?.conflicts,
            )),
            _ => Err(answer.error()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_addresses_are_https_or_loopback_http() {
        assert_eq!(
            server_url("https://sync.example.com/").unwrap(),
            "https://sync.example.com"
        );
        assert_eq!(
            server_url("https://api.example.com/prod/").unwrap(),
            "https://api.example.com/prod"
        );
        assert_eq!(
            server_url("http://127.0.0.1:8787").unwrap(),
            "http://127.0.0.1:8787"
        );
        assert!(server_url("http://[::1]:8787").is_ok());
        assert!(server_url("http://localhost:8787").is_ok());
        assert_eq!(
            server_url("http://sync.example.com"),
            Err(ServerUrlError::NotHttps)
        );
        assert_eq!(server_url("ftp://127.0.0.1"), Err(ServerUrlError::NotHttps));
        assert!(matches!(
            server_url("sync.example.com"),
            Err(ServerUrlError::NotAUrl(_))
        ));
        assert_eq!(
            server_url("https://u:p@sync.example.com"),
            Err(ServerUrlError::Extra)
        );
        assert_eq!(
            server_url("https://sync.example.com/?x=1"),
            Err(ServerUrlError::Extra)
        );
    }

    fn answer(status: u16, body: &str, retry_after: Option<u64>) -> Answer {
        Answer {
            status: StatusCode::from_u16(status).unwrap(),
            retry_after,
            bytes: body.as_bytes().to_vec(),
        }
    }

    /// A loopback server that gives every connection `answer` and records the requests.
    fn canned(answer: &'static str) -> (String, std::sync::mpsc::Receiver<String>) {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut head = String::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    head.push_str(&line);
                }
                let _ = tx.send(head);
                let mut stream = stream;
                let _ = stream.write_all(answer.as_bytes());
            }
        });
        (url, rx)
    }

    fn transport(url: &str) -> HttpTransport {
        HttpTransport::new(url, "the-token", &DeviceId::generate(), Some("Lab PC é")).unwrap()
    }

    fn run<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn requests_carry_the_token_and_device_and_redirects_are_not_followed() {
        let (url, requests) = canned(
            "HTTP/1.1 301 Moved Permanently\r\nLocation: http://127.0.0.1:9/v1/key\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
        let t = transport(&url);
        let result = run(t.get_key());
        assert!(
            matches!(&result, Err(TransportError::Protocol(m)) if m.contains("redirect")),
            "{result:?}"
        );
        let head = requests.recv().unwrap().to_ascii_lowercase();
        assert!(head.starts_with("get /v1/key http/1.1"), "{head}");
        assert!(head.contains("authorization: bearer the-token"), "{head}");
        assert!(
            head.contains(&format!(
                "sesame-device: {}",
                t.device.as_str().to_ascii_lowercase()
            )),
            "{head}"
        );
        assert!(
            head.contains("sesame-device-name: lab%20pc%20%c3%a9"),
            "{head}"
        );
        assert!(requests.try_recv().is_err(), "the redirect was followed");
    }

    #[test]
    fn a_rate_limited_answer_says_when_to_try_again() {
        let body = r#"{"error":"rate_limited","message":"slow down"}"#;
        let answer: &'static str = Box::leak(
            format!(
                "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 4\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .into_boxed_str(),
        );
        let (url, _requests) = canned(answer);
        let result = run(transport(&url).get_items(0, 500));
        assert_eq!(
            result,
            Err(TransportError::RateLimited {
                retry_after_secs: 4
            })
        );
    }

    #[test]
    fn nobody_listening_is_unreachable() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let result = run(transport(&format!("http://127.0.0.1:{port}")).get_key());
        assert!(
            matches!(&result, Err(TransportError::Unreachable(m)) if m.starts_with("cannot connect")),
            "{result:?}"
        );
    }

    #[test]
    fn error_answers_become_errors_a_person_can_act_on() {
        assert!(matches!(
            answer(401, r#"{"error":"invalid_token","message":"expired"}"#, None).error(),
            TransportError::SignInAgain { message } if message == "expired"
        ));
        assert_eq!(
            answer(403, r#"{"error":"device_revoked","message":"x"}"#, None).error(),
            TransportError::DeviceRevoked
        );
        assert_eq!(
            answer(429, r#"{"error":"rate_limited","message":"x"}"#, Some(7)).error(),
            TransportError::RateLimited {
                retry_after_secs: 7
            }
        );
        assert_eq!(
            answer(
                507,
                r#"{"error":"quota","message":"over 10,000 items"}"#,
                None
            )
            .error(),
            TransportError::Refused {
                status: 507,
                code: "quota".into(),
                message: "over 10,000 items".into()
            }
        );
        assert!(matches!(
            answer(502, "<html>bad gateway</html>", None).error(),
            TransportError::Refused { status: 502, .. }
        ));
        assert!(matches!(
            answer(301, "", None).error(),
            TransportError::Protocol(m) if m.contains("redirect")
        ));
    }
}
