use super::*;
use crate::desk::register;
use crate::staff::SYSTEM_STAFF;
use crate::testing::{ymd, Clinic};

fn desk() -> (Clinic, CustomerId) {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("张小美", "13800000001");
    (c, a)
}

fn draft(a: CustomerId) -> ArrivalDraft {
    ArrivalDraft { customer_id: a, kind: "复诊".into(), channel: None, purpose: Some("水光复查".into()), assigned_to: None, department: None }
}

#[test]
fn an_arrival_is_registered_for_today_and_waits() {
    let (mut c, a) = desk();
    let e = register(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(a)).unwrap();
    assert_eq!(e.status, Status::Waiting);
    assert_eq!(board(&c.conn, ymd(2026, 11, 23)).unwrap().len(), 1);
    assert!(crate::visits::visited_on(&c.conn, a, ymd(2026, 11, 23)).unwrap());
}

#[test]
fn an_unknown_arrival_type_is_refused() {
    let (mut c, a) = desk();
    let d = ArrivalDraft { kind: "路过".into(), ..draft(a) };
    assert_eq!(register(&mut c.conn, &c.clock, SYSTEM_STAFF, &d).unwrap_err().problems()[0].column, "kind");
}

#[test]
fn a_customer_still_on_the_board_is_not_registered_twice() {
    let (mut c, a) = desk();
    register(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(a)).unwrap();
    assert_eq!(register(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(a)).unwrap_err().code(), "conflict");
}

#[test]
fn leaving_needs_a_deal_or_no_deal_and_is_final() {
    let (mut c, a) = desk();
    let e = register(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(a)).unwrap();
    let to = |status, outcome| Move { id: e.id, status, outcome, assigned_to: None };
    move_to(&mut c.conn, &c.clock, SYSTEM_STAFF, &to(Status::Consulting, None)).unwrap();
    assert_eq!(move_to(&mut c.conn, &c.clock, SYSTEM_STAFF, &to(Status::Left, None)).unwrap_err().code(), "invalid");
    let left = move_to(&mut c.conn, &c.clock, SYSTEM_STAFF, &to(Status::Left, Some(Outcome::NoDeal))).unwrap();
    assert_eq!((left.status, left.outcome), (Status::Left, Some(Outcome::NoDeal)));
    assert_eq!(move_to(&mut c.conn, &c.clock, SYSTEM_STAFF, &to(Status::Treating, None)).unwrap_err().code(), "conflict");
    let events: i64 = c.conn.query_row("SELECT count(*) FROM arrival_events WHERE arrival_id = ?1", [e.id], |r| r.get(0)).unwrap();
    assert_eq!(events, 3);
    // Having left, the customer may come back the same day.
    register(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(a)).unwrap();
}

#[test]
fn the_board_shows_those_still_in_the_clinic_first_the_latest_on_top() {
    let (mut c, a) = desk();
    let b = c.customer("李四", "13800000002");
    let first = register(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(a)).unwrap();
    register(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(b)).unwrap();
    let names = |c: &Clinic| -> Vec<String> { board(&c.conn, ymd(2026, 11, 23)).unwrap().into_iter().map(|e| e.name).collect() };
    assert_eq!(names(&c), ["李四", "张小美"]);
    let d = c.customer("王五", "13800000003");
    register(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(d)).unwrap();
    move_to(&mut c.conn, &c.clock, SYSTEM_STAFF, &Move { id: first.id, status: Status::Left, outcome: Some(Outcome::Deal), assigned_to: None }).unwrap();
    assert_eq!(names(&c), ["王五", "李四", "张小美"]);
}
