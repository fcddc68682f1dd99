//! A hostile HTTP/1.1 server on loopback for the client's tests: each
//! request is answered by a script that can lie (offsets beyond the file,
//! forgotten uploads), answer without end, trickle, or hang up without an
//! answer. Raw TCP, so nothing in an HTTP library tidies the lies up.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct Request {
    /// `POST`, `PATCH`, …
    pub method: String,
    /// The path, e.g. `/files/1`.
    pub path: String,
    /// Header names in lower case, with their values.
    pub headers: Vec<(String, String)>,
    /// The body (by `Content-Length`).
    pub body: Vec<u8>,
}

impl Request {
    /// The value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// How the server answers one request.
pub enum Answer {
    /// A normal answer.
    Reply {
        /// Status code.
        status: u16,
        /// Extra headers.
        headers: Vec<(String, String)>,
        /// Body.
        body: Vec<u8>,
    },
    /// `status` with a chunked body that never ends (a kilobyte at a time,
    /// as fast as the client reads).
    Endless(u16),
    /// An answer's head sent one byte every `every` (a trickle that never
    /// quite stalls).
    Trickle(Duration),
    /// Read the request, close the connection without an answer.
    HangUp,
}

impl Answer {
    /// A reply without a body.
    pub fn status(status: u16, headers: &[(&str, &str)]) -> Answer {
        Answer::Reply {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: Vec::new(),
        }
    }
}

/// The script: what to answer to each request.
pub type Script = dyn Fn(&Request) -> Answer + Send + Sync;

/// The server; stopped when dropped. `log` lists every request it read.
pub struct HostileServer {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Every request read, in order.
    pub log: Arc<Mutex<Vec<Request>>>,
    task: tokio::task::JoinHandle<()>,
}

impl HostileServer {
    /// Starts the server with its `script`.
    pub async fn start(script: impl Fn(&Request) -> Answer + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let script: Arc<Script> = Arc::new(script);
        let seen = log.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, script.clone(), seen.clone()));
            }
        });
        HostileServer { addr, log, task }
    }

    /// The requests read so far with `method`.
    pub fn count(&self, method: &str) -> usize {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.method == method)
            .count()
    }

    /// Body bytes received in all requests with `method`.
    pub fn body_bytes(&self, method: &str) -> usize {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.method == method)
            .map(|r| r.body.len())
            .sum()
    }
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(mut stream: TcpStream, script: Arc<Script>, log: Arc<Mutex<Vec<Request>>>) {
    loop {
        let Some(request) = read_request(&mut stream).await else {
            return;
        };
        log.lock().unwrap().push(request.clone());
        match script(&request) {
            Answer::Reply {
                status,
                headers,
                body,
            } => {
                let mut head = format!(
                    "HTTP/1.1 {status} Scripted\r\ncontent-length: {}\r\n",
                    body.len()
                );
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                if stream.write_all(head.as_bytes()).await.is_err()
                    || stream.write_all(&body).await.is_err()
                {
                    return;
                }
            }
            Answer::Endless(status) => {
                let head = format!("HTTP/1.1 {status} Scripted\r\ntransfer-encoding: chunked\r\ncontent-type: application/json\r\n\r\n");
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = format!("400\r\n{}\r\n", "x".repeat(1024));
                while stream.write_all(chunk.as_bytes()).await.is_ok() {}
                return;
            }
            Answer::Trickle(every) => {
                let head = "HTTP/1.1 204 Scripted\r\ntus-resumable: 1.0.0\r\nx-padding: "
                    .to_string()
                    + &"x".repeat(10_000);
                for byte in head.bytes() {
                    tokio::time::sleep(every).await;
                    if stream.write_all(&[byte]).await.is_err() {
                        return;
                    }
                }
                return;
            }
            Answer::HangUp => return,
        }
    }
}

/// Reads one request (head and `Content-Length` body); `None` at the end
/// of the connection.
async fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head).to_string();
    let mut lines = text.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, path) = (first.next()?.to_string(), first.next()?.to_string());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).await.ok()?;
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}
