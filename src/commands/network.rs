//! 设置 → 多台电脑共用: the host's network listener, and the desks that may
//! use it; and the two commands a desk sends before it is approved.

use serde::Deserialize;
use serde_json::json;

use super::table::{Command, Who};
use super::{args_of, to_json, IdArg, Via};
use crate::error::Error;
use crate::lan::{self, desks};

#[derive(Deserialize)]
struct AskArgs {
    name: String,
}

#[derive(Deserialize)]
struct LanArgs {
    enabled: bool,
    #[serde(default)]
    port: Option<u16>,
}

fn window_only() -> Error {
    Error::Conflict("连接本店主机只能在留客桌面程序中进行；在浏览器中请直接打开主机的地址。".into())
}

pub(super) const COMMANDS: &[Command] = &[
    // From a desk that is not approved yet: it names itself and gets its key.
    Command::write("desk.ask", Who::PUBLIC, |app, cx, args| {
        let a: AskArgs = args_of(args)?;
        let Via::Network { address, .. } = &cx.via else {
            return Err(Error::Conflict("这台电脑就是主机，不需要申请连接。".into()));
        };
        to_json(desks::ask(&app.conn, &cx.clock, &a.name, address)?)
    })
    .audited("申请连接")
    .before_approval()
    .early(),
    // What became of this desk's request; nothing of the clinic's.
    Command::read("desk.status", Who::PUBLIC, |_, cx, _| {
        Ok(json!({"host": cx.via == Via::Local, "desk": cx.desk}))
    })
    .before_approval()
    .early(),
    // The desktop window's own: it finds a host, pairs with it, or goes back
    // to its local database. Declared here so their names have one home; a
    // page in a browser cannot make the host reach out to other addresses.
    Command::read("desk.peek", Who::PUBLIC, |_, _, _| Err(window_only())).early(),
    Command::read("desk.pair", Who::PUBLIC, |_, _, _| Err(window_only())).early(),
    Command::read("desk.leave", Who::PUBLIC, |_, _, _| Err(window_only())).early(),
    Command::read("lan.status", Who::OWNER, |app, _, _| {
        let identity = lan::identity(app.db_path())?;
        let s = lan::settings(&app.conn)?;
        let listening = lan::listening();
        let address = lan::local_address().map(|ip| format!("{ip}:{}", s.port));
        Ok(json!({
            "enabled": s.enabled,
            "port": s.port,
            "address": address,
            "listening": listening.address,
            "problem": listening.problem,
            "fingerprint": identity.fingerprint(),
            "pairing_code": identity.pairing_code(),
        }))
    }),
    Command::write("lan.save_settings", Who::OWNER, |app, _, args| {
        let a: LanArgs = args_of(args)?;
        let port = a.port.unwrap_or(lan::settings(&app.conn)?.port);
        lan::save_settings(&app.conn, lan::Settings { enabled: a.enabled, port })?;
        if a.enabled {
            // Made now, so the pairing code can be shown at once.
            lan::identity(app.db_path())?;
        }
        to_json(lan::settings(&app.conn)?)
    })
    .audited_change("修改多台电脑共用", "lan.status")
    .host_only(),
    Command::read("desks.list", Who::OWNER, |app, _, _| to_json(desks::list(&app.conn)?)),
    Command::write("desks.approve", Who::OWNER, |app, cx, args| {
        let a: IdArg = args_of(args)?;
        to_json(desks::approve(&app.conn, &cx.clock, cx.by()?, a.id)?)
    })
    .audited("批准电脑连接"),
    Command::write("desks.revoke", Who::OWNER, |app, cx, args| {
        let a: IdArg = args_of(args)?;
        let desk = desks::revoke(&app.conn, &cx.clock, cx.by()?, a.id)?;
        // Whoever is signed in there is signed out at once.
        app.sessions().end_from_desk(a.id);
        to_json(desk)
    })
    .audited("撤销电脑连接"),
];
