//! The commands of the triage desk, the item catalogue and the consumption
//! file. Each handler only parses its arguments and calls the core.

use serde::Deserialize;
use serde_json::{json, Value};

use super::table::{Command, Who};
use super::{args_of, to_json, App, IdArg};
use crate::clock::Clock;
use crate::consumption::{self, ExecutionDraft, LaterPayment, OrderDraft, RefundDraft, Voidable, PAYMENT_METHODS};
use crate::customers::{self, CustomerId};
use crate::error::{Error, Result};
use crate::items::{self, ItemDraft, ItemId};
use crate::triage::{self, ArrivalDraft, Move, KINDS};
use crate::visits;

#[derive(Deserialize)]
struct CustomerArg {
    customer_id: i64,
}

#[derive(Deserialize)]
struct DateArg {
    #[serde(default)]
    date: Option<String>,
}

#[derive(Deserialize)]
struct VoidArgs {
    what: Voidable,
    id: i64,
    #[serde(default)]
    reason: String,
}

#[derive(Deserialize)]
struct ItemUpdate {
    id: i64,
    #[serde(flatten)]
    fields: ItemDraft,
}

/// The desk, the item catalogue and the consumption file.
pub(super) const COMMANDS: &[Command] = &[
    Command::read("items.list", Who::EVERYONE, |app, _, _| app.items_list()),
    Command::write("items.create", Who::CONSULTANT, |app, cx, args| {
        let draft: ItemDraft = args_of(args)?;
        to_json(items::create(&app.conn, &cx.clock, cx.by()?, &draft)?)
    }),
    Command::write("items.update", Who::CONSULTANT, |app, _, args| {
        let a: ItemUpdate = args_of(args)?;
        to_json(items::update(&app.conn, ItemId(a.id), &a.fields)?)
    }),
    Command::read("desk.card", Who::EVERYONE, |app, cx, args| {
        let a: IdArg = args_of(args)?;
        app.desk_card(&cx.clock, CustomerId(a.id))
    }),
    Command::read("desk.board", Who::EVERYONE, |app, cx, args| {
        let a: DateArg = args_of(args)?;
        let date = consumption::record_date(&a.date, &cx.clock, "date")?;
        // Times as the clinic's clock reads them, not the PC's.
        let entries: Vec<Value> = triage::board(&app.conn, date)?
            .into_iter()
            .map(|e| {
                let time = cx.clock.local_time(&e.arrived_at);
                let mut v = json!(e);
                v["arrived_time"] = json!(time);
                v
            })
            .collect();
        Ok(json!({"date": date.to_string(), "entries": entries}))
    }),
    Command::write("desk.register", Who::DESK, |app, cx, args| {
        let draft: ArrivalDraft = args_of(args)?;
        to_json(crate::desk::register(&mut app.conn, &cx.clock, cx.by()?, &draft)?)
    }),
    Command::write("desk.move", Who::DESK, |app, cx, args| {
        let m: Move = args_of(args)?;
        to_json(triage::move_to(&mut app.conn, &cx.clock, cx.by()?, &m)?)
    }),
    Command::read("consumption.file", Who::EVERYONE, |app, cx, args| {
        let a: CustomerArg = args_of(args)?;
        app.consumption_file(&cx.clock, CustomerId(a.customer_id))
    }),
    Command::read("consumption.day", Who::EVERYONE, |app, cx, args| {
        let a: DateArg = args_of(args)?;
        let date = consumption::record_date(&a.date, &cx.clock, "date")?;
        to_json(consumption::day_ledger(&app.conn, date)?)
    }),
    Command::write("orders.create", Who::DESK, |app, cx, args| {
        let draft: OrderDraft = args_of(args)?;
        let order = crate::desk::create_order(&mut app.conn, &cx.clock, cx.by()?, &draft)?;
        Ok(json!({"order_id": order}))
    }),
    Command::write("payments.add", Who::DESK, |app, cx, args| {
        let p: LaterPayment = args_of(args)?;
        Ok(json!({"payment_id": crate::desk::add_payment(&mut app.conn, &cx.clock, cx.by()?, &p)?}))
    }),
    Command::write("refunds.add", Who::CONSULTANT, |app, cx, args| {
        let r: RefundDraft = args_of(args)?;
        Ok(json!({"refund_id": crate::desk::refund(&mut app.conn, &cx.clock, cx.by()?, &r)?}))
    })
    .audited("登记退款"),
    Command::write("executions.add", Who::DESK, |app, cx, args| {
        let e: ExecutionDraft = args_of(args)?;
        Ok(json!({"execution_id": crate::desk::execute(&mut app.conn, &cx.clock, cx.by()?, &e)?}))
    }),
    Command::write("records.void", Who::CONSULTANT, |app, cx, args| {
        let v: VoidArgs = args_of(args)?;
        crate::desk::void(&mut app.conn, &cx.clock, cx.by()?, v.what, v.id, &v.reason)?;
        Ok(json!({"voided": v.id}))
    })
    .audited("作废记录"),
];

impl App {
    fn items_list(&self) -> Result<Value> {
        Ok(json!({
            "items": items::list(&self.conn)?.into_iter().map(|i| {
                let keys = crate::search_keys::typing_keys(&i.name);
                let mut v = json!(i);
                v["keys"] = json!(keys);
                v
            }).collect::<Vec<_>>(),
            "categories": consumption::categories(),
            "payment_methods": PAYMENT_METHODS,
            "arrival_kinds": KINDS,
        }))
    }

    /// What reception sees the moment a customer is picked: who they are, what
    /// to remember, their visits and spend, open packages, what they hold
    /// (entitlements, vouchers, points) and today's arrival.
    fn desk_card(&self, clock: &Clock, id: CustomerId) -> Result<Value> {
        let file = customers::file(&self.conn, id)?;
        let facts = visits::facts(&self.conn, id, clock.today())?;
        let rules = crate::tiers::rules(&self.conn)?;
        let leaving = crate::tiers::spend_leaving_30d(&self.conn, id, clock.today())?;
        let appointment = crate::appointments::expected_of(&self.conn, id, clock.today())?.map(|a| {
            let kind = crate::appointments::arrival_kind(&a.purpose);
            let mut v = json!(a);
            v["arrival_kind"] = json!(kind);
            v
        });
        Ok(json!({
            "appointment_today": appointment,
            "file": file,
            "labels": crate::tiers::explain(&rules, &facts, clock.today(), leaving),
            "facts": facts,
            "open_packages": consumption::open_packages(&self.conn, id)?,
            "today_arrival": triage::today_arrival(&self.conn, id, clock.today())?,
            "wallet": crate::wallet::of_customer(&self.conn, clock, id, clock.today())?,
        }))
    }

    fn consumption_file(&self, clock: &Clock, id: CustomerId) -> Result<Value> {
        customers::get(&self.conn, id).map_err(|_| Error::NotFound("找不到这位客户。".into()))?;
        Ok(json!({
            "facts": visits::facts(&self.conn, id, clock.today())?,
            "packages": consumption::packages(&self.conn, id)?,
            "owing": consumption::owing(&self.conn, id)?,
            "timeline": consumption::timeline(&self.conn, id)?,
        }))
    }
}
