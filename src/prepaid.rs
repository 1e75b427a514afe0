//! 预收未耗: the money a clinic holds for sessions not yet done (SPEC §6), the
//! owner's list of the packages behind it, and the 疗程邀约 calls it brings
//! (SPEC §5: an order with sessions left and none done for P days).
//!
//! The open lines are kept by the database (`open_lines`, migration 0015), so
//! nothing here adds up every line of the clinic: what was open on an earlier
//! day is an open line now or a line with a session or refund dated after it.

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;

use crate::customers::CustomerId;
use crate::error::Result;
use crate::money::Money;

/// P of SPEC §5 when the owner has not set it: days without a session
/// before a package call.
pub const DEFAULT_PACKAGE_DAYS: i64 = 45;

/// The owner's P (setting `package_days`).
pub fn package_days(conn: &Connection) -> Result<i64> {
    Ok(crate::store::settings::get(conn, "package_days")?.and_then(|t| t.parse().ok()).filter(|d| (7..=365).contains(d)).unwrap_or(DEFAULT_PACKAGE_DAYS))
}

/// What a line's sessions left are worth at its agreed price: price × left ÷
/// sessions, rounded half-up to the fen per line (SPEC §6).
pub fn value_left(price: Money, left: i64, sessions: i64) -> Money {
    if left <= 0 {
        return Money::ZERO;
    }
    price.share(left, sessions).unwrap_or(Money::ZERO)
}

/// The sessions left on live orders at the end of a day, and their value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Outstanding {
    pub sessions: i64,
    pub value: Money,
}

/// 预收未耗 at the end of `as_of`: sessions bought on live orders dated on or
/// before it, less those done and given back on or before it.
pub fn outstanding(conn: &Connection, as_of: NaiveDate) -> Result<Outstanding> {
    Ok(Ledger::load(conn, as_of, as_of)?.at(as_of))
}

/// A line as the month-end figures need it.
struct Facts {
    order_date: NaiveDate,
    sessions: i64,
    price: Money,
    /// Sessions left now (0 once done, given back).
    left_now: i64,
}

/// What 预收未耗 at any day end in [from, through] is worked out from: the
/// open lines now, and every session done or given back after `from` on a
/// line of a live order bought by `through` (what was left at a day end is
/// what is left now plus what was consumed after it). A session done the day
/// its line was bought never counts at any day end, so only the sessions the
/// database keeps in `later_sessions` (done on a later day) are read.
pub struct Ledger {
    lines: std::collections::HashMap<i64, Facts>,
    /// (line, date, sessions) consumed after `from`.
    after: Vec<(i64, NaiveDate, i64)>,
}

fn day(text: &str) -> rusqlite::Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

impl Ledger {
    pub fn load(conn: &Connection, from: NaiveDate, through: NaiveDate) -> Result<Ledger> {
        let mut lines = std::collections::HashMap::new();
        let mut stmt = conn.prepare_cached("SELECT line_id, order_date, sessions, price_fen, left FROM open_lines WHERE order_date <= ?1")?;
        let mut rows = stmt.query([through.to_string()])?;
        while let Some(r) = rows.next()? {
            let order_date: String = r.get(1)?;
            lines.insert(r.get(0)?, Facts { order_date: day(&order_date)?, sessions: r.get(2)?, price: r.get(3)?, left_now: r.get(4)? });
        }
        let mut after = Vec::new();
        let mut stmt = conn.prepare_cached(
            "SELECT s.line_id, s.exec_date, s.count, o.order_date, l.sessions, l.price_fen
             FROM later_sessions s JOIN order_lines l ON l.id = s.line_id JOIN orders o ON o.id = l.order_id
             WHERE s.exec_date > ?1 AND o.voided_at IS NULL AND o.order_date <= ?2
             UNION ALL
             SELECT r.order_line_id, r.refund_date, r.sessions_returned, o.order_date, l.sessions, l.price_fen
             FROM refunds r JOIN order_lines l ON l.id = r.order_line_id JOIN orders o ON o.id = l.order_id
             WHERE r.refund_date > ?1 AND r.voided_at IS NULL AND r.sessions_returned > 0 AND o.voided_at IS NULL AND o.order_date <= ?2
               AND r.refund_date > o.order_date",
        )?;
        let mut rows = stmt.query([from.to_string(), through.to_string()])?;
        while let Some(r) = rows.next()? {
            let (line, on, count, ordered): (i64, String, i64, String) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            after.push((line, day(&on)?, count));
            if let std::collections::hash_map::Entry::Vacant(slot) = lines.entry(line) {
                slot.insert(Facts { order_date: day(&ordered)?, sessions: r.get(4)?, price: r.get(5)?, left_now: 0 });
            }
        }
        Ok(Ledger { lines, after })
    }

    /// 预收未耗 at the end of `e` (a day in the range loaded).
    pub fn at(&self, e: NaiveDate) -> Outstanding {
        let mut consumed: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
        for (line, on, count) in &self.after {
            if *on > e {
                *consumed.entry(*line).or_default() += count;
            }
        }
        let mut out = Outstanding::default();
        for (id, f) in &self.lines {
            if f.order_date > e {
                continue;
            }
            let left = f.left_now + consumed.get(id).copied().unwrap_or(0);
            if left > 0 {
                out.sessions += left;
                out.value = out.value + value_left(f.price, left, f.sessions);
            }
        }
        out
    }
}

/// The setting an import's transaction holds while it writes (migration 0018).
const BULK: &str = "bulk_writing";

/// An import is about to write many lines, sessions and refunds in this
/// transaction: the open lines are brought up to date once, by
/// [`finish_bulk`], instead of row by row. Remembers where the new rows start.
pub fn start_bulk(tx: &Connection) -> Result<()> {
    let (lines, executions, refunds): (i64, i64, i64) = tx.query_row(
        "SELECT (SELECT coalesce(max(id), 0) FROM order_lines), (SELECT coalesce(max(id), 0) FROM executions), (SELECT coalesce(max(id), 0) FROM refunds)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    crate::store::settings::set(tx, BULK, &format!("{lines},{executions},{refunds}"))
}

/// Ends [`start_bulk`] (nothing when none was started): the open lines of
/// every line bought, done or given back since are worked out again, and the
/// sessions done on a later day than bought are kept.
pub fn finish_bulk(tx: &Connection) -> Result<()> {
    let Some(from) = crate::store::settings::get(tx, BULK)? else { return Ok(()) };
    tx.execute("DELETE FROM settings WHERE key = ?1", [BULK])?;
    let ids: Vec<i64> = from.split(',').filter_map(|t| t.parse().ok()).collect();
    let [lines, executions, refunds] = ids[..] else {
        return Err(crate::error::Error::Config(format!("导入标记「{from}」无法读取")));
    };
    // Lines written by the import were never in the open lines (the triggers
    // stood aside); older lines it did or gave back sessions of are worked out again.
    let older = "SELECT order_line_id FROM executions WHERE id > ?2 AND order_line_id <= ?1
                 UNION SELECT order_line_id FROM refunds WHERE id > ?3 AND order_line_id <= ?1";
    tx.execute(&format!("DELETE FROM open_lines WHERE line_id IN ({older})"), [lines, executions, refunds])?;
    let open_of = |which: &str| {
        format!(
            "INSERT INTO open_lines (line_id, order_id, customer_id, order_date, sessions, price_fen, left)
             SELECT id, order_id, customer_id, order_date, sessions, price_fen, left FROM (
                 SELECT l.id, l.order_id, o.customer_id, o.order_date, l.sessions, l.price_fen, l.sessions
                     - coalesce((SELECT sum(e.count) FROM executions e WHERE e.order_line_id = l.id AND e.voided_at IS NULL), 0)
                     - coalesce((SELECT sum(r.sessions_returned) FROM refunds r WHERE r.order_line_id = l.id AND r.voided_at IS NULL), 0) AS left
                 FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.voided_at IS NULL AND {which})
             WHERE left > 0"
        )
    };
    tx.execute(&open_of("l.id > ?1"), [lines])?;
    tx.execute(&open_of(&format!("l.id IN ({older})")), [lines, executions, refunds])?;
    tx.execute(
        "INSERT INTO later_sessions (execution_id, line_id, exec_date, count)
         SELECT e.id, e.order_line_id, e.exec_date, e.count FROM executions e
         JOIN order_lines l ON l.id = e.order_line_id JOIN orders o ON o.id = l.order_id
         WHERE e.id > ?1 AND e.voided_at IS NULL AND o.voided_at IS NULL AND e.exec_date > o.order_date",
        [executions],
    )?;
    Ok(())
}

/// One open line of a package call or of the owner's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageLeft {
    pub order_id: i64,
    pub item: String,
    pub sessions: i64,
    pub left: i64,
    pub value_left: Money,
    /// The order's last session (any of its lines), if any.
    pub last_session: Option<String>,
}

/// An open line's order's last session (any of its lines), for the SQL below.
macro_rules! last_session_of_order {
    () => {
        "(SELECT max(e.exec_date) FROM order_lines l2 JOIN executions e ON e.order_line_id = l2.id WHERE l2.order_id = ol.order_id AND e.voided_at IS NULL)"
    };
}

const LEFT_SQL: &str = concat!(
    "SELECT ol.order_id, i.name, ol.sessions, ol.left, ol.price_fen, ",
    last_session_of_order!(),
    " FROM open_lines ol JOIN order_lines l ON l.id = ol.line_id JOIN items i ON i.id = l.item_id"
);

fn left_of(r: &rusqlite::Row) -> rusqlite::Result<PackageLeft> {
    let (sessions, left, price): (i64, i64, Money) = (r.get(2)?, r.get(3)?, r.get(4)?);
    Ok(PackageLeft { order_id: r.get(0)?, item: r.get(1)?, sessions, left, value_left: value_left(price, left, sessions), last_session: r.get(5)? })
}

/// What is left of the packages a 疗程邀约 call is for (its live sources).
pub fn left_of_task(conn: &Connection, task: i64) -> Result<Vec<PackageLeft>> {
    let rows = conn
        .prepare_cached(&format!(
            "{LEFT_SQL}
             WHERE ol.order_id IN (SELECT CAST(substr(source, 9) AS INTEGER) FROM task_sources
                                   WHERE task_id = ?1 AND voided = 0 AND substr(source, 1, 8) = 'package:')
             ORDER BY ol.order_id, l.id"
        ))?
        .query_map([task], left_of)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A live order with sessions left, as the package calls see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenOrder {
    pub order_id: i64,
    pub customer: CustomerId,
    /// Its last session, or its order date if none (SPEC §5).
    pub anchor: NaiveDate,
    /// Its items with sessions left.
    pub items: String,
}

const OPEN_ORDERS_SQL: &str = concat!(
    "SELECT ol.order_id, ol.customer_id, ol.order_date, ",
    last_session_of_order!(),
    ", group_concat(i.name, '、') FROM open_lines ol JOIN order_lines l ON l.id = ol.line_id JOIN items i ON i.id = l.item_id"
);

fn open_order_of(r: &rusqlite::Row) -> rusqlite::Result<Option<OpenOrder>> {
    let (order_id, customer, ordered, last, items): (i64, i64, String, Option<String>, Option<String>) =
        (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
    let anchor = last.as_deref().unwrap_or(&ordered);
    Ok(NaiveDate::parse_from_str(anchor, "%Y-%m-%d")
        .ok()
        .map(|anchor| OpenOrder { order_id, customer: CustomerId(customer), anchor, items: items.unwrap_or_default() }))
}

/// The live orders with sessions left: one customer's, or the clinic's.
pub fn open_orders(conn: &Connection, customer: Option<CustomerId>) -> Result<Vec<OpenOrder>> {
    let rows: Vec<Option<OpenOrder>> = match customer {
        Some(c) => conn
            .prepare_cached(&format!("{OPEN_ORDERS_SQL} WHERE ol.customer_id = ?1 GROUP BY ol.order_id ORDER BY ol.order_id"))?
            .query_map([c.0], open_order_of)?
            .collect::<rusqlite::Result<_>>()?,
        None => conn
            .prepare_cached(&format!("{OPEN_ORDERS_SQL} GROUP BY ol.order_id ORDER BY ol.order_id"))?
            .query_map([], open_order_of)?
            .collect::<rusqlite::Result<_>>()?,
    };
    Ok(rows.into_iter().flatten().collect())
}

/// The package call dates of an order in [from, to]: its anchor + k·P, k ≥ 1.
pub fn call_days(o: &OpenOrder, p: i64, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    if p <= 0 {
        return out;
    }
    let mut k = 1;
    loop {
        let due = crate::followups::add_days(o.anchor, k * p);
        if due > to {
            return out;
        }
        if due >= from {
            out.push(due);
        }
        k += 1;
    }
}

/// A row of the owner's 预收未耗 list: one live order with sessions left.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub order_id: i64,
    pub customer_id: i64,
    pub name: String,
    pub phone: String,
    pub consultant: Option<String>,
    pub order_date: String,
    pub order_no: Option<String>,
    pub lines: Vec<PackageLeft>,
    pub sessions_left: i64,
    pub value_left: Money,
    pub last_session: Option<String>,
    /// Days since the last session (or since the order, when none yet).
    pub days_since: i64,
}

/// Every live order with sessions left, longest untouched first.
pub fn list(conn: &Connection, today: NaiveDate) -> Result<Vec<Row>> {
    let mut lines: std::collections::HashMap<i64, Vec<PackageLeft>> = std::collections::HashMap::new();
    for l in conn.prepare_cached(&format!("{LEFT_SQL} ORDER BY ol.order_id, l.id"))?.query_map([], left_of)? {
        let l = l?;
        lines.entry(l.order_id).or_default().push(l);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT o.id, c.id, c.name, c.phone, coalesce(o.consultant, c.consultant), o.order_date, o.order_no
         FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id IN (SELECT order_id FROM open_lines)",
    )?;
    let mut rows: Vec<Row> = stmt
        .query_map([], |r| {
            Ok(Row {
                order_id: r.get(0)?,
                customer_id: r.get(1)?,
                name: r.get(2)?,
                phone: r.get(3)?,
                consultant: r.get(4)?,
                order_date: r.get(5)?,
                order_no: r.get(6)?,
                lines: Vec::new(),
                sessions_left: 0,
                value_left: Money::ZERO,
                last_session: None,
                days_since: 0,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    for row in &mut rows {
        row.lines = lines.remove(&row.order_id).unwrap_or_default();
        row.sessions_left = row.lines.iter().map(|l| l.left).sum();
        row.value_left = row.lines.iter().map(|l| l.value_left).sum();
        row.last_session = row.lines.first().and_then(|l| l.last_session.clone());
        let since = row.last_session.as_deref().unwrap_or(&row.order_date);
        row.days_since = NaiveDate::parse_from_str(since, "%Y-%m-%d").map(|d| (today - d).num_days()).unwrap_or(0);
    }
    rows.sort_by(|a, b| b.days_since.cmp(&a.days_since).then(a.order_id.cmp(&b.order_id)));
    Ok(rows)
}

/// Column headers of the list's export.
const HEADERS: [&str; 10] = ["客户", "手机号", "顾问", "开单日期", "单号", "项目（剩余/共）", "剩余次数", "未耗金额", "上次划扣", "未到院天数"];

fn cells(r: &Row) -> Vec<String> {
    vec![
        r.name.clone(),
        r.phone.clone(),
        r.consultant.clone().unwrap_or_default(),
        r.order_date.clone(),
        r.order_no.clone().unwrap_or_default(),
        r.lines.iter().map(|l| format!("{} {}/{}", l.item, l.left, l.sessions)).collect::<Vec<_>>().join("、"),
        r.sessions_left.to_string(),
        r.value_left.to_string(),
        r.last_session.clone().unwrap_or_default(),
        r.days_since.to_string(),
    ]
}

/// The list as CSV for Excel (UTF-8 with BOM).
pub fn csv(rows: &[Row]) -> Result<String> {
    crate::export::csv_for_excel(&HEADERS, rows.iter().map(cells))
}

/// The list as a workbook: one sheet, money and counts as numbers, a total row.
pub fn workbook(rows: &[Row]) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| crate::error::Error::Config(format!("写出 Excel 文件失败：{e}"));
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("预收未耗").map_err(err)?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold).map_err(err)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = (i + 1) as u32;
        for (c, text) in cells(r).iter().enumerate() {
            let col = c as u16;
            match c {
                6 | 9 => ws.write_number(row, col, text.parse::<f64>().unwrap_or(0.0)).map_err(err)?,
                // An Excel cell holds a double; the fen amount round-trips exactly.
                7 => ws.write_number_with_format(row, col, r.value_left.fen() as f64 / 100.0, &money).map_err(err)?,
                _ => ws.write_string(row, col, crate::export::inert(text)).map_err(err)?,
            };
        }
    }
    let total = (rows.len() + 1) as u32;
    ws.write_string_with_format(total, 0, "合计", &bold).map_err(err)?;
    ws.write_number_with_format(total, 6, rows.iter().map(|r| r.sessions_left).sum::<i64>() as f64, &bold).map_err(err)?;
    let sum: Money = rows.iter().map(|r| r.value_left).sum();
    ws.write_number_with_format(total, 7, sum.fen() as f64 / 100.0, &money).map_err(err)?;
    for (c, w) in [10, 14, 8, 12, 12, 32, 10, 14, 12, 12].iter().enumerate() {
        ws.set_column_width(c as u16, *w).map_err(err)?;
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    wb.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests;
