//! `liuke appointments --date` on a small book, and the end of an
//! appointment's day seen from the CLI: 爽约 and a no_show call the next day.
//! The appointments are booked through the core's dispatcher on the same
//! file, as the window would.

use liuke::commands::App;
use serde_json::{json, Value};

use crate::util::Clinic;

const TODAY: &str = "2026-11-23";

fn clinic() -> Clinic {
    let c = Clinic::new();
    c.run(TODAY, &["init"]).ok();
    let f = c.file("customers.csv", "姓名,手机号,不接受营销\n张小美,13800000001,否\n王芳,13800000002,是\n李娜,13800000003,否\n".as_bytes());
    c.import(TODAY, "customers", &f, &[]).ok();
    let today = liuke::parse::date(TODAY).unwrap();
    let mut app = App::open(&c.db(), Some(today)).unwrap();
    let doctor = app.dispatch("staff.create", None, json!({"name": "刘医生", "role": "doctor"})).unwrap()["id"].as_i64().unwrap();
    let id = |app: &mut App, phone: &str| app.dispatch("customers.search", Some(doctor), json!({"q": phone})).unwrap()[0]["id"].as_i64().unwrap();
    let (zhang, wang, li) = (id(&mut app, "13800000001"), id(&mut app, "13800000002"), id(&mut app, "13800000003"));
    for (customer, staff, time, purpose) in [
        (wang, Some(doctor), "14:00", "治疗"),
        (zhang, Some(doctor), "10:00", "复查"),
        (li, None, "10:00", "咨询"),
    ] {
        app.dispatch(
            "appointments.book",
            Some(doctor),
            json!({"customer_id": customer, "staff_id": staff, "date": "2026-11-25", "time": time, "purpose": purpose}),
        )
        .unwrap();
    }
    c
}

fn book(c: &Clinic, today: &str, date: &str) -> Vec<Value> {
    c.run(today, &["appointments", "--date", date]).ok().json().as_array().unwrap().clone()
}

fn lines(list: &[Value]) -> Vec<String> {
    list.iter()
        .map(|a| format!("{} {} {} {} {}", a["start"].as_str().unwrap(), a["phone"].as_str().unwrap(), a["staff_name"].as_str().unwrap_or("-"), a["purpose"].as_str().unwrap(), a["status"].as_str().unwrap()))
        .collect()
}

#[test]
fn the_days_book_is_listed_by_time_then_staff() {
    let c = clinic();
    // Two at 10:00: 不指定 (no staff) sorts before 刘医生 by name; then 14:00.
    assert_eq!(
        lines(&book(&c, TODAY, "2026-11-25")),
        [
            "10:00 13800000003 - 咨询 booked",
            "10:00 13800000001 刘医生 复查 booked",
            "14:00 13800000002 刘医生 治疗 booked",
        ]
    );
    assert!(book(&c, TODAY, "2026-11-24").is_empty());
}

#[test]
fn appointments_not_arrived_become_no_shows_with_a_call_the_next_day() {
    let c = clinic();
    // 张小美 arrives on the 25th (an arrivals import), the other two do not.
    let f = c.file("arrivals.csv", "手机号,日期,类型\n13800000001,2026-11-25,复查\n".as_bytes());
    c.import("2026-11-25", "arrivals", &f, &[]).ok();
    // On the day itself nothing has ended yet.
    assert!(lines(&book(&c, "2026-11-25", "2026-11-25")).iter().any(|l| l.ends_with("booked")));
    let after = lines(&book(&c, "2026-11-26", "2026-11-25"));
    assert_eq!(
        after,
        [
            "10:00 13800000003 - 咨询 no_show",
            "10:00 13800000001 刘医生 复查 arrived",
            "14:00 13800000002 刘医生 治疗 no_show",
        ]
    );
    // 王芳 does not accept marketing, but she asked for this visit: her call stays.
    // 张小美 came and left without paying or a session: SPEC's no-deal call.
    let calls: Vec<String> = c
        .run("2026-11-26", &["callbacks", "due", "--date", "2026-11-26"])
        .ok()
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|t| format!("{} {} {}", t["phone"].as_str().unwrap(), t["kind"].as_str().unwrap(), t["due"].as_str().unwrap()))
        .collect();
    assert_eq!(calls, ["13800000001 no_deal 2026-11-26", "13800000002 no_show 2026-11-26", "13800000003 no_show 2026-11-26"]);
}

#[test]
fn the_book_as_csv_opens_in_excel_in_chinese() {
    let c = clinic();
    let out = c.run(TODAY, &["appointments", "--date", "2026-11-25", "--format", "csv"]).ok().stdout;
    assert!(out.starts_with("\u{feff}日期,开始,结束,客户,手机号,医生/顾问,目的,项目,状态,备注\n"), "{out}");
    assert!(out.contains("2026-11-25,14:00,14:30,王芳,13800000002,刘医生,治疗,,已预约,\n"), "{out}");
}

#[test]
fn a_bad_date_is_a_clear_error() {
    let c = clinic();
    let r = c.run(TODAY, &["appointments", "--date", "2026-13-01"]).failed();
    assert!(r.stderr.contains("--date"), "{}", r.stderr);
}
