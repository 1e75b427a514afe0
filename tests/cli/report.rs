//! `liuke report monthly` on a hand-built history imported through the SPEC
//! files. Every expected figure was worked out by hand (comments).

use serde_json::json;

use crate::util::Clinic;

const TODAY: &str = "2026-11-23";

const CUSTOMERS: &str = "\
姓名,手机号,推荐人手机号
A,13800000001,
B,13800000002,
C,13800000003,
D,13800000004,
E,13800000005,
F,13800000006,13800000001
";

const CONSUMPTION: &str = "\
手机号,日期,项目,实收金额,单号
13800000001,2025-06-10,水光针,1000,R1
13800000001,2026-10-01,水光针,2000,R2
13800000002,2026-10-31,水光针,500,R3
13800000002,2026-11-05,水光针,-100,
13800000003,2026-07-15,水光针,300,R4
13800000003,2026-10-13,水光针,300,R5
13800000004,2026-07-20,水光针,800,R6
13800000005,2025-02-01,水光针,100,R7
";

const ARRIVALS: &str = "手机号,日期,类型\n13800000006,2026-10-20,初诊\n13800000001,2026-10-01,复诊\n";

fn clinic() -> Clinic {
    let c = Clinic::new();
    for (kind, text) in [("customers", CUSTOMERS), ("consumption", CONSUMPTION), ("arrivals", ARRIVALS)] {
        let f = c.file(&format!("{kind}.csv"), text.as_bytes());
        c.import(TODAY, kind, &f, &[]).ok();
    }
    c
}

#[test]
fn october_is_the_hand_worked_report() {
    let c = clinic();
    let mut r = c.run(TODAY, &["report", "monthly", "--month", "2026-10"]).ok().json();
    let history = r.as_object_mut().unwrap().remove("history").unwrap();
    assert_eq!(history.as_array().unwrap().len(), 12);
    assert_eq!(history[0]["month"], "2025-10");
    assert_eq!(
        r,
        json!({
            "month": "2026-10",
            // B (10-31) and F (10-20) first came in October; A and C came back.
            "new_customers": 2, "returning_customers": 2, "active_customers": 4, "visits": 4,
            // 2000 (A) + 500 (B) + 300 (C); B's refund is dated in November.
            "revenue": "2800.00",
            // (2000 + 300) / 2800 = 0.82142… → 0.8214
            "repeat_revenue_share": 0.8214,
            // Base 2024-11…2025-10: A (2025-06) and E (2025-02); only A came in 2025-11…2026-10.
            "retention_base_12m": 2, "retained_12m": 1, "retention_rate_12m": 0.5,
            // July's cohort: C (back on 07-15 + 90 = 10-13) and D (never back).
            "new_return_cohort": 2, "new_returned_90d": 1, "new_return_rate_90d": 0.5,
            // E last came 2025-02-01; A's 10-01 visit follows one 478 days earlier.
            "dormant_customers": 1, "reactivated_customers": 1,
            // F, new in October, was referred by A.
            "referrals": 1,
            // Imported calls due before the import's today are historical.
            "callbacks_due": 0, "callbacks_done": 0, "callback_completion_rate": null, "callbacks_on_time": 0,
            "rebooked_rate": 0.0,
            // No scored calls; every session bought was done the day it was bought.
            "satisfaction_responses": 0, "satisfaction_avg": null, "dissatisfied": 0,
            "prepaid_sessions_outstanding": 0, "prepaid_value_outstanding": "0.00",
            // No vouchers in this history.
            "vouchers_issued": 0, "vouchers_redeemed": 0, "voucher_value_redeemed": "0.00", "vouchers_outstanding": "0.00",
            "tiers": {
                "membership": {"gold": 0, "member": 0, "none": 6, "platinum": 0, "star_diamond": 0},
                "layer": {"basic": 5, "dormant": 1, "lead": 0, "normal": 0, "potential": 0, "super": 0},
                "trust": {"lead": 0, "loyal": 0, "retained": 0, "traffic": 6}
            }
        })
    );
}

#[test]
fn november_counts_the_refund_and_not_october_s_visits() {
    let c = clinic();
    let r = c.run(TODAY, &["report", "monthly", "--month", "2026-11"]).ok().json();
    assert_eq!((r["revenue"].as_str(), r["visits"].as_i64(), r["repeat_revenue_share"].as_f64()), (Some("-100.00"), Some(0), Some(1.0)));
    assert_eq!(r["history"][11]["month"], "2026-10");
}

#[test]
fn the_csv_export_holds_the_month_and_the_twelve_before_it() {
    let c = clinic();
    let out = c.run(TODAY, &["report", "monthly", "--month", "2026-10", "--format", "csv"]).ok().stdout;
    assert!(out.starts_with('\u{feff}'));
    let lines: Vec<&str> = out.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 14);
    assert!(lines[1].starts_with("2025-10,"));
    assert!(lines[13].starts_with("2026-10,2,2,4,4,2800.00,0.8214,2,1,0.5,2,1,0.5,1,1,1,0,0,,0,0.0"), "{}", lines[13]);
}

#[test]
fn the_xlsx_workbook_reads_back_with_the_same_figures() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let c = clinic();
    let path = c.dir.path().join("报表.xlsx");
    c.run(TODAY, &["report", "monthly", "--month", "2026-10", "--format", "xlsx", "--out", path.to_str().unwrap()]).ok();
    let mut book: Xlsx<_> = open_workbook(&path).expect("a real xlsx");
    assert_eq!(book.sheet_names(), ["月度指标", "会员等级", "价值分层", "信任阶段"]);
    let figures = book.worksheet_range("月度指标").unwrap();
    assert_eq!(figures.get_value((0, 0)), Some(&Data::String("月份".into())));
    assert_eq!(figures.get_value((13, 0)), Some(&Data::String("2026-10".into())));
    assert_eq!(figures.get_value((13, 5)), Some(&Data::Float(2800.0)), "revenue");
    assert_eq!(figures.get_value((13, 6)), Some(&Data::Float(0.8214)), "repeat share");
    assert_eq!(figures.get_value((13, 18)), Some(&Data::Empty), "a null rate is an empty cell");
    let layer = book.worksheet_range("价值分层").unwrap();
    assert_eq!(layer.get_value((0, 2)), Some(&Data::String("沉睡".into())));
    assert_eq!(layer.get_value((13, 2)), Some(&Data::Float(1.0)));
}

#[test]
fn xlsx_needs_an_output_file_and_a_bad_month_is_refused() {
    let c = clinic();
    let r = c.run(TODAY, &["report", "monthly", "--month", "2026-10", "--format", "xlsx"]).failed();
    assert!(r.stderr.contains("--out"), "{}", r.stderr);
    let r = c.run(TODAY, &["report", "monthly", "--month", "2026-13"]).failed();
    assert!(r.stderr.contains("YYYY-MM"), "{}", r.stderr);
}
