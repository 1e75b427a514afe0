use super::*;
use crate::catch_up::day_pass;
use crate::clock::Clock;
use crate::consumption::{LineId, RefundDraft, Voidable};
use crate::customers::CustomerDraft;
use crate::items::Category;
use crate::staff::SYSTEM_STAFF;
use crate::testing::{ymd, yuan, Clinic};

/// The app opened on `day`: the clock moves and the day's pass runs.
fn open_on(c: &mut Clinic, day: NaiveDate) {
    c.clock = Clock::fixed(day);
    day_pass(&mut c.conn, &c.clock, day).unwrap();
}

fn package_tasks(c: &Clinic, who: CustomerId) -> Vec<(String, String)> {
    c.conn
        .prepare("SELECT due, status FROM tasks WHERE customer_id = ?1 AND kind = 'package' ORDER BY due")
        .unwrap()
        .query_map([who.0], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

fn pair(due: &str, status: &str) -> (String, String) {
    (due.into(), status.into())
}

fn return_sessions(c: &mut Clinic, who: CustomerId, line: LineId, date: NaiveDate, amount: &str, sessions: i64) {
    let d = RefundDraft {
        customer_id: who,
        line_id: Some(line),
        date: Some(date.to_string()),
        amount: yuan(amount),
        sessions_returned: sessions,
        method: None,
        reason: Some("不做了".into()),
    };
    crate::desk::refund(&mut c.conn, &c.clock, SYSTEM_STAFF, &d).unwrap();
}

/// A customer with 3 sessions of 光子嫩肤 for ¥1,000 bought on Sep 1, the first done that day.
fn three_sessions(c: &mut Clinic) -> (CustomerId, LineId) {
    let a = c.customer("王丽", "13800000001");
    let item = c.item("光子嫩肤", Category::Laser);
    let (_, line) = c.buy(a, ymd(2026, 9, 1), item, 3, "1000");
    c.execute(line, ymd(2026, 9, 1), 1).unwrap();
    (a, line)
}

#[test]
fn a_line_left_is_valued_at_its_agreed_price_rounded_half_up_per_line() {
    assert_eq!(value_left(yuan("1000"), 1, 3), yuan("333.33"));
    assert_eq!(value_left(yuan("1000"), 2, 3), yuan("666.67"));
    assert_eq!(value_left(yuan("1000"), 3, 3), yuan("1000"));
    assert_eq!(value_left(yuan("0.05"), 1, 2), yuan("0.03"), "2.5 fen rounds up");
    assert_eq!(value_left(yuan("1000"), 0, 3), Money::ZERO);
}

#[test]
fn two_lines_of_one_session_left_each_are_two_roundings_not_one() {
    let mut c = Clinic::on(ymd(2026, 10, 31));
    let a = c.customer("王丽", "13800000001");
    let x = c.item("光子嫩肤", Category::Laser);
    let y = c.item("水光针", Category::Injection);
    for item in [x, y] {
        let (_, line) = c.buy(a, ymd(2026, 10, 1), item, 3, "1000");
        c.execute(line, ymd(2026, 10, 1), 2).unwrap();
    }
    // 333.33 + 333.33, not ⌊666.666…⌉ = 666.67.
    assert_eq!(outstanding(&c.conn, ymd(2026, 10, 31)).unwrap(), Outstanding { sessions: 2, value: yuan("666.66") });
}

#[test]
fn what_was_left_at_an_earlier_date_counts_sessions_done_and_given_back_after_it() {
    let mut c = Clinic::on(ymd(2026, 9, 1));
    let (a, line) = three_sessions(&mut c);
    c.clock = Clock::fixed(ymd(2026, 11, 10));
    c.execute(line, ymd(2026, 11, 5), 1).unwrap();
    return_sessions(&mut c, a, line, ymd(2026, 11, 10), "333.33", 1);
    assert_eq!(outstanding(&c.conn, ymd(2026, 8, 31)).unwrap(), Outstanding::default(), "before the order");
    assert_eq!(outstanding(&c.conn, ymd(2026, 10, 31)).unwrap(), Outstanding { sessions: 2, value: yuan("666.67") });
    assert_eq!(outstanding(&c.conn, ymd(2026, 11, 5)).unwrap(), Outstanding { sessions: 1, value: yuan("333.33") });
    assert_eq!(outstanding(&c.conn, ymd(2026, 11, 30)).unwrap(), Outstanding::default(), "done and given back");
    assert!(list(&c.conn, ymd(2026, 11, 10)).unwrap().is_empty());
}

#[test]
fn a_voided_order_holds_nothing_on_any_date() {
    let mut c = Clinic::on(ymd(2026, 9, 1));
    let a = c.customer("王丽", "13800000001");
    let item = c.item("光子嫩肤", Category::Laser);
    let (order, _) = c.buy(a, ymd(2026, 9, 1), item, 3, "1000");
    crate::desk::void(&mut c.conn, &c.clock, SYSTEM_STAFF, Voidable::Order, order.0, "开错单").unwrap();
    assert_eq!(outstanding(&c.conn, ymd(2026, 9, 30)).unwrap(), Outstanding::default());
}

#[test]
fn the_open_lines_the_database_keeps_match_the_sessions_added_up() {
    let mut c = Clinic::on(ymd(2026, 9, 1));
    let (a, line) = three_sessions(&mut c);
    let item = c.item("水光针", Category::Injection);
    let (other_order, other) = c.buy(a, ymd(2026, 9, 1), item, 2, "800");
    let second = c.execute(line, ymd(2026, 9, 1), 1).unwrap();
    crate::desk::void(&mut c.conn, &c.clock, SYSTEM_STAFF, Voidable::Execution, second, "划错了").unwrap();
    return_sessions(&mut c, a, other, ymd(2026, 9, 1), "400", 1);
    let refund: i64 = c.conn.query_row("SELECT max(id) FROM refunds", [], |r| r.get(0)).unwrap();
    crate::desk::void(&mut c.conn, &c.clock, SYSTEM_STAFF, Voidable::Refund, refund, "退错了").unwrap();
    let kept = |c: &Clinic| -> Vec<(i64, i64)> {
        c.conn.prepare("SELECT line_id, left FROM open_lines ORDER BY line_id").unwrap().query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(|r| r.unwrap()).collect()
    };
    let added_up = |c: &Clinic| -> Vec<(i64, i64)> {
        crate::consumption::packages(&c.conn, a).unwrap().into_iter().filter(|p| p.left > 0).map(|p| (p.line_id.0, p.left)).rev().collect()
    };
    assert_eq!(kept(&c), [(line.0, 2), (other.0, 2)]);
    assert_eq!(kept(&c), added_up(&c));
    crate::desk::void(&mut c.conn, &c.clock, SYSTEM_STAFF, Voidable::Order, other_order.0, "开错单").unwrap();
    assert_eq!(kept(&c), [(line.0, 2)]);
    assert_eq!(kept(&c), added_up(&c));
}

#[test]
fn a_package_call_comes_p_days_after_the_last_session_not_a_day_before() {
    let mut c = Clinic::on(ymd(2026, 9, 1));
    let (a, _) = three_sessions(&mut c);
    open_on(&mut c, ymd(2026, 10, 15)); // P − 1 = 44 days
    assert!(package_tasks(&c, a).is_empty());
    open_on(&mut c, ymd(2026, 10, 16)); // P = 45
    assert_eq!(package_tasks(&c, a), [pair("2026-10-16", "open")]);
    open_on(&mut c, ymd(2026, 10, 17)); // P + 1: still the one call
    assert_eq!(package_tasks(&c, a), [pair("2026-10-16", "open")]);
    let list = crate::followups::checklist(&c.conn, ymd(2026, 10, 17), &Default::default()).unwrap();
    let call = list[0].calls.iter().find(|c| c.task.kind == crate::followups::Kind::Package).unwrap();
    assert_eq!(call.packages.len(), 1);
    assert_eq!((call.packages[0].item.as_str(), call.packages[0].left, call.packages[0].last_session.as_deref()), ("光子嫩肤", 2, Some("2026-09-01")));
    assert!(call.script.contains("光子嫩肤 2 次"), "{}", call.script);
}

#[test]
fn package_calls_repeat_every_p_days_while_sessions_remain() {
    let mut c = Clinic::on(ymd(2026, 9, 1));
    let (a, _) = three_sessions(&mut c);
    open_on(&mut c, ymd(2026, 10, 16));
    let id: i64 = c.conn.query_row("SELECT id FROM tasks WHERE kind = 'package'", [], |r| r.get(0)).unwrap();
    crate::followups::complete(&mut c.conn, &c.clock, SYSTEM_STAFF, id, crate::followups::Outcome::Reached, Some("下月再约"), None, None).unwrap();
    open_on(&mut c, ymd(2026, 11, 30)); // Oct 16 + 45
    assert_eq!(package_tasks(&c, a), [pair("2026-10-16", "reached"), pair("2026-11-30", "open")]);
}

#[test]
fn a_session_done_cancels_the_open_package_call_and_starts_the_count_again() {
    let mut c = Clinic::on(ymd(2026, 9, 1));
    let (a, line) = three_sessions(&mut c);
    open_on(&mut c, ymd(2026, 10, 20));
    c.execute(line, ymd(2026, 10, 20), 1).unwrap();
    assert_eq!(package_tasks(&c, a), [pair("2026-10-16", "cancelled")]);
    open_on(&mut c, ymd(2026, 12, 3));
    assert_eq!(package_tasks(&c, a).len(), 1);
    open_on(&mut c, ymd(2026, 12, 4)); // Oct 20 + 45
    assert_eq!(package_tasks(&c, a), [pair("2026-10-16", "cancelled"), pair("2026-12-04", "open")]);
}

#[test]
fn a_refund_that_gives_back_the_last_sessions_cancels_the_package_call() {
    let mut c = Clinic::on(ymd(2026, 9, 1));
    let (a, line) = three_sessions(&mut c);
    open_on(&mut c, ymd(2026, 10, 16));
    return_sessions(&mut c, a, line, ymd(2026, 10, 16), "300", 1);
    assert_eq!(package_tasks(&c, a), [pair("2026-10-16", "open")], "one session is still left");
    return_sessions(&mut c, a, line, ymd(2026, 10, 16), "300", 1);
    assert_eq!(package_tasks(&c, a), [pair("2026-10-16", "cancelled")]);
    open_on(&mut c, ymd(2026, 12, 31));
    assert_eq!(package_tasks(&c, a).len(), 1, "nothing left, no more calls");
}

#[test]
fn no_package_call_is_due_before_the_day_liuke_started() {
    let mut c = Clinic::on(ymd(2026, 11, 1));
    let a = c.customer("王丽", "13800000001");
    let item = c.item("光子嫩肤", Category::Laser);
    // Bought Aug 1 and never started: calls would have been due Sep 15 and Oct 30.
    c.buy(a, ymd(2026, 8, 1), item, 3, "1000");
    open_on(&mut c, ymd(2026, 12, 13));
    assert!(package_tasks(&c, a).is_empty());
    open_on(&mut c, ymd(2026, 12, 14)); // Aug 1 + 3 × 45
    assert_eq!(package_tasks(&c, a), [pair("2026-12-14", "open")]);
}

#[test]
fn a_customer_who_declines_marketing_still_gets_the_package_call() {
    let mut c = Clinic::on(ymd(2026, 9, 1));
    let quiet = CustomerDraft { name: "拒营销".into(), phone: "13800000003".into(), marketing_opt_out: true, ..Default::default() };
    let q = crate::customers::create(&mut c.conn, &c.clock, SYSTEM_STAFF, &quiet).unwrap();
    let item = c.item("光子嫩肤", Category::Laser);
    c.buy(q, ymd(2026, 9, 1), item, 3, "1000");
    open_on(&mut c, ymd(2026, 10, 16));
    assert_eq!(package_tasks(&c, q), [pair("2026-10-16", "open")]);
}

#[test]
fn the_owners_p_sets_the_interval() {
    let mut c = Clinic::on(ymd(2026, 9, 1));
    crate::store::settings::set(&c.conn, "package_days", "30").unwrap();
    let (a, _) = three_sessions(&mut c);
    open_on(&mut c, ymd(2026, 10, 1));
    assert_eq!(package_tasks(&c, a), [pair("2026-10-01", "open")]);
}

#[test]
fn the_owners_list_shows_each_open_order_longest_untouched_first() {
    let mut c = Clinic::on(ymd(2026, 9, 1));
    let (a, _) = three_sessions(&mut c);
    let b = c.customer("李娜", "13800000002");
    let item = c.item("水光针", Category::Injection);
    c.clock = Clock::fixed(ymd(2026, 11, 20));
    c.buy(b, ymd(2026, 11, 20), item, 4, "2000");
    let rows = list(&c.conn, ymd(2026, 11, 24)).unwrap();
    let seen: Vec<(i64, i64, Money, i64)> = rows.iter().map(|r| (r.customer_id, r.sessions_left, r.value_left, r.days_since)).collect();
    assert_eq!(seen, [(a.0, 2, yuan("666.67"), 84), (b.0, 4, yuan("2000"), 4)]);
    let text = csv(&rows).unwrap();
    assert!(text.contains("光子嫩肤 2/3"), "{text}");
    assert!(!workbook(&rows).unwrap().is_empty());
}

#[test]
fn one_ledger_for_a_range_of_month_ends_gives_what_each_month_end_alone_gives() {
    let mut c = Clinic::on(ymd(2026, 9, 1));
    let (a, line) = three_sessions(&mut c);
    c.clock = Clock::fixed(ymd(2026, 11, 10));
    c.execute(line, ymd(2026, 10, 5), 1).unwrap();
    return_sessions(&mut c, a, line, ymd(2026, 11, 10), "333.33", 1);
    let ends = [ymd(2026, 8, 31), ymd(2026, 9, 30), ymd(2026, 10, 31), ymd(2026, 11, 30)];
    let ledger = Ledger::load(&c.conn, ends[0], ends[3]).unwrap();
    let each: Vec<Outstanding> = ends.iter().map(|e| outstanding(&c.conn, *e).unwrap()).collect();
    assert_eq!(ends.iter().map(|e| ledger.at(*e)).collect::<Vec<_>>(), each);
    assert_eq!(each.iter().map(|o| o.sessions).collect::<Vec<_>>(), [0, 2, 1, 0]);
}

#[test]
fn a_voided_later_session_no_longer_counts_as_done_at_any_month_end() {
    let mut c = Clinic::on(ymd(2026, 11, 10));
    let (_, line) = three_sessions(&mut c);
    let later = c.execute(line, ymd(2026, 10, 5), 1).unwrap();
    assert_eq!(outstanding(&c.conn, ymd(2026, 9, 30)).unwrap().sessions, 2, "done on Oct 5, after Sep 30");
    assert_eq!(outstanding(&c.conn, ymd(2026, 10, 31)).unwrap().sessions, 1);
    crate::desk::void(&mut c.conn, &c.clock, SYSTEM_STAFF, Voidable::Execution, later, "划错了").unwrap();
    assert_eq!(outstanding(&c.conn, ymd(2026, 9, 30)).unwrap().sessions, 2);
    assert_eq!(outstanding(&c.conn, ymd(2026, 10, 31)).unwrap().sessions, 2);
    let kept: i64 = c.conn.query_row("SELECT count(*) FROM later_sessions", [], |r| r.get(0)).unwrap();
    assert_eq!(kept, 0, "the Sep 1 session was done the day it was bought; the Oct 5 one is voided");
}
