//! The loopback listener the hosted page sends the browser back to (RFC 8252 section 7.3):
//! `http://127.0.0.1:PORT/PATH` on this machine only. It takes exactly one request to its
//! path, answers it with a small page saying the tab can be closed, and stops; anything
//! else (a favicon, a stray request) gets a 404 and is ignored.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::error::HostedError;

/// A request head larger than this is not a redirect from the hosted page.
const MAX_REQUEST_BYTES: usize = 16 * 1024;
/// How long one connection may take to send its request (a browser's idle preconnect
/// must not hold the listener up).
const READ_TIMEOUT: Duration = Duration::from_secs(2);

/// A listener on `127.0.0.1:PORT`.
#[derive(Debug)]
pub struct Listener {
    listener: TcpListener,
    port: u16,
}

impl Listener {
    /// Listens on `127.0.0.1:port` (IPv4 loopback only, as the redirect URI names it).
    pub async fn bind(port: u16) -> Result<Listener, HostedError> {
        let listener =
            TcpListener::bind(("127.0.0.1", port))
                .await
                .map_err(|e| HostedError::Listen {
                    port,
                    reason: match e.kind() {
                        std::io::ErrorKind::AddrInUse => {
                            "the port is in use (another sign-in running?)".into()
                        }
                        _ => e.to_string(),
                    },
                })?;
        let port = listener.local_addr().map_or(port, |a| a.port());
        Ok(Listener { listener, port })
    }

    /// The port listened on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Waits up to `timeout` for one `GET path?query`, gives the query to `handle`,
    /// answers the browser with `page(&outcome)`, and returns the outcome.
    pub async fn answer_one<T>(
        self,
        path: &str,
        timeout: Duration,
        handle: impl FnOnce(&str) -> Result<T, HostedError>,
        page: impl FnOnce(&Result<T, HostedError>) -> String,
    ) -> Result<T, HostedError> {
        let found = tokio::time::timeout(timeout, self.next_request(path)).await;
        let Ok((mut stream, query)) = found else {
            return Err(HostedError::TimedOut {
                secs: timeout.as_secs(),
            });
        };
        let outcome = handle(&query);
        let body = page(&outcome);
        let _ = respond(&mut stream, "200 OK", &body).await;
        outcome
    }

    /// The next connection whose request is `GET path`; others are answered 404.
    async fn next_request(&self, path: &str) -> (TcpStream, String) {
        loop {
            let Ok((mut stream, _)) = self.listener.accept().await else {
                continue;
            };
            let head = match tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream)).await {
                Ok(Some(head)) => head,
                _ => continue,
            };
            match parse_target(&head) {
                Some((method, target)) => {
                    let (request_path, query) =
                        target.split_once('?').unwrap_or((target.as_str(), ""));
                    if request_path == path && method == "GET" {
                        let query = query.to_owned();
                        return (stream, query);
                    }
                    let _ =
                        respond(&mut stream, "404 Not Found", &page_html("Not found", "")).await;
                }
                None => {
                    let _ = respond(
                        &mut stream,
                        "400 Bad Request",
                        &page_html("Bad request", ""),
                    )
                    .await;
                }
            }
        }
    }
}

/// Reads up to the end of the request head, or `None` if it is too long or cut off.
async fn read_head(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 1024];
    loop {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
        if head.windows(4).any(|w| w == b"\r\n\r\n") {
            return Some(head);
        }
        if head.len() > MAX_REQUEST_BYTES {
            return None;
        }
    }
}

/// The method and request target of an HTTP/1.x request head.
fn parse_target(head: &[u8]) -> Option<(String, String)> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(head) {
        Ok(httparse::Status::Complete(_)) => {
            Some((request.method?.to_owned(), request.path?.to_owned()))
        }
        _ => None,
    }
}

async fn respond(stream: &mut TcpStream, status: &str, body: &str) -> std::io::Result<()> {
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nContent-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

/// Escapes text for HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A small page with a heading and a line of text (both escaped).
pub fn page_html(heading: &str, text: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sesame</title>\
<style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}}</style>\
</head><body><h1>{}</h1><p>{}</p></body></html>",
        escape(heading),
        escape(text)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn get(port: u16, target: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        stream
            .write_all(format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        answer
    }

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn one_request_to_the_path_is_answered_and_others_are_ignored() {
        rt().block_on(async {
            let listener = Listener::bind(0).await.unwrap();
            let port = listener.port();
            let waiting = listener.answer_one(
                "/callback",
                Duration::from_secs(10),
                |query| Ok(query.to_owned()),
                |_| page_html("Done <ok>", "close this tab"),
            );
            let browser = tokio::spawn(async move {
                let favicon = get(port, "/favicon.ico").await;
                assert!(favicon.starts_with("HTTP/1.1 404"), "{favicon}");
                // A connection that says nothing does not hold the listener up for long.
                let _idle = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
                get(port, "/callback?code=1&state=2").await
            });
            let query = waiting.await;
            let page = browser.await.unwrap();
            assert_eq!(query.unwrap(), "code=1&state=2");
            assert!(page.starts_with("HTTP/1.1 200 OK"), "{page}");
            assert!(page.contains("Done &lt;ok&gt;"), "{page}");
            // It stopped: nobody listens any more.
            assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
        });
    }

    #[test]
    fn no_answer_times_out_with_a_clear_error() {
        rt().block_on(async {
            let listener = Listener::bind(0).await.unwrap();
            let err = listener
                .answer_one(
                    "/callback",
                    Duration::from_millis(50),
                    |_| Ok(()),
                    |_| String::new(),
                )
                .await
                .unwrap_err();
            assert_eq!(err, HostedError::TimedOut { secs: 0 });
        });
    }

    #[test]
    fn a_port_in_use_is_named() {
        rt().block_on(async {
            let first = Listener::bind(0).await.unwrap();
            let port = first.port();
            let err = Listener::bind(port).await.unwrap_err();
            assert!(
                matches!(err, HostedError::Listen { port: p, .. } if p == port),
                "{err}"
            );
            assert!(err.to_string().contains("in use"), "{err}");
        });
    }
}
