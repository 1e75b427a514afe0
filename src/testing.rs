//! Fixtures for the core's unit tests: an in-memory clinic with the real
//! migrations, and short ways to write the facts a rule reads.

use chrono::NaiveDate;
use rusqlite::Connection;

use crate::clock::Clock;
use crate::consumption::{self, ExecutionDraft, LineDraft, LineId, OrderDraft, OrderId, PaymentDraft};
use crate::customers::{self, CustomerDraft, CustomerId};
use crate::items::{self, Category, ItemId};
use crate::money::Money;
use crate::staff::SYSTEM_STAFF;
use crate::triage::{self, NewArrival, Status};

pub fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn yuan(text: &str) -> Money {
    Money::parse(text).unwrap()
}

pub struct Clinic {
    pub conn: Connection,
    pub clock: Clock,
}

impl Clinic {
    pub fn on(today: NaiveDate) -> Clinic {
        Clinic { conn: crate::store::open_in_memory().unwrap(), clock: Clock::fixed(today) }
    }

    pub fn customer(&mut self, name: &str, phone: &str) -> CustomerId {
        let draft = CustomerDraft { name: name.into(), phone: phone.into(), ..Default::default() };
        customers::create(&mut self.conn, &self.clock, SYSTEM_STAFF, &draft).unwrap()
    }

    pub fn item(&mut self, name: &str, category: Category) -> ItemId {
        items::ensure(&self.conn, &self.clock, SYSTEM_STAFF, name, Some(category)).unwrap().id
    }

    /// An order of one line with its payment in full on `date`; returns the order and its line.
    pub fn buy(&mut self, c: CustomerId, date: NaiveDate, item: ItemId, sessions: i64, amount: &str) -> (OrderId, LineId) {
        let draft = OrderDraft {
            customer_id: c,
            date: Some(date.to_string()),
            lines: vec![LineDraft { item_id: item, sessions, price: yuan(amount), list_price: None }],
            payment: Some(PaymentDraft { amount: yuan(amount), method: "微信".into() }),
            consultant: None,
            doctor: None,
            note: None,
            order_no: None,
            arrival_id: None,
            credits: Default::default(),
        };
        let order = crate::desk::create_order(&mut self.conn, &self.clock, SYSTEM_STAFF, &draft).unwrap();
        let line = consumption::packages(&self.conn, c).unwrap().into_iter().find(|p| p.order_id == order).unwrap().line_id;
        (order, line)
    }

    /// One session bought and done on `date` (an execution follow-ups hang on).
    pub fn treat(&mut self, c: CustomerId, date: NaiveDate, item: ItemId, amount: &str) -> LineId {
        let (_, line) = self.buy(c, date, item, 1, amount);
        self.execute(line, date, 1).unwrap();
        line
    }

    pub fn execute(&mut self, line: LineId, date: NaiveDate, count: i64) -> crate::Result<i64> {
        let draft = ExecutionDraft { line_id: line, date: Some(date.to_string()), count, performer: None };
        crate::desk::execute(&mut self.conn, &self.clock, SYSTEM_STAFF, &draft)
    }

    pub fn arrive(&mut self, c: CustomerId, date: NaiveDate) -> i64 {
        let a = NewArrival {
            customer_id: c,
            date,
            kind: Some("复诊".into()),
            channel: None,
            purpose: None,
            assigned_to: None,
            department: None,
            status: Status::Left,
            import_key: None,
        };
        triage::insert_tx(&self.conn, &self.clock, SYSTEM_STAFF, &a).unwrap()
    }

    pub fn refund(&mut self, c: CustomerId, date: NaiveDate, amount: &str) -> i64 {
        let d = consumption::RefundDraft {
            customer_id: c,
            line_id: None,
            date: Some(date.to_string()),
            amount: yuan(amount),
            sessions_returned: 0,
            method: None,
            reason: Some("不满意".into()),
        };
        crate::desk::refund(&mut self.conn, &self.clock, SYSTEM_STAFF, &d).unwrap()
    }
}
