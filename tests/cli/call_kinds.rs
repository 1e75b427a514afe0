//! The call kinds of SPEC §5/§9 through the command line on a hand-worked
//! history: 预收未耗 at each month's end, the 疗程邀约 calls it brings, and
//! satisfaction scores given with `callbacks complete --score`.

use serde_json::{json, Value};

use crate::util::Clinic;

const TODAY: &str = "2026-11-23";

const CUSTOMERS: &str = "姓名,手机号,顾问\nA,13800000001,周顾问\nB,13800000002,\n";

// A: 3 sessions for ¥1,000 on Sep 1, one done that day.
// B: 5 sessions for ¥2,000 on Oct 10, none done that day.
const CONSUMPTION: &str = "\
手机号,日期,项目,项目类别,次数,实收金额,已执行次数,单号,医生
13800000001,2026-09-01,光子嫩肤,光电,3,1000,1,P1,李医生
13800000002,2026-10-10,水光针,注射,5,2000,0,P2,王医生
";

// A's second session on Oct 20; two of B's on Nov 5.
const EXECUTIONS: &str = "手机号,日期,项目,次数\n13800000001,2026-10-20,光子嫩肤,1\n13800000002,2026-11-05,水光针,2\n";

fn clinic() -> Clinic {
    let c = Clinic::new();
    for (kind, text) in [("customers", CUSTOMERS), ("consumption", CONSUMPTION), ("executions", EXECUTIONS)] {
        let f = c.file(&format!("{kind}.csv"), text.as_bytes());
        c.import(TODAY, kind, &f, &[]).ok();
    }
    c
}

fn prepaid(r: &Value) -> (i64, &str) {
    (r["prepaid_sessions_outstanding"].as_i64().unwrap(), r["prepaid_value_outstanding"].as_str().unwrap())
}

#[test]
fn prepaid_sessions_and_their_value_at_each_month_end() {
    let c = clinic();
    let r = c.run(TODAY, &["report", "monthly", "--month", "2026-11"]).ok().json();
    // Aug 31: nothing bought yet.
    assert_eq!(prepaid(&r["history"][9]), (0, "0.00"));
    // Sep 30: A has 2 of 3 left: 1000 × 2 ÷ 3 = 666.666… → 666.67.
    assert_eq!(prepaid(&r["history"][10]), (2, "666.67"));
    assert_eq!(r["history"][10]["month"], "2026-09");
    // Oct 31: A 1 left → 333.33; B 5 of 5 → 2000.00.
    let oct = c.run(TODAY, &["report", "monthly", "--month", "2026-10"]).ok().json();
    assert_eq!(prepaid(&oct), (6, "2333.33"));
    // Nov 30: A 333.33; B 3 of 5 → 2000 × 3 ÷ 5 = 1200.00.
    assert_eq!(prepaid(&r), (4, "1533.33"));
    let csv = c.run(TODAY, &["report", "monthly", "--month", "2026-11", "--format", "csv"]).ok().stdout;
    assert!(csv.contains("满意度回访数,平均满意度,不满意数（1–2分）,月末未耗次数,月末未耗金额"), "{csv}");
}

#[test]
fn package_calls_come_p_days_after_the_last_session_and_take_a_score() {
    let c = clinic();
    // Nothing due yet on the import's today: A's call is Oct 20 + 45 = Dec 4, B's Nov 5 + 45 = Dec 20.
    let now: Value = c.run(TODAY, &["callbacks", "due", "--date", TODAY]).ok().json();
    assert!(now.as_array().unwrap().iter().all(|t| t["kind"] != "package"), "{now}");
    let dec5: Value = c.run("2026-12-05", &["callbacks", "due", "--date", "2026-12-05"]).ok().json();
    let calls: Vec<(&str, &str, &str)> =
        dec5.as_array().unwrap().iter().map(|t| (t["phone"].as_str().unwrap(), t["kind"].as_str().unwrap(), t["due"].as_str().unwrap())).collect();
    // 水光针's 30-day cycle: Nov 5 + 30 − 7 = Nov 28; B's injection plan: Nov 5 + 30 = Dec 5.
    assert_eq!(
        calls,
        [("13800000002", "repurchase", "2026-11-28"), ("13800000001", "package", "2026-12-04"), ("13800000002", "post_treatment", "2026-12-05")]
    );
    assert_eq!(dec5[1]["items"], json!(["光子嫩肤"]));
    let (a, b) = (dec5[1]["id"].as_i64().unwrap().to_string(), dec5[2]["id"].as_i64().unwrap().to_string());
    // A message outcome on a call, or a score out of range, changes nothing.
    let r = c.run("2026-12-05", &["callbacks", "complete", &a, "--outcome", "sent"]).failed();
    assert!(r.stderr.contains("已发送"), "{}", r.stderr);
    let r = c.run("2026-12-05", &["callbacks", "complete", &a, "--outcome", "reached", "--score", "6"]).failed();
    assert!(r.stderr.contains("1 到 5"), "{}", r.stderr);
    let done = c.run("2026-12-05", &["callbacks", "complete", &a, "--outcome", "reached", "--score", "2", "--note", "嫌效果慢"]).ok().json();
    assert_eq!(done["status"], "reached");
    c.run("2026-12-05", &["callbacks", "complete", &b, "--outcome", "reached", "--score", "5"]).ok();
    let dec = c.run("2026-12-05", &["report", "monthly", "--month", "2026-12"]).ok().json();
    // (2 + 5) ÷ 2 = 3.5; one scored 1–2.
    assert_eq!((&dec["satisfaction_responses"], &dec["satisfaction_avg"], &dec["dissatisfied"]), (&json!(2), &json!(3.5), &json!(1)));
    // Due in December so far: A's package call and B's Dec 5 call, both reached on time.
    assert_eq!((&dec["callbacks_due"], &dec["callbacks_done"], &dec["callbacks_on_time"]), (&json!(2), &json!(2), &json!(1)));
}

#[test]
fn a_plan_preview_says_how_many_open_calls_would_move_and_changes_nothing() {
    use super::probe::{api, fingerprint, ok, serve_with, staffed};
    let c = clinic();
    let s = serve_with(&c, &[]);
    let (owner, service, _) = staffed(&s);
    let steps = json!([{"offset": 1, "purpose": "电话回访"}, {"offset": 14, "purpose": "两周复查"}, {"offset": 45, "purpose": "效果确认", "channel": "message", "script": "{姓名}您好"}]);
    let before = fingerprint(&c);
    // B's sessions of Nov 5 have one open call not yet due: day 30, Dec 5. The new plan
    // drops it and adds day 45 (Dec 20); its days 1 and 14 are past. A's calls are 光电's.
    let preview = ok(api(&s, "plans.preview", Some(&owner), json!({"scope": "category:注射", "steps": steps})));
    assert_eq!(preview, json!({"moved": 1, "added": 1, "kept": 0}));
    assert_eq!(fingerprint(&c), before, "a preview changes nothing");
    let refused = api(&s, "plans.preview", Some(&service), json!({"scope": "category:注射", "steps": steps}));
    assert_eq!(refused.json()["error"]["code"], "forbidden");
    let saved = ok(api(&s, "plans.save", Some(&owner), json!({"scope": "category:注射", "steps": steps, "move_open": true})));
    assert_eq!(saved["moved"], preview);
    let due: Value = c.run(TODAY, &["callbacks", "due", "--date", "2026-12-31"]).ok().json();
    let b: Vec<(&str, &str)> = due
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["phone"] == "13800000002" && t["kind"] == "post_treatment")
        .map(|t| (t["due"].as_str().unwrap(), t["channel"].as_str().unwrap()))
        .collect();
    assert_eq!(b, [("2026-12-20", "message")]);
}
