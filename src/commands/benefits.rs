//! 会员权益 (SPEC §8): the owner's settings, the member price the order form
//! shows, and the family link.

use serde::Deserialize;
use serde_json::json;

use super::table::{Command, Who};
use super::{args_of, to_json};
use crate::benefits::{self, Benefits, LineAsked};
use crate::customers::CustomerId;

#[derive(Deserialize)]
struct SaveArgs {
    settings: Benefits,
}

#[derive(Deserialize)]
struct QuoteArgs {
    customer_id: CustomerId,
    /// The order's date; today when absent.
    #[serde(default)]
    date: Option<String>,
    lines: Vec<LineAsked>,
}

#[derive(Deserialize)]
struct FamilyArgs {
    customer_id: CustomerId,
    /// The 星钻 customer whose family this is; null to unlink.
    head_id: Option<CustomerId>,
}

pub(super) const COMMANDS: &[Command] = &[
    Command::read("benefits.settings", Who::EVERYONE, |app, _, _| {
        Ok(json!({"settings": benefits::settings(&app.conn)?, "defaults": Benefits::default()}))
    }),
    Command::write("benefits.save", Who::OWNER, |app, _, args| {
        let a: SaveArgs = args_of(args)?;
        benefits::save_settings(&app.conn, &a.settings)?;
        to_json(benefits::settings(&app.conn)?)
    })
    .audited_change("修改会员权益", "benefits.settings"),
    Command::read("benefits.preview", Who::OWNER, |app, cx, args| {
        let a: SaveArgs = args_of(args)?;
        to_json(benefits::preview(&app.conn, cx.clock.today(), &a.settings)?)
    })
    .heavy(),
    Command::read("benefits.quote", Who::DESK, |app, cx, args| {
        let a: QuoteArgs = args_of(args)?;
        let date = crate::consumption::record_date(&a.date, &cx.clock, "date")?;
        to_json(benefits::quote(&app.conn, a.customer_id, date, &a.lines)?)
    }),
    Command::write("customers.set_family", Who::DESK, |app, _, args| {
        let a: FamilyArgs = args_of(args)?;
        benefits::set_family(&app.conn, a.customer_id, a.head_id)?;
        to_json(crate::customers::file(&app.conn, a.customer_id)?)
    })
    .audited_change("设置家庭成员", "customers.get"),
];
