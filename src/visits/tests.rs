use super::*;
use crate::items::Category;
use crate::testing::{ymd, Clinic};

const D: (i32, u32, u32) = (2026, 11, 23);

fn d() -> NaiveDate {
    ymd(D.0, D.1, D.2)
}

#[test]
fn the_365_day_window_runs_from_d_minus_364_to_d() {
    assert_eq!(window_365_start(ymd(2026, 11, 23)), ymd(2025, 11, 24));
    // Across Feb 29: 2024-12-31 − 364 days = 2024-01-02.
    assert_eq!(window_365_start(ymd(2024, 12, 31)), ymd(2024, 1, 2));
}

#[test]
fn spend_on_d_minus_364_counts_and_on_d_minus_365_does_not() {
    let mut c = Clinic::on(d());
    let a = c.customer("张小美", "13800000001");
    let item = c.item("水光针", Category::Injection);
    c.buy(a, ymd(2025, 11, 24), item, 1, "1000"); // D − 364: inside
    c.buy(a, ymd(2025, 11, 23), item, 1, "200"); // D − 365: outside
    let f = facts(&c.conn, a, d()).unwrap();
    assert_eq!(f.spend_365, Money(100_000));
    assert_eq!(f.spend_total, Money(120_000));
}

#[test]
fn spend_after_d_is_not_counted_as_of_d() {
    let mut c = Clinic::on(d());
    let a = c.customer("张小美", "13800000001");
    let item = c.item("水光针", Category::Injection);
    c.buy(a, ymd(2026, 11, 23), item, 1, "500");
    let f = facts(&c.conn, a, ymd(2026, 11, 22)).unwrap();
    assert_eq!((f.spend_total, f.visit_days), (Money::ZERO, 0));
}

#[test]
fn refunds_subtract_on_their_own_date() {
    let mut c = Clinic::on(d());
    let a = c.customer("张小美", "13800000001");
    let item = c.item("热玛吉", Category::Laser);
    c.buy(a, ymd(2025, 6, 1), item, 1, "30000");
    c.refund(a, ymd(2026, 1, 10), "5000.50");
    // As of D the payment has left the window but the refund has not.
    let f = facts(&c.conn, a, d()).unwrap();
    assert_eq!(f.spend_365, Money(-500_050));
    assert_eq!(f.spend_total, Money(2_499_950));
    // Before the refund it is not subtracted at all.
    assert_eq!(facts(&c.conn, a, ymd(2026, 1, 9)).unwrap().spend_total, Money(3_000_000));
}

#[test]
fn a_refund_alone_is_not_a_visit() {
    let mut c = Clinic::on(d());
    let a = c.customer("张小美", "13800000001");
    let item = c.item("水光针", Category::Injection);
    c.buy(a, ymd(2026, 3, 1), item, 1, "800");
    c.refund(a, ymd(2026, 3, 5), "800");
    assert_eq!(visit_days(&c.conn, a, d()).unwrap(), vec![ymd(2026, 3, 1)]);
}

#[test]
fn arrival_payment_and_execution_on_one_day_are_one_visit_day() {
    let mut c = Clinic::on(d());
    let a = c.customer("张小美", "13800000001");
    let item = c.item("水光针", Category::Injection);
    c.arrive(a, ymd(2026, 5, 1));
    let (_, line) = c.buy(a, ymd(2026, 5, 1), item, 3, "2400");
    c.execute(line, ymd(2026, 5, 1), 1).unwrap();
    c.execute(line, ymd(2026, 6, 1), 1).unwrap();
    c.arrive(a, ymd(2026, 7, 1));
    let f = facts(&c.conn, a, d()).unwrap();
    assert_eq!(f.visit_days, 3);
    assert_eq!(f.first_visit, Some(ymd(2026, 5, 1)));
    assert_eq!(f.last_visit, Some(ymd(2026, 7, 1)));
}

#[test]
fn a_customer_without_visit_days_is_a_lead() {
    let mut c = Clinic::on(d());
    let a = c.customer("张小美", "13800000001");
    let f = facts(&c.conn, a, d()).unwrap();
    assert!(f.is_lead());
    assert_eq!((f.first_visit, f.last_visit), (None, None));
}

#[test]
fn voided_records_are_not_visits_and_not_spend() {
    let mut c = Clinic::on(d());
    let a = c.customer("张小美", "13800000001");
    let item = c.item("水光针", Category::Injection);
    let (order, _) = c.buy(a, ymd(2026, 5, 1), item, 1, "800");
    crate::desk::void(&mut c.conn, &c.clock, crate::staff::SYSTEM_STAFF, crate::consumption::Voidable::Order, order.0, "录错了").unwrap();
    let f = facts(&c.conn, a, d()).unwrap();
    assert_eq!((f.visit_days, f.spend_total), (0, Money::ZERO));
    assert!(!visited_on(&c.conn, a, ymd(2026, 5, 1)).unwrap());
}

#[test]
fn the_bulk_facts_equal_the_one_customer_facts() {
    let mut c = Clinic::on(d());
    let a = c.customer("张小美", "13800000001");
    let b = c.customer("李娜", "13800000002");
    let lead = c.customer("王意向", "13800000003");
    let item = c.item("水光针", Category::Injection);
    let (_, line) = c.buy(a, ymd(2025, 11, 24), item, 3, "2400");
    c.buy(a, ymd(2025, 11, 23), item, 1, "800");
    c.execute(line, ymd(2026, 2, 1), 1).unwrap();
    c.refund(a, ymd(2026, 3, 1), "100.50");
    c.arrive(b, ymd(2026, 11, 23));
    c.arrive(b, ymd(2026, 11, 23));
    c.buy(b, ymd(2026, 11, 23), item, 1, "99.99");
    for as_of in [d(), ymd(2026, 2, 1), ymd(2025, 11, 23), ymd(2020, 1, 1)] {
        let bulk = all_facts(&c.conn, as_of).unwrap();
        assert_eq!(bulk.len(), 3);
        for (id, f) in bulk {
            assert_eq!(f, facts(&c.conn, id, as_of).unwrap(), "customer {id:?} as of {as_of}");
        }
    }
    assert!(all_facts(&c.conn, d()).unwrap().iter().any(|(id, f)| *id == lead && f.is_lead()));
}
