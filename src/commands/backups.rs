//! The commands of 设置 → 数据与备份: list, back up now, the mirror folder,
//! and restore (owner only).

use serde::Deserialize;
use serde_json::json;

use super::table::{Command, Who};
use super::args_of;
use crate::backup;
use crate::error::Error;

/// An example of a second folder, as the reception PC writes it.
const MIRROR_EXAMPLE: &str = if cfg!(windows) { r"E:\留客备份" } else { "/media/usb/留客备份" };

#[derive(Deserialize)]
struct PathArg {
    path: String,
    /// For a sealed backup: the owner's backup passphrase.
    #[serde(default)]
    passphrase: Option<String>,
}

#[derive(Deserialize)]
struct PassphraseArgs {
    #[serde(default)]
    old_passphrase: Option<String>,
    passphrase: String,
}

/// 设置 → 数据与备份.
pub(super) const COMMANDS: &[Command] = &[
    Command::read("backup.list", Who::EVERYONE, |app, _, _| {
        let dir = backup::dir_of(app.db_path());
        Ok(json!({
            "dir": dir.display().to_string(),
            "mirror": backup::mirror_dir(&app.conn)?.map(|p| p.display().to_string()),
            "mirror_status": backup::mirror_status(&app.conn, app.db_path())?,
            "backups": backup::list(&dir)?,
        }))
    }),
    Command::write("backup.now", Who::OWNER, |app, cx, args| {
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct NowArgs {
            out: Option<String>,
        }
        let a: NowArgs = args_of(args)?;
        let dest = match a.out.filter(|o| !o.trim().is_empty()) {
            // Only the command line chooses where a backup goes; the window
            // writes beside the database.
            Some(out) if cx.actor == Some(crate::staff::SYSTEM_STAFF) => std::path::PathBuf::from(out),
            Some(_) => return Err(Error::Forbidden("备份位置只能在命令行中指定；窗口中的备份写入数据目录的 backups 文件夹。".into())),
            None => backup::manual_path(app.db_path(), &cx.clock),
        };
        let mut answer = json!(backup::write(&app.conn, &dest)?);
        // The second folder gets its copy (and catches up) with every backup:
        // from the command line, before it answers; from the window, beside
        // the desks' work (a USB stick is slow, and this holds the writer).
        answer["mirror"] = if cx.actor == Some(crate::staff::SYSTEM_STAFF) {
            json!(backup::mirror(&app.conn, app.db_path(), &cx.clock)?)
        } else {
            json!(backup::mirror_in_background(&app.conn, app.db_path(), &cx.clock)?)
        };
        Ok(answer)
    })
    .audited("手动备份")
    .host_only(),
    Command::write("backup.set_mirror", Who::OWNER, |app, _, args| {
        let a: PathArg = args_of(args)?;
        let p = a.path.trim();
        if !p.is_empty() && !std::path::Path::new(p).is_absolute() {
            return Err(Error::invalid("path", format!("请填写完整的文件夹路径，例如 {MIRROR_EXAMPLE}")));
        }
        crate::store::settings::set(&app.conn, "backup_mirror", p)?;
        // A stick that is out now is no reason to refuse: copies catch up when it is back.
        let reachable = !p.is_empty() && std::path::Path::new(p).is_dir();
        Ok(json!({"mirror": p, "reachable": reachable}))
    })
    .audited("设置第二备份文件夹")
    .host_only(),
    Command::write("backup.restore", Who::OWNER, |app, _, args| {
        let a: PathArg = args_of(args)?;
        Ok(json!(app.restore_from(std::path::Path::new(&a.path), a.passphrase.as_deref())?))
    })
    .audited("恢复备份")
    .host_only()
    .exclusive(),
    Command::read("backup.sealing", Who::OWNER, |app, _, _| Ok(json!({"sealed": backup::sealed::is_on(&app.conn)?}))),
    // The passphrase itself is never written to the audit log (see `run_audited`).
    Command::write("backup.set_passphrase", Who::OWNER, |app, _, args| {
        let a: PassphraseArgs = args_of(args)?;
        backup::set_passphrase(&app.conn, &app.db_path, a.old_passphrase.as_deref(), &a.passphrase)?;
        Ok(json!({"sealed": true}))
    })
    .audited("设置备份口令")
    .host_only(),
];
