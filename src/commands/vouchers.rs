//! 券 (SPEC §8): what a customer holds (vouchers, points, entitlements) and
//! using an entitlement; a customer's vouchers, the owner issuing one by hand or
//! voiding one with a reason, and `liuke vouchers`.

use serde::Deserialize;

use super::table::{Command, Who};
use super::{args_of, to_json, IdArg};
use crate::customers::CustomerId;
use crate::error::Error;
use crate::vouchers::{self, Issue, Source};

#[derive(Deserialize)]
struct WalletArgs {
    customer_id: i64,
    /// The day asked about (an order's date); today when absent.
    #[serde(default)]
    date: Option<String>,
}

#[derive(Deserialize)]
struct EntitlementArgs {
    customer_id: i64,
    item: String,
}

#[derive(Deserialize)]
struct VoidArgs {
    id: i64,
    reason: String,
}

pub(super) const COMMANDS: &[Command] = &[
    // What the customer holds: vouchers, points as money, entitlements, reminders.
    Command::read("wallet.of_customer", Who::EVERYONE, |app, cx, args| {
        let a: WalletArgs = args_of(args)?;
        let date = crate::consumption::record_date(&a.date, &cx.clock, "date")?;
        to_json(crate::wallet::of_customer(&app.conn, &cx.clock, CustomerId(a.customer_id), date)?)
    }),
    Command::write("entitlements.use", Who::DESK, |app, cx, args| {
        let a: EntitlementArgs = args_of(args)?;
        let order = crate::desk::use_entitlement(&mut app.conn, &cx.clock, cx.by()?, CustomerId(a.customer_id), &a.item)?;
        Ok(serde_json::json!({"order_id": order}))
    }),
    Command::read("vouchers.of_customer", Who::EVERYONE, |app, cx, args| {
        let a: IdArg = args_of(args)?;
        to_json(vouchers::of_customer(&app.conn, CustomerId(a.id), cx.clock.today())?)
    }),
    Command::write("vouchers.issue", Who::OWNER, |app, cx, args| {
        let a: Issue = args_of(args)?;
        let id = vouchers::issue(&app.conn, &cx.clock, cx.by()?, &a, Source::Manual, None)?.ok_or_else(|| Error::Conflict("这张券已发放过。".into()))?;
        to_json(vouchers::get(&app.conn, id, cx.clock.today())?)
    })
    .audited("发放券"),
    Command::write("vouchers.void", Who::OWNER, |app, cx, args| {
        let a: VoidArgs = args_of(args)?;
        to_json(vouchers::void(&app.conn, &cx.clock, cx.by()?, a.id, &a.reason)?)
    })
    .audited("作废券"),
    // `liuke vouchers`: every voucher issued by a date, with its status then.
    Command::read("vouchers.rows", Who::OWNER, |app, cx, args| {
        let a: super::AsOfArgs = args_of(args)?;
        let d = a.day(&cx.clock)?;
        let all = vouchers::all(&app.conn, d)?;
        // JSON in SPEC §7's shape; the CSV for Excel names the customer too.
        let text = match a.format {
            super::Format::Json => format!("{}\n", serde_json::to_string_pretty(&vouchers::rows(&all))?),
            super::Format::Csv => vouchers::rows_csv(&all)?,
        };
        Ok(serde_json::json!({"text": text}))
    })
    .heavy()
    .audited("导出券"),
];
