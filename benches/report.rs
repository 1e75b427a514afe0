//! The monthly report on the large clinic (DESIGN.md targets: one month < 1 s,
//! 13 months < 5 s), and the export of 13 months as CSV and .xlsx.
//! Run: `cargo bench --bench report` (LIUKE_BENCH_CUSTOMERS to change 200000).

#[path = "common.rs"]
mod common;

use std::time::Instant;

use liuke::report::{self, Month};

fn main() {
    let (conn, _clock, _path) = common::large_clinic();
    let m = Month::of(common::today()).plus(-1);
    let mut one = Vec::new();
    let mut thirteen = Vec::new();
    let mut export = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        std::hint::black_box(report::monthly(&conn, m).expect("month"));
        one.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        let months = report::thirteen_months(&conn, m).expect("13 months");
        thirteen.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        std::hint::black_box((report::csv(&months).expect("csv"), report::workbook(&months).expect("xlsx")));
        export.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!("{:<36} {:>10} {:>10}", format!("report for {}", m.key()), "median ms", "max ms");
    for (label, times) in [("one month", one), ("13 months", thirteen), ("CSV + xlsx of 13 months", export)] {
        let (med, max) = common::summary(times);
        println!("{label:<36} {med:>10.0} {max:>10.0}");
    }
}
