//! `liuke import consumption|executions|arrivals` on a small hand-built history.
//! The expected visit days, spend and sessions were worked out by hand from
//! SPEC §2 and are read back through the core from the same database file.

use chrono::NaiveDate;
use liuke::consumption;
use liuke::customers::{self, CustomerId};
use liuke::money::Money;
use liuke::visits::{self, Facts};

use crate::util::{gbk, Clinic};

const TODAY: &str = "2026-11-23";

const CUSTOMERS: &str = "姓名,手机号\n张小美,13800000001\n李娜,13800000002\n";

// 张小美: 2400 on D−364 (in the window), 12000 on D−365 (out), a refund of 800.
// 李娜: the same package bought twice in one day (two identical rows, two orders).
const CONSUMPTION: &str = "\
手机号,日期,项目,项目类别,次数,实收金额,已执行次数,医生,顾问,单号
13800000001,2025/11/24,水光针,注射,3,\"2,400.00\",1,王医生,李咨询,A001
13800000001,2025.11.23,热玛吉,光电,1,¥12000,,王医生,,A002
13800000001,2026-03-01,水光针,,1,-800,,,,
13800000002,2026-10-05,光子嫩肤,光电,5,5000,0,,,
13800000002,2026-10-05,光子嫩肤,光电,5,5000,0,,,
";

// 李娜's 7 sessions spill from the older package (5) into the newer (2).
const EXECUTIONS: &str = "手机号,日期,项目,次数\n13800000002,2026-10-20,光子嫩肤,7\n13800000001,2026-01-10,水光针,\n";

const ARRIVALS: &str = "手机号,日期,类型,渠道\n13800000001,2026-11-20,复诊,老带新\n13800000002,2026-10-05,初诊,美团\n";

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn today() -> NaiveDate {
    ymd(2026, 11, 23)
}

fn clinic() -> Clinic {
    let c = Clinic::new();
    let f = c.file("customers.csv", CUSTOMERS.as_bytes());
    c.import(TODAY, "customers", &f, &[]).ok();
    c
}

fn conn(c: &Clinic) -> rusqlite::Connection {
    liuke::store::open(&c.db()).unwrap()
}

fn id(c: &Clinic, phone: &str) -> CustomerId {
    customers::id_by_phone(&conn(c), phone).unwrap().unwrap()
}

fn facts(c: &Clinic, phone: &str) -> Facts {
    visits::facts(&conn(c), id(c, phone), today()).unwrap()
}

/// Sessions left per package, oldest order first.
fn left(c: &Clinic, phone: &str, item: &str) -> Vec<i64> {
    let mut p: Vec<_> = consumption::packages(&conn(c), id(c, phone)).unwrap().into_iter().filter(|p| p.item == item).collect();
    p.sort_by_key(|p| (p.order_date.clone(), p.order_id.0));
    p.iter().map(|p| p.left).collect()
}

fn import_all(c: &Clinic) {
    for (kind, text) in [("consumption", CONSUMPTION), ("executions", EXECUTIONS), ("arrivals", ARRIVALS)] {
        let f = c.file(&format!("{kind}.csv"), text.as_bytes());
        c.import(TODAY, kind, &f, &[]).ok();
    }
}

#[test]
fn consumption_rows_become_orders_payments_refunds_and_sessions() {
    let c = clinic();
    let f = c.file("consumption.csv", CONSUMPTION.as_bytes());
    let r = c.import(TODAY, "consumption", &f, &[]).ok();
    assert!(r.stdout.contains("新增 5"), "{}", r.stdout);
    let zhang = facts(&c, "13800000001");
    assert_eq!(zhang.spend_365, Money(160_000), "2400 − 800; the 12000 on D−365 is out");
    assert_eq!(zhang.spend_total, Money(1_360_000), "2400 + 12000 − 800");
    assert_eq!(zhang.visit_days, 2, "the refund day is not a visit");
    assert_eq!(zhang.first_visit, Some(ymd(2025, 11, 23)));
    assert_eq!(left(&c, "13800000001", "水光针"), [2]);
    assert_eq!(left(&c, "13800000001", "热玛吉"), [0], "executed defaults to sessions");
    assert_eq!(left(&c, "13800000002", "光子嫩肤"), [5, 5]);
    assert_eq!(facts(&c, "13800000002").spend_total, Money(1_000_000));
}

#[test]
fn an_unknown_item_joins_the_catalogue_with_its_category_and_cycle() {
    let c = clinic();
    import_all(&c);
    let item = liuke::items::find_by_name(&conn(&c), "光子嫩肤").unwrap().unwrap();
    assert_eq!((item.category.as_str(), item.repurchase_days), ("光电", Some(30)));
}

#[test]
fn executions_take_from_the_oldest_package_and_count_as_visits() {
    let c = clinic();
    import_all(&c);
    assert_eq!(left(&c, "13800000002", "光子嫩肤"), [0, 3]);
    assert_eq!(left(&c, "13800000001", "水光针"), [1]);
    let li = facts(&c, "13800000002");
    assert_eq!((li.visit_days, li.last_visit), (2, Some(ymd(2026, 10, 20))), "the arrival on 10-05 is the same visit day as the orders");
    let zhang = facts(&c, "13800000001");
    assert_eq!((zhang.visit_days, zhang.last_visit), (4, Some(ymd(2026, 11, 20))));
}

#[test]
fn re_importing_every_file_changes_nothing() {
    let c = clinic();
    import_all(&c);
    let before = (facts(&c, "13800000001"), facts(&c, "13800000002"), left(&c, "13800000002", "光子嫩肤"));
    for (kind, text, rows) in [("consumption", CONSUMPTION, 5), ("executions", EXECUTIONS, 2), ("arrivals", ARRIVALS, 2)] {
        let f = c.file(&format!("{kind}.csv"), text.as_bytes());
        let r = c.import(TODAY, kind, &f, &[]).ok();
        assert!(r.stdout.contains(&format!("新增 0，更新 0，未变 {rows}")), "{kind}: {}", r.stdout);
    }
    let after = (facts(&c, "13800000001"), facts(&c, "13800000002"), left(&c, "13800000002", "光子嫩肤"));
    assert_eq!(before, after);
}

#[test]
fn an_execution_beyond_the_sessions_left_is_rejected_with_its_line_and_nothing_is_written() {
    let c = clinic();
    import_all(&c);
    let f = c.file("more.csv", "手机号,日期,项目,次数\n13800000001,2026-11-01,水光针,1\n13800000002,2026-10-21,光子嫩肤,4\n".as_bytes());
    let r = c.import(TODAY, "executions", &f, &[]).failed();
    assert!(r.stderr.contains("第 3 行，列「次数」"), "{}", r.stderr);
    assert!(r.stderr.contains("只剩 3 次"), "{}", r.stderr);
    assert_eq!(left(&c, "13800000001", "水光针"), [1], "line 2 was fine but the file is all or nothing");
}

#[test]
fn an_execution_of_an_item_never_bought_is_rejected() {
    let c = clinic();
    import_all(&c);
    let f = c.file("x.csv", "手机号,日期,项目\n13800000001,2026-11-01,热玛吉\n13800000001,2026-11-01,双眼皮\n".as_bytes());
    let r = c.import(TODAY, "executions", &f, &[]).failed();
    assert!(r.stderr.contains("第 2 行，列「次数」：该客户在这一天之前没有这个项目的剩余次数"), "{}", r.stderr);
    assert!(r.stderr.contains("第 3 行，列「项目」"), "{}", r.stderr);
}

#[test]
fn every_bad_consumption_row_is_reported_and_nothing_is_written() {
    let c = clinic();
    let bad = "\
phone,date,item,category,sessions,amount,executed
13800000001,2026-11-24,水光针,注射,1,800,
13900000000,2026-11-01,水光针,注射,1,800,
13800000001,2026-11-01,水光针,针剂,1,800,
13800000001,2026-11-01,水光针,注射,2,八百,
13800000001,2026-11-01,水光针,注射,2,800,3
13800000001,2026-11-01,水光针,注射,0,800,
13800000001,2026-11-01,,注射,1,800,
13800000001,2026-11-01,水光针,注射,1,800.123,
13800000001,2026-11-01,水光针,注射,1,800,
";
    let f = c.file("bad.csv", bad.as_bytes());
    let r = c.import(TODAY, "consumption", &f, &[]).failed();
    for expected in [
        "第 2 行，列「date」：日期 2026-11-24 在今天（2026-11-23）之后",
        "第 3 行，列「phone」：手机号 13900000000 不在客户档案中",
        "第 4 行，列「category」",
        "第 5 行，列「amount」",
        "第 6 行，列「executed」",
        "第 7 行，列「sessions」",
        "第 8 行，列「item」",
        "第 9 行，列「amount」：金额「800.123」超过两位小数",
    ] {
        assert!(r.stderr.contains(expected), "missing «{expected}» in\n{}", r.stderr);
    }
    assert!(!r.stderr.contains("第 10 行"), "line 10 is fine: {}", r.stderr);
    assert_eq!(facts(&c, "13800000001").spend_total, Money::ZERO);
    assert!(liuke::items::find_by_name(&conn(&c), "水光针").unwrap().is_none(), "not even the item was added");
}

#[test]
fn a_repeated_order_number_in_one_file_is_an_error() {
    let c = clinic();
    let f = c.file("dup.csv", "手机号,日期,项目,实收金额,单号\n13800000001,2026-11-01,水光针,800,N1\n13800000002,2026-11-01,水光针,800,N1\n".as_bytes());
    let r = c.import(TODAY, "consumption", &f, &[]).failed();
    assert!(r.stderr.contains("第 3 行，列「单号」：单号 N1 与第 2 行重复"), "{}", r.stderr);
}

#[test]
fn a_refund_row_with_the_order_number_of_its_order_is_linked_and_imported_once() {
    let c = clinic();
    let text = "手机号,日期,项目,实收金额,单号\n13800000001,2026-11-01,水光针,800,N1\n13800000001,2026-11-05,水光针,-300,N1\n";
    let f = c.file("r.csv", text.as_bytes());
    c.import(TODAY, "consumption", &f, &[]).ok();
    c.import(TODAY, "consumption", &f, &[]).ok();
    assert_eq!(facts(&c, "13800000001").spend_total, Money(50_000));
    let order: Option<i64> = conn(&c).query_row("SELECT order_id FROM refunds", [], |r| r.get(0)).unwrap();
    let n1: i64 = conn(&c).query_row("SELECT id FROM orders WHERE order_no = 'N1'", [], |r| r.get(0)).unwrap();
    assert_eq!(order, Some(n1));
}

#[test]
fn a_dry_run_checks_everything_and_writes_nothing() {
    let c = clinic();
    let f = c.file("consumption.csv", CONSUMPTION.as_bytes());
    let r = c.import(TODAY, "consumption", &f, &["--dry-run"]).ok();
    assert!(r.stdout.contains("检查通过（未写入）"), "{}", r.stdout);
    assert_eq!(facts(&c, "13800000001").spend_total, Money::ZERO);
}

#[test]
fn gbk_fact_files_from_excel_are_read() {
    let c = clinic();
    for (kind, text) in [("consumption", CONSUMPTION), ("executions", EXECUTIONS), ("arrivals", ARRIVALS)] {
        // GBK has the full-width ￥ but not ¥.
        let f = c.file(&format!("{kind}-gbk.csv"), &gbk(&text.replace('¥', "￥")));
        c.import(TODAY, kind, &f, &[]).ok();
    }
    assert_eq!(facts(&c, "13800000001").visit_days, 4);
}

#[test]
fn an_arrival_with_an_unknown_type_or_a_future_date_is_rejected() {
    let c = clinic();
    let f = c.file("a.csv", "手机号,日期,类型\n13800000001,2026-11-01,逛街\n13800000001,2026-11-24,初诊\n".as_bytes());
    let r = c.import(TODAY, "arrivals", &f, &[]).failed();
    assert!(r.stderr.contains("第 2 行，列「类型」"), "{}", r.stderr);
    assert!(r.stderr.contains("第 3 行，列「日期」"), "{}", r.stderr);
    assert_eq!(facts(&c, "13800000001").visit_days, 0);
}
