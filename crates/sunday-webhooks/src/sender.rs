//! Posting a delivery: the URL's host is checked (an address literal directly, a name through
//! the resolver, which drops the addresses the guard refuses), redirects are followed at most
//! three times and checked the same way, and each attempt has a timeout.

use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
    time::{Duration, Instant},
};

use reqwest::{
    dns::{Addrs, Name, Resolve, Resolving},
    redirect, Url,
};

use crate::guard::AllowList;

/// What one attempt came to.
#[derive(Clone, Debug, PartialEq)]
pub struct Attempt {
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Why it failed: no answer in time, connection refused, an address the guard refused, or
    /// a status outside 2xx.
    pub error: Option<String>,
    pub latency_ms: i64,
}

impl Attempt {
    pub fn succeeded(&self) -> bool {
        self.error.is_none()
    }
}

/// Resolves names with the system resolver and keeps only the addresses the guard allows.
struct GuardedResolver {
    allow: Arc<AllowList>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow = self.allow.clone();
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let ok: Vec<SocketAddr> = if allow.allows_host(&host) {
                found
            } else {
                found.into_iter().filter(|a| allow.allows_ip(a.ip())).collect()
            };
            if ok.is_empty() {
                return Err(format!("{host} resolves only to addresses webhooks may not reach").into());
            }
            Ok(Box::new(ok.into_iter()) as Addrs)
        })
    }
}

/// Checks a URL's scheme and, for an address literal, the address.
fn check(url: &Url, allow: &AllowList) -> Result<(), String> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err("only http:// and https:// URLs can receive webhooks".into());
    }
    let host = url.host_str().ok_or("the URL has no host")?;
    let literal = host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>().ok();
    match literal {
        Some(ip) if !allow.allows_ip(ip) && !allow.allows_host(host) => {
            Err(format!("{ip} is a private, loopback or link-local address; webhooks.allowed_hosts may allow it"))
        }
        _ => Ok(()),
    }
}

#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
    allow: Arc<AllowList>,
}

impl Sender {
    pub fn new(allow: AllowList, timeout: Duration) -> Result<Sender, String> {
        let allow = Arc::new(allow);
        let for_redirects = allow.clone();
        let client = reqwest::Client::builder()
            // A proxy from the environment would resolve names itself, past the guard.
            .no_proxy()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .dns_resolver(Arc::new(GuardedResolver { allow: allow.clone() }))
            .redirect(redirect::Policy::custom(move |attempt| {
                if attempt.previous().len() >= 3 {
                    attempt.error("more than 3 redirects")
                } else if let Err(e) = check(attempt.url(), &for_redirects) {
                    attempt.error(e)
                } else {
                    attempt.follow()
                }
            }))
            .user_agent("Sunday-Webhooks/1")
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Sender { client, allow })
    }

    /// The URL parsed and checked (scheme, an address literal) before a subscription is saved.
    pub fn check_url(&self, url: &str) -> Result<Url, String> {
        let parsed = Url::parse(url).map_err(|e| format!("not a URL: {e}"))?;
        check(&parsed, &self.allow)?;
        Ok(parsed)
    }

    /// Posts `body` (JSON) with `headers`; a 2xx answer is a success.
    pub async fn post(&self, url: &str, body: String, headers: &[(&str, String)]) -> (Attempt, Option<String>) {
        let started = Instant::now();
        let elapsed = || i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        let parsed = match self.check_url(url) {
            Ok(u) => u,
            Err(e) => return (Attempt { status: None, error: Some(e), latency_ms: 0 }, None),
        };
        let mut req = self.client.post(parsed).header("content-type", "application/json").body(body);
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        match req.send().await {
            Ok(mut res) => {
                let status = res.status().as_u16();
                // Only a challenge's answer is read, and at most 64 KiB of it: a receiver
                // cannot make the sender hold a large body.
                let mut text = Vec::new();
                while let Ok(Some(chunk)) = res.chunk().await {
                    text.extend_from_slice(&chunk);
                    if text.len() > 64 * 1024 {
                        break;
                    }
                }
                let text = String::from_utf8(text).ok();
                let error = (!(200..300).contains(&status)).then(|| format!("the receiver answered {status}"));
                (Attempt { status: Some(status), error, latency_ms: elapsed() }, text)
            }
            Err(e) => {
                let why = if e.is_timeout() { "no answer in time".to_owned() } else { chain(&e) };
                (Attempt { status: None, error: Some(why), latency_ms: elapsed() }, None)
            }
        }
    }
}

/// An error with its causes, which carry the useful part (the guard's refusal, "connection
/// refused").
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}
