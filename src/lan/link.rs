//! A desk's line to its host: HTTPS to the pinned certificate, carrying
//! the desk's key on every request. The desktop window in desk mode sends
//! every command through it, unchanged.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::pin::Pinned;
use crate::error::{Error, Result};

/// The header a desk names itself by.
pub const DESK_HEADER: &str = "x-liuke-desk";

/// Said of a request that never left the desk (the host did not answer the
/// connection), so it may be sent again without a second thought.
pub const NOT_SENT: &str = "主机没有应答，这次操作没有发出";

pub struct Link {
    base: String,
    agent: ureq::Agent,
    key: Option<String>,
    fingerprint: String,
}

/// The host's address as typed: `192.168.1.10`, `192.168.1.10:47480` or a
/// name; the default port when none is given.
pub fn normalise(address: &str) -> Result<String> {
    let a = address.trim().trim_start_matches("https://").trim_end_matches('/');
    if a.is_empty() || a.contains(['/', ' ', '@', '?', '#']) {
        return Err(Error::invalid("address", "请填写主机的地址，例如 192.168.1.10 或 192.168.1.10:47480"));
    }
    let has_port = a.rsplit_once(':').is_some_and(|(_, p)| p.parse::<u16>().is_ok()) && !a.ends_with(']');
    Ok(if has_port { a.to_string() } else { format!("{a}:{}", super::DEFAULT_PORT) })
}

fn agent(pinned: Pinned) -> ureq::Agent {
    ureq::AgentBuilder::new()
        .tls_config(Arc::new(pinned.client_config()))
        .timeout_connect(Duration::from_secs(3))
        .timeout(Duration::from_secs(120))
        .build()
}

fn unreachable(address: &str, why: impl std::fmt::Display) -> Error {
    Error::Offline(format!("连不上本店主机（{address}）：{why}。请确认主机已开机、留客正在运行，并在同一网络中；留客会自动重试。"))
}

/// What the host at `address` presents, for the pairing screen: its
/// certificate's fingerprint. Nothing of the clinic's is sent.
pub fn peek(address: &str) -> Result<String> {
    let address = normalise(address)?;
    let pinned = Pinned::new(None);
    let seen = pinned.seen();
    let answer = agent(pinned).get(&format!("https://{address}/")).call();
    let fingerprint = seen.lock().ok().and_then(|s| s.clone());
    match (answer, fingerprint) {
        (_, Some(f)) => Ok(f),
        (Err(e), None) => Err(unreachable(&address, e)),
        (Ok(_), None) => Err(unreachable(&address, "主机没有出示证书")),
    }
}

impl Link {
    /// A line to `address` trusting only `fingerprint`, naming this desk by `key`.
    pub fn new(address: &str, fingerprint: &str, key: Option<&str>) -> Result<Link> {
        let address = normalise(address)?;
        Ok(Link {
            base: format!("https://{address}"),
            agent: agent(Pinned::new(Some(fingerprint))),
            key: key.map(str::to_string),
            fingerprint: fingerprint.to_string(),
        })
    }

    /// The host's change notices for a signed-in session, as the raw stream
    /// of server-sent events (`event: changed` / `data: {cmd, from}` lines).
    pub fn events(&self, token: &str) -> Result<impl std::io::Read + Send> {
        // No overall time limit: the stream stays open; the host's keep-alive
        // comments arrive every 15 s, so a silent minute means the host is gone.
        let agent = ureq::AgentBuilder::new()
            .tls_config(Arc::new(Pinned::new(Some(&self.fingerprint)).client_config()))
            .timeout_connect(Duration::from_secs(3))
            .timeout_read(Duration::from_secs(60))
            .build();
        let answer = agent
            .get(&format!("{}/events", self.base))
            .query("token", token)
            .query("desk", self.key.as_deref().unwrap_or(""))
            .call()
            .map_err(|e| unreachable(self.address(), e))?;
        Ok(answer.into_reader())
    }

    pub fn address(&self) -> &str {
        self.base.trim_start_matches("https://")
    }

    /// Posts one request (`{cmd, args, token, window}`) and returns the
    /// host's answer as sent: `{ok, data}` or `{ok: false, error}`.
    pub fn call(&self, request: &Value) -> Result<Value> {
        let mut post = self.agent.post(&format!("{}/api", self.base)).set("content-type", "application/json");
        if let Some(key) = &self.key {
            post = post.set(DESK_HEADER, key);
        }
        let answer = match post.send_string(&request.to_string()) {
            Ok(r) => r,
            // The host refused (4xx/5xx): its body says why, in Chinese.
            Err(ureq::Error::Status(_, r)) => r,
            Err(ureq::Error::Transport(t)) => {
                let pin_broken = t.to_string().contains("配对时的不一致");
                return Err(if pin_broken {
                    Error::Offline(format!("{} 出示的证书与配对时的不一致，留客拒绝连接。若主机换过电脑或重装过，请院长确认后重新配对；否则可能有人在冒充主机，请联系技术支持。", self.address()))
                } else if t.kind() == ureq::ErrorKind::ConnectionFailed {
                    // Nothing was sent: the request can simply be tried again.
                    Error::Offline(format!("连不上本店主机（{}）：{NOT_SENT}。请确认主机已开机、留客正在运行，并在同一网络中；留客会自动重试。", self.address()))
                } else {
                    unreachable(self.address(), t)
                });
            }
        };
        let text = answer.into_string().map_err(|e| unreachable(self.address(), e))?;
        serde_json::from_str(&text).map_err(|_| Error::Offline(format!("{} 的回答无法识别：它可能不是留客主机。", self.address())))
    }
}
