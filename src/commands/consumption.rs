//! The commands of the triage desk, the item catalogue and the consumption
//! file. Each handler only parses its arguments and calls the core.

use serde::Deserialize;
use serde_json::{json, Value};

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

impl App {
    /// Runs a triage, catalogue or consumption command; `None` when `cmd` is not one.
    pub(super) fn dispatch_consumption(&mut self, clock: &Clock, cmd: &str, actor: Option<i64>, args: Value) -> Option<Result<Value>> {
        let result = match cmd {
            "items.list" => self.items_list(),
            "items.create" => self.actor(actor).and_then(|by| {
                let draft: ItemDraft = args_of(args)?;
                to_json(items::create(&self.conn, clock, by, &draft)?)
            }),
            "items.update" => self.actor(actor).and_then(|_| {
                let a: ItemUpdate = args_of(args)?;
                to_json(items::update(&self.conn, ItemId(a.id), &a.fields)?)
            }),
            "desk.card" => args_of::<IdArg>(args).and_then(|a| self.desk_card(clock, CustomerId(a.id))),
            "desk.board" => args_of::<DateArg>(args).and_then(|a| {
                let date = consumption::record_date(&a.date, clock, "date")?;
                Ok(json!({"date": date.to_string(), "entries": triage::board(&self.conn, date)?}))
            }),
            "desk.register" => self.actor(actor).and_then(|by| {
                let draft: ArrivalDraft = args_of(args)?;
                to_json(triage::register(&mut self.conn, clock, by, &draft)?)
            }),
            "desk.move" => self.actor(actor).and_then(|by| {
                let m: Move = args_of(args)?;
                to_json(triage::move_to(&mut self.conn, clock, by, &m)?)
            }),
            "consumption.file" => args_of::<CustomerArg>(args).and_then(|a| self.consumption_file(clock, CustomerId(a.customer_id))),
            "consumption.day" => args_of::<DateArg>(args).and_then(|a| {
                let date = consumption::record_date(&a.date, clock, "date")?;
                to_json(consumption::day_ledger(&self.conn, date)?)
            }),
            "orders.create" => self.actor(actor).and_then(|by| {
                let draft: OrderDraft = args_of(args)?;
                let order = consumption::create_order(&mut self.conn, clock, by, &draft)?;
                Ok(json!({"order_id": order}))
            }),
            "payments.add" => self.actor(actor).and_then(|by| {
                let p: LaterPayment = args_of(args)?;
                Ok(json!({"payment_id": consumption::add_payment(&mut self.conn, clock, by, &p)?}))
            }),
            "refunds.add" => self.actor(actor).and_then(|by| {
                let r: RefundDraft = args_of(args)?;
                Ok(json!({"refund_id": consumption::refund(&mut self.conn, clock, by, &r)?}))
            }),
            "executions.add" => self.actor(actor).and_then(|by| {
                let e: ExecutionDraft = args_of(args)?;
                Ok(json!({"execution_id": consumption::execute(&mut self.conn, clock, by, &e)?}))
            }),
            "records.void" => self.actor(actor).and_then(|by| {
                let v: VoidArgs = args_of(args)?;
                consumption::void(&mut self.conn, clock, by, v.what, v.id, &v.reason)?;
                Ok(json!({"voided": v.id}))
            }),
            _ => return None,
        };
        Some(result)
    }

    fn items_list(&self) -> Result<Value> {
        Ok(json!({
            "items": items::list(&self.conn)?,
            "categories": consumption::categories(),
            "payment_methods": PAYMENT_METHODS,
            "arrival_kinds": KINDS,
        }))
    }

    /// What reception sees the moment a customer is picked: who they are, what
    /// to remember, their visits and spend, open packages and today's arrival.
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
