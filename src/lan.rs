//! 多台电脑共用: the host's listener on the clinic's network. It speaks
//! HTTPS with a certificate of its own, made on first use and kept beside
//! the database; desks pin that certificate by its SHA-256 fingerprint,
//! which people compare as a short pairing code. Loopback stays plain HTTP.

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::store::settings;

pub mod desk_config;
pub mod desks;
pub mod link;
pub mod pin;

/// The owner's setting: whether the host listens on the clinic's network.
pub const ENABLED_KEY: &str = "lan_enabled";
/// The port it listens on.
pub const PORT_KEY: &str = "lan_port";
pub const DEFAULT_PORT: u16 = 47480;

/// The host's certificate and key.
pub struct Identity {
    pub cert: CertificateDer<'static>,
    pub key: PrivateKeyDer<'static>,
}

impl Identity {
    /// The SHA-256 fingerprint of the certificate, as desks pin it.
    pub fn fingerprint(&self) -> String {
        fingerprint_of(&self.cert)
    }

    pub fn pairing_code(&self) -> String {
        pairing_code(&self.fingerprint())
    }
}

/// The certificate's SHA-256 in lower-case hex.
pub fn fingerprint_of(cert: &[u8]) -> String {
    Sha256::digest(cert).iter().map(|b| format!("{b:02x}")).collect()
}

/// The first 60 bits of the fingerprint in twelve letters and digits that
/// cannot be misread for one another (no I, L, O, U), in three groups:
/// what the owner reads off the host and the desk shows for comparison.
pub fn pairing_code(fingerprint: &str) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let bits = u64::from_str_radix(fingerprint.get(..16).unwrap_or("0"), 16).unwrap_or(0) >> 4;
    let letters: String = (0..12).rev().map(|i| ALPHABET[((bits >> (i * 5)) & 31) as usize] as char).collect();
    format!("{}-{}-{}", &letters[..4], &letters[4..8], &letters[8..])
}

/// `<name>-lan-cert.pem` beside the database (`<name>-lan-key.pem` for the key).
fn beside_db(db_path: &Path, suffix: &str) -> PathBuf {
    let name = format!("{}-{suffix}", crate::backup::stem_of(db_path));
    db_path.parent().map_or_else(|| PathBuf::from(&name), |d| d.join(&name))
}

fn cert_path(db_path: &Path) -> PathBuf {
    beside_db(db_path, "lan-cert.pem")
}

fn key_path(db_path: &Path) -> PathBuf {
    beside_db(db_path, "lan-key.pem")
}

/// The host's identity, made on first use: the same certificate every
/// time after, so a desk's pin holds until the files are deleted.
pub fn identity(db_path: &Path) -> Result<Identity> {
    let (cert_file, key_file) = (cert_path(db_path), key_path(db_path));
    if !cert_file.exists() || !key_file.exists() {
        let names = vec!["liuke.local".to_string(), "localhost".to_string()];
        let made = rcgen::generate_simple_self_signed(names).map_err(|e| Error::Config(format!("无法生成本机的网络证书：{e}")))?;
        std::fs::write(&key_file, made.signing_key.serialize_pem())?;
        crate::store::owner_only(&key_file)?;
        std::fs::write(&cert_file, made.cert.pem())?;
    }
    let unreadable = |what: &str, path: &Path, e: String| Error::Config(format!("本机的网络{what}（{}）无法读取：{e}。删除它后重新开启「多台电脑共用」会生成新的证书，各台电脑需重新配对。", path.display()));
    let cert = CertificateDer::from_pem_file(&cert_file).map_err(|e| unreadable("证书", &cert_file, e.to_string()))?;
    let key = PrivateKeyDer::from_pem_file(&key_file).map_err(|e| unreadable("密钥", &key_file, e.to_string()))?;
    Ok(Identity { cert, key })
}

/// The owner's choice: listen on the network, and on which port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Settings {
    pub enabled: bool,
    pub port: u16,
}

pub fn settings(conn: &Connection) -> Result<Settings> {
    let enabled = settings::get(conn, ENABLED_KEY)?.is_some_and(|v| v == "1");
    let port = settings::get(conn, PORT_KEY)?.and_then(|p| p.trim().parse::<u16>().ok()).filter(|p| *p >= 1024).unwrap_or(DEFAULT_PORT);
    Ok(Settings { enabled, port })
}

pub fn save_settings(conn: &Connection, s: Settings) -> Result<()> {
    if s.port < 1024 {
        return Err(Error::invalid("port", "端口应在 1024 到 65535 之间"));
    }
    settings::set(conn, ENABLED_KEY, if s.enabled { "1" } else { "0" })?;
    settings::set(conn, PORT_KEY, &s.port.to_string())?;
    Ok(())
}

/// Whether this process listens on the clinic's network, and why not.
#[derive(Debug, Clone, Default)]
pub struct Listening {
    pub address: Option<String>,
    pub problem: Option<String>,
}

static LISTENING: std::sync::Mutex<Listening> = std::sync::Mutex::new(Listening { address: None, problem: None });

pub fn listening() -> Listening {
    LISTENING.lock().map(|l| l.clone()).unwrap_or_default()
}

/// Set by the server as its network listener starts, fails or stops.
pub fn set_listening(state: Listening) {
    if let Ok(mut l) = LISTENING.lock() {
        *l = state;
    }
}

/// This PC's address on the clinic's network, as the other PCs reach it:
/// the one the system would send from (no packet is sent).
pub fn local_address() -> Option<std::net::IpAddr> {
    let socket = std::net::UdpSocket::bind(("0.0.0.0", 0)).ok()?;
    socket.connect(("192.168.255.255", 9)).ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_unspecified()).then_some(ip)
}

#[cfg(test)]
mod tests;
