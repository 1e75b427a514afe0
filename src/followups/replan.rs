//! A plan edit that also moves the calls already made (SPEC §5 keeps made
//! tasks as they are; the owner may ask for the open calls not yet due to
//! follow the new plan). Closed, historical and overdue calls never change.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use serde::Serialize;

use super::{add_days, horizon, plan_of, upsert, Kind, NewTask};
use crate::clock::Clock;
use crate::customers::CustomerId;
use crate::error::{Error, Result};
use crate::items::{Category, ItemId};

/// What moving the open calls did (or, in a preview, would do).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Moved {
    /// Open calls not yet due whose day is no longer in the plan: cancelled.
    pub moved: usize,
    /// Calls made for the new plan's days still to come.
    pub added: usize,
    /// Open calls not yet due on a day the plan keeps (their wording follows it).
    pub kept: usize,
}

/// One session behind an open post-treatment call not yet due.
struct Behind {
    customer: CustomerId,
    day: NaiveDate,
    item: ItemId,
    item_name: String,
    category: String,
}

/// The scope whose plan an item follows now: its own, else its category's.
fn scope_of(conn: &Connection, item: ItemId, category: &str) -> Result<String> {
    let own = format!("item:{}", item.0);
    let has_own: bool = conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM followup_plans WHERE scope = ?1)")?.query_row([&own], |r| r.get(0))?;
    Ok(if has_own {
        own
    } else if category == Category::Other.as_str() {
        "default".into()
    } else {
        format!("category:{category}")
    })
}

/// Moves the open post-treatment calls not yet due of the sessions that
/// follow `scope`'s plan (already saved) onto that plan's days, in the
/// caller's transaction.
pub fn move_open_calls(tx: &Connection, clock: &Clock, scope: &str) -> Result<Moved> {
    let today = clock.today();
    let from = horizon(tx, clock)?;
    // (task, due, execution) of every open post-treatment call still to come.
    let rows: Vec<(i64, String, i64)> = tx
        .prepare(
            "SELECT t.id, t.due, CAST(substr(s.source, 11) AS INTEGER) FROM tasks t
             JOIN task_sources s ON s.task_id = t.id AND s.voided = 0 AND substr(s.source, 1, 10) = 'execution:'
             WHERE t.status = 'open' AND t.kind = 'post_treatment' AND t.due > ?1",
        )?
        .query_map([today.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut by_execution: BTreeMap<i64, Vec<(i64, NaiveDate)>> = BTreeMap::new();
    for (task, due, execution) in rows {
        let due = NaiveDate::parse_from_str(&due, "%Y-%m-%d").map_err(|_| Error::Config(format!("回访日期「{due}」无法读取")))?;
        by_execution.entry(execution).or_default().push((task, due));
    }
    let mut out = Moved::default();
    let mut emptied: BTreeSet<i64> = BTreeSet::new();
    for (execution, tasks) in by_execution {
        let b = behind(tx, execution)?;
        if scope_of(tx, b.item, &b.category)? != scope {
            continue;
        }
        let steps = plan_of(tx, b.item, &b.category)?;
        let wanted: Vec<(NaiveDate, &super::Step)> =
            steps.iter().map(|s| (add_days(b.day, s.offset), s)).filter(|(due, _)| *due > today && *due >= from).collect();
        let source = format!("execution:{execution}");
        for (task, due) in &tasks {
            match wanted.iter().find(|(d, _)| d == due) {
                Some((_, s)) => {
                    out.kept += 1;
                    tx.prepare_cached("UPDATE tasks SET purpose = ?2, script = ?3, channel = ?4 WHERE id = ?1")?.execute(params![
                        task,
                        s.purpose,
                        Some(&s.script).filter(|t| !t.is_empty()),
                        s.channel.key()
                    ])?;
                }
                None => {
                    out.moved += 1;
                    tx.prepare_cached("UPDATE task_sources SET voided = 1 WHERE task_id = ?1 AND source = ?2")?.execute(params![task, source])?;
                    emptied.insert(*task);
                }
            }
        }
        for (due, s) in wanted.iter().filter(|(d, _)| !tasks.iter().any(|(_, have)| have == d)) {
            let t = NewTask {
                customer: b.customer,
                kind: Kind::PostTreatment,
                due: *due,
                anchor: b.day,
                purpose: Some(&s.purpose),
                script: Some(&s.script).filter(|t| !t.is_empty()).map(|t| t.as_str()),
                source: source.clone(),
                item: Some(&b.item_name),
                history: false,
                channel: s.channel,
            };
            if upsert(tx, clock, &t)?.is_some() {
                out.added += 1;
            }
        }
    }
    for task in emptied {
        tx.prepare_cached(
            "UPDATE tasks SET status = 'cancelled', cancel_reason = '回访方案已调整，改到新的日期'
             WHERE id = ?1 AND status = 'open' AND NOT EXISTS (SELECT 1 FROM task_sources s WHERE s.task_id = tasks.id AND s.voided = 0)",
        )?
        .execute([task])?;
    }
    Ok(out)
}

fn behind(conn: &Connection, execution: i64) -> Result<Behind> {
    let (customer, day, item, item_name, category): (i64, String, i64, String, String) = conn
        .prepare_cached(
            "SELECT e.customer_id, e.exec_date, i.id, i.name, i.category FROM executions e
             JOIN order_lines l ON l.id = e.order_line_id JOIN items i ON i.id = l.item_id WHERE e.id = ?1",
        )?
        .query_row([execution], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
    let day = NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| Error::Config("执行日期无法读取".into()))?;
    Ok(Behind { customer: CustomerId(customer), day, item: ItemId(item), item_name, category })
}
