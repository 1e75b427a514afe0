//! The commands of 设置 → 数据与备份: list, back up now, the mirror folder,
//! and restore (owner only).

use serde::Deserialize;
use serde_json::{json, Value};

use super::{args_of, App};
use crate::backup;
use crate::clock::Clock;
use crate::error::{Error, Result};

#[derive(Deserialize)]
struct PathArg {
    path: String,
}

impl App {
    /// Runs a backup command; `None` when `cmd` is not one.
    pub(super) fn dispatch_backups(&mut self, clock: &Clock, cmd: &str, actor: Option<i64>, args: Value) -> Option<Result<Value>> {
        let result = match cmd {
            "backup.list" => (|| {
                let dir = backup::dir_of(self.db_path());
                Ok(json!({"dir": dir.display().to_string(), "mirror": backup::mirror_dir(&self.conn)?.map(|p| p.display().to_string()), "backups": backup::list(&dir)?}))
            })(),
            "backup.now" => self.owner(actor).and_then(|_| {
                let dest = backup::dir_of(self.db_path()).join(format!("liuke-{}-{}.db", clock.today(), clock.now_utc().replace([':', '-'], "")));
                Ok(json!(backup::write(&self.conn, &dest)?))
            }),
            "backup.set_mirror" => self.owner(actor).and_then(|_| {
                let a: PathArg = args_of(args)?;
                let p = a.path.trim();
                if !p.is_empty() && !std::path::Path::new(p).is_absolute() {
                    return Err(Error::invalid("path", "请填写完整的文件夹路径，例如 /media/usb/留客备份"));
                }
                crate::store::settings::set(&self.conn, "backup_mirror", p)?;
                Ok(json!({"mirror": p}))
            }),
            "backup.restore" => self.owner(actor).and_then(|_| {
                let a: PathArg = args_of(args)?;
                Ok(json!(self.restore_from(std::path::Path::new(&a.path))?))
            }),
            _ => return None,
        };
        Some(result)
    }
}
