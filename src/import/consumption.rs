//! Importing consumption (消费记录): one row is one order (开单) of an item with
//! its payment on that date and `executed` sessions done that same date; a
//! negative amount is a refund. 单号 makes a row's re-import change nothing;
//! rows without one are recognised by their values. An unknown item joins the
//! catalogue with the row's category (其他 if none).

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};

use super::rows::{already_imported, Known, RowCheck, RowKeys};
use super::table::Column;
use super::ImportReport;
use crate::catch_up::Touched;
use crate::clock::Clock;
use crate::consumption::{self, LineId, NewLine, NewOrder, NewRefund, OrderId};
use crate::error::Result;
use crate::items::Category;
use crate::money::Money;
use crate::staff::StaffId;

pub const COLUMNS: &[Column] = &[
    Column { key: "phone", zh: "手机号", en: "phone", required: true },
    Column { key: "date", zh: "日期", en: "date", required: true },
    Column { key: "item", zh: "项目", en: "item", required: true },
    Column { key: "category", zh: "项目类别", en: "category", required: false },
    Column { key: "sessions", zh: "次数", en: "sessions", required: false },
    Column { key: "amount", zh: "实收金额", en: "amount", required: true },
    Column { key: "executed", zh: "已执行次数", en: "executed", required: false },
    Column { key: "doctor", zh: "医生", en: "doctor", required: false },
    Column { key: "consultant", zh: "顾问", en: "consultant", required: false },
    Column { key: "order_no", zh: "单号", en: "order_no", required: false },
];

const MAX_SESSIONS: i64 = 999;

pub fn import(conn: &mut Connection, clock: &Clock, by: StaffId, file: super::File<'_>, dry_run: bool) -> Result<ImportReport> {
    let super::Opened { table, mut problems, mut report, mut progress } = super::open("consumption", file, COLUMNS, dry_run)?;
    let tx = crate::store::write_tx(conn)?;
    crate::prepaid::start_bulk(&tx)?;
    let mut keys = RowKeys::default();
    let mut touched = Touched::default();
    let history = crate::followups::HistoryBuffer::start(&tx)?;
    let first_line_of_order_no = first_lines_of_order_nos(&table);
    let mut known = Known::default();
    for (i, row) in super::rows::by_customer(&table.header, &table.rows).into_iter().enumerate() {
        progress.row(i);
        let mut check = RowCheck::new(&table.header, row);
        let customer = check.customer(&tx, &mut known)?;
        let date = check.date("date", clock.today());
        let item_name = check.cell("item").map(str::to_string);
        if item_name.as_ref().is_some_and(|n| n.chars().count() > 60) {
            check.problem("item", "项目名称过长（最多 60 字）");
        }
        let category = check.cell("category").and_then(|c| Category::parse(c).map_err(|r| check.problem("category", r)).ok());
        let sessions = check.count("sessions", 1, 1, MAX_SESSIONS, "次数");
        let amount = check.money("amount");
        let executed = match sessions {
            Some(s) => check.count("executed", s, 0, s, "已执行次数"),
            None => None,
        };
        let order_no = check.cell("order_no").map(str::to_string);
        if let (Some(no), Some(a)) = (&order_no, amount) {
            match first_line_of_order_no.get(no) {
                Some(first) if a.fen() >= 0 && *first != row.line => check.problem("order_no", format!("单号 {no} 与第 {first} 行重复")),
                _ => {}
            }
        }
        let (Some((customer, phone)), Some(date), Some(item_name), Some(sessions), Some(amount), Some(executed), true) =
            (customer, date, item_name, sessions, amount, executed, check.problems.is_empty())
        else {
            problems.extend(check.problems);
            continue;
        };
        let date_text = date.to_string();
        let row_values = [phone.as_str(), date_text.as_str(), item_name.as_str(), &sessions.to_string(), &amount.to_string(), &executed.to_string()];
        let item = known.ensure_item(&tx, clock, by, &item_name, category)?;
        let consultant = check.cell("consultant").map(str::to_string);
        let doctor = check.cell("doctor").map(str::to_string);

        if amount.fen() < 0 {
            let key = match &order_no {
                Some(no) => format!("order_no:{no}:refund"),
                None => keys.key("refund", &row_values),
            };
            if already_imported(&tx, "refunds", &key)? {
                report.unchanged += 1;
                continue;
            }
            let (order_id, line_id) = refunded_line(&tx, customer.0, item.id.0, &date_text, order_no.as_deref())?;
            let refund = NewRefund {
                customer_id: customer,
                order_id,
                line_id,
                date,
                amount: Money(-amount.fen()),
                sessions_returned: 0,
                method: None,
                reason: Some("导入的退款".into()),
                import_key: Some(key),
            };
            consumption::insert_refund_tx(&tx, clock, by, &refund)?;
            touched.add(customer);
            report.created += 1;
            continue;
        }

        let import_key = match &order_no {
            Some(no) => {
                if consumption::order_id_by_no(&tx, no)?.is_some() {
                    report.unchanged += 1;
                    continue;
                }
                None
            }
            None => {
                let key = keys.key("order", &row_values);
                if already_imported(&tx, "orders", &key)? {
                    report.unchanged += 1;
                    continue;
                }
                Some(key)
            }
        };
        let order = NewOrder {
            customer_id: customer,
            date,
            lines: vec![NewLine { item_id: item.id, sessions, list_price: amount, price: amount }],
            consultant,
            doctor: doctor.clone(),
            note: None,
            order_no,
            arrival_id: None,
            import_key,
        };
        if executed == 0 {
            // Bought again: an earlier reminder for the item is moot (an execution below does this itself).
            crate::followups::cancel_repurchase_after(&tx, customer, item.id, date)?;
        }
        let (order_id, lines) = consumption::insert_order_tx(&tx, clock, by, &order)?;
        if amount.fen() > 0 {
            consumption::insert_payment_tx(&tx, clock, by, customer, Some(order_id), date, amount, "导入")?;
        }
        if executed > 0 {
            // The line was just written with `sessions` ≥ `executed` sessions, on this date.
            consumption::write_execution(&tx, clock, by, customer, lines[0], date, executed, doctor.as_deref(), Some("consumption-import"))?;
        }
        touched.add(customer);
        report.created += 1;
    }
    super::finish(tx, clock, problems, report, &touched, &mut progress, Some(history))
}

/// Each 单号's first line among the rows that are orders (not refunds), in
/// file order: a later order row with the same 单号 is a mistake.
fn first_lines_of_order_nos(table: &super::table::Table) -> HashMap<String, u64> {
    let mut first = HashMap::new();
    for row in &table.rows {
        let mut check = RowCheck::new(&table.header, row);
        if let (Some(no), Some(amount)) = (check.cell("order_no"), check.money("amount")) {
            if amount.fen() >= 0 {
                first.entry(no.to_string()).or_insert(row.line);
            }
        }
    }
    first
}

/// The order a refund row belongs to: the one its 单号 names, else the
/// customer's latest order of the item on or before the refund date, if any.
fn refunded_line(conn: &Connection, customer: i64, item: i64, date: &str, order_no: Option<&str>) -> Result<(Option<OrderId>, Option<LineId>)> {
    let found: Option<(i64, i64)> = match order_no {
        Some(no) => conn
            .query_row(
                "SELECT o.id, l.id FROM orders o JOIN order_lines l ON l.order_id = o.id
                 WHERE o.order_no = ?1 AND o.customer_id = ?2 ORDER BY l.item_id = ?3 DESC, l.id LIMIT 1",
                rusqlite::params![no, customer, item],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?,
        None => None,
    };
    let found = match found {
        Some(f) => Some(f),
        None => conn
            .query_row(
                "SELECT o.id, l.id FROM orders o JOIN order_lines l ON l.order_id = o.id
                 WHERE o.customer_id = ?1 AND l.item_id = ?2 AND o.order_date <= ?3 AND o.voided_at IS NULL
                 ORDER BY o.order_date DESC, o.id DESC LIMIT 1",
                rusqlite::params![customer, item, date],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?,
    };
    Ok((found.map(|f| OrderId(f.0)), found.map(|f| LineId(f.1))))
}
