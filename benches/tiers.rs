//! All three tier labels for every customer as of a date on the large clinic
//! (DESIGN.md target: < 2 s), and the whole `liuke tiers` row set with points.
//! Run: `cargo bench --bench tiers` (LIUKE_BENCH_CUSTOMERS to change 200000).

#[path = "common.rs"]
mod common;

use std::time::Instant;

use liuke::tiers;

fn main() {
    let (conn, _clock, _path) = common::large_clinic();
    let d = common::today();
    let rules = tiers::rules(&conn).expect("rules");
    let mut labels_ms = Vec::new();
    let mut rows_ms = Vec::new();
    let mut counted = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let facts = liuke::visits::all_facts(&conn, d).expect("facts");
        let c = tiers::counts(facts.iter().map(|(_, f)| tiers::labels(&rules, f, d)));
        labels_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        counted = facts.len();
        std::hint::black_box(c);
        let t = Instant::now();
        std::hint::black_box(tiers::all_rows(&conn, d).expect("rows"));
        rows_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!("{:<40} {:>10} {:>10}", "what", "median ms", "max ms");
    let (m, x) = common::summary(labels_ms);
    println!("{:<40} {:>10.0} {:>10.0}", format!("three labels for {counted} customers"), m, x);
    let (m, x) = common::summary(rows_ms);
    println!("{:<40} {:>10.0} {:>10.0}", "liuke tiers rows (labels + points)", m, x);
}
