//! Every DESIGN.md performance target, measured on the large demo clinic
//! (200,000 customers, about 2,000,000 payments and executions, 500,000
//! callback tasks), each beside its floor: the same answer from the best
//! plain SQL query over the same SQLite file, with no rule applied in Rust.
//! The ratio ours ÷ floor says how much the design costs over the physical
//! limit of this file. The memory column is the process's peak resident set
//! while our side ran (the kernel's high-water mark, reset before each
//! figure), so it includes SQLite's page cache.
//!
//! Run: `cargo bench --bench figures` (LIUKE_BENCH_CUSTOMERS to change
//! 200000). App start to usable window is measured by
//! tests/browser/start-time.mjs, which needs a browser.

#[path = "common.rs"]
mod common;
#[path = "history.rs"]
mod history;
#[path = "imports.rs"]
mod imports;
#[path = "desks.rs"]
mod desks;

use std::time::Instant;

use liuke::clock::Clock;
use liuke::commands::App;
use liuke::followups::{self, Filter};
use liuke::report::{self, Month};
use liuke::{search, tiers, visits};
use rusqlite::{params, Connection};
use serde_json::json;

struct Figure {
    what: String,
    target: &'static str,
    ours: Vec<f64>,
    floor: Option<Vec<f64>>,
    peak_mib: f64,
}

/// Times `runs` calls of `f`, in milliseconds.
fn time(runs: usize, mut f: impl FnMut()) -> Vec<f64> {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect()
}

/// Resets the kernel's peak-RSS mark for this process (Linux ≥ 4.0).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// VmHWM of this process in MiB.
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Ours measured with its memory peak, then the floor.
fn figure(what: impl Into<String>, target: &'static str, runs: usize, mut ours: impl FnMut(), mut floor: impl FnMut()) -> Figure {
    // One untimed call each, so that neither side pays for a cold page cache.
    ours();
    floor();
    reset_peak();
    let ours = time(runs, &mut ours);
    let peak_mib = peak_mib();
    let floor = Some(time(runs, &mut floor));
    Figure { what: what.into(), target, ours, floor, peak_mib }
}

/// A figure with no target and no floor of its own, shown for context.
fn extra(what: impl Into<String>, runs: usize, ours: impl FnMut()) -> Figure {
    reset_peak();
    let ours = time(runs, ours);
    Figure { what: what.into(), target: "—", ours, floor: None, peak_mib: peak_mib() }
}

fn ms(v: f64) -> String {
    if v >= 1000.0 {
        format!("{:.2} s", v / 1000.0)
    } else if v >= 10.0 {
        format!("{v:.0} ms")
    } else {
        format!("{v:.2} ms")
    }
}

fn print_table(figures: &[Figure]) {
    println!("\n| what | median | max | floor (plain SQL) | ours ÷ floor | peak memory | target |");
    println!("|---|---|---|---|---|---|---|");
    for f in figures {
        let (med, max) = common::summary(f.ours.clone());
        let (floor, ratio) = match &f.floor {
            Some(times) => {
                let (floor, _) = common::summary(times.clone());
                (ms(floor), format!("{:.1}", med / floor.max(1e-6)))
            }
            None => ("—".to_string(), "—".to_string()),
        };
        println!("| {} | {} | {} | {floor} | {ratio} | {:.0} MiB | {} |", f.what, ms(med), ms(max), f.peak_mib, f.target);
    }
}

fn rows(conn: &Connection, sql: &str, args: impl rusqlite::Params) -> usize {
    let mut stmt = conn.prepare_cached(sql).expect("prepare");
    let mut rows = stmt.query(args).expect("query");
    let mut n = 0;
    while let Some(r) = rows.next().expect("row") {
        std::hint::black_box(r.get_ref(0).expect("col"));
        n += 1;
    }
    n
}

fn search_figures(conn: &Connection, out: &mut Vec<Figure>) {
    let probe: (String, String) = conn
        .query_row("SELECT phone, name FROM customers WHERE id = (SELECT max(id) / 2 FROM customers)", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("probe");
    for (label, q) in [
        ("search: full phone", probe.0.clone()),
        ("search: last 4 digits", probe.0[7..].to_string()),
        ("search: name", probe.1.clone()),
        ("search: pinyin initials", "zxm".to_string()),
    ] {
        let upper = format!("{q}\u{10FFFF}");
        out.push(figure(
            label,
            "< 20 ms",
            30,
            || {
                std::hint::black_box(search::search(conn, &q, 20, liuke::phone::PhoneView::Full).expect("search"));
            },
            || {
                rows(
                    conn,
                    "SELECT c.id, c.name, c.phone FROM customers c
                     WHERE c.id IN (SELECT customer_id FROM customer_search WHERE key >= ?1 AND key < ?2 LIMIT 20)",
                    params![q, upper],
                );
            },
        ));
    }
}

fn customer_file_figure(conn: &Connection, app: &mut App, out: &mut Vec<Figure>) {
    let heaviest: Vec<i64> = conn
        .prepare("SELECT customer_id FROM payments GROUP BY customer_id ORDER BY count(*) DESC LIMIT 20")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    let mut next = heaviest.iter().cycle();
    let mut again = heaviest.iter().cycle();
    out.push(figure(
        "customer file, longest histories",
        "< 50 ms",
        100,
        || {
            let id = next.next().expect("id");
            app.dispatch("customers.get", None, json!({"id": id})).expect("get");
            std::hint::black_box(app.dispatch("consumption.file", None, json!({"customer_id": id})).expect("file"));
        },
        || {
            let id = again.next().expect("id");
            rows(conn, "SELECT * FROM customers WHERE id = ?1", [id]);
            rows(conn, "SELECT * FROM memory_points WHERE customer_id = ?1", [id]);
            rows(conn, "SELECT o.*, l.* FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.customer_id = ?1", [id]);
            rows(conn, "SELECT * FROM payments WHERE customer_id = ?1", [id]);
            rows(conn, "SELECT * FROM executions WHERE customer_id = ?1", [id]);
            rows(conn, "SELECT * FROM refunds WHERE customer_id = ?1", [id]);
        },
    ));
}

fn checklist_figure(conn: &Connection, out: &mut Vec<Figure>) {
    let d = common::today();
    let day = d.to_string();
    let whole = followups::checklist_page(conn, d, &Filter::default(), followups::Page::all()).expect("checklist");
    out.push(figure(
        format!(
            "the day's callback checklist as the screen opens it: the first {} of {} customers in full (scripts, packages, memory points, reminders), the order and counts of all {} calls",
            followups::CHECKLIST_PAGE,
            whole.customers,
            whole.calls
        ),
        "< 100 ms",
        10,
        || {
            let page = followups::Page::first(followups::CHECKLIST_PAGE);
            std::hint::black_box(followups::checklist_page(conn, d, &Filter::default(), page).expect("checklist"));
        },
        || {
            rows(
                conn,
                "SELECT t.id, t.customer_id, t.kind, c.phone, c.consultant FROM tasks t JOIN customers c ON c.id = t.customer_id
                 WHERE t.status = 'open' AND t.next_on <= ?1 ORDER BY t.next_on, c.phone, t.kind",
                [&day],
            );
            rows(
                conn,
                "SELECT t.*, c.name, c.allergies, s.item, m.text FROM tasks t JOIN customers c ON c.id = t.customer_id
                 LEFT JOIN task_sources s ON s.task_id = t.id LEFT JOIN memory_points m ON m.customer_id = t.customer_id AND m.removed_at IS NULL
                 WHERE t.status = 'open' AND t.next_on <= ?1
                   AND t.customer_id IN (SELECT customer_id FROM tasks WHERE status = 'open' AND next_on <= ?1 ORDER BY next_on LIMIT 100)",
                [&day],
            );
        },
    ));
    out.push(extra(format!("the whole checklist in full ({} calls, to print)", whole.calls), 5, || {
        std::hint::black_box(followups::checklist(conn, d, &Filter::default()).expect("checklist"));
    }));
}

/// The physical floor of any exact answer over every customer: reading each
/// live fact dated up to `through` once, through the same covering indexes,
/// with nothing computed. (One SQL statement doing the whole job over the
/// views is far slower than our pass: 4.7 s for the labels, 9.2 s for one
/// month's visit and money keys, when measured on this clinic.)
fn read_every_fact(conn: &Connection, through: chrono::NaiveDate) {
    let day = through.to_string();
    for sql in [
        "SELECT customer_id, pay_date, amount_fen FROM payments INDEXED BY payments_live WHERE voided_at IS NULL AND pay_date <= ?1",
        "SELECT customer_id, visit_date FROM arrivals INDEXED BY arrivals_live WHERE voided_at IS NULL AND visit_date <= ?1",
        "SELECT customer_id, exec_date FROM executions INDEXED BY executions_live WHERE voided_at IS NULL AND exec_date <= ?1",
        "SELECT customer_id, refund_date, amount_fen FROM refunds INDEXED BY refunds_live WHERE voided_at IS NULL AND refund_date <= ?1",
    ] {
        let mut stmt = conn.prepare_cached(sql).expect("prepare");
        let mut rows = stmt.query([&day]).expect("query");
        while let Some(r) = rows.next().expect("row") {
            std::hint::black_box((r.get_ref(0).expect("id"), r.get_ref(1).expect("day")));
        }
    }
}

fn tiers_figure(conn: &Connection, out: &mut Vec<Figure>) {
    let d = common::today();
    let r = tiers::rules(conn).expect("rules");
    out.push(figure(
        "all three tier labels for every customer",
        "< 2 s",
        5,
        || {
            let facts = visits::all_facts(conn, d).expect("facts");
            std::hint::black_box(tiers::counts(facts.iter().map(|(_, f)| tiers::labels(&r, f, d))));
        },
        || read_every_fact(conn, d),
    ));
}

fn week_book_figure(conn: &Connection, out: &mut Vec<Figure>) {
    let first = liuke::appointments::week_start(common::today());
    let last = first + chrono::Days::new(6);
    let mut shown = 0;
    out.push(figure(
        "the week's book, 10 doctors, 200,000 past appointments",
        "< 100 ms",
        30,
        || {
            let book = liuke::appointments::book_for(conn, first, 7).expect("week");
            shown = book.appointments.len();
            std::hint::black_box(book);
        },
        || {
            rows(
                conn,
                "SELECT a.*, c.name, c.phone, s.name FROM appointments a JOIN customers c ON c.id = a.customer_id
                 LEFT JOIN staff s ON s.id = a.staff_id WHERE a.day BETWEEN ?1 AND ?2",
                [first.to_string(), last.to_string()],
            );
        },
    ));
    if let Some(f) = out.last_mut() {
        f.what = format!("{} ({shown} in the week)", f.what);
    }
}

fn report_figures(conn: &Connection, out: &mut Vec<Figure>) {
    let m = Month::of(common::today()).plus(-1);
    out.push(figure(
        format!("monthly report, one month ({})", m.key()),
        "< 1 s",
        5,
        || {
            std::hint::black_box(report::monthly(conn, m).expect("month"));
        },
        || read_every_fact(conn, m.last_day()),
    ));
    out.push(figure(
        "monthly report, 13 months",
        "< 5 s",
        3,
        || {
            std::hint::black_box(report::thirteen_months(conn, m).expect("13 months"));
        },
        || read_every_fact(conn, m.last_day()),
    ));
}

/// The owner's analyses (SPEC §10) for the 12 months before this one, with
/// costs entered for six channels in each; the floor reads every fact to the
/// end once and every customer's channel, consultant and referrer.
fn analysis_figure(conn: &mut Connection, clock: &Clock, out: &mut Vec<Figure>) {
    let to = Month::of(common::today()).plus(-1);
    let from = to.plus(-11);
    let entries: Vec<liuke::costs::Entry> = (0..12)
        .flat_map(|k| {
            ["小红书", "抖音", "美团", "新氧", "百度", "朋友圈"].map(|channel| liuke::costs::Entry {
                month: from.plus(k).key(),
                channel: channel.to_string(),
                amount: Some(liuke::money::Money::parse("6000").expect("amount")),
            })
        })
        .collect();
    liuke::costs::save(conn, clock, liuke::staff::SYSTEM_STAFF, &entries).expect("costs");
    let period = liuke::analysis::Period::new(from, to, common::today()).expect("period");
    let costs = liuke::costs::of_months(conn, from, to).expect("costs");
    out.push(figure(
        format!("the owner's analysis, 12 months ({} to {})", from.key(), to.key()),
        "< 2 s",
        5,
        || {
            std::hint::black_box(liuke::analysis::analyse(conn, period, &costs).expect("analysis"));
        },
        || {
            read_every_fact(conn, period.end);
            rows(conn, "SELECT id, channel, consultant, referrer_id FROM customers", []);
        },
    ));
    let result = liuke::analysis::analyse(conn, period, &costs).expect("analysis");
    out.push(extra("the analysis as CSV + xlsx", 5, || {
        std::hint::black_box((liuke::analysis::csv(&result).expect("csv"), liuke::analysis::workbook(&result).expect("xlsx")));
    }));
    let lost = liuke::analysis::Figure { table: "lost_new".into(), key: None, field: "customers".into() };
    out.push(extra("the customers behind a figure (lost new customers, 12 months)", 5, || {
        std::hint::black_box(liuke::analysis::who(conn, period, &lost).expect("who"));
    }));
}

/// Figures the targets do not name but staff wait for.
fn extras(conn: &mut Connection, clock: &Clock, app: &mut App, out: &mut Vec<Figure>) {
    let d = common::today();
    let max_id: i64 = conn.query_row("SELECT max(id) FROM customers", [], |r| r.get(0)).expect("max");
    let mut rng = fastrand::Rng::with_seed(11);
    out.push(extra("desk card at triage (random customers)", 200, || {
        std::hint::black_box(app.dispatch("desk.card", None, json!({"id": rng.i64(1..=max_id)})).expect("card"));
    }));
    out.push(extra("分层名单 screen: one filtered page (`tiers.list`)", 5, || {
        std::hint::black_box(app.dispatch("tiers.list", None, json!({"layer": "dormant", "limit": 100})).expect("list"));
    }));
    out.push(extra("`liuke tiers` rows (labels, facts and points)", 3, || {
        std::hint::black_box(tiers::all_rows(conn, d).expect("rows"));
    }));
    let m = Month::of(d).plus(-1);
    let months = report::thirteen_months(conn, m).expect("13 months");
    out.push(extra("CSV + xlsx of 13 months", 5, || {
        std::hint::black_box((report::csv(&months).expect("csv"), report::workbook(&months).expect("xlsx")));
    }));
    out.push(extra("bringing follow-ups up to today, already there", 5, || {
        liuke::catch_up::day_pass(conn, clock, d).expect("materialize");
    }));
}

fn main() {
    // `cargo bench --bench figures -- import` (or `-- import-history`): the
    // import figures only (or only the whole history through the CLI).
    let history_only = std::env::args().any(|a| a == "import-history");
    if history_only || std::env::args().any(|a| a == "import") {
        let mut figures = Vec::new();
        imports::figures(&mut figures, history_only);
        print_table(&figures);
        return;
    }
    let (mut conn, clock, path) = common::large_clinic();
    common::add_tasks(&mut conn);
    common::add_call_kinds(&mut conn);
    common::add_appointments(&mut conn);
    liuke::catch_up::day_pass(&mut conn, &clock, common::today()).expect("materialize");
    // `-- desks`: the figures of several desks at once over the network only.
    if std::env::args().any(|a| a == "desks") {
        drop(conn);
        desks::figures(&path);
        return;
    }
    let mut figures = Vec::new();
    // `-- checklist` or `-- analysis-only`: that figure alone (tuning it).
    if std::env::args().any(|a| a == "checklist") {
        checklist_figure(&conn, &mut figures);
        print_table(&figures);
        return;
    }
    if std::env::args().any(|a| a == "analysis-only") {
        analysis_figure(&mut conn, &clock, &mut figures);
        print_table(&figures);
        return;
    }
    let mut app = App::open(&path, Some(common::today())).expect("app");
    search_figures(&conn, &mut figures);
    customer_file_figure(&conn, &mut app, &mut figures);
    checklist_figure(&conn, &mut figures);
    tiers_figure(&conn, &mut figures);
    week_book_figure(&conn, &mut figures);
    report_figures(&conn, &mut figures);
    analysis_figure(&mut conn, &clock, &mut figures);
    // `-- analysis`: up to here only (the analysis and the figures before it).
    if std::env::args().any(|a| a == "analysis") {
        print_table(&figures);
        return;
    }
    extras(&mut conn, &clock, &mut app, &mut figures);
    drop(app);
    drop(conn);
    // `-- no-imports`: the figures above only (a quick look after a change).
    if !std::env::args().any(|a| a == "no-imports") {
        imports::figures(&mut figures, false);
    }
    print_table(&figures);
}
