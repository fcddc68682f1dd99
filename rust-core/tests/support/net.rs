//! Real servers and a fault-injecting proxy for the upload tests.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::process::{Child, Command};

/// The stock tus server (npm @tus/server + @tus/file-store) on loopback,
/// storing uploads in its own temporary folder; stopped when dropped.
pub struct TusServer {
    _child: Child,
    /// Where the server listens.
    pub addr: SocketAddr,
    /// Where it stores uploads (`<id>` data, `<id>.json` info).
    pub dir: PathBuf,
}

impl TusServer {
    /// Starts `node $ICP_TUS_SERVER DIR` and waits until it listens.
    pub async fn start() -> TusServer {
        let script = std::env::var("ICP_TUS_SERVER").expect(
            "ICP_TUS_SERVER is set by tests/setup-deps.sh (bash tests/run-all.sh runs this test)",
        );
        let dir = temp_dir("tus");
        let mut child = Command::new("node")
            .arg(&script)
            .arg(&dir)
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .expect("the tus server starts within 20 s")
            .unwrap()
            .expect("the tus server prints its port");
        let port: u16 = line.trim_start_matches("listening ").parse().unwrap();
        TusServer {
            _child: child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            dir,
        }
    }

    /// The bytes and the metadata of the one finished upload whose id ends `url`.
    pub fn stored(&self, url: &url::Url) -> (Vec<u8>, serde_json::Value) {
        let id = url
            .path_segments()
            .unwrap()
            .next_back()
            .unwrap()
            .to_string();
        let data = std::fs::read(self.dir.join(&id)).unwrap();
        let info: serde_json::Value =
            serde_json::from_slice(&std::fs::read(self.dir.join(format!("{id}.json"))).unwrap())
                .unwrap();
        (data, info)
    }
}

/// A fresh temporary folder.
pub fn temp_dir(tag: &str) -> PathBuf {
    let mut random = [0u8; 8];
    getrandom::fill(&mut random).unwrap();
    let dir = std::env::temp_dir().join(format!(
        "icp-{tag}-{}",
        random
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What the proxy does to one connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Forward this many bytes towards the server, then cut both sides.
    CutAfter(u64),
    /// Accept and read, never forward nor answer.
    Stall,
    /// Answer the first request `503 Service Unavailable` and close.
    Unavailable,
    /// Forward faithfully until this many bytes went towards the server,
    /// then pass no more of the server's answers on and hang up once it has
    /// answered (a lost answer: the server acted, the client cannot know).
    LoseAnswerAfter(u64),
}

/// A TCP proxy in front of a server that applies one planned fault to each
/// new connection, in order, then forwards faithfully (at most `rate`
/// bytes per second towards the server, when given); it counts the bytes it
/// forwarded towards the server.
pub struct Proxy {
    /// Where clients connect.
    pub addr: SocketAddr,
    upstream_bytes: Arc<AtomicU64>,
    plan: Arc<Mutex<VecDeque<Fault>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// A proxy to `upstream` with `faults` for its first connections.
    pub async fn start(upstream: SocketAddr, faults: &[Fault]) -> Proxy {
        Proxy::listen(
            TcpListener::bind("127.0.0.1:0").await.unwrap(),
            upstream,
            faults,
            None,
        )
    }

    /// A proxy on `listener` (bound beforehand, so that its address can be
    /// advertised first) with `faults` for its first connections.
    pub fn listen_with(listener: TcpListener, upstream: SocketAddr, faults: &[Fault]) -> Proxy {
        Proxy::listen(listener, upstream, faults, None)
    }

    /// A faithful proxy on `listener` that forwards at most `rate` bytes per
    /// second towards `upstream` (a slow uplink).
    pub fn throttled(listener: TcpListener, upstream: SocketAddr, rate: u64) -> Proxy {
        Proxy::listen(listener, upstream, &[], Some(rate))
    }

    fn listen(
        listener: TcpListener,
        upstream: SocketAddr,
        faults: &[Fault],
        rate: Option<u64>,
    ) -> Proxy {
        let addr = listener.local_addr().unwrap();
        let upstream_bytes = Arc::new(AtomicU64::new(0));
        let plan = Arc::new(Mutex::new(faults.iter().copied().collect::<VecDeque<_>>()));
        let (counter, queue) = (upstream_bytes.clone(), plan.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    return;
                };
                let fault = queue.lock().unwrap().pop_front();
                tokio::spawn(serve(client, upstream, fault, rate, counter.clone()));
            }
        });
        Proxy {
            addr,
            upstream_bytes,
            plan,
            task,
        }
    }

    /// Bytes forwarded towards the server so far.
    pub fn upstream_bytes(&self) -> u64 {
        self.upstream_bytes.load(Ordering::SeqCst)
    }

    /// Plans more faults for the next connections.
    pub fn plan(&self, faults: &[Fault]) {
        self.plan.lock().unwrap().extend(faults.iter().copied());
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut client: TcpStream,
    upstream: SocketAddr,
    fault: Option<Fault>,
    rate: Option<u64>,
    counter: Arc<AtomicU64>,
) {
    match fault {
        Some(Fault::Stall) => {
            let mut sink = [0u8; 16 * 1024];
            while matches!(client.read(&mut sink).await, Ok(n) if n > 0) {}
        }
        Some(Fault::Unavailable) => {
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                match client.read(&mut byte).await {
                    Ok(1) => head.push(byte[0]),
                    _ => return,
                }
            }
            let _ = client
                .write_all(b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                .await;
        }
        Some(Fault::LoseAnswerAfter(threshold)) => {
            let Ok(server) = TcpStream::connect(upstream).await else {
                return;
            };
            let (mut client_read, mut client_write) = client.into_split();
            let (mut server_read, mut server_write) = server.into_split();
            let forwarded = AtomicU64::new(0);
            let up = async {
                let mut buf = vec![0u8; 16 * 1024];
                loop {
                    let n = match client_read.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    if server_write.write_all(&buf[..n]).await.is_err() {
                        return;
                    }
                    forwarded.fetch_add(n as u64, Ordering::SeqCst);
                    counter.fetch_add(n as u64, Ordering::SeqCst);
                }
            };
            let down = async {
                let mut buf = vec![0u8; 16 * 1024];
                loop {
                    let n = match server_read.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    if forwarded.load(Ordering::SeqCst) >= threshold {
                        // This answer is lost: let the rest of it arrive, drop it.
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        return;
                    }
                    if client_write.write_all(&buf[..n]).await.is_err() {
                        return;
                    }
                }
            };
            tokio::select! {
                _ = up => {}
                _ = down => {}
            }
        }
        fault => {
            let limit = match fault {
                Some(Fault::CutAfter(n)) => n,
                _ => u64::MAX,
            };
            let Ok(server) = TcpStream::connect(upstream).await else {
                return;
            };
            let (mut client_read, mut client_write) = client.into_split();
            let (mut server_read, mut server_write) = server.into_split();
            let up = async {
                let mut buf = vec![0u8; 16 * 1024];
                let mut sent = 0u64;
                loop {
                    let n = match client_read.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n.min((limit - sent) as usize),
                    };
                    if server_write.write_all(&buf[..n]).await.is_err() {
                        return;
                    }
                    if let Some(rate) = rate {
                        tokio::time::sleep(Duration::from_secs_f64(n as f64 / rate as f64)).await;
                    }
                    sent += n as u64;
                    counter.fetch_add(n as u64, Ordering::SeqCst);
                    if sent >= limit {
                        return;
                    }
                }
            };
            let down = tokio::io::copy(&mut server_read, &mut client_write);
            // Either direction ending ends the connection (a cut drops both).
            tokio::select! {
                _ = up => {}
                _ = down => {}
            }
        }
    }
}

/// Deterministic pseudo-random bytes (incompressible, like a photo).
pub fn photo_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}
