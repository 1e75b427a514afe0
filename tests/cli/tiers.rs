//! `liuke tiers` on a hand-built history imported through the SPEC files.
//! Every expected label, sum and balance below was worked out by hand from
//! SPEC §2–§4; the comments show the arithmetic.

use serde_json::{json, Value};

use crate::util::Clinic;

const TODAY: &str = "2026-11-23";

const CUSTOMERS: &str = "\
姓名,手机号,生日,推荐人手机号
张小美,13800000001,1990-03-08,
王芳,13800000002,,13800000001
赵敏,13800000003,,
陈静,13800000004,,
孙悦,13800000005,,
";

// 张小美: 5000 on D−365 (outside the window), 30000 on D−364 (inside),
// 2400.50 in her birthday month (double points), a refund of 1000.99.
// 王芳: a prepaid package of 5 sessions, none done on the day.
const CONSUMPTION: &str = "\
手机号,日期,项目,项目类别,次数,实收金额,已执行次数,单号
13800000001,2025-11-23,玻尿酸 1ml,注射,1,5000,1,T1
13800000001,2025-11-24,热玛吉,光电,1,30000,1,T2
13800000001,2026-03-15,水光针,注射,3,2400.50,1,T3
13800000001,2026-10-01,水光针,,1,-1000.99,,
13800000002,2026-06-01,光子嫩肤,光电,5,5000,0,T4
";

const EXECUTIONS: &str = "\
手机号,日期,项目,次数
13800000001,2026-04-15,水光针,1
13800000002,2026-06-15,光子嫩肤,2
13800000002,2026-07-15,光子嫩肤,1
";

// 陈静 last came 180 days before D (dormant); 孙悦 179 days before (not yet).
const ARRIVALS: &str = "\
手机号,日期,类型
13800000001,2026-11-20,复查
13800000004,2026-05-27,初诊
13800000005,2026-05-28,初诊
";

fn clinic() -> Clinic {
    let c = Clinic::new();
    for (kind, text) in [("customers", CUSTOMERS), ("consumption", CONSUMPTION), ("executions", EXECUTIONS), ("arrivals", ARRIVALS)] {
        let f = c.file(&format!("{kind}.csv"), text.as_bytes());
        c.import(TODAY, kind, &f, &[]).ok();
    }
    c
}

fn by_phone(rows: &Value, phone: &str) -> Value {
    rows.as_array().unwrap().iter().find(|r| r["phone"] == phone).cloned().unwrap_or_else(|| panic!("no row for {phone}"))
}

#[test]
fn every_customer_has_the_spec_shape_sorted_by_phone() {
    let c = clinic();
    let rows = c.run(TODAY, &["tiers"]).ok().json();
    let phones: Vec<&str> = rows.as_array().unwrap().iter().map(|r| r["phone"].as_str().unwrap()).collect();
    assert_eq!(phones, ["13800000001", "13800000002", "13800000003", "13800000004", "13800000005"]);
    for key in ["phone", "name", "membership", "layer", "trust", "spend_365", "spend_total", "visit_days", "first_visit", "last_visit", "points"] {
        assert!(rows[0].get(key).is_some(), "missing {key}");
    }
}

#[test]
fn the_labels_sums_and_points_are_the_hand_worked_ones() {
    let c = clinic();
    let rows = c.run(TODAY, &["tiers"]).ok().json();
    // 张小美: spend_365 = 30000 + 2400.50 − 1000.99 = 31399.51 ≥ 30000 → gold, potential.
    // Visit days 2025-11-23, 2025-11-24, 2026-03-15, 2026-04-15, 2026-11-20 → 5 → retained.
    // Points: 5000 (11-23, 1000 taken by the refund, the other 4000 expire on D) + 30000
    // + 2 × 2400 (birthday month) + 500 (王芳's first payment) = 35300.
    assert_eq!(
        by_phone(&rows, "13800000001"),
        json!({"phone": "13800000001", "name": "张小美", "membership": "gold", "layer": "potential", "trust": "retained",
               "spend_365": "31399.51", "spend_total": "36399.51", "visit_days": 5,
               "first_visit": "2025-11-23", "last_visit": "2026-11-20", "points": 35300})
    );
    // 王芳: 5000 total → member; 5000 in the window → basic; 3 visit days → retained; 5000 points.
    assert_eq!(
        by_phone(&rows, "13800000002"),
        json!({"phone": "13800000002", "name": "王芳", "membership": "member", "layer": "basic", "trust": "retained",
               "spend_365": "5000.00", "spend_total": "5000.00", "visit_days": 3,
               "first_visit": "2026-06-01", "last_visit": "2026-07-15", "points": 5000})
    );
    let lead = by_phone(&rows, "13800000003");
    assert_eq!((&lead["membership"], &lead["layer"], &lead["trust"], &lead["first_visit"]), (&json!("none"), &json!("lead"), &json!("lead"), &Value::Null));
    assert_eq!(by_phone(&rows, "13800000004")["layer"], "dormant", "180 days since the last visit");
    assert_eq!(by_phone(&rows, "13800000005")["layer"], "basic", "179 days since the last visit");
}

#[test]
fn as_of_the_day_before_and_the_day_after() {
    let c = clinic();
    // The day before: the 5000 is still in the window and its 4000 points still live.
    let before = by_phone(&c.run(TODAY, &["tiers", "--as-of", "2026-11-22"]).ok().json(), "13800000001");
    assert_eq!((before["spend_365"].as_str(), before["points"].as_i64()), (Some("36399.51"), Some(39300)));
    // The day after: the 30000 of 2025-11-24 leaves the window (→ member) and its points expire.
    let after = by_phone(&c.run(TODAY, &["tiers", "--as-of", "2026-11-24"]).ok().json(), "13800000001");
    assert_eq!((after["membership"].as_str(), after["spend_365"].as_str(), after["points"].as_i64()), (Some("member"), Some("1399.51"), Some(5300)));
}

#[test]
fn csv_is_for_excel_with_chinese_headers_and_labels() {
    let c = clinic();
    let out = c.run(TODAY, &["tiers", "--format", "csv"]).ok().stdout;
    assert!(out.starts_with('\u{feff}'), "UTF-8 with BOM");
    let lines: Vec<&str> = out.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "手机号,姓名,会员等级,价值分层,信任阶段,近365天消费,累计消费,到院天数,首次到院,最近到院,积分");
    assert_eq!(lines[1], "13800000001,张小美,黄金,潜力,留量,31399.51,36399.51,5,2025-11-23,2026-11-20,35300");
    assert_eq!(lines.len(), 6);
}
