//! The large demo clinic the benchmarks share: DESIGN.md's scale of 200,000
//! customers and about 2,000,000 payments and executions. Built once into
//! target/bench-clinic-N.db (about a minute in release) and reused.

use std::path::PathBuf;
use std::time::Instant;

use chrono::{Days, NaiveDate};
use liuke::{clock::Clock, demo, store};
use rusqlite::{params, Connection};

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
}

pub fn customers_wanted() -> usize {
    std::env::var("LIUKE_BENCH_CUSTOMERS").ok().and_then(|v| v.parse().ok()).unwrap_or(200_000)
}

/// Opens (building on first use) the large clinic.
pub fn large_clinic() -> (Connection, Clock, PathBuf) {
    let n = customers_wanted();
    let path = PathBuf::from(format!("target/bench-clinic-{n}.db"));
    let clock = Clock::fixed(today());
    let mut conn = store::open(&path).expect("open");
    if liuke::customers::count(&conn).expect("count") == 0 {
        let t = Instant::now();
        let report = demo::seed(&mut conn, &clock, n, 20261123).expect("demo");
        println!("built the demo clinic ({} customers, {} orders) in {:.1} s", report.customers, report.orders, t.elapsed().as_secs_f64());
        let t = Instant::now();
        let added = top_up(&mut conn, n * 10);
        println!("added {added} payments and executions of later visits in {:.1} s", t.elapsed().as_secs_f64());
        conn.execute_batch("ANALYZE").expect("analyze");
    }
    let (payments, executions): (i64, i64) = conn
        .query_row("SELECT (SELECT count(*) FROM payments), (SELECT count(*) FROM executions)", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("counts");
    println!("clinic: {n} customers, {payments} payments, {executions} executions ({path:?})");
    (conn, clock, path)
}

/// Adds paid, executed single-session visits to customers who have visited,
/// spread from their first visit to today, until payments + executions reach
/// `target`. Plain SQL in one transaction: it is scale, not a rule, that is
/// being built here.
fn top_up(conn: &mut Connection, target: usize) -> usize {
    let have: i64 = conn.query_row("SELECT (SELECT count(*) FROM payments) + (SELECT count(*) FROM executions)", [], |r| r.get(0)).expect("count");
    let mut missing = target.saturating_sub(have as usize);
    let visitors: Vec<(i64, String)> = conn
        .prepare("SELECT customer_id, min(day) FROM visit_days GROUP BY customer_id")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    let items: Vec<(i64, i64)> = conn
        .prepare("SELECT id, coalesce(list_price_fen, 10000) FROM items")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    let mut rng = fastrand::Rng::with_seed(7);
    let tx = conn.transaction().expect("tx");
    let now = "2026-11-23T02:00:00Z";
    let mut added = 0;
    {
        let mut order = tx.prepare("INSERT INTO orders (uid, customer_id, order_date, created_at, created_by) VALUES (?1, ?2, ?3, ?4, 1)").expect("p");
        let mut line = tx.prepare("INSERT INTO order_lines (uid, order_id, item_id, sessions, list_price_fen, price_fen) VALUES (?1, ?2, ?3, 1, ?4, ?4)").expect("p");
        let mut pay = tx.prepare("INSERT INTO payments (uid, customer_id, order_id, pay_date, amount_fen, method, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, '微信', ?6, 1)").expect("p");
        let mut exec = tx.prepare("INSERT INTO executions (uid, customer_id, order_line_id, exec_date, count, created_at, created_by) VALUES (?1, ?2, ?3, ?4, 1, ?5, 1)").expect("p");
        let mut arrive = tx.prepare("INSERT INTO arrivals (uid, customer_id, visit_date, kind, status, created_at, created_by) VALUES (?1, ?2, ?3, '治疗', 'left', ?4, 1)").expect("p");
        while missing > 0 && !visitors.is_empty() {
            let (customer, first) = &visitors[rng.usize(..visitors.len())];
            let first = NaiveDate::parse_from_str(first, "%Y-%m-%d").expect("date");
            let span = (today() - first).num_days().max(1) as u64;
            let day = (first + Days::new(rng.u64(0..span))).to_string();
            let (item, price) = items[rng.usize(..items.len())];
            order.execute(params![liuke::store::new_uid(), customer, day, now]).expect("order");
            let order_id = tx.last_insert_rowid();
            line.execute(params![liuke::store::new_uid(), order_id, item, price]).expect("line");
            let line_id = tx.last_insert_rowid();
            pay.execute(params![liuke::store::new_uid(), customer, order_id, day, price, now]).expect("pay");
            exec.execute(params![liuke::store::new_uid(), customer, line_id, day, now]).expect("exec");
            arrive.execute(params![liuke::store::new_uid(), customer, day, now]).expect("arrive");
            added += 2;
            missing = missing.saturating_sub(2);
        }
    }
    tx.commit().expect("commit");
    added
}

/// Median and maximum of timings in milliseconds.
pub fn summary(mut times: Vec<f64>) -> (f64, f64) {
    times.sort_by(|a, b| a.total_cmp(b));
    (times[times.len() / 2], times[times.len() - 1])
}

const TASKS: i64 = 500_000;
const KINDS: [&str; 6] = ["post_treatment", "no_deal", "repurchase", "birthday", "dormant", "campaign"];

/// Adds 500,000 callback tasks spread over three years like a working
/// clinic's: long closed or historical in the past, a tenth of the last month
/// still open (overdue), all of the future open.
pub fn add_tasks(conn: &mut Connection) {
    let have: i64 = conn.query_row("SELECT count(*) FROM tasks", [], |r| r.get(0)).expect("count");
    if have >= TASKS {
        return;
    }
    let t = Instant::now();
    let max_customer: i64 = conn.query_row("SELECT max(id) FROM customers", [], |r| r.get(0)).expect("max");
    let today = today();
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

/// The call kinds of issue 19 in the large clinic, once: a package call (疗程邀约)
/// for 2,000 of the open packages, due within a month either side of today;
/// every fifth post-treatment call a message step; and a satisfaction score
/// on every third call reached (the report's satisfaction figures read them).
pub fn add_call_kinds(conn: &mut Connection) {
    let have: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM tasks WHERE kind = 'package')", [], |r| r.get(0)).expect("exists");
    if have {
        return;
    }
    let t = Instant::now();
    let today = today();
    let mut rng = fastrand::Rng::with_seed(19);
    let tx = conn.transaction().expect("tx");
    {
        let orders: Vec<(i64, i64)> = tx
            .prepare("SELECT DISTINCT order_id, customer_id FROM open_lines ORDER BY order_id LIMIT 2000")
            .expect("p")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("q")
            .collect::<rusqlite::Result<_>>()
            .expect("rows");
        let mut task = tx
            .prepare(
                "INSERT OR IGNORE INTO tasks (uid, customer_id, kind, due, next_on, status, purpose, anchor, created_at)
                 VALUES (?1, ?2, 'package', ?3, ?3, 'open', '疗程邀约', ?4, '2026-01-01T00:00:00Z')",
            )
            .expect("p");
        let mut source = tx.prepare("INSERT OR IGNORE INTO task_sources (task_id, source, item) VALUES (?1, ?2, '疗程')").expect("p");
        for (order, customer) in orders {
            let offset = rng.i64(-30..=30);
            let due = if offset >= 0 { today.checked_add_days(Days::new(offset as u64)) } else { today.checked_sub_days(Days::new(offset.unsigned_abs())) }.expect("date");
            let anchor = due.checked_sub_days(Days::new(45)).expect("date");
            if task.execute(params![liuke::store::new_uid(), customer, due.to_string(), anchor.to_string()]).expect("task") == 1 {
                source.execute(params![tx.last_insert_rowid(), format!("package:{order}")]).expect("source");
            }
        }
    }
    tx.execute("UPDATE tasks SET channel = 'message' WHERE kind = 'post_treatment' AND id % 5 = 0", []).expect("messages");
    tx.execute(
        "INSERT INTO task_attempts (task_id, at, on_date, by_staff, outcome, score)
         SELECT id, closed_on || 'T10:00:00Z', closed_on, 1, 'reached', abs(random()) % 5 + 1 FROM tasks WHERE status = 'reached' AND id % 3 = 0",
        [],
    )
    .expect("scores");
    tx.commit().expect("commit");
    conn.execute_batch("ANALYZE").expect("analyze");
    println!("added the call kinds (package calls, message steps, scores) in {:.1} s", t.elapsed().as_secs_f64());
}

const APPOINTMENTS: i64 = 200_000;

/// Ten doctors and 200,000 historical appointments over three years (most
/// arrived, some no-shows and cancellations), plus the coming week's book.
/// Returns the doctors' staff ids.
pub fn add_appointments(conn: &mut Connection) -> Vec<i64> {
    let mut doctors: Vec<i64> = conn
        .prepare("SELECT id FROM staff WHERE name LIKE '压测医生%' ORDER BY id")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    let have: i64 = conn.query_row("SELECT count(*) FROM appointments", [], |r| r.get(0)).expect("count");
    if doctors.len() == 10 && have >= APPOINTMENTS {
        return doctors;
    }
    let t = Instant::now();
    let clock = Clock::fixed(today());
    for k in doctors.len()..10 {
        let draft = liuke::staff::StaffDraft { name: format!("压测医生{k}"), role: liuke::staff::Role::Doctor, active: true };
        doctors.push(liuke::staff::create(conn, &clock, liuke::staff::SYSTEM_STAFF, &draft).expect("doctor").id.0);
    }
    let max_customer: i64 = conn.query_row("SELECT max(id) FROM customers", [], |r| r.get(0)).expect("max");
    let mut rng = fastrand::Rng::with_seed(9);
    let tx = conn.transaction().expect("tx");
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO appointments (uid, customer_id, staff_id, day, start_min, end_min, purpose, status, booked_on, booked_for, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5 + 30, '复查', ?6, ?7, ?4, '2026-01-01T00:00:00Z', 1)",
            )
            .expect("p");
        let mut customers = fastrand::Rng::with_seed(10);
        let mut add = |day: NaiveDate, doctor: i64, slot: i64, status: &str| {
            let booked = day.checked_sub_days(Days::new(7)).unwrap_or(day).to_string();
            insert.execute(params![store::new_uid(), customers.i64(1..=max_customer), doctor, day.to_string(), 540 + 30 * slot, status, booked]).expect("appointment");
        };
        // The coming week: about half of each doctor's 24 slots a day.
        for offset in 0..7 {
            let day = today() + Days::new(offset);
            for doctor in &doctors {
                for slot in (0..24).step_by(2) {
                    add(day, *doctor, slot, "booked");
                }
            }
        }
        let mut n = 0;
        let mut back = 1;
        while n < APPOINTMENTS {
            let day = today().checked_sub_days(Days::new(back)).expect("date");
            for doctor in &doctors {
                for slot in 0..24 {
                    if n < APPOINTMENTS && rng.u32(..4) == 0 {
                        let status = match rng.u32(..10) { 0 => "no_show", 1 => "cancelled", _ => "arrived" };
                        add(day, *doctor, slot, status);
                        n += 1;
                    }
                }
            }
            back += 1;
        }
    }
    tx.commit().expect("commit");
    conn.execute_batch("ANALYZE").expect("analyze");
    println!("added {APPOINTMENTS} historical appointments for 10 doctors in {:.1} s", t.elapsed().as_secs_f64());
    doctors
}
