//! The commands of the booking book: book, move, cancel, check in, the day
//! and week books, reminders, a customer's appointments and the settings.

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{json, Value};

use super::table::{Command, Who};
use super::{args_of, to_json, IdArg};
use crate::appointments::{self, BookingSettings, Draft};
use crate::customers::CustomerId;
use crate::error::{Error, Result};

#[derive(Deserialize, Default)]
#[serde(default)]
struct DateArg {
    date: Option<String>,
}

#[derive(Deserialize)]
struct MoveArgs {
    id: i64,
    date: String,
    time: String,
    #[serde(default)]
    minutes: Option<i64>,
    #[serde(default)]
    staff_id: Option<i64>,
}

#[derive(Deserialize)]
struct CancelArgs {
    id: i64,
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Deserialize)]
struct CustomerArg {
    customer_id: i64,
}

fn date_or(text: Option<&str>, default: NaiveDate) -> Result<NaiveDate> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => crate::parse::date(t).map_err(|r| Error::invalid("date", r)),
        None => Ok(default),
    }
}

/// The booking book. Every role books: customer service books from its calls.
pub(super) const COMMANDS: &[Command] = &[
    Command::write("appointments.book", Who::EVERYONE, |app, cx, args| {
        let d: Draft = args_of(args)?;
        to_json(appointments::book(&mut app.conn, &cx.clock, cx.by()?, &d)?)
    }),
    Command::write("appointments.move", Who::EVERYONE, |app, cx, args| {
        let a: MoveArgs = args_of(args)?;
        to_json(appointments::reschedule(&mut app.conn, &cx.clock, cx.by()?, a.id, &a.date, &a.time, a.minutes, a.staff_id)?)
    })
    .audited("预约改期"),
    Command::write("appointments.cancel", Who::EVERYONE, |app, cx, args| {
        let a: CancelArgs = args_of(args)?;
        to_json(appointments::cancel(&mut app.conn, &cx.clock, cx.by()?, a.id, a.reason.as_deref())?)
    })
    .audited("取消预约"),
    Command::write("appointments.check_in", Who::DESK, |app, cx, args| {
        let a: IdArg = args_of(args)?;
        to_json(crate::desk::check_in(&mut app.conn, &cx.clock, cx.by()?, a.id)?)
    }),
    Command::read("appointments.get", Who::EVERYONE, |app, _, args| {
        let a: IdArg = args_of(args)?;
        let mut v = to_json(appointments::get(&app.conn, a.id)?)?;
        v["history"] = to_json(appointments::history(&app.conn, a.id)?)?;
        Ok(v)
    }),
    Command::read("appointments.day", Who::EVERYONE, |app, cx, args| {
        let a: DateArg = args_of(args)?;
        let d = date_or(a.date.as_deref(), cx.clock.today())?;
        to_json(appointments::book_for(&app.conn, d, 1)?)
    }),
    // `liuke appointments`: the day's book as a list.
    Command::read("appointments.list", Who::EVERYONE, |app, cx, args| {
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct ListArgs {
            date: Option<String>,
            format: super::Format,
        }
        let a: ListArgs = args_of(args)?;
        let d = date_or(a.date.as_deref(), cx.clock.today())?;
        super::as_text(a.format, &appointments::day(&app.conn, d)?, |l| appointments::day_csv(l))
    }),
    Command::read("appointments.week", Who::EVERYONE, |app, cx, args| {
        let a: DateArg = args_of(args)?;
        let d = date_or(a.date.as_deref(), cx.clock.today())?;
        to_json(appointments::book_for(&app.conn, appointments::week_start(d), 7)?)
    }),
    Command::read("appointments.reminders", Who::EVERYONE, |app, cx, args| {
        let a: DateArg = args_of(args)?;
        let today = cx.clock.today();
        let d = date_or(a.date.as_deref(), today.succ_opt().unwrap_or(today))?;
        Ok(json!({"date": d.to_string(), "reminders": appointments::reminders(&app.conn, d)?}))
    })
    .dialled(),
    // Today's arrivals still to come, for the desk.
    Command::read("appointments.expected", Who::EVERYONE, |app, cx, _| {
        let list = appointments::day(&app.conn, cx.clock.today())?;
        to_json(list.into_iter().filter(|a| a.status == appointments::Status::Booked).collect::<Vec<_>>())
    }),
    Command::read("appointments.customer", Who::EVERYONE, |app, cx, args| {
        let a: CustomerArg = args_of(args)?;
        let (upcoming, past) = appointments::of_customer(&app.conn, CustomerId(a.customer_id), cx.clock.today())?;
        Ok(json!({"upcoming": upcoming, "past": past}))
    }),
    Command::read("appointments.options", Who::EVERYONE, |app, cx, _| {
        let s = appointments::settings(&app.conn)?;
        let staff: Vec<Value> = crate::staff::list(&app.conn)?
            .into_iter()
            .filter(|m| m.active && m.role != crate::staff::Role::System)
            .map(|m| json!({"id": m.id.0, "name": m.name, "role": m.role, "role_label": m.role_label}))
            .collect();
        Ok(json!({"settings": s, "purposes": appointments::PURPOSES, "staff": staff, "today": cx.clock.today().to_string()}))
    }),
    Command::write("appointments.save_settings", Who::OWNER, |app, _, args| {
        let s: BookingSettings = args_of(args)?;
        appointments::save_settings(&app.conn, &s)?;
        to_json(appointments::settings(&app.conn)?)
    })
    .audited("修改预约设置"),
];
