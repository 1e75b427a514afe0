//! `liuke report analysis` (SPEC §10) on a hand-built history, imported in
//! the order it happened so that the calls of May are live and worked. Every
//! expected figure was worked out by hand (comments). The period is January
//! to June 2026, read on Nov 23: the end is Jun 30, and the 365 days to the
//! end run from Jul 1 2025.

use serde_json::{json, Value};

use crate::util::Clinic;

const TODAY: &str = "2026-11-23";

// A and B (小红书, 李咨询), C (抖音, 王咨询, referred by G), D (no channel, 王咨询),
// E (抖音, no consultant, referred by A); F and G came before the period.
const CUSTOMERS: &str = "\
姓名,手机号,来源渠道,顾问,推荐人手机号
G,13800000007,老带新,王咨询,
A,13800000001,小红书,李咨询,
B,13800000002,小红书,李咨询,
C,13800000003,抖音,王咨询,13800000007
D,13800000004,,王咨询,
E,13800000005,抖音,,13800000001
F,13800000006,美团,李咨询,
";

// Everything up to May 15, imported on May 15.
const UNTIL_MAY: &str = "\
手机号,日期,项目,实收金额,单号
13800000007,2025-01-05,水光针,100,G0
13800000007,2025-09-01,水光针,200,G1
13800000007,2025-10-01,水光针,200,G2
13800000007,2025-11-01,水光针,200,G3
13800000007,2025-12-01,水光针,200,G4
13800000007,2026-01-05,水光针,201,G5
13800000006,2025-03-01,水光针,3000,F0
13800000006,2025-08-01,水光针,1000,F1
13800000006,2026-02-15,水光针,1500,F2
13800000001,2026-01-10,水光针,1000,A1
13800000001,2026-04-10,水光针,500,A2
13800000002,2026-02-01,水光针,2000,B1
13800000002,2026-03-01,水光针,-500,
13800000002,2026-05-03,水光针,301,B2
13800000003,2026-05-15,水光针,800,C1
";

const ARRIVALS: &str = "手机号,日期,类型\n13800000004,2026-03-20,初诊\n13800000004,2026-04-01,复诊\n";

// After May: E's first visit, F's last in the period, and A's after the end.
const AFTER_MAY: &str = "\
手机号,日期,项目,实收金额,单号
13800000005,2026-06-01,水光针,600.01,E1
13800000006,2026-06-20,水光针,200,F3
13800000001,2026-08-01,水光针,700,A3
";

// The owner's costs: July's is outside the period; 地推 brought nobody.
const COSTS: &str = "月份,渠道,金额\n2026-01,小红书,3000\n2026-02,小红书,1000\n2026-05,抖音,1000\n2026-03,地推,500\n2026-07,小红书,9999\n";

/// C's call due on `due`, as the list of that day shows it.
fn call_of_c(c: &Clinic, due: &str) -> String {
    let list: Value = c.run(due, &["callbacks", "due", "--date", due]).ok().json();
    let task = list.as_array().unwrap().iter().find(|t| t["phone"] == "13800000003" && t["due"] == due).unwrap_or_else(|| panic!("no call of C due {due}: {list}"));
    task["id"].to_string()
}

fn clinic() -> Clinic {
    let c = Clinic::new();
    let may = "2026-05-15";
    for (kind, text, today) in [("customers", CUSTOMERS, may), ("consumption", UNTIL_MAY, may), ("arrivals", ARRIVALS, may)] {
        let f = c.file(&format!("{kind}.csv"), text.as_bytes());
        c.import(today, kind, &f, &[]).ok();
    }
    // C's 水光针 of May 15: calls on days 1, 3, 7 and 30. The first is reached on its day;
    // the second is not answered on its day and reached the day after.
    let first = call_of_c(&c, "2026-05-16");
    c.run("2026-05-16", &["callbacks", "complete", &first, "--outcome", "reached"]).ok();
    let second = call_of_c(&c, "2026-05-18");
    c.run("2026-05-18", &["callbacks", "complete", &second, "--outcome", "no_answer"]).ok();
    c.run("2026-05-19", &["callbacks", "complete", &second, "--outcome", "reached"]).ok();
    let after = c.file("after.csv", AFTER_MAY.as_bytes());
    c.import(TODAY, "consumption", &after, &[]).ok();
    let costs = c.file("costs.csv", COSTS.as_bytes());
    c.import(TODAY, "costs", &costs, &[]).ok();
    c
}

#[test]
fn january_to_june_is_the_hand_worked_analysis() {
    let c = clinic();
    let r = c.run(TODAY, &["report", "analysis", "--from", "2026-01", "--to", "2026-06"]).ok().json();
    assert_eq!(
        r,
        json!({
            "from": "2026-01", "to": "2026-06", "end": "2026-06-30",
            "by_channel": {
                // A (Jan 10) is back on Apr 10, day 90; B (Feb 1) on May 3, day 91: 1 of 2.
                // Spend: A 1000 + 500 (Aug 1 is after the end); B 2000 − 500 + 301. 3301.
                // Costs 3000 + 1000 (July's 9999 is outside): ÷ 2 new, ÷ 1 returned.
                "小红书": {"new_customers": 2, "matured": 2, "returned_90d": 1, "return_rate_90d": 0.5,
                          "spend_first_365": "3301.00", "acquisition_cost": "4000.00", "cost_per_new": "2000.00", "cost_per_returned": "4000.00"},
                // C (May 15 + 90 = Aug 13) and E (Jun 1) have not had their 90 days by Jun 30.
                "抖音": {"new_customers": 2, "matured": 0, "returned_90d": 0, "return_rate_90d": null,
                        "spend_first_365": "1400.01", "acquisition_cost": "1000.00", "cost_per_new": "500.00", "cost_per_returned": null},
                // D: arrivals only, Mar 20 and Apr 1 (Mar 20 + 90 = Jun 18 ≤ Jun 30).
                "未填": {"new_customers": 1, "matured": 1, "returned_90d": 1, "return_rate_90d": 1.0,
                        "spend_first_365": "0.00", "acquisition_cost": null, "cost_per_new": null, "cost_per_returned": null}
            },
            // Visit days from Jul 1 2025 to Jun 30 2026: C 1, E 1; A 2, B 2 (the refund is
            // no visit), D 2; F 3 (Aug 1, Feb 15, Jun 20; Mar 2025 is before); G 5.
            "by_visit_count": {
                // (800 + 600.01) ÷ 2 = 700.005 → 700.01 (half-up).
                "1": {"customers": 2, "avg_spend_365": "700.01", "referral_rate": 0.0},
                // (1500 + 1801 + 0) ÷ 3 = 1100.333… → 1100.33; A referred E (new Jun 1): 1 of 3.
                "2": {"customers": 3, "avg_spend_365": "1100.33", "referral_rate": 0.3333},
                "3-4": {"customers": 1, "avg_spend_365": "2700.00", "referral_rate": 0.0},
                // G: 200 × 4 + 201 (Jan 2025 is before); G referred C (new May 15).
                "5+": {"customers": 1, "avg_spend_365": "1001.00", "referral_rate": 1.0}
            },
            // 5 of 7 = 0.714285… and 2 of 7 = 0.285714…
            "frequency": {
                "1-2": {"customers": 5, "share": 0.7143, "industry": 0.35},
                "3-5": {"customers": 2, "share": 0.2857, "industry": 0.57},
                "6+": {"customers": 0, "share": 0.0, "industry": 0.08}
            },
            // B alone matured without coming back: 1 × (4000 + 1000 + 500) ÷ 5 new.
            "lost_new": {"customers": 1, "lost_cost": "1100.00"},
            "by_consultant": {
                // Spend dated in the period: A 1500, B 1801.
                "李咨询": {"new_customers": 2, "matured": 2, "returned_90d": 1, "return_rate_90d": 0.5, "spend": "3301.00"},
                "王咨询": {"new_customers": 2, "matured": 1, "returned_90d": 1, "return_rate_90d": 1.0, "spend": "800.00"},
                "未填": {"new_customers": 1, "matured": 0, "returned_90d": 0, "return_rate_90d": null, "spend": "600.01"}
            },
            // The command line is 系统: three calls recorded on C's calls of May 16 and 18,
            // both done, only the first on its day.
            "by_caller": {"系统": {"closed": 3, "done": 2, "on_time": 1}},
            "new_customers": 5,
            "costs_without_new_customers": {"地推": "500.00"},
            // 3+ visit days: F 2700 and G 1001, (2700 + 1001) ÷ 2 = 1850.50; against the
            // once-only (800 + 600.01) ÷ 2: 3701 ÷ 1400.01 = 2.6435… → 2.64.
            "three_plus_vs_once": {"customers": 2, "avg_spend_365": "1850.50", "multiple": 2.64}
        })
    );
}

#[test]
fn the_csv_has_a_section_per_table_and_the_workbook_a_sheet_per_table() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let c = clinic();
    let out = c.run(TODAY, &["report", "analysis", "--from", "2026-01", "--to", "2026-06", "--format", "csv"]).ok().stdout;
    assert!(out.starts_with('\u{feff}'));
    let sections: Vec<&str> = out.trim_start_matches('\u{feff}').split("\n\n").filter(|s| !s.trim().is_empty()).collect();
    assert_eq!(sections.len(), 6);
    assert!(sections[0].lines().any(|l| l == "小红书,2,2,1,0.5,3301.00,4000.00,2000.00,4000.00"), "{}", sections[0]);
    assert!(sections[0].lines().any(|l| l == "地推,0,0,0,,0.00,500.00,,"), "{}", sections[0]);
    assert_eq!(sections[5].lines().nth(2), Some("系统,3,2,1"));
    let path = c.dir.path().join("分析.xlsx");
    let said = c.run(TODAY, &["report", "analysis", "--from", "2026-01", "--to", "2026-06", "--format", "xlsx", "--out", path.to_str().unwrap()]).ok().stdout;
    assert!(said.contains("2026-01 至 2026-06，截至 2026-06-30"), "{said}");
    let mut book: Xlsx<_> = open_workbook(&path).expect("a real xlsx");
    let buckets = book.worksheet_range("按到院次数").unwrap();
    assert_eq!(buckets.get_value((4, 2)), Some(&Data::Float(700.01)));
    assert_eq!(buckets.get_value((5, 3)), Some(&Data::Float(0.3333)));
}

#[test]
fn a_period_backwards_or_not_yet_begun_is_refused_and_xlsx_needs_a_file() {
    let c = clinic();
    let backwards = c.run(TODAY, &["report", "analysis", "--from", "2026-06", "--to", "2026-01"]).failed();
    assert!(backwards.stderr.contains("早于开始月份"), "{}", backwards.stderr);
    let future = c.run(TODAY, &["report", "analysis", "--from", "2026-12", "--to", "2027-01"]).failed();
    assert!(future.stderr.contains("还没到"), "{}", future.stderr);
    let bad = c.run(TODAY, &["report", "analysis", "--from", "2026-1x", "--to", "2026-06"]).failed();
    assert!(bad.stderr.contains("YYYY-MM"), "{}", bad.stderr);
    let no_file = c.run(TODAY, &["report", "analysis", "--from", "2026-01", "--to", "2026-06", "--format", "xlsx"]).failed();
    assert!(no_file.stderr.contains("--out"), "{}", no_file.stderr);
}

#[test]
fn a_costs_file_with_a_problem_changes_nothing_and_a_good_one_again_changes_nothing() {
    let c = clinic();
    let before = c.run(TODAY, &["report", "analysis", "--from", "2026-01", "--to", "2026-06"]).ok().stdout;
    let bad = c.file("bad.csv", "月份,渠道,金额\n2026-01,小红书,1\n2026-13,抖音,5\n".as_bytes());
    let refused = c.import(TODAY, "costs", &bad, &[]).failed();
    assert!(refused.stderr.contains("第 3 行") && refused.stderr.contains("2026-13"), "{}", refused.stderr);
    let again = c.file("costs.csv", COSTS.as_bytes());
    let said = c.import(TODAY, "costs", &again, &[]).ok().stdout;
    assert!(said.contains("未变 5"), "{said}");
    assert_eq!(c.run(TODAY, &["report", "analysis", "--from", "2026-01", "--to", "2026-06"]).ok().stdout, before);
    // Each import of costs and each export is in the audit log.
    let conn = rusqlite::Connection::open(c.db()).unwrap();
    let count = |action: &str| -> i64 { conn.query_row("SELECT count(*) FROM audit_log WHERE action = ?1", [action], |r| r.get(0)).unwrap() };
    assert_eq!(count("导入获客成本"), 2, "the refused file is not a change");
    assert_eq!(count("导出经营分析"), 2);
}
