//! A desk PC's one setting: which host it works on. Kept beside the local
//! database's place (`liuke-desk.json`): the host's address, the fingerprint
//! pinned at pairing, the key the host gave, and this PC's name. Present:
//! the desktop window forwards every command there; absent: it uses the
//! local database.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::link::Link;
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskConfig {
    pub address: String,
    pub fingerprint: String,
    pub key: String,
    pub name: String,
}

impl DeskConfig {
    /// The line to the host, pinned and named.
    pub fn link(&self) -> Result<Link> {
        Link::new(&self.address, &self.fingerprint, Some(&self.key))
    }
}

pub fn path_for(db_path: &Path) -> PathBuf {
    let name = format!("{}-desk.json", crate::backup::stem_of(db_path));
    db_path.parent().map_or_else(|| PathBuf::from(&name), |d| d.join(&name))
}

pub fn load(db_path: &Path) -> Result<Option<DeskConfig>> {
    let path = path_for(db_path);
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path)?;
    serde_json::from_str(&text).map(Some).map_err(|e| Error::Config(format!("连接主机的设置（{}）无法读取：{e}。删除这个文件后可重新连接。", path.display())))
}

pub fn save(db_path: &Path, config: &DeskConfig) -> Result<()> {
    let path = path_for(db_path);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&path, serde_json::to_string_pretty(config)?)?;
    // The key lets this PC in: its owner's only.
    crate::store::owner_only(&path)
}

pub fn remove(db_path: &Path) -> Result<()> {
    let path = path_for(db_path);
    if path.exists() {
        std::fs::remove_file(path)?;
    }
    Ok(())
}

/// Asks the host at `address`, whose certificate has `fingerprint` (as
/// compared on screen), to let this PC in as `name`; the setting to keep and
/// the host's record of this desk.
pub fn pair(address: &str, fingerprint: &str, name: &str) -> Result<(DeskConfig, serde_json::Value)> {
    let address = super::link::normalise(address)?;
    let asking = Link::new(&address, fingerprint, None)?;
    let answer = asking.call(&json!({"cmd": "desk.ask", "args": {"name": name}}))?;
    if answer["ok"] != true {
        let message = answer["error"]["message"].as_str().unwrap_or("主机拒绝了连接申请。");
        return Err(Error::Conflict(message.to_string()));
    }
    let key = answer["data"]["key"].as_str().ok_or_else(|| Error::Offline("主机的回答缺少连接密钥，它可能不是留客主机。".into()))?;
    let config = DeskConfig { address, fingerprint: fingerprint.to_ascii_lowercase(), key: key.to_string(), name: name.trim().to_string() };
    Ok((config, answer["data"]["desk"].clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_setting_is_kept_beside_the_database_for_its_owner_only_and_removed_on_leaving() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("sub").join("liuke.db");
        assert_eq!(load(&db).unwrap(), None);
        let c = DeskConfig { address: "192.168.1.10:47480".into(), fingerprint: "ab".repeat(32), key: "k".into(), name: "咨询室 1".into() };
        save(&db, &c).unwrap();
        assert_eq!(load(&db).unwrap(), Some(c));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(path_for(&db)).unwrap().permissions().mode() & 0o077, 0);
        }
        remove(&db).unwrap();
        assert_eq!(load(&db).unwrap(), None);
    }

    #[test]
    fn a_damaged_setting_says_how_to_start_over() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("liuke.db");
        std::fs::write(path_for(&db), "{").unwrap();
        assert!(load(&db).unwrap_err().to_string().contains("删除这个文件后可重新连接"));
    }
}
