//! A loopback HTTP/1.1 proxy in front of the emulator that lets a test see each Cognito
//! call (`X-Amz-Target`) and change its JSON answer: the way to reach steps ministack
//! never asks for by itself (it skips `MFA_SETUP` even in pools that require MFA) while
//! every other call, and the checks behind them, stay the emulator's. The hosted page's
//! OAuth answers (`/oauth2/…`, e.g. the token endpoint's) are seen too, named by their
//! path, with the form the request sent as `Null`. Plain `std`
//! threads; answers are read to the end (`Connection: close` upstream) and sent back with
//! a `Content-Length`.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;

use serde_json::Value;

/// Sees a Cognito call: its target (e.g. `RespondToAuthChallenge`, or the path of an
/// OAuth endpoint such as `/oauth2/token`), its request, and the emulator's answer, which
/// it may change.
pub type Hook = dyn Fn(&str, &Value, &mut Value) + Send + Sync;

/// A running proxy (its threads end with the test process).
pub struct Proxy {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
}

impl Proxy {
    /// Forwards everything to `upstream` (`http://HOST:PORT`), calling `hook` on each
    /// Cognito answer.
    pub fn start(
        upstream: &str,
        hook: impl Fn(&str, &Value, &mut Value) + Send + Sync + 'static,
    ) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let upstream = upstream.trim_start_matches("http://").to_owned();
        let hook: Arc<Hook> = Arc::new(hook);
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let upstream = upstream.clone();
                let hook = hook.clone();
                std::thread::spawn(move || {
                    let _ = serve(client, &upstream, &*hook);
                });
            }
        });
        Proxy { endpoint }
    }
}

/// One HTTP message: the start line, headers and body.
struct Message {
    start: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Message {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn write_to(&self, out: &mut impl Write, close: bool) -> std::io::Result<()> {
        let mut head = format!("{}\r\n", self.start);
        for (name, value) in &self.headers {
            let skip = ["content-length", "transfer-encoding", "connection"]
                .iter()
                .any(|h| name.eq_ignore_ascii_case(h));
            if !skip {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        head.push_str(if close {
            "Connection: close\r\n\r\n"
        } else {
            "Connection: keep-alive\r\n\r\n"
        });
        out.write_all(head.as_bytes())?;
        out.write_all(&self.body)?;
        out.flush()
    }
}

/// Reads a message; `None` at a clean end of the stream. `to_end`: a body without a
/// length runs to the end of the stream (answers to `Connection: close`).
fn read_message(reader: &mut impl BufRead, to_end: bool) -> std::io::Result<Option<Message>> {
    let mut start = String::new();
    if reader.read_line(&mut start)? == 0 {
        return Ok(None);
    }
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    let mut message = Message {
        start: start.trim_end().to_owned(),
        headers,
        body: Vec::new(),
    };
    if message
        .header("transfer-encoding")
        .is_some_and(|t| t.eq_ignore_ascii_case("chunked"))
    {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size)?;
            let size = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk)?;
            if size == 0 {
                break;
            }
            message.body.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(length) = message.header("content-length") {
        let length: usize = length
            .parse()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        message.body = vec![0; length];
        reader.read_exact(&mut message.body)?;
    } else if to_end {
        reader.read_to_end(&mut message.body)?;
    }
    Ok(Some(message))
}

fn serve(client: TcpStream, upstream: &str, hook: &Hook) -> std::io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let mut writer = client;
    while let Some(request) = read_message(&mut reader, false)? {
        let mut server = TcpStream::connect(upstream)?;
        request.write_to(&mut server, true)?;
        let mut answer = read_message(&mut BufReader::new(server), true)?.ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no answer upstream")
        })?;
        let path = request.start.split(' ').nth(1).unwrap_or("");
        let path = path.split('?').next().unwrap_or(path);
        let operation = match request.header("x-amz-target") {
            Some(target) => Some(target.rsplit('.').next().unwrap_or(target).to_owned()),
            None if path.starts_with("/oauth2/") => Some(path.to_owned()),
            None => None,
        };
        if let Some(operation) = operation {
            let sent: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
            if let Ok(mut json) = serde_json::from_slice::<Value>(&answer.body) {
                hook(&operation, &sent, &mut json);
                answer.body = serde_json::to_vec(&json).unwrap();
            }
        }
        answer.write_to(&mut writer, false)?;
    }
    Ok(())
}
