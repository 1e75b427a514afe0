use super::*;
use crate::appointments::{self, Draft, Status};
use crate::consumption::{self, Voidable};
use crate::import::{self, Kind as File};
use crate::staff::SYSTEM_STAFF;
use crate::testing::{ymd, Clinic};
use crate::triage::ArrivalDraft;

fn d() -> NaiveDate {
    ymd(2026, 11, 23)
}

/// A clinic whose app was first opened on `day` (the horizon), and is now there.
fn opened_on(day: NaiveDate) -> Clinic {
    let mut c = Clinic::on(day);
    day_pass(&mut c.conn, &c.clock, day).unwrap();
    c
}

/// The next day's first command: the clock moves and the day's pass runs.
fn next_morning(c: &mut Clinic, day: NaiveDate) {
    c.clock = Clock::fixed(day);
    day_pass(&mut c.conn, &c.clock, day).unwrap();
}

fn import(c: &mut Clinic, file: File, csv: &str) {
    import::run(file, &mut c.conn, &c.clock, SYSTEM_STAFF, import::File::new(csv.as_bytes()), false).unwrap();
}

/// The checklist of `day` as (name, kind, due).
fn due(c: &Clinic, day: NaiveDate) -> Vec<(String, String, String)> {
    followups::due(&c.conn, day).unwrap().into_iter().map(|t| (t.name, t.kind.key().to_string(), t.due)).collect()
}

fn row(name: &str, kind: &str, due: &str) -> (String, String, String) {
    (name.into(), kind.into(), due.into())
}

/// Every call of a kind of one customer as (due, status, cancel reason).
fn calls(c: &Clinic, name: &str, kind: &str) -> Vec<(String, String, Option<String>)> {
    c.conn
        .prepare("SELECT t.due, t.status, t.cancel_reason FROM tasks t JOIN customers c ON c.id = t.customer_id WHERE c.name = ?1 AND t.kind = ?2 ORDER BY t.due")
        .unwrap()
        .query_map([name, kind], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn call(due: &str, status: &str, reason: Option<&str>) -> (String, String, Option<String>) {
    (due.into(), status.into(), reason.map(str::to_string))
}

const CUSTOMERS: &str = "姓名,手机号,生日\n张小美,13800000001,\n王芳,13800000002,1990-11-23\n李娜,13800000003,\n赵敏,13800000004,\n";

#[test]
fn history_imported_after_the_days_pass_brings_that_days_birthday_and_dormant_calls() {
    // The app is opened in the morning (init brings the calls up to today),
    // then the old spreadsheets are imported the same day.
    let mut c = opened_on(d());
    import(&mut c, File::Customers, CUSTOMERS);
    import(
        &mut c,
        File::Arrivals,
        // 2026-05-27 is D − 180; 2026-02-26 is D − 270; 王芳 visited before this year's birthday (D).
        "手机号,日期\n13800000001,2026-05-27\n13800000002,2025-03-01\n13800000003,2026-02-26\n",
    );
    assert_eq!(
        due(&c, d()),
        [row("张小美", "dormant", "2026-11-23"), row("王芳", "birthday", "2026-11-23"), row("李娜", "dormant", "2026-11-23")]
    );
    // Asking again, or importing the same file again, makes nothing twice.
    import(&mut c, File::Arrivals, "手机号,日期\n13800000001,2026-05-27\n13800000002,2025-03-01\n13800000003,2026-02-26\n");
    next_morning(&mut c, d());
    assert_eq!(due(&c, d()).len(), 3);
}

#[test]
fn an_older_file_imported_later_moves_the_dormant_calls_with_the_new_last_visit() {
    let mut c = opened_on(d());
    import(&mut c, File::Customers, CUSTOMERS);
    import(&mut c, File::Arrivals, "手机号,日期\n13800000003,2026-02-26\n");
    assert_eq!(due(&c, d()), [row("李娜", "dormant", "2026-11-23")]);
    // A second, older spreadsheet: 李娜 came back on 2026-06-01, and 赵敏,
    // a lead until now, last came on 2026-05-27 (D − 180).
    import(&mut c, File::Arrivals, "手机号,日期\n13800000003,2026-06-01\n13800000004,2026-05-27\n13800000004,2025-01-10\n");
    assert_eq!(due(&c, d()), [row("赵敏", "dormant", "2026-11-23")]);
    assert_eq!(calls(&c, "李娜", "dormant"), [call("2026-11-23", "cancelled", Some("客户已再次到院"))]);
    // 李娜's next dormant day is 2026-06-01 + 180 = 2026-11-28.
    next_morning(&mut c, ymd(2026, 11, 28));
    assert_eq!(due(&c, ymd(2026, 11, 28)), [row("赵敏", "dormant", "2026-11-23"), row("李娜", "dormant", "2026-11-28")]);
}

#[test]
fn calls_an_import_implies_for_days_already_past_are_kept_as_history() {
    // Opened on D, history imported three days later: a dormant day that fell
    // on D is imported history (SPEC §5), one that falls today is a call.
    let mut c = opened_on(d());
    next_morning(&mut c, ymd(2026, 11, 26));
    import(&mut c, File::Customers, CUSTOMERS);
    import(&mut c, File::Arrivals, "手机号,日期\n13800000001,2026-05-27\n13800000003,2026-05-30\n");
    assert_eq!(calls(&c, "张小美", "dormant"), [call("2026-11-23", "historical", None)]);
    assert_eq!(due(&c, ymd(2026, 11, 26)), [row("李娜", "dormant", "2026-11-26")]);
}

#[test]
fn voiding_the_last_visit_cancels_its_dormant_call_and_counts_from_the_visit_before() {
    let mut c = opened_on(ymd(2026, 11, 1));
    let a = c.customer("张小美", "13800000001");
    c.arrive(a, ymd(2026, 3, 10));
    let last = c.arrive(a, ymd(2026, 5, 27));
    next_morning(&mut c, d());
    assert_eq!(due(&c, d()), [row("张小美", "dormant", "2026-11-23")]);
    crate::desk::void(&mut c.conn, &c.clock, SYSTEM_STAFF, Voidable::Arrival, last, "录错了客户").unwrap();
    assert!(due(&c, d()).is_empty());
    assert_eq!(calls(&c, "张小美", "dormant"), [call("2026-11-23", "cancelled", Some("到院或消费记录有更正，这通电话已不需要"))]);
    // From 2026-03-10 the 270th day is 2026-12-05 (the 180th, 2026-09-06, is before Liuke was in use).
    next_morning(&mut c, ymd(2026, 12, 5));
    assert_eq!(due(&c, ymd(2026, 12, 5)), [row("张小美", "dormant", "2026-12-05")]);
}

#[test]
fn a_dormant_day_reached_again_from_an_earlier_visit_counts_its_days_from_that_visit() {
    // 2026-02-26 + 270 and 2026-05-27 + 180 are both D: one call, whose days count from the visit that stands.
    let mut c = opened_on(ymd(2026, 11, 1));
    let a = c.customer("张小美", "13800000001");
    c.arrive(a, ymd(2026, 2, 26));
    let last = c.arrive(a, ymd(2026, 5, 27));
    next_morning(&mut c, d());
    crate::desk::void(&mut c.conn, &c.clock, SYSTEM_STAFF, Voidable::Arrival, last, "录错了").unwrap();
    let open = followups::due(&c.conn, d()).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].anchor.as_deref(), Some("2026-02-26"));
}

#[test]
fn a_payment_entered_late_on_a_no_deal_day_cancels_its_calls_and_a_void_brings_them_back() {
    let mut c = opened_on(ymd(2026, 11, 1));
    let a = c.customer("张小美", "13800000001");
    let item = c.item("水光针", crate::items::Category::Injection);
    next_morning(&mut c, ymd(2026, 11, 20));
    c.arrive(a, ymd(2026, 11, 20));
    next_morning(&mut c, d());
    assert_eq!(calls(&c, "张小美", "no_deal"), [call("2026-11-21", "open", None), call("2026-11-27", "open", None)]);
    // The 20th's payment was entered three days late: it was a deal after all.
    let (order, _) = c.buy(a, ymd(2026, 11, 20), item, 1, "1280");
    let corrected = Some("到院或消费记录有更正，这通电话已不需要");
    assert_eq!(calls(&c, "张小美", "no_deal"), [call("2026-11-21", "cancelled", corrected), call("2026-11-27", "cancelled", corrected)]);
    crate::desk::void(&mut c.conn, &c.clock, SYSTEM_STAFF, Voidable::Order, order.0, "收款录重了").unwrap();
    assert_eq!(calls(&c, "张小美", "no_deal"), [call("2026-11-21", "open", None), call("2026-11-27", "open", None)]);
}

#[test]
fn a_birthday_call_goes_when_the_only_visit_before_the_birthday_is_voided() {
    let mut c = opened_on(ymd(2026, 11, 1));
    import(&mut c, File::Customers, CUSTOMERS);
    let wang = crate::customers::id_by_phone(&c.conn, "13800000002").unwrap().unwrap();
    let visit = c.arrive(wang, ymd(2026, 11, 2));
    next_morning(&mut c, d());
    assert_eq!(calls(&c, "王芳", "birthday"), [call("2026-11-23", "open", None)]);
    crate::desk::void(&mut c.conn, &c.clock, SYSTEM_STAFF, Voidable::Arrival, visit, "不是她").unwrap();
    assert_eq!(calls(&c, "王芳", "birthday"), [call("2026-11-23", "cancelled", Some("到院或消费记录有更正，这通电话已不需要"))]);
}

#[test]
fn an_arrival_imported_the_day_after_turns_a_no_show_into_arrived_and_cancels_its_call() {
    let mut c = opened_on(d());
    let a = c.customer("张小美", "13800000001");
    let booked = book(&mut c, a, d());
    next_morning(&mut c, ymd(2026, 11, 24));
    assert_eq!(appointments::get(&c.conn, booked).unwrap().status, Status::NoShow);
    assert_eq!(due(&c, ymd(2026, 11, 24)), [row("张小美", "no_show", "2026-11-24")]);
    import(&mut c, File::Arrivals, "手机号,日期\n13800000001,2026-11-23\n");
    let after = appointments::get(&c.conn, booked).unwrap();
    assert_eq!(after.status, Status::Arrived);
    assert!(after.arrival_id.is_some(), "linked to the imported arrival");
    // She came and left without a deal: that day's call is the no-deal one.
    assert_eq!(due(&c, ymd(2026, 11, 24)), [row("张小美", "no_deal", "2026-11-24")]);
    assert_eq!(calls(&c, "张小美", "no_show"), [call("2026-11-24", "cancelled", Some("预约当天已到院（记录补录）"))]);
    let history: Vec<String> = appointments::history(&c.conn, booked).unwrap().into_iter().map(|e| e.what).collect();
    assert_eq!(history, ["booked", "no_show", "arrived"]);
}

#[test]
fn a_payment_on_the_day_without_an_arrival_record_is_a_visit_not_a_no_show() {
    let mut c = opened_on(d());
    let a = c.customer("张小美", "13800000001");
    let item = c.item("水光针", crate::items::Category::Injection);
    let booked = book(&mut c, a, d());
    c.buy(a, d(), item, 1, "1280");
    assert_eq!(appointments::get(&c.conn, booked).unwrap().status, Status::Arrived, "the visit day makes it arrived at once");
    next_morning(&mut c, ymd(2026, 11, 24));
    assert_eq!(appointments::get(&c.conn, booked).unwrap().status, Status::Arrived);
    assert!(calls(&c, "张小美", "no_show").is_empty());
}

#[test]
fn a_session_done_on_the_day_closes_the_day_as_arrived() {
    let mut c = opened_on(ymd(2026, 11, 1));
    let a = c.customer("张小美", "13800000001");
    let item = c.item("光子嫩肤", crate::items::Category::Laser);
    let (_, line) = c.buy(a, ymd(2026, 11, 1), item, 3, "3000");
    let booked = book(&mut c, a, d());
    next_morning(&mut c, d());
    // The session is entered the next morning, on a prepaid package: no payment, no arrival record.
    let draft = consumption::ExecutionDraft { line_id: line, date: Some(d().to_string()), count: 1, performer: None };
    c.clock = Clock::fixed(ymd(2026, 11, 24));
    crate::desk::execute(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft).unwrap();
    day_pass(&mut c.conn, &c.clock, ymd(2026, 11, 24)).unwrap();
    assert_eq!(appointments::get(&c.conn, booked).unwrap().status, Status::Arrived);
}

#[test]
fn a_return_after_a_no_show_cancels_its_call() {
    let mut c = opened_on(d());
    let a = c.customer("张小美", "13800000001");
    book(&mut c, a, d());
    next_morning(&mut c, ymd(2026, 11, 24));
    next_morning(&mut c, ymd(2026, 11, 25));
    assert_eq!(due(&c, ymd(2026, 11, 25)), [row("张小美", "no_show", "2026-11-24")]);
    let draft = ArrivalDraft { customer_id: a, kind: "复诊".into(), channel: None, purpose: None, assigned_to: None, department: None };
    crate::desk::register(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft).unwrap();
    assert!(due(&c, ymd(2026, 11, 25)).is_empty(), "she is at the desk: no call");
    assert_eq!(calls(&c, "张小美", "no_show"), [call("2026-11-24", "cancelled", Some("客户已再次到院"))]);
}

#[test]
fn voiding_the_arrival_of_an_arrived_appointment_makes_it_a_no_show_with_its_call() {
    let mut c = opened_on(d());
    let a = c.customer("张小美", "13800000001");
    let booked = book(&mut c, a, d());
    let board = crate::desk::check_in(&mut c.conn, &c.clock, SYSTEM_STAFF, booked).unwrap();
    next_morning(&mut c, ymd(2026, 11, 24));
    crate::desk::void(&mut c.conn, &c.clock, SYSTEM_STAFF, Voidable::Arrival, board.id, "登记错了客户").unwrap();
    assert_eq!(appointments::get(&c.conn, booked).unwrap().status, Status::NoShow);
    assert_eq!(due(&c, ymd(2026, 11, 24)), [row("张小美", "no_show", "2026-11-24")]);
}

fn book(c: &mut Clinic, customer: CustomerId, day: NaiveDate) -> i64 {
    let draft = Draft { customer_id: customer.0, date: day.to_string(), time: "10:00".into(), purpose: "复查".into(), ..Default::default() };
    appointments::book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft).unwrap().id
}

/// The same history, caught up one customer at a time or in one pass over
/// the clinic, leaves the same calls and appointments.
#[test]
fn one_pass_and_one_customer_at_a_time_agree() {
    fn clinic() -> (Clinic, Touched) {
        let mut c = opened_on(ymd(2026, 11, 1));
        import(&mut c, File::Customers, CUSTOMERS);
        let ids: Vec<CustomerId> = ["13800000001", "13800000002", "13800000003", "13800000004"]
            .iter()
            .map(|p| crate::customers::id_by_phone(&c.conn, p).unwrap().unwrap())
            .collect();
        book(&mut c, ids[3], ymd(2026, 11, 20));
        next_morning(&mut c, d());
        // Facts written behind catch-up's back, as a bulk write would.
        for (i, day) in [(0, ymd(2026, 5, 27)), (1, ymd(2025, 3, 1)), (2, ymd(2026, 11, 20)), (3, ymd(2026, 11, 20)), (2, ymd(2026, 2, 26))] {
            c.arrive(ids[i], day);
        }
        let mut touched = Touched::default();
        ids.iter().for_each(|id| touched.add(*id));
        (c, touched)
    }
    let snapshot = |c: &Clinic| -> Vec<(i64, String, String, String, Option<String>)> {
        c.conn
            .prepare("SELECT customer_id, kind, due, status, anchor FROM tasks ORDER BY customer_id, kind, due")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    let (a, touched) = clinic();
    customers_via(&a.conn, &a.clock, &touched, false, false).unwrap();
    let (b, touched) = clinic();
    customers_via(&b.conn, &b.clock, &touched, false, true).unwrap();
    let (left, right) = (snapshot(&a), snapshot(&b));
    assert_eq!(left, right);
    assert!(left.iter().any(|t| t.1 == "dormant" && t.3 == "open"), "{left:?}");
    assert!(left.iter().any(|t| t.1 == "birthday" && t.3 == "open"), "{left:?}");
    assert!(left.iter().any(|t| t.1 == "no_deal" && t.3 == "open"), "{left:?}");
    let status = |c: &Clinic| -> String { c.conn.query_row("SELECT status FROM appointments", [], |r| r.get(0)).unwrap() };
    assert_eq!(status(&a), "arrived");
    assert_eq!(status(&b), "arrived");
}

#[test]
fn a_customer_who_opts_out_loses_every_open_marketing_call_at_once() {
    let mut c = opened_on(ymd(2026, 11, 1));
    let a = c.customer("张小美", "13800000001");
    let item = c.item("水光针", crate::items::Category::Injection);
    c.treat(a, ymd(2026, 10, 20), item, "980");
    let kinds = |c: &Clinic| -> Vec<String> { followups::due(&c.conn, ymd(2027, 12, 31)).unwrap().into_iter().map(|t| t.kind.key().to_string()).collect() };
    assert!(kinds(&c).contains(&"repurchase".to_string()));
    let mut draft = crate::customers::CustomerDraft { name: "张小美".into(), phone: "13800000001".into(), ..Default::default() };
    draft.marketing_opt_out = true;
    crate::desk::update_customer(&mut c.conn, &c.clock, SYSTEM_STAFF, a, &draft).unwrap();
    let left = kinds(&c);
    assert!(!left.contains(&"repurchase".to_string()), "{left:?}");
    assert!(left.iter().all(|k| k == "post_treatment"), "clinical calls stay: {left:?}");
}
