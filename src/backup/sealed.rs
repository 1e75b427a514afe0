//! Sealed backups: with the owner's backup passphrase set, every backup (the
//! mirror copy on a USB stick included) is an `age` file that reveals nothing
//! without it. The daily backup runs unattended, so it is sealed to a public
//! key; the matching private key is itself sealed with the passphrase
//! (scrypt) and kept twice: in the database, and as `<name>-backup-key.age`
//! beside the backups, so a restore needs only the backup folder and the
//! passphrase, never the (perhaps lost) database.

use std::io::{BufReader, BufWriter, Write};
use std::iter;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use age::secrecy::{ExposeSecret, SecretString};
use age::x25519;
use base64::Engine;
use rusqlite::Connection;

use crate::error::{Error, Result};
use crate::store::settings;

const RECIPIENT_KEY: &str = "backup_recipient";
const SEALED_IDENTITY_KEY: &str = "backup_identity_sealed";
/// What a sealed backup's name ends with.
pub const EXTENSION: &str = ".db.age";
const KEY_FILE_SUFFIX: &str = "-backup-key.age";

/// scrypt's work factor for the passphrase: about a second on a reception
/// PC; tests use a small one.
#[cfg(not(test))]
const WORK_FACTOR: u8 = 17;
#[cfg(test)]
const WORK_FACTOR: u8 = 8;

/// The public key daily backups are sealed to, if the owner set a passphrase.
pub fn recipient(conn: &Connection) -> Result<Option<x25519::Recipient>> {
    let Some(text) = settings::get(conn, RECIPIENT_KEY)? else { return Ok(None) };
    x25519::Recipient::from_str(&text).map(Some).map_err(|e| Error::Config(format!("备份加密设置已损坏（{e}），请在设置中重新设置备份口令。")))
}

/// Whether backups are sealed.
pub fn is_on(conn: &Connection) -> Result<bool> {
    Ok(recipient(conn)?.is_some())
}

fn check_passphrase(passphrase: &str) -> Result<()> {
    if passphrase.chars().count() < 8 {
        return Err(Error::invalid("passphrase", "备份口令至少 8 个字符；请记在安全的地方，忘记后加密的备份将无法恢复"));
    }
    Ok(())
}

/// Sets the owner's backup passphrase. The first time, a new key pair is
/// made; after that `old` must open the current key, which is sealed anew,
/// so every backup made so far opens with the new passphrase.
pub fn set_passphrase(conn: &Connection, old: Option<&str>, new: &str) -> Result<()> {
    check_passphrase(new)?;
    let identity = match settings::get(conn, SEALED_IDENTITY_KEY)? {
        None => x25519::Identity::generate(),
        Some(sealed) => {
            let old = old.filter(|o| !o.is_empty()).ok_or_else(|| Error::invalid("old_passphrase", "请先输入原来的备份口令"))?;
            unseal_identity(&decode(&sealed)?, old).map_err(|_| Error::invalid("old_passphrase", "原来的备份口令不对"))?
        }
    };
    let sealed = seal_identity(&identity, new)?;
    settings::set(conn, RECIPIENT_KEY, &identity.to_public().to_string())?;
    settings::set(conn, SEALED_IDENTITY_KEY, &base64::engine::general_purpose::STANDARD.encode(sealed))?;
    Ok(())
}

fn decode(text: &str) -> Result<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(text).map_err(|_| Error::Config("备份加密设置已损坏，请重新设置备份口令。".into()))
}

fn seal_identity(identity: &x25519::Identity, passphrase: &str) -> Result<Vec<u8>> {
    let mut r = age::scrypt::Recipient::new(SecretString::from(passphrase.to_owned()));
    r.set_work_factor(WORK_FACTOR);
    age::encrypt(&r, identity.to_string().expose_secret().as_bytes()).map_err(|e| Error::Config(format!("备份口令无法保存：{e}")))
}

fn unseal_identity(sealed: &[u8], passphrase: &str) -> std::result::Result<x25519::Identity, ()> {
    let mut id = age::scrypt::Identity::new(SecretString::from(passphrase.to_owned()));
    id.set_max_work_factor(20);
    let text = age::decrypt(&id, sealed).map_err(|_| ())?;
    let text = String::from_utf8(text).map_err(|_| ())?;
    x25519::Identity::from_str(text.trim()).map_err(|_| ())
}

/// The key file beside a database's backups.
pub fn key_file(dir: &Path, stem: &str) -> PathBuf {
    dir.join(format!("{stem}{KEY_FILE_SUFFIX}"))
}

/// Writes the sealed key beside the backups in `dir` (owner-only).
pub fn write_key_file(conn: &Connection, dir: &Path, stem: &str) -> Result<()> {
    let Some(sealed) = settings::get(conn, SEALED_IDENTITY_KEY)? else { return Ok(()) };
    let path = key_file(dir, stem);
    std::fs::write(&path, decode(&sealed)?)?;
    let _ = crate::store::owner_only(&path);
    Ok(())
}

/// Seals the plain file `from` into `to` for `recipient`.
pub fn seal_file(from: &Path, to: &Path, recipient: &x25519::Recipient) -> Result<()> {
    let encryptor = age::Encryptor::with_recipients(iter::once(recipient as &dyn age::Recipient))
        .map_err(|e| Error::Config(format!("备份无法加密：{e}")))?;
    let out = std::fs::File::create(to)?;
    crate::store::owner_only(to)?;
    let mut writer = encryptor.wrap_output(BufWriter::new(out))?;
    std::io::copy(&mut BufReader::new(std::fs::File::open(from)?), &mut writer)?;
    writer.finish()?.flush()?;
    Ok(())
}

/// Whether a file is a sealed backup (by its name).
pub fn is_sealed(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(EXTENSION))
}

/// Opens the sealed backup `from` into the plain file `to` with the owner's
/// passphrase, using a key file found beside it.
pub fn open_file(from: &Path, to: &Path, passphrase: &str) -> Result<()> {
    let dir = from.parent().unwrap_or(Path::new("."));
    let keys: Vec<PathBuf> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(KEY_FILE_SUFFIX)))
        .collect();
    if keys.is_empty() {
        return Err(Error::Config(format!("备份 {} 是加密的，但它旁边没有备份密钥文件（*{KEY_FILE_SUFFIX}），无法解密。", from.display())));
    }
    let mut opened_any_key = false;
    for key in keys {
        let Ok(identity) = unseal_identity(&std::fs::read(&key)?, passphrase) else { continue };
        opened_any_key = true;
        let decryptor = age::Decryptor::new_buffered(BufReader::new(std::fs::File::open(from)?))
            .map_err(|e| Error::Config(format!("备份 {} 不是完整的加密备份（{e}）。", from.display())))?;
        let Ok(mut reader) = decryptor.decrypt(iter::once(&identity as &dyn age::Identity)) else { continue };
        let mut out = BufWriter::new(std::fs::File::create(to)?);
        crate::store::owner_only(to)?;
        std::io::copy(&mut reader, &mut out).map_err(|e| Error::Config(format!("备份 {} 解密中断（{e}），文件可能已损坏。", from.display())))?;
        out.flush()?;
        return Ok(());
    }
    Err(if opened_any_key {
        Error::Config(format!("备份 {} 不是用这个备份口令的密钥加密的。", from.display()))
    } else {
        Error::invalid("passphrase", "备份口令不对")
    })
}
