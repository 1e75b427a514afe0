//! The day's callback checklist on the large clinic with 500,000 tasks in the
//! database (DESIGN.md target: < 100 ms). The tasks are added once, spread
//! over three years like a working clinic's: long closed or historical in the
//! past, a tenth of the last month still open (overdue), all of the future open.
//! Run: `cargo bench --bench checklist` (LIUKE_BENCH_CUSTOMERS to change 200000).

#[path = "common.rs"]
mod common;

use std::time::Instant;

use chrono::Days;
use liuke::followups::{self, Filter};
use rusqlite::{params, Connection};

const TASKS: i64 = 500_000;
const KINDS: [&str; 6] = ["post_treatment", "no_deal", "repurchase", "birthday", "dormant", "campaign"];

fn add_tasks(conn: &mut Connection) {
    let have: i64 = conn.query_row("SELECT count(*) FROM tasks", [], |r| r.get(0)).expect("count");
    if have >= TASKS {
        return;
    }
    let t = Instant::now();
    let max_customer: i64 = conn.query_row("SELECT max(id) FROM customers", [], |r| r.get(0)).expect("max");
    let today = common::today();
    let mut rng = fastrand::Rng::with_seed(5);
    let tx = conn.transaction().expect("tx");
    {
        let mut task = tx
            .prepare(
                "INSERT OR IGNORE INTO tasks (uid, customer_id, kind, due, next_on, status, purpose, anchor, created_at, closed_on)
                 VALUES (?1, ?2, ?3, ?4, ?4, ?5, '回访', ?4, '2026-01-01T00:00:00Z', ?6)",
            )
            .expect("p");
        let mut source = tx.prepare("INSERT OR IGNORE INTO task_sources (task_id, source, item) VALUES (?1, ?2, '水光针')").expect("p");
        for n in 0..(TASKS - have) {
            let customer = rng.i64(1..=max_customer);
            let offset = rng.i64(-1000..=95);
            let due = if offset >= 0 { today.checked_add_days(Days::new(offset as u64)) } else { today.checked_sub_days(Days::new(offset.unsigned_abs())) }.expect("date");
            let (status, closed) = if offset > 0 {
                ("open", None)
            } else if offset > -30 {
                if rng.u32(..10) == 0 { ("open", None) } else { ("reached", Some(due.to_string())) }
            } else if rng.u32(..4) == 0 {
                ("historical", None)
            } else {
                ("reached", Some(due.to_string()))
            };
            let kind = KINDS[rng.usize(..KINDS.len())];
            task.execute(params![liuke::store::new_uid(), customer, kind, due.to_string(), status, closed]).expect("task");
            source.execute(params![tx.last_insert_rowid(), format!("bench:{n}")]).expect("source");
        }
    }
    tx.commit().expect("commit");
    conn.execute_batch("ANALYZE").expect("analyze");
    println!("added {} tasks in {:.1} s", TASKS - have, t.elapsed().as_secs_f64());
}

fn main() {
    let (mut conn, clock, _path) = common::large_clinic();
    add_tasks(&mut conn);
    let d = common::today();
    let (tasks, open_today): (i64, i64) = conn
        .query_row("SELECT count(*), sum(status = 'open' AND next_on <= ?1) FROM tasks", [d.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("counts");
    println!("{tasks} tasks, {open_today} open on {d}");
    followups::materialize(&mut conn, &clock, d).expect("materialize");
    let mut list_ms = Vec::new();
    let mut checklist_ms = Vec::new();
    let mut materialize_ms = Vec::new();
    let mut calls = 0;
    for _ in 0..10 {
        let t = Instant::now();
        followups::materialize(&mut conn, &clock, d).expect("materialize");
        materialize_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        std::hint::black_box(followups::due(&conn, d).expect("due"));
        list_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        let groups = followups::checklist(&conn, d, &Filter::default()).expect("checklist");
        checklist_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        calls = groups.iter().map(|g| g.calls.len()).sum();
    }
    println!("{:<44} {:>10} {:>10}", "what", "median ms", "max ms");
    for (label, times) in [
        ("callbacks due (the SPEC list)".to_string(), list_ms),
        (format!("checklist screen ({calls} calls, grouped, scripts)"), checklist_ms),
        ("bringing follow-ups up to today (again)".to_string(), materialize_ms),
    ] {
        let (m, x) = common::summary(times);
        println!("{label:<44} {m:>10.1} {x:>10.1}");
    }
}
