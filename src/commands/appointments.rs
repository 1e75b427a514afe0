//! The commands of the booking book: book, move, cancel, check in, the day
//! and week books, reminders, a customer's appointments and the settings.

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{args_of, to_json, App, IdArg};
use crate::appointments::{self, BookingSettings, Draft};
use crate::clock::Clock;
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

impl App {
    /// Runs a booking-book command; `None` when `cmd` is not one.
    pub(super) fn dispatch_appointments(&mut self, clock: &Clock, cmd: &str, actor: Option<i64>, args: Value) -> Option<Result<Value>> {
        let result = match cmd {
            "appointments.book" => self.actor(actor).and_then(|by| {
                let d: Draft = args_of(args)?;
                to_json(appointments::book(&mut self.conn, clock, by, &d)?)
            }),
            "appointments.move" => self.actor(actor).and_then(|by| {
                let a: MoveArgs = args_of(args)?;
                to_json(appointments::reschedule(&mut self.conn, clock, by, a.id, &a.date, &a.time, a.minutes, a.staff_id)?)
            }),
            "appointments.cancel" => self.actor(actor).and_then(|by| {
                let a: CancelArgs = args_of(args)?;
                to_json(appointments::cancel(&mut self.conn, clock, by, a.id, a.reason.as_deref())?)
            }),
            "appointments.check_in" => self.actor(actor).and_then(|by| {
                let a: IdArg = args_of(args)?;
                to_json(appointments::check_in(&mut self.conn, clock, by, a.id)?)
            }),
            "appointments.get" => args_of::<IdArg>(args).and_then(|a| {
                let mut v = to_json(appointments::get(&self.conn, a.id)?)?;
                v["history"] = to_json(appointments::history(&self.conn, a.id)?)?;
                Ok(v)
            }),
            "appointments.day" => args_of::<DateArg>(args).and_then(|a| {
                let d = date_or(a.date.as_deref(), clock.today())?;
                to_json(appointments::book_for(&self.conn, d, 1)?)
            }),
            "appointments.week" => args_of::<DateArg>(args).and_then(|a| {
                let d = date_or(a.date.as_deref(), clock.today())?;
                to_json(appointments::book_for(&self.conn, appointments::week_start(d), 7)?)
            }),
            "appointments.reminders" => args_of::<DateArg>(args).and_then(|a| {
                let tomorrow = clock.today().succ_opt().unwrap_or(clock.today());
                let d = date_or(a.date.as_deref(), tomorrow)?;
                Ok(json!({"date": d.to_string(), "reminders": appointments::reminders(&self.conn, d)?}))
            }),
            "appointments.expected" => {
                // Today's arrivals still to come, for the desk.
                appointments::day(&self.conn, clock.today()).and_then(|list| {
                    to_json(list.into_iter().filter(|a| a.status == appointments::Status::Booked).collect::<Vec<_>>())
                })
            }
            "appointments.customer" => args_of::<CustomerArg>(args).and_then(|a| {
                let (upcoming, past) = appointments::of_customer(&self.conn, CustomerId(a.customer_id), clock.today())?;
                Ok(json!({"upcoming": upcoming, "past": past}))
            }),
            "appointments.options" => appointments::settings(&self.conn).and_then(|s| {
                let staff: Vec<Value> = crate::staff::list(&self.conn)?
                    .into_iter()
                    .filter(|m| m.active && m.role != crate::staff::Role::System)
                    .map(|m| json!({"id": m.id.0, "name": m.name, "role": m.role, "role_label": m.role_label}))
                    .collect();
                Ok(json!({"settings": s, "purposes": appointments::PURPOSES, "staff": staff, "today": clock.today().to_string()}))
            }),
            "appointments.save_settings" => args_of::<BookingSettings>(args).and_then(|s| {
                appointments::save_settings(&self.conn, &s)?;
                to_json(appointments::settings(&self.conn)?)
            }),
            _ => return None,
        };
        Some(result)
    }
}
