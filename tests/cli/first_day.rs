//! The clinic's first day, through the CLI: the app is opened (`init`) on
//! 2026-11-23, then years of history are imported from the files LibreOffice
//! saved (tests/fixtures/first-day, made by make.py there): the same four
//! sheets as .xlsx, .xls, .ods and CSV (UTF-8 and GBK, dates shown as
//! 2026年2月26日 and money as ¥-1,200.00). Every expectation below was worked
//! by hand from SPEC §3–§5.

use std::path::PathBuf;

use serde_json::{json, Value};

use crate::util::Clinic;

const D: &str = "2026-11-23";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/first-day").join(name)
}

const SHEETS: [(&str, &str); 4] = [("customers", "客户"), ("consumption", "消费"), ("executions", "划扣"), ("arrivals", "到院")];

/// `init` on D, then the four sheets of one workbook, all on D.
fn opened_then_imported(workbook: &str) -> Clinic {
    let c = Clinic::new();
    c.run(D, &["init"]).ok();
    for (kind, sheet) in SHEETS {
        c.import(D, kind, &fixture(workbook), &["--sheet", sheet]).ok();
    }
    c
}

/// The checklist of a day, without the task ids (they depend on the order of writes).
fn due(c: &Clinic, date: &str) -> Vec<Value> {
    let mut list = c.run(D, &["callbacks", "due", "--date", date]).ok().json();
    let list = list.as_array_mut().expect("an array");
    for t in list.iter_mut() {
        t.as_object_mut().expect("an object").remove("id");
    }
    list.clone()
}

fn call(phone: &str, name: &str, kind: &str, due: &str) -> Value {
    json!({"phone": phone, "name": name, "kind": kind, "due": due, "next_on": due, "status": "open", "items": [], "attempts": 0, "channel": "call"})
}

/// The calls that the history implies for D:
/// - 张小美: birthday 11-23; first visit 2025-06-10 is before it → 生日关怀.
///   (Her dormant days from 2025-06-10 fell before Liuke was in use.)
/// - 王芳: visits 2026-02-26 (order) and 2026-05-27 (session and arrival);
///   the 06-15 refund is not a visit → D − 180 = 05-27 → 沉睡唤醒.
/// - 李娜: one visit, 2025-11-28 = D − 360 → 沉睡唤醒.
/// - 王芳 also has 1 of her 3 光子嫩肤 sessions left (one done 02-26, one
///   05-27; the 06-15 refund gives back no session): 05-27 + 4 × 45 = D → 疗程邀约.
/// - 赵敏 has no visit (a lead); 刘洋's birthday is D but he never came;
///   陈静 reached 180 days on D too (05-27) but refuses marketing.
fn wang_fang_package() -> Value {
    json!({"phone": "13800000002", "name": "王芳", "kind": "package", "due": D, "next_on": D, "status": "open", "items": ["光子嫩肤"], "attempts": 0, "channel": "call"})
}

fn first_day_calls() -> Vec<Value> {
    vec![
        call("13800000001", "张小美", "birthday", D),
        call("13800000002", "王芳", "dormant", D),
        wang_fang_package(),
        call("13800000003", "李娜", "dormant", D),
    ]
}

#[test]
fn history_imported_on_the_first_morning_brings_that_days_birthday_and_dormant_calls() {
    let c = opened_then_imported("clinic.xlsx");
    assert_eq!(due(&c, D), first_day_calls());
}

/// Spend, visits and points as of D, by hand:
/// - 张小美: ¥1,280.00 on 2025-06-10 → 1,280 points, expired 2026-06-10; 500
///   for referring 李娜 (her first payment, 2025-11-28), usable through 2026-11-27 → 500.
/// - 王芳: ¥3,600.00 − ¥1,200.00 refund = ¥2,400.00; 3,600 − 1,200 = 2,400 points; 2 visit days.
/// - 李娜: ¥6,800.00 on 2025-11-28 (not her birthday month) → 6,800 points, still valid on D.
/// - 陈静: ¥980.50 → 980 points.
#[test]
fn money_and_dates_come_in_exactly_as_the_spreadsheet_held_them() {
    let c = opened_then_imported("clinic.xlsx");
    let tiers = c.run(D, &["tiers"]).ok().json();
    let by_phone = |p: &str| tiers.as_array().unwrap().iter().find(|r| r["phone"] == p).unwrap().clone();
    let facts = |p: &str| {
        let r = by_phone(p);
        (r["spend_total"].clone(), r["visit_days"].clone(), r["points"].clone(), r["last_visit"].clone())
    };
    assert_eq!(facts("13800000001"), (json!("1280.00"), json!(1), json!(500), json!("2025-06-10")));
    assert_eq!(facts("13800000002"), (json!("2400.00"), json!(2), json!(2400), json!("2026-05-27")));
    assert_eq!(facts("13800000003"), (json!("6800.00"), json!(1), json!(6800), json!("2025-11-28")));
    assert_eq!(facts("13800000005"), (json!("980.50"), json!(1), json!(980), json!("2026-05-27")));
    let customers = c.customers();
    let zhang = customers.as_array().unwrap().iter().find(|r| r["phone"] == "13800000001").unwrap();
    assert_eq!((zhang["birthday"].clone(), zhang["tags"].clone()), (json!("1992-11-23"), json!(["怕疼", "敏感肌"])));
}

/// What a clinic holds after an import, without what every write makes anew (ids, times).
fn holdings(c: &Clinic) -> (Value, Vec<Value>, Value) {
    let mut customers = c.customers();
    for row in customers.as_array_mut().unwrap() {
        for key in ["uid", "created_at", "updated_at"] {
            row.as_object_mut().unwrap().remove(key);
        }
    }
    (c.run(D, &["tiers"]).ok().json(), due(c, D), customers)
}

#[test]
fn the_same_history_saved_as_xls_ods_and_csv_imports_the_same() {
    let expected = holdings(&opened_then_imported("clinic.xlsx"));
    for workbook in ["clinic.xls", "clinic.ods"] {
        assert_eq!(holdings(&opened_then_imported(workbook)), expected, "{workbook}");
    }
    let c = Clinic::new();
    c.run(D, &["init"]).ok();
    for (kind, file) in [("customers", "customers-gbk.csv"), ("consumption", "consumption.csv"), ("executions", "executions.csv"), ("arrivals", "arrivals.csv")] {
        c.import(D, kind, &fixture(file), &[]).ok();
    }
    assert_eq!(holdings(&c), expected, "CSV as LibreOffice saved it");
}

/// The older record book (an .xls with a title row above its header) says
/// 李娜 came back on 2026-03-15 and 赵敏 came on 2026-05-27:
/// - 李娜's dormant call of D is moot (she visited after 2025-11-28); her
///   next dormant day is 2026-03-15 + 270 = 2026-12-10 (+180 fell before Liuke).
/// - 赵敏's last visit is now D − 180 → 沉睡唤醒 on D; her birthday, 12-02,
///   now follows a visit → 生日关怀 on 12-02.
/// Voiding 赵敏's only visit takes both of her calls away again.
#[test]
fn an_older_file_moves_the_dormant_calls_and_a_void_takes_its_call_away() {
    let c = opened_then_imported("clinic.xlsx");
    let report = c.import(D, "arrivals", &fixture("older-arrivals.xls"), &[]).ok();
    assert!(report.stdout.contains("工作表「补录」导入完成：共 2 行，新增 2"), "{}", report.stdout);
    assert_eq!(
        due(&c, D),
        [call("13800000001", "张小美", "birthday", D), call("13800000002", "王芳", "dormant", D), wang_fang_package(), call("13800000004", "赵敏", "dormant", D)]
    );
    assert_eq!(
        due(&c, "2026-12-10"),
        [
            call("13800000001", "张小美", "birthday", D),
            call("13800000002", "王芳", "dormant", D),
            wang_fang_package(),
            call("13800000004", "赵敏", "dormant", D),
            call("13800000004", "赵敏", "birthday", "2026-12-02"),
            call("13800000003", "李娜", "dormant", "2026-12-10"),
        ]
    );

    let mut conn = liuke::store::open(&c.db()).unwrap();
    let visit: i64 = conn
        .query_row("SELECT a.id FROM arrivals a JOIN customers c ON c.id = a.customer_id WHERE c.phone = '13800000004'", [], |r| r.get(0))
        .unwrap();
    let clock = liuke::Clock::new(liuke::clock::DEFAULT_TIME_ZONE, Some(chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap())).unwrap();
    liuke::desk::void(&mut conn, &clock, liuke::staff::SYSTEM_STAFF, liuke::consumption::Voidable::Arrival, visit, "补录错了人").unwrap();
    drop(conn);
    assert_eq!(
        due(&c, "2026-12-10"),
        [call("13800000001", "张小美", "birthday", D), call("13800000002", "王芳", "dormant", D), wang_fang_package(), call("13800000003", "李娜", "dormant", "2026-12-10")]
    );
}

#[test]
fn a_workbook_with_a_problem_names_sheet_row_and_column_and_writes_nothing() {
    let c = Clinic::new();
    c.run(D, &["init"]).ok();
    // The consumption sheet read as customers: no 姓名 column.
    let run = c.import(D, "customers", &fixture("clinic.xlsx"), &["--sheet", "消费"]).failed();
    assert!(run.stderr.contains("工作表「消费」第 1 行，姓名：缺少必填列「姓名」"), "{}", run.stderr);
    // Consumption before its customers: every row names the phone it cannot find.
    let run = c.import(D, "consumption", &fixture("clinic.xlsx"), &["--sheet", "消费"]).failed();
    assert!(run.stderr.contains("工作表「消费」第 2 行，A 列「手机号」：手机号 13800000001 不在客户档案中"), "{}", run.stderr);
    assert_eq!(c.customers(), json!([]));
    let run = c.import(D, "customers", &fixture("clinic.xlsx"), &["--sheet", "顾客"]).failed();
    assert!(run.stderr.contains("没有名为「顾客」的工作表；这个文件里有：客户、消费、划扣、到院"), "{}", run.stderr);
}
