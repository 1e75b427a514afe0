//! Importing executions (划扣记录): each row takes `count` sessions of the item
//! from the customer's oldest order with sessions left (on or before the
//! row's date); a row asking for more than is left is an error with its line.

use std::collections::HashMap;

use rusqlite::Connection;

use super::rows::{Known, RowCheck, RowKeys};
use super::table::Column;
use super::ImportReport;
use crate::catch_up::Touched;
use crate::clock::Clock;
use crate::consumption;
use crate::error::{Error, Problem, Result};
use crate::staff::StaffId;

pub const COLUMNS: &[Column] = &[
    Column { key: "phone", zh: "手机号", en: "phone", required: true },
    Column { key: "date", zh: "日期", en: "date", required: true },
    Column { key: "item", zh: "项目", en: "item", required: true },
    Column { key: "count", zh: "次数", en: "count", required: false },
];

pub fn import(conn: &mut Connection, clock: &Clock, by: StaffId, file: super::File<'_>, dry_run: bool) -> Result<ImportReport> {
    let super::Opened { table, mut problems, mut report, mut progress } = super::open("executions", file, COLUMNS, dry_run)?;
    let tx = crate::store::write_tx(conn)?;
    crate::prepaid::start_bulk(&tx)?;
    let mut keys = RowKeys::default();
    let mut touched = Touched::default();
    let history = crate::followups::HistoryBuffer::start(&tx)?;
    let mut known = Known::default();
    let mut open: Option<(crate::customers::CustomerId, HashMap<crate::items::ItemId, Vec<consumption::Package>>)> = None;
    for (i, row) in super::rows::by_customer(&table.header, &table.rows).into_iter().enumerate() {
        progress.row(i);
        let mut check = RowCheck::new(&table.header, row);
        let customer = check.customer(&tx, &mut known)?;
        let date = check.date("date", clock.today());
        let count = check.count("count", 1, 1, 999, "次数");
        let item = match check.cell("item") {
            Some(name) => {
                let found = known.item(&tx, name)?;
                if found.is_none() {
                    check.problem("item", format!("项目「{name}」不在项目目录中，也没有买过，无法划扣"));
                }
                found
            }
            None => None,
        };
        let (Some((customer, phone)), Some(date), Some(count), Some(item), true) = (customer, date, count, item, check.problems.is_empty()) else {
            problems.extend(check.problems);
            continue;
        };
        let key = keys.key("execution", &[&phone, &date.to_string(), &item.name, &count.to_string()]);
        if exists(&tx, &key)? {
            report.unchanged += 1;
            continue;
        }
        // One customer's rows come together: their lines are read once and
        // counted down here (nothing else writes sessions during the import).
        if open.as_ref().is_some_and(|(c, _)| *c != customer) {
            open = None;
        }
        let lines = &mut open.get_or_insert_with(|| (customer, HashMap::new())).1;
        let lines = match lines.entry(item.id) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(consumption::open_lines(&tx, customer, item.id)?),
        };
        match consumption::take_oldest_first(&tx, clock, by, lines, date, count, Some(&key)) {
            Ok(()) => {
                touched.add(customer);
                report.created += 1;
            }
            Err(Error::Invalid(ps)) => {
                problems.extend(ps.into_iter().map(|p| Problem::at(row.line, table.header.label("count"), p.reason)));
            }
            Err(e) => return Err(e),
        }
    }
    super::finish(tx, clock, problems, report, &touched, &mut progress, Some(history))
}

fn exists(conn: &Connection, key: &str) -> Result<bool> {
    Ok(conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM executions WHERE import_key = ?1)")?.query_row([key], |r| r.get(0))?)
}
