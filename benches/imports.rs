//! Import figures: each of the four files at 100,000 rows beside its floor,
//! and a large clinic's whole history through the `liuke` CLI.
//!
//! The floor of a file is what the import physically writes, written the
//! plainest way: the very rows our import added to every table (facts, tasks
//! and their sources, search keys, the audit), replayed by prepared INSERTs in
//! one transaction into a copy of the database as it was before the import,
//! with the same indexes and triggers. ours ÷ floor is what reading,
//! validating and deciding cost on top of writing.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use liuke::clock::Clock;
use liuke::import::{self, File, Kind};
use liuke::store;
use rusqlite::types::Value;
use rusqlite::Connection;

use crate::{common, history, Figure};

const ROWS: usize = 100_000;

/// Tables an import can write, in an order their foreign keys allow.
const TABLES: [&str; 14] = [
    "customers",
    "customer_tags",
    "customer_search",
    "items",
    "orders",
    "order_lines",
    "payments",
    "refunds",
    "executions",
    "arrivals",
    "arrival_events",
    "tasks",
    "task_sources",
    "audit_log",
];

fn copy_db(from: &Path, to: &Path) {
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", to.display()));
    }
    let src = Connection::open(from).expect("open template");
    src.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").expect("checkpoint");
    drop(src);
    std::fs::copy(from, to).expect("copy");
}

fn existing_tables(conn: &Connection) -> Vec<&'static str> {
    TABLES
        .into_iter()
        .filter(|t| conn.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1", [t], |r| r.get::<_, i64>(0)).expect("master") > 0)
        .collect()
}

/// Every row of `conn` that `template` does not hold, table by table: what the import wrote.
fn added_rows(conn: &Connection, template: &Path) -> Vec<(&'static str, Vec<String>, Vec<Vec<Value>>)> {
    conn.execute("ATTACH DATABASE ?1 AS before", [template.to_str().expect("path")]).expect("attach");
    let mut out = Vec::new();
    for table in existing_tables(conn) {
        let columns: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .expect("columns")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows");
        let n = columns.len();
        let mut stmt = conn.prepare(&format!("SELECT * FROM main.{table} EXCEPT SELECT * FROM before.{table}")).expect("select");
        let rows: Vec<Vec<Value>> = stmt
            .query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows");
        if !rows.is_empty() {
            out.push((table, columns, rows));
        }
    }
    conn.execute("DETACH DATABASE before", []).expect("detach");
    out
}

/// One file's figure: our import of its bytes into a copy of `template`, and
/// the floor replaying what it wrote into another copy; only the import and
/// the replay are timed.
fn file_figure(what: &str, kind: Kind, bytes: &[u8], template: &Path) -> Figure {
    const RUNS: usize = 3;
    let work = PathBuf::from("target/bench-import-work.db");
    let clock = Clock::fixed(common::today());
    // One untimed import first, for a warm page cache.
    copy_db(template, &work);
    let mut conn = store::open(&work).expect("open");
    let rows = import::run(kind, &mut conn, &clock, liuke::staff::SYSTEM_STAFF, File::new(bytes), false).expect("import").rows;
    drop(conn);
    let mut ours = Vec::new();
    let mut peak_mib: f64 = 0.0;
    let mut written = Vec::new();
    for run in 0..RUNS {
        copy_db(template, &work);
        let mut conn = store::open(&work).expect("open");
        crate::reset_peak();
        let t = Instant::now();
        import::run(kind, &mut conn, &clock, liuke::staff::SYSTEM_STAFF, File::new(bytes), false).expect("import");
        ours.push(t.elapsed().as_secs_f64() * 1000.0);
        peak_mib = peak_mib.max(crate::peak_mib());
        // What an import writes, read off the last run (after its peak was taken).
        if run == RUNS - 1 {
            written = added_rows(&conn, template);
        }
    }
    let mut floor = Vec::new();
    for _ in 0..RUNS {
        copy_db(template, &work);
        let mut conn = store::open(&work).expect("open");
        let t = Instant::now();
        let tx = conn.transaction().expect("tx");
        for (table, columns, values) in &written {
            let marks = (1..=columns.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
            // REPLACE: a row the import changed (a customer updated, a call cancelled) is written again whole.
            let mut insert = tx.prepare(&format!("INSERT OR REPLACE INTO {table} ({}) VALUES ({marks})", columns.join(", "))).expect("prepare");
            for row in values {
                insert.execute(rusqlite::params_from_iter(row.iter())).expect("insert");
            }
        }
        tx.commit().expect("commit");
        floor.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let total: usize = written.iter().map(|(_, _, v)| v.len()).sum();
    let tables: Vec<String> = written.iter().map(|(t, _, v)| format!("{t} {}", v.len())).collect();
    Figure {
        what: format!("{what}: {rows} rows ({total} table rows written: {})", tables.join(", ")),
        target: "≤ 3 × floor",
        ours,
        floor: Some(floor),
        peak_mib,
    }
}

/// A database holding `files` imported in order (built once, reused).
fn template(name: &str, n: usize, files: &[(Kind, &Path)]) -> PathBuf {
    let path = PathBuf::from(format!("target/bench-import-{name}-{n}.db"));
    if path.exists() {
        // Built by an earlier version: brought up to this schema, so that what an
        // import writes is compared with a template of the same tables.
        let conn = store::open(&path).expect("migrate template");
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").expect("checkpoint");
        return path;
    }
    let clock = Clock::fixed(common::today());
    let mut conn = store::open(&path).expect("open");
    liuke::catch_up::day_pass(&mut conn, &clock, common::today()).expect("init");
    for (kind, file) in files {
        let bytes = std::fs::read(file).expect("read");
        import::run(*kind, &mut conn, &clock, liuke::staff::SYSTEM_STAFF, File::new(&bytes), false).expect("template import");
    }
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").expect("checkpoint");
    path
}

pub fn figures(out: &mut Vec<Figure>, whole_history_only: bool) {
    let n = common::customers_wanted();
    let files = history::files(n);
    println!("history of {n} customers: {:?} rows (customers, consumption, executions, arrivals)", files.rows);
    if whole_history_only {
        out.push(whole_history(&files));
        return;
    }
    let empty = template("empty", n, &[]);
    let with_customers = template("customers", n, &[(Kind::Customers, &files.customers)]);
    let with_orders = template("orders", n, &[(Kind::Customers, &files.customers), (Kind::Consumption, &files.consumption)]);
    out.push(file_figure("import, customers", Kind::Customers, &history::head(&files.customers, ROWS), &empty));
    out.push(file_figure("import, consumption", Kind::Consumption, &history::head(&files.consumption, ROWS), &with_customers));
    out.push(file_figure("import, executions", Kind::Executions, &history::head(&files.executions, ROWS), &with_orders));
    out.push(file_figure("import, arrivals", Kind::Arrivals, &history::head(&files.arrivals, ROWS), &with_customers));
    out.push(whole_history(&files));
}

/// `liuke init`, then the four files through the release CLI, as a clinic
/// would run them: one figure, the sum of the five commands.
fn whole_history(files: &history::Files) -> Figure {
    let cli = PathBuf::from("target/release/liuke");
    let db = PathBuf::from("target/bench-import-history.db");
    let run = |args: &[&str]| {
        let out = Command::new(&cli).arg("--db").arg(&db).arg("--today").arg(common::today().to_string()).args(args).output().expect("liuke");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let mut steps = Vec::new();
    let mut once = || {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        steps.clear();
        let t = Instant::now();
        run(&["init"]);
        for (kind, path) in [("customers", &files.customers), ("consumption", &files.consumption), ("executions", &files.executions), ("arrivals", &files.arrivals)] {
            let s = Instant::now();
            run(&["import", kind, path.to_str().expect("path")]);
            steps.push(format!("{kind} {:.1} s", s.elapsed().as_secs_f64()));
        }
        std::hint::black_box(t);
    };
    let mut f = crate::extra(format!("whole history through the CLI: {} rows", files.rows.iter().sum::<usize>()), 1, &mut once);
    f.target = "< 3 min";
    f.what = format!("{} ({})", f.what, steps.join(", "));
    f
}
