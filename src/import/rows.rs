//! What the fact imports (consumption, executions, arrivals) share: finding the
//! customer by phone, reading a date that is not after today, whole numbers,
//! and the key that makes a re-imported row change nothing.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::Connection;

use rust_decimal::prelude::ToPrimitive;

use super::table::{Header, Row, Typed};
use crate::clock::Clock;
use crate::customers::{self, CustomerId};
use crate::items::{self, Category, Item};
use crate::staff::StaffId;
use crate::error::{Problem, Result};
use crate::money::Money;

/// Collects a row's problems with their line and the file's own column names.
pub struct RowCheck<'a> {
    pub header: &'a Header,
    pub row: &'a Row,
    pub problems: Vec<Problem>,
}

impl<'a> RowCheck<'a> {
    pub fn new(header: &'a Header, row: &'a Row) -> Self {
        RowCheck { header, row, problems: Vec::new() }
    }

    pub fn cell(&self, key: &str) -> Option<&'a str> {
        self.header.cell(self.row, key)
    }

    pub fn problem(&mut self, key: &str, reason: impl Into<String>) {
        self.problems.push(Problem::at(self.row.line, self.header.label(key), reason));
    }

    /// The customer whose phone the row names; the archive must have them.
    pub fn customer(&mut self, conn: &Connection, known: &mut Known) -> Result<Option<(CustomerId, String)>> {
        let Some(text) = self.cell("phone") else { return Ok(None) };
        let phone = match crate::phone::normalize(text) {
            Ok(p) => p,
            Err(reason) => {
                self.problem("phone", reason);
                return Ok(None);
            }
        };
        match known.customer(conn, &phone)? {
            Some(id) => Ok(Some((id, phone))),
            None => {
                self.problem("phone", format!("手机号 {phone} 不在客户档案中，请先导入或新建这位客户"));
                Ok(None)
            }
        }
    }

    /// A required date, not after today: a workbook's date cell as it is,
    /// text in any of the written forms.
    pub fn date(&mut self, key: &str, today: NaiveDate) -> Option<NaiveDate> {
        let parsed = match self.header.typed(self.row, key)? {
            Typed::Date(d) => Ok(d),
            Typed::Text(text) => crate::parse::date(text),
            Typed::Number(n) => Err(format!("日期这一格是数字 {n}，不是日期：请在 Excel 中把这一列设为日期格式，或写成 2026-10-05")),
        };
        match parsed {
            Ok(d) if d > today => {
                self.problem(key, format!("日期 {d} 在今天（{today}）之后，不能导入未来的记录"));
                None
            }
            Ok(d) => Some(d),
            Err(reason) => {
                self.problem(key, reason);
                None
            }
        }
    }

    /// An amount: a workbook's number cell exactly as Excel shows it, text in
    /// any of the written forms of [`Money::parse`].
    pub fn money(&mut self, key: &str) -> Option<Money> {
        let parsed = match self.header.typed(self.row, key)? {
            Typed::Number(n) => Money::from_decimal(n, &n.to_string()),
            Typed::Text(text) => Money::parse(text),
            Typed::Date(d) => Err(format!("金额这一格是日期 {d}，请改成金额")),
        };
        parsed.map_err(|reason| self.problem(key, reason)).ok()
    }

    /// A whole number in `min..=max`, or `default` when the cell is blank.
    pub fn count(&mut self, key: &str, default: i64, min: i64, max: i64, what: &str) -> Option<i64> {
        let Some(cell) = self.header.typed(self.row, key) else { return Some(default) };
        let n = match cell {
            Typed::Number(n) if n.fract().is_zero() => n.to_i64(),
            Typed::Text(text) => text.parse::<i64>().ok(),
            _ => None,
        };
        match n {
            Some(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                let shown = self.cell(key).unwrap_or_default();
                self.problem(key, format!("{what}「{shown}」应为 {min} 到 {max} 之间的整数"));
                None
            }
        }
    }
}

/// What one import has already looked up: a file names the same customers
/// and items over and over.
#[derive(Default)]
pub struct Known {
    customers: HashMap<String, Option<CustomerId>>,
    items: HashMap<String, Option<Item>>,
}

impl Known {
    pub fn customer(&mut self, conn: &Connection, phone: &str) -> Result<Option<CustomerId>> {
        if let Some(found) = self.customers.get(phone) {
            return Ok(*found);
        }
        let found = customers::id_by_phone(conn, phone)?;
        self.customers.insert(phone.to_string(), found);
        Ok(found)
    }

    /// An item of the catalogue by name.
    pub fn item(&mut self, conn: &Connection, name: &str) -> Result<Option<Item>> {
        if let Some(found) = self.items.get(name) {
            return Ok(found.clone());
        }
        let found = items::find_by_name(conn, name)?;
        self.items.insert(name.to_string(), found.clone());
        Ok(found)
    }

    /// An item by name, added to the catalogue (with `category`) when new.
    pub fn ensure_item(&mut self, conn: &Connection, clock: &Clock, by: StaffId, name: &str, category: Option<Category>) -> Result<Item> {
        if let Some(Some(item)) = self.items.get(name) {
            return Ok(item.clone());
        }
        let item = items::ensure(conn, clock, by, name, category)?;
        self.items.insert(name.to_string(), Some(item.clone()));
        Ok(item)
    }
}

/// The rows in the order they are written: one customer's rows together,
/// each customer's in file order. What a row means depends only on its own
/// customer's earlier rows (the oldest order with sessions left, which order a
/// refund belongs to, how many identical rows came before), so this changes no
/// outcome; it keeps each customer's orders, sessions and calls together in
/// the database's pages instead of jumping across the whole file for every
/// row. Problems keep their own line numbers.
pub fn by_customer<'t>(header: &Header, rows: &'t [Row]) -> Vec<&'t Row> {
    let phone = |row: &Row| header.cell(row, "phone").map(|t| crate::phone::normalize(t).unwrap_or_else(|_| t.to_string())).unwrap_or_default();
    let mut keyed: Vec<(String, &Row)> = rows.iter().map(|r| (phone(r), r)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|(_, r)| r).collect()
}

/// Keys for rows without a 单号: the row's normalised values plus how many
/// identical rows came before it in the file, so two identical rows are two
/// records and importing the file again finds both.
#[derive(Default)]
pub struct RowKeys(HashMap<String, u32>);

impl RowKeys {
    pub fn key(&mut self, kind: &str, parts: &[&str]) -> String {
        let base = format!("{kind}:{}", parts.join("|"));
        let n = self.0.entry(base.clone()).or_insert(0);
        *n += 1;
        format!("{base}#{n}")
    }
}

/// Whether a record with this import key is already in `table`.
pub fn already_imported(conn: &Connection, table: &str, key: &str) -> Result<bool> {
    Ok(conn.prepare_cached(&format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE import_key = ?1)"))?.query_row([key], |r| r.get(0))?)
}
