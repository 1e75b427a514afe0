use super::*;
use crate::consumption::Voidable;
use crate::items::Category;
use crate::staff::SYSTEM_STAFF;
use crate::testing::{ymd, Clinic};

fn earn(day: NaiveDate, points: i64) -> Movement {
    Movement { day, kind: Kind::Earn, points, note: String::new() }
}

fn remove(day: NaiveDate, points: i64) -> Movement {
    Movement { day, kind: Kind::Refund, points, note: String::new() }
}

#[test]
fn a_payment_earns_its_whole_yuan() {
    assert_eq!(earned(123_456, ymd(2026, 5, 1), None, false), (Kind::Earn, 1234));
    assert_eq!(earned(99, ymd(2026, 5, 1), None, false), (Kind::Earn, 0));
}

#[test]
fn the_birthday_month_doubles_from_its_first_to_its_last_day() {
    assert_eq!(earned(10_000, ymd(2026, 3, 1), Some(3), false), (Kind::BirthdayEarn, 200));
    assert_eq!(earned(10_000, ymd(2026, 3, 31), Some(3), false), (Kind::BirthdayEarn, 200));
    assert_eq!(earned(10_000, ymd(2026, 4, 1), Some(3), false), (Kind::Earn, 100));
    assert_eq!(earned(10_000, ymd(2026, 2, 28), Some(2), false), (Kind::BirthdayEarn, 200), "a Feb 29 birthday's month is February every year");
}

#[test]
fn points_are_usable_through_d_plus_364_and_gone_on_d_plus_365() {
    let m = vec![earn(ymd(2025, 11, 23), 100)];
    assert_eq!(replay(m.clone(), ymd(2026, 11, 22)).balance, 100);
    let gone = replay(m, ymd(2026, 11, 23));
    assert_eq!(gone.balance, 0);
    assert_eq!(gone.entries.last().map(|e| (e.kind, e.points, e.day)), Some((Kind::Expire, -100, ymd(2026, 11, 23))));
}

#[test]
fn a_removal_on_the_last_usable_day_still_uses_the_expiring_points() {
    let m = vec![earn(ymd(2025, 1, 10), 100), earn(ymd(2025, 6, 1), 50), remove(ymd(2026, 1, 9), 120)];
    let l = replay(m, ymd(2026, 1, 10));
    // 100 from the January lot and 20 from June; nothing of January is left to expire.
    assert_eq!(l.balance, 30);
    assert!(l.entries.iter().all(|e| e.kind != Kind::Expire));
}

#[test]
fn removals_take_the_oldest_points_first() {
    let m = vec![earn(ymd(2026, 1, 1), 100), earn(ymd(2026, 6, 1), 200), remove(ymd(2026, 7, 1), 150)];
    assert_eq!(replay(m.clone(), ymd(2026, 12, 31)).balance, 150);
    // The January lot is empty, so its expiry on 2027-01-01 takes nothing; June's 150 go on 2027-06-01.
    assert_eq!(replay(m.clone(), ymd(2027, 1, 1)).balance, 150);
    assert_eq!(replay(m, ymd(2027, 6, 1)).balance, 0);
}

#[test]
fn a_balance_never_goes_below_zero() {
    let l = replay(vec![earn(ymd(2026, 1, 1), 100), remove(ymd(2026, 2, 1), 500)], ymd(2026, 3, 1));
    assert_eq!(l.balance, 0);
    assert_eq!(l.entries[1].points, -100, "only what was there is taken");
    // Points earned later are not owed to the earlier refund.
    let later = replay(vec![remove(ymd(2026, 2, 1), 500), earn(ymd(2026, 3, 1), 80)], ymd(2026, 3, 1));
    assert_eq!(later.balance, 80);
}

#[test]
fn on_one_date_earnings_count_before_removals() {
    let l = replay(vec![remove(ymd(2026, 5, 1), 100), earn(ymd(2026, 5, 1), 100)], ymd(2026, 5, 1));
    assert_eq!(l.balance, 0);
    assert_eq!(l.entries.iter().map(|e| e.kind).collect::<Vec<_>>(), [Kind::Earn, Kind::Refund]);
}

#[test]
fn the_referrer_earns_500_on_the_referred_customers_first_payment_only() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let referrer = c.customer("张小美", "13800000001");
    let draft = crate::customers::CustomerDraft {
        name: "王芳".into(),
        phone: "13800000002".into(),
        referrer_phone: Some("13800000001".into()),
        ..Default::default()
    };
    let friend = crate::customers::create(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft).unwrap();
    let item = c.item("水光针", Category::Injection);
    c.buy(friend, ymd(2026, 6, 1), item, 1, "800");
    c.buy(friend, ymd(2026, 7, 1), item, 1, "800");
    let l = ledger(&c.conn, referrer, ymd(2026, 11, 23)).unwrap();
    assert_eq!(l.balance, 500);
    assert_eq!((l.entries[0].kind, l.entries[0].day), (Kind::Referral, ymd(2026, 6, 1)));
    assert_eq!(ledger(&c.conn, friend, ymd(2026, 11, 23)).unwrap().balance, 1600);
}

#[test]
fn a_voided_payment_leaves_no_points_and_a_refund_takes_its_whole_yuan() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("张小美", "13800000001");
    let item = c.item("水光针", Category::Injection);
    let (order, _) = c.buy(a, ymd(2026, 6, 1), item, 1, "800");
    c.buy(a, ymd(2026, 7, 1), item, 1, "1000.99");
    crate::desk::void(&mut c.conn, &c.clock, SYSTEM_STAFF, Voidable::Order, order.0, "录错了").unwrap();
    c.refund(a, ymd(2026, 8, 1), "300.99");
    assert_eq!(ledger(&c.conn, a, ymd(2026, 11, 23)).unwrap().balance, 1000 - 300);
    assert_eq!(all_balances(&c.conn, ymd(2026, 11, 23)).unwrap().get(&a.0), Some(&700));
}

#[test]
fn a_redemption_above_the_balance_is_refused_and_one_within_it_is_kept() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("张小美", "13800000001");
    let item = c.item("水光针", Category::Injection);
    c.buy(a, ymd(2026, 6, 1), item, 1, "800");
    assert_eq!(redeem(&mut c.conn, &c.clock, SYSTEM_STAFF, a, 801, "面膜").unwrap_err().problems()[0].column, "points");
    let l = redeem(&mut c.conn, &c.clock, SYSTEM_STAFF, a, 300, "面膜一盒").unwrap();
    assert_eq!(l.balance, 500);
    assert!(c.conn.execute("DELETE FROM point_redemptions", []).is_err(), "the ledger is append-only");
}

#[test]
fn a_customer_born_on_feb_29_earns_double_in_february_of_a_common_year() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let draft = crate::customers::CustomerDraft { name: "闰年生".into(), phone: "13800000009".into(), birthday: Some("2000-02-29".into()), ..Default::default() };
    let a = crate::customers::create(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft).unwrap();
    let item = c.item("水光针", Category::Injection);
    c.buy(a, ymd(2026, 2, 28), item, 1, "100");
    c.buy(a, ymd(2026, 3, 1), item, 1, "100");
    let l = ledger(&c.conn, a, ymd(2026, 11, 23)).unwrap();
    assert_eq!(l.entries.iter().map(|e| (e.kind, e.points)).collect::<Vec<_>>(), [(Kind::BirthdayEarn, 200), (Kind::Earn, 100)]);
}

fn with_member_day(c: &Clinic, day: u32) {
    let b = crate::benefits::Benefits { member_day: Some(day), ..Default::default() };
    crate::benefits::save_settings(&c.conn, &b).unwrap();
}

fn kinds(c: &Clinic, a: CustomerId) -> Vec<(NaiveDate, Kind, i64)> {
    ledger(&c.conn, a, ymd(2026, 11, 23)).unwrap().entries.iter().map(|e| (e.day, e.kind, e.points)).collect()
}

#[test]
fn on_the_member_day_a_member_earns_double() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    with_member_day(&c, 7);
    let a = c.customer("孙丽", "13800000001");
    let item = c.item("水光针", Category::Injection);
    // ¥6,000 on Oct 1 makes her a 普通会员 (累计 ≥ ¥5,000) from then on.
    c.buy(a, ymd(2026, 10, 1), item, 1, "6000");
    c.buy(a, ymd(2026, 10, 7), item, 1, "100");
    c.buy(a, ymd(2026, 10, 8), item, 1, "100");
    assert_eq!(
        kinds(&c, a),
        [(ymd(2026, 10, 1), Kind::Earn, 6000), (ymd(2026, 10, 7), Kind::MemberDayEarn, 200), (ymd(2026, 10, 8), Kind::Earn, 100)]
    );
}

#[test]
fn the_member_day_that_makes_a_customer_a_member_earns_single() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    with_member_day(&c, 7);
    let a = c.customer("新客", "13800000002");
    let item = c.item("水光针", Category::Injection);
    // Her membership as of the 6th is none; the ¥6,000 of the 7th counts from the 7th.
    c.buy(a, ymd(2026, 10, 7), item, 1, "6000");
    c.buy(a, ymd(2026, 11, 7), item, 1, "100");
    assert_eq!(kinds(&c, a), [(ymd(2026, 10, 7), Kind::Earn, 6000), (ymd(2026, 11, 7), Kind::MemberDayEarn, 200)]);
}

#[test]
fn the_member_day_in_the_birthday_month_doubles_once_not_twice() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    with_member_day(&c, 7);
    let draft = crate::customers::CustomerDraft { name: "十月生".into(), phone: "13800000003".into(), birthday: Some("1990-10-15".into()), ..Default::default() };
    let a = crate::customers::create(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft).unwrap();
    let item = c.item("水光针", Category::Injection);
    c.buy(a, ymd(2026, 9, 1), item, 1, "6000");
    c.buy(a, ymd(2026, 10, 7), item, 1, "100");
    assert_eq!(kinds(&c, a)[1], (ymd(2026, 10, 7), Kind::BirthdayEarn, 200), "×2, not ×4");
}

#[test]
fn without_a_member_day_the_7th_is_an_ordinary_day() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("孙丽", "13800000001");
    let item = c.item("水光针", Category::Injection);
    c.buy(a, ymd(2026, 10, 1), item, 1, "6000");
    c.buy(a, ymd(2026, 10, 7), item, 1, "100");
    assert_eq!(kinds(&c, a)[1], (ymd(2026, 10, 7), Kind::Earn, 100));
    // The balance of everyone agrees with the one customer's ledger.
    with_member_day(&c, 7);
    assert_eq!(all_balances(&c.conn, ymd(2026, 11, 23)).unwrap()[&a.0], 6000 + 200);
}
