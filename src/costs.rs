//! Acquisition costs (获客成本): what the owner spent to win customers, per
//! channel (the customers' 来源渠道) per month — entered in 设置 or imported
//! from a small file (月份, 渠道, 金额). The owner's analyses (SPEC §10) read
//! them beside the customers each channel brought. One amount per (month,
//! channel): entering it again replaces it, a blank removes it; every change
//! goes through the audit log with what was entered.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::analysis::{Costs, UNNAMED};
use crate::clock::Clock;
use crate::error::{Error, Problem, Result};
use crate::import::rows::RowCheck;
use crate::import::table::{Column, Typed};
use crate::import::{self, ImportReport};
use crate::money::Money;
use crate::report::Month;
use crate::staff::StaffId;

/// One month's spending on one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cost {
    pub month: String,
    pub channel: String,
    pub amount: Money,
}

/// An amount as entered: a blank (`None`) removes what was there.
#[derive(Debug, Clone, Deserialize)]
pub struct Entry {
    pub month: String,
    pub channel: String,
    #[serde(default)]
    pub amount: Option<Money>,
}

/// What a save or an import did to the stored amounts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Saved {
    pub created: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
}

/// The longest channel name kept (as long as the customer form allows).
const CHANNEL_MAX: usize = 40;

/// Every amount entered, the latest month first.
pub fn list(conn: &Connection) -> Result<Vec<Cost>> {
    let mut stmt = conn.prepare("SELECT month, channel, amount_fen FROM acquisition_costs ORDER BY month DESC, channel")?;
    let rows = stmt.query_map([], |r| Ok(Cost { month: r.get(0)?, channel: r.get(1)?, amount: r.get(2)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The amounts of the months `from..=to`, as the analyses read them.
pub fn of_months(conn: &Connection, from: Month, to: Month) -> Result<Costs> {
    let mut stmt = conn.prepare("SELECT month, channel, amount_fen FROM acquisition_costs WHERE month BETWEEN ?1 AND ?2")?;
    let rows = stmt.query_map([from.key(), to.key()], |r| Ok(((r.get::<_, String>(0)?, r.get::<_, String>(1)?), r.get::<_, Money>(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The channels the owner may enter costs for: those the customers came
/// through (most customers first), then any only the costs name.
pub fn channels(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT coalesce(nullif(trim(channel), ''), ?1) AS ch FROM customers GROUP BY ch ORDER BY count(*) DESC, ch",
    )?;
    let mut out: Vec<String> = stmt.query_map([UNNAMED], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let mut more = conn.prepare("SELECT DISTINCT channel FROM acquisition_costs ORDER BY channel")?;
    for ch in more.query_map([], |r| r.get::<_, String>(0))? {
        let ch = ch?;
        if !out.contains(&ch) {
            out.push(ch);
        }
    }
    Ok(out)
}

/// Reads a month as owners write it: `2026-10`, `2026/10`, `2026.10`,
/// `2026年10月`, or a whole date in that month (`2026/10/1`, what Excel
/// makes of a month typed into a cell).
pub fn parse_month(text: &str) -> std::result::Result<Month, String> {
    let t = text.trim();
    let bad = || format!("月份「{t}」无法识别，请写成 2026-10 或 2026年10月");
    let unified: String = t.trim_end_matches(['月', '日', '号']).chars().map(|c| if matches!(c, '/' | '.' | '年' | '月') { '-' } else { c }).collect();
    let parts: Vec<&str> = unified.split('-').map(str::trim).collect();
    let number = |s: &str| s.parse::<u32>().map_err(|_| bad());
    match parts.as_slice() {
        [y, m] => {
            let (y, m) = (number(y)?, number(m)?);
            chrono::NaiveDate::from_ymd_opt(y as i32, m, 1).filter(|_| y >= 1000).map(Month::of).ok_or_else(bad)
        }
        [y, m, d] => chrono::NaiveDate::from_ymd_opt(number(y)? as i32, number(m)?, number(d)?).map(Month::of).ok_or_else(bad),
        _ => Err(bad()),
    }
}

/// A month the owner may enter costs for: not after this month.
fn check_month(text: &str, clock: &Clock) -> std::result::Result<Month, String> {
    let month = parse_month(text)?;
    let now = Month::of(clock.today());
    if month > now {
        return Err(format!("{} 还没到（今天是 {}），不能录入以后月份的成本", month.key(), clock.today()));
    }
    Ok(month)
}

fn check_channel(text: &str) -> std::result::Result<String, String> {
    let ch = text.trim();
    if ch.is_empty() {
        return Err("渠道不能为空（来源渠道空着的客户请写「未填」）".into());
    }
    if ch.chars().count() > CHANNEL_MAX {
        return Err(format!("渠道名称超过 {CHANNEL_MAX} 个字"));
    }
    Ok(ch.to_string())
}

fn check_amount(amount: Money) -> std::result::Result<Money, String> {
    if amount.fen() < 0 {
        return Err(format!("获客成本 {} 是负数，请填写花出去的金额", amount.as_yuan_text()));
    }
    Ok(amount)
}

/// Sets (or with `None` removes) one amount inside a larger transaction.
pub(crate) fn set_tx(tx: &Connection, clock: &Clock, by: StaffId, month: Month, channel: &str, amount: Option<Money>, saved: &mut Saved) -> Result<()> {
    let key = month.key();
    let before: Option<Money> = tx
        .query_row("SELECT amount_fen FROM acquisition_costs WHERE month = ?1 AND channel = ?2", params![key, channel], |r| r.get(0))
        .optional()?;
    match (before, amount) {
        (None, None) => saved.unchanged += 1,
        (Some(b), Some(a)) if a == b => saved.unchanged += 1,
        (Some(_), None) => {
            tx.execute("DELETE FROM acquisition_costs WHERE month = ?1 AND channel = ?2", params![key, channel])?;
            saved.removed += 1;
        }
        (_, Some(a)) => {
            tx.execute(
                "INSERT INTO acquisition_costs (month, channel, amount_fen, uid, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (month, channel) DO UPDATE SET amount_fen = excluded.amount_fen, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                params![key, channel, a, crate::store::new_uid(), clock.now_utc(), by.0],
            )?;
            if before.is_some() {
                saved.updated += 1;
            } else {
                saved.created += 1;
            }
        }
    }
    Ok(())
}

/// Saves the owner's entries together: all of them, or (with any problem) none.
pub fn save(conn: &mut Connection, clock: &Clock, by: StaffId, entries: &[Entry]) -> Result<Saved> {
    let mut problems = Vec::new();
    let mut checked = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let field = |what: &str| format!("第 {} 项的{what}", i + 1);
        let month = check_month(&e.month, clock).map_err(|r| problems.push(Problem::field(field("月份"), r))).ok();
        let channel = check_channel(&e.channel).map_err(|r| problems.push(Problem::field(field("渠道"), r))).ok();
        let amount = e.amount.map(check_amount).transpose().map_err(|r| problems.push(Problem::field(field("金额"), r))).ok();
        if let (Some(m), Some(c), Some(a)) = (month, channel, amount) {
            if checked.iter().any(|(m2, c2, _): &(Month, String, Option<Money>)| *m2 == m && *c2 == c) {
                problems.push(Problem::field(field("渠道"), format!("{} 的「{c}」填了两次", m.key())));
            }
            checked.push((m, c, a));
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let tx = crate::store::write_tx(conn)?;
    let mut saved = Saved::default();
    for (month, channel, amount) in &checked {
        set_tx(&tx, clock, by, *month, channel, *amount, &mut saved)?;
    }
    tx.commit()?;
    Ok(saved)
}

/// The columns of a costs file.
pub const COLUMNS: &[Column] = &[
    Column { key: "month", zh: "月份", en: "month", required: true },
    Column { key: "channel", zh: "渠道", en: "channel", required: true },
    Column { key: "amount", zh: "金额", en: "amount", required: true },
];

/// Imports a costs file whole or not at all: each row sets that month's
/// amount for that channel; a (month, channel) twice in one file is a problem.
pub fn import(conn: &mut Connection, clock: &Clock, by: StaffId, file: import::File<'_>, dry_run: bool) -> Result<ImportReport> {
    let import::Opened { table, mut problems, mut report, .. } = import::open("costs", file, COLUMNS, dry_run)?;
    let tx = crate::store::write_tx(conn)?;
    let mut seen: std::collections::HashMap<(String, String), u64> = std::collections::HashMap::new();
    let mut saved = Saved::default();
    for row in &table.rows {
        let mut check = RowCheck::new(&table.header, row);
        let month = match table.header.typed(row, "month") {
            Some(Typed::Date(d)) => check_month(&d.to_string(), clock),
            Some(Typed::Text(t)) => check_month(t, clock),
            Some(Typed::Number(n)) => Err(format!("月份这一格是数字 {n}：请写成 2026-10 或 2026年10月")),
            None => Err("月份不能为空".into()),
        }
        .map_err(|r| check.problem("month", r))
        .ok();
        let channel = check.cell("channel").map(check_channel).transpose().map_err(|r| check.problem("channel", r)).ok().flatten();
        let amount = check.money("amount").and_then(|a| check_amount(a).map_err(|r| check.problem("amount", r)).ok());
        let (Some(month), Some(channel), Some(amount), true) = (month, channel, amount, check.problems.is_empty()) else {
            problems.extend(check.problems);
            continue;
        };
        if let Some(first) = seen.insert((month.key(), channel.clone()), row.line) {
            check.problem("channel", format!("{} 的「{channel}」在第 {first} 行已经有了，同一月份同一渠道只能写一行", month.key()));
            problems.extend(check.problems);
            continue;
        }
        set_tx(&tx, clock, by, month, &channel, Some(amount), &mut saved)?;
    }
    report.created = saved.created;
    report.updated = saved.updated;
    report.unchanged = saved.unchanged;
    import::refuse_problems(problems, &report)?;
    if !dry_run {
        tx.commit()?;
    }
    Ok(report)
}

#[cfg(test)]
mod tests;
