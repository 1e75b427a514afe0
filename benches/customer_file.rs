//! The customer file with its whole history on the large clinic (DESIGN.md
//! target: < 50 ms). Measures what the screen asks the core for when a file
//! opens: `customers.get` + `consumption.file`, and the desk's card
//! (`desk.card`), through the real dispatcher, for the customers with the
//! longest histories and for a random sample.
//! Run: `cargo bench --bench customer_file` (LIUKE_BENCH_CUSTOMERS to change 200000).

#[path = "common.rs"]
mod common;

use std::time::Instant;

use liuke::commands::App;
use serde_json::json;

fn main() {
    let (conn, _clock, path) = common::large_clinic();
    let longest: Vec<(i64, i64)> = conn
        .prepare("SELECT customer_id, count(*) n FROM payments GROUP BY customer_id ORDER BY n DESC LIMIT 20")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    let max_ids: i64 = conn.query_row("SELECT max(id) FROM customers", [], |r| r.get(0)).expect("max");
    drop(conn);
    let mut app = App::open(&path, Some(common::today())).expect("app");
    let mut rng = fastrand::Rng::with_seed(11);
    let random: Vec<i64> = (0..200).map(|_| rng.i64(1..=max_ids)).collect();
    let heaviest: Vec<i64> = longest.iter().map(|(id, _)| *id).collect();
    println!("longest history: {} payments", longest.first().map_or(0, |(_, n)| *n));
    println!("{:<34} {:>10} {:>10} {:>6}", "what", "median ms", "max ms", "runs");
    for (label, ids) in [("file, longest histories", &heaviest), ("file, random customers", &random)] {
        let mut times = Vec::new();
        for _ in 0..5 {
            for id in ids.iter() {
                let t = Instant::now();
                app.dispatch("customers.get", None, json!({"id": id})).expect("get");
                let file = app.dispatch("consumption.file", None, json!({"customer_id": id})).expect("file");
                std::hint::black_box(file);
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
        }
        let (median, max) = common::summary(times.clone());
        println!("{:<34} {:>10.2} {:>10.2} {:>6}", label, median, max, times.len());
    }
    let mut times = Vec::new();
    for id in heaviest.iter().chain(random.iter()) {
        let t = Instant::now();
        std::hint::black_box(app.dispatch("desk.card", None, json!({"id": id})).expect("card"));
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let (median, max) = common::summary(times.clone());
    println!("{:<34} {:>10.2} {:>10.2} {:>6}", "desk card (triage)", median, max, times.len());
}
