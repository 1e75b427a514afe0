//! Customer search on a large demo clinic (DESIGN.md target: < 20 ms).
//! Run: `cargo bench --bench search` (LIUKE_BENCH_CUSTOMERS to change 200000).
//! The database is built once into target/bench-search-N.db and reused.

use std::time::Instant;

use chrono::NaiveDate;
use liuke::{clock::Clock, demo, search, store};

fn main() {
    let n: usize = std::env::var("LIUKE_BENCH_CUSTOMERS").ok().and_then(|v| v.parse().ok()).unwrap_or(200_000);
    let path = std::path::PathBuf::from(format!("target/bench-search-{n}.db"));
    let clock = Clock::fixed(NaiveDate::from_ymd_opt(2026, 11, 23).expect("date"));
    let mut conn = store::open(&path).expect("open");
    if liuke::customers::count(&conn).expect("count") == 0 {
        let t = Instant::now();
        demo::seed(&mut conn, &clock, n, 20261123).expect("demo");
        println!("built {n} demo customers in {:.1} s", t.elapsed().as_secs_f64());
    }
    let sample = liuke::customers::list_all(&conn).expect("list");
    let probe = &sample[sample.len() / 2];
    let queries = [
        ("full phone", probe.phone.clone()),
        ("last 4", probe.phone[7..].to_string()),
        ("name", probe.name.clone()),
        ("initials 2", "zx".to_string()),
        ("initials 3", "zxm".to_string()),
        ("full pinyin", "zhangxiao".to_string()),
        ("leading digits", "138".to_string()),
        ("no match", "qqqq".to_string()),
    ];
    println!("{:<16} {:>10} {:>10} {:>6}", "query", "median ms", "max ms", "hits");
    for (label, q) in &queries {
        let mut times = Vec::new();
        let mut hits = 0;
        for _ in 0..30 {
            let t = Instant::now();
            hits = search::search(&conn, q, 20).expect("search").len();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(|a, b| a.total_cmp(b));
        println!("{:<16} {:>10.2} {:>10.2} {:>6}", label, times[times.len() / 2], times[times.len() - 1], hits);
    }
}
