//! `liuke callbacks due|complete` on a small imported history. The expected
//! checklist for each date was worked out by hand from SPEC §5 (comments).

use serde_json::Value;

use crate::util::Clinic;

const TODAY: &str = "2026-11-23";

const CUSTOMERS: &str = "\
姓名,手机号,生日,不接受营销
张小美,13800000001,1990-12-01,否
王芳,13800000002,,是
李娜,13800000003,,否
";

// 张小美: 水光针 (注射, 30-day cycle) done on 11-20 → calls on 11-21 (before the
// import's today: historical), 11-23, 11-27, 12-20; repurchase on 11-20 + 30 − 7 = 12-13.
// 王芳: 热玛吉 (光电) done on 11-22 → 11-23, 11-29, 12-22; she refuses marketing,
// so no repurchase reminder (365-day cycle) but the clinical calls stay.
const CONSUMPTION: &str = "\
手机号,日期,项目,项目类别,次数,实收金额,已执行次数,单号
13800000001,2026-11-20,水光针,注射,1,980,1,C1
13800000002,2026-11-22,热玛吉,光电,1,16800,1,C2
";

// 李娜 came on 11-22 and left without paying or being treated → no-deal calls on 11-23 and 11-29.
const ARRIVALS: &str = "手机号,日期,类型\n13800000003,2026-11-22,咨询\n";

fn clinic() -> Clinic {
    let c = Clinic::new();
    c.run(TODAY, &["init"]).ok();
    for (kind, text) in [("customers", CUSTOMERS), ("consumption", CONSUMPTION), ("arrivals", ARRIVALS)] {
        let f = c.file(&format!("{kind}.csv"), text.as_bytes());
        c.import(TODAY, kind, &f, &[]).ok();
    }
    c
}

fn due(c: &Clinic, today: &str, date: &str) -> Vec<Value> {
    c.run(today, &["callbacks", "due", "--date", date]).ok().json().as_array().unwrap().clone()
}

fn summary(list: &[Value]) -> Vec<String> {
    list.iter().map(|t| format!("{} {} {} {}", t["phone"].as_str().unwrap(), t["kind"].as_str().unwrap(), t["due"].as_str().unwrap(), t["next_on"].as_str().unwrap())).collect()
}

fn id_of(list: &[Value], phone: &str) -> String {
    list.iter().find(|t| t["phone"] == phone).unwrap()["id"].to_string()
}

#[test]
fn the_days_checklist_is_the_hand_worked_one_with_the_spec_shape() {
    let c = clinic();
    let list = due(&c, TODAY, TODAY);
    assert_eq!(
        summary(&list),
        [
            "13800000001 post_treatment 2026-11-23 2026-11-23",
            "13800000002 post_treatment 2026-11-23 2026-11-23",
            "13800000003 no_deal 2026-11-23 2026-11-23",
        ]
    );
    for key in ["id", "phone", "name", "kind", "due", "next_on", "status", "items", "attempts"] {
        assert!(list[0].get(key).is_some(), "missing {key}");
    }
    assert_eq!(list[0]["items"], serde_json::json!(["水光针"]));
    assert_eq!((list[0]["status"].as_str(), list[0]["attempts"].as_i64()), (Some("open"), Some(0)));
}

#[test]
fn later_dates_show_what_falls_due_by_then_including_the_birthday_and_repurchase() {
    let c = clinic();
    let list = due(&c, TODAY, "2026-12-13");
    let s = summary(&list);
    assert_eq!(
        s,
        [
            "13800000001 post_treatment 2026-11-23 2026-11-23",
            "13800000002 post_treatment 2026-11-23 2026-11-23",
            "13800000003 no_deal 2026-11-23 2026-11-23",
            "13800000001 post_treatment 2026-11-27 2026-11-27",
            "13800000002 post_treatment 2026-11-29 2026-11-29",
            "13800000003 no_deal 2026-11-29 2026-11-29",
            "13800000001 birthday 2026-12-01 2026-12-01",
            "13800000001 repurchase 2026-12-13 2026-12-13",
        ]
    );
    assert!(!s.iter().any(|t| t.contains("2026-11-21")), "the call due before the import's today is historical");
}

#[test]
fn asking_twice_and_re_importing_never_duplicate_a_task() {
    let c = clinic();
    let first: Vec<String> = due(&c, TODAY, "2026-12-31").iter().map(|t| t["id"].to_string()).collect();
    for (kind, text) in [("consumption", CONSUMPTION), ("arrivals", ARRIVALS)] {
        let f = c.file(&format!("{kind}.csv"), text.as_bytes());
        c.import(TODAY, kind, &f, &[]).ok();
    }
    let again: Vec<String> = due(&c, TODAY, "2026-12-31").iter().map(|t| t["id"].to_string()).collect();
    assert_eq!(first, again);
}

#[test]
fn no_answer_moves_the_call_to_tomorrow_and_the_third_closes_it() {
    let c = clinic();
    let li = id_of(&due(&c, TODAY, TODAY), "13800000003");
    let t = c.run(TODAY, &["callbacks", "complete", &li, "--outcome", "no_answer"]).ok().json();
    assert_eq!((t["next_on"].as_str(), t["due"].as_str(), t["attempts"].as_i64()), (Some("2026-11-24"), Some("2026-11-23"), Some(1)));
    assert_eq!(due(&c, TODAY, TODAY).len(), 2, "not on today's list any more");
    assert!(summary(&due(&c, "2026-11-24", "2026-11-24")).contains(&"13800000003 no_deal 2026-11-23 2026-11-24".to_string()));
    c.run("2026-11-24", &["callbacks", "complete", &li, "--outcome", "no_answer"]).ok();
    let last = c.run("2026-11-25", &["callbacks", "complete", &li, "--outcome", "no_answer", "--note", "三次未接"]).ok().json();
    assert_eq!(last["status"], "unreachable");
    let again = c.run("2026-11-25", &["callbacks", "complete", &li, "--outcome", "reached"]).failed();
    assert!(again.stderr.contains("联系不上"), "{}", again.stderr);
}

#[test]
fn reschedule_moves_next_on_and_needs_a_later_date() {
    let c = clinic();
    let zhang = id_of(&due(&c, TODAY, TODAY), "13800000001");
    let bad = c.run(TODAY, &["callbacks", "complete", &zhang, "--outcome", "reschedule"]).failed();
    assert!(bad.stderr.contains("改期请选择新的回访日期"), "{}", bad.stderr);
    let t = c.run(TODAY, &["callbacks", "complete", &zhang, "--outcome", "reschedule", "--to", "2026-11-26"]).ok().json();
    assert_eq!((t["due"].as_str(), t["next_on"].as_str(), t["status"].as_str()), (Some("2026-11-23"), Some("2026-11-26"), Some("open")));
    assert!(!summary(&due(&c, TODAY, "2026-11-25")).iter().any(|s| s.starts_with("13800000001 post_treatment 2026-11-23")));
    assert!(summary(&due(&c, TODAY, "2026-11-26")).contains(&"13800000001 post_treatment 2026-11-23 2026-11-26".to_string()));
}

#[test]
fn reached_and_escalate_close_the_call() {
    let c = clinic();
    let list = due(&c, TODAY, TODAY);
    c.run(TODAY, &["callbacks", "complete", &id_of(&list, "13800000001"), "--outcome", "reached", "--note", "恢复良好"]).ok();
    let e = c.run(TODAY, &["callbacks", "complete", &id_of(&list, "13800000002"), "--outcome", "escalate", "--note", "面部红肿"]).ok().json();
    assert_eq!(e["status"], "escalate");
    assert_eq!(summary(&due(&c, TODAY, TODAY)), ["13800000003 no_deal 2026-11-23 2026-11-23"]);
}

#[test]
fn an_unknown_outcome_or_task_is_a_clear_error() {
    let c = clinic();
    let r = c.run(TODAY, &["callbacks", "complete", "1", "--outcome", "maybe"]).failed();
    assert!(r.stderr.contains("reached、sent、no_answer、escalate 或 reschedule"), "{}", r.stderr);
    let r = c.run(TODAY, &["callbacks", "complete", "99999", "--outcome", "reached"]).failed();
    assert!(r.stderr.contains("找不到编号为 99999 的回访任务"), "{}", r.stderr);
}

#[test]
fn csv_lists_the_same_calls_for_excel() {
    let c = clinic();
    let out = c.run(TODAY, &["callbacks", "due", "--date", TODAY, "--format", "csv"]).ok().stdout;
    let lines: Vec<&str> = out.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "编号,手机号,姓名,类型,应回访日,下次回访日,状态,项目,已拨打次数");
    assert!(lines[1].contains(",13800000001,张小美,术后回访,2026-11-23,2026-11-23,待回访,水光针,0"), "{}", lines[1]);
    assert_eq!(lines.len(), 4);
}

#[test]
fn the_command_line_imports_exports_and_completes_as_the_system_account_all_audited() {
    let c = clinic();
    let list = due(&c, TODAY, TODAY);
    c.run(TODAY, &["customers", "--format", "csv"]).ok();
    c.run(TODAY, &["callbacks", "complete", &id_of(&list, "13800000001"), "--outcome", "reached"]).ok();
    let conn = rusqlite::Connection::open(c.db()).unwrap();
    let lines: Vec<(String, String)> = conn
        .prepare("SELECT a.action, s.name FROM audit_log a JOIN staff s ON s.id = a.staff_id ORDER BY a.id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(lines.iter().any(|(a, s)| a == "导入数据" && s == "系统"), "{lines:?}");
    assert!(lines.iter().any(|(a, s)| a == "导出客户名单" && s == "系统"), "{lines:?}");
    assert_eq!(lines.last().map(|(a, s)| (a.as_str(), s.as_str())), Some(("记录回访结果", "系统")), "{lines:?}");
}
