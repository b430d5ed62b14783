//! Uploads written by hand on a TCP socket, for what an HTTP client library will not do: a
//! chunked body of unannounced length, a client that hangs up half-way, a slow sender.

use std::time::Duration;

use sunday_testkit::TestApp;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// Sends `chunks` to `POST /api/v1/files` (`Content-Length: length`, or chunked when `None`),
/// waiting `gap` between chunks; with `hang_up`, closes the socket before the body is whole.
/// Returns the status and the body of the answer (`0` when there was none).
pub async fn send(
    app: &TestApp,
    token: &str,
    name: &str,
    length: Option<usize>,
    chunks: &[Vec<u8>],
    hang_up: bool,
    gap: Duration,
) -> (u16, String) {
    let addr = app.base.trim_start_matches("http://").to_owned();
    let sock = TcpStream::connect(&addr).await.unwrap();
    let (mut rd, mut wr) = sock.into_split();
    let framing = match length {
        Some(n) => format!("Content-Length: {n}\r\n"),
        None => "Transfer-Encoding: chunked\r\n".to_owned(),
    };
    let head = format!(
        "POST /api/v1/files?filename={name} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: text/plain\r\n{framing}Connection: close\r\n\r\n"
    );
    let chunks = chunks.to_vec();
    let writer = tokio::spawn(async move {
        wr.write_all(head.as_bytes()).await?;
        for c in &chunks {
            if length.is_none() {
                wr.write_all(format!("{:x}\r\n", c.len()).as_bytes()).await?;
                wr.write_all(c).await?;
                wr.write_all(b"\r\n").await?;
            } else {
                wr.write_all(c).await?;
            }
            tokio::time::sleep(gap).await;
        }
        if hang_up {
            return Ok::<_, std::io::Error>(None);
        }
        if length.is_none() {
            wr.write_all(b"0\r\n\r\n").await?;
        }
        Ok(Some(wr))
    });
    if hang_up {
        drop(writer.await);
        return (0, String::new());
    }
    let mut answer = Vec::new();
    let mut buf = [0u8; 8192];
    let read = async {
        loop {
            match rd.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(30), read).await;
    writer.abort();
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}
