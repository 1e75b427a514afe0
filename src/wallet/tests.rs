use super::*;
use crate::items::Category;
use crate::staff::SYSTEM_STAFF;
use crate::testing::{ymd, yuan, Clinic};
use crate::vouchers::{Issue, Source};

/// 孙丽 became a 普通会员 (¥5,000) on Mar 1; today is Nov 23.
fn member() -> (Clinic, CustomerId) {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("孙丽", "13800000001");
    let item = c.item("水光针", Category::Injection);
    c.buy(a, ymd(2026, 3, 1), item, 1, "5000");
    (c, a)
}

fn use_check(c: &mut Clinic, a: CustomerId) -> Result<OrderId> {
    crate::desk::use_entitlement(&mut c.conn, &c.clock, SYSTEM_STAFF, a, "免费皮肤检测")
}

#[test]
fn a_member_has_one_free_skin_check_a_month_and_using_it_records_the_session() {
    let (mut c, a) = member();
    let w = of_customer(&c.conn, &c.clock, a, c.clock.today()).unwrap();
    assert_eq!(w.entitlements, [EntitlementLeft { item: "免费皮肤检测".into(), times: 1, used: 0, left: 1 }]);
    let order = use_check(&mut c, a).unwrap();
    let m = consumption::order_money(&c.conn, order).unwrap();
    assert_eq!((m.total, m.paid), (Money::ZERO, Money::ZERO));
    let pkg = consumption::packages(&c.conn, a).unwrap().into_iter().find(|p| p.order_id == order).unwrap();
    assert_eq!((pkg.item.as_str(), pkg.done, pkg.left), ("免费皮肤检测", 1, 0));
    assert_eq!(crate::visits::facts(&c.conn, a, c.clock.today()).unwrap().last_visit, Some(c.clock.today()), "a visit day");
    assert_eq!(of_customer(&c.conn, &c.clock, a, c.clock.today()).unwrap().entitlements[0].left, 0);
    let again = use_check(&mut c, a).unwrap_err();
    assert!(again.to_string().contains("本月的「免费皮肤检测」已用完"), "{again}");
}

#[test]
fn entitlements_do_not_carry_over_to_the_next_month() {
    let (mut c, a) = member();
    use_check(&mut c, a).unwrap();
    assert_eq!(of_customer(&c.conn, &c.clock, a, ymd(2026, 11, 30)).unwrap().entitlements[0].left, 0);
    let next = Clinic { conn: c.conn, clock: crate::clock::Clock::fixed(ymd(2026, 12, 1)) };
    assert_eq!(of_customer(&next.conn, &next.clock, a, ymd(2026, 12, 1)).unwrap().entitlements[0].left, 1);
}

#[test]
fn a_customer_who_is_no_member_has_no_entitlement_to_use() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("新客", "13800000002");
    assert!(of_customer(&c.conn, &c.clock, a, c.clock.today()).unwrap().entitlements.is_empty());
    let refused = use_check(&mut c, a).unwrap_err();
    assert!(refused.to_string().contains("非会员没有"), "{refused}");
    assert_eq!(c.conn.query_row("SELECT count(*) FROM orders", [], |r| r.get::<_, i64>(0)).unwrap(), 0);
}

#[test]
fn points_usable_as_money_are_whole_multiples_of_the_owners_unit() {
    let (c, a) = member();
    let w = of_customer(&c.conn, &c.clock, a, c.clock.today()).unwrap();
    // 5,000 points earned Mar 1: 5 × 1,000 pay 5 × ¥200.
    assert_eq!((w.points, w.points_usable, w.points_pay), (5_000, 5_000, yuan("1000")));
    crate::benefits::save_settings(&c.conn, &crate::benefits::Benefits { points_unit: 3_000, ..Default::default() }).unwrap();
    let w = of_customer(&c.conn, &c.clock, a, c.clock.today()).unwrap();
    assert_eq!((w.points_usable, w.points_pay), (3_000, yuan("200")));
}

#[test]
fn points_lapsing_within_30_days_and_vouchers_within_14_are_reminded() {
    let (c, a) = member();
    // Mar 1's points expire Mar 1, 2027: 30 days before is Jan 30.
    assert!(of_customer(&c.conn, &c.clock, a, ymd(2027, 1, 29)).unwrap().points_lapsing.is_empty());
    let w = of_customer(&c.conn, &c.clock, a, ymd(2027, 1, 30)).unwrap();
    assert_eq!(w.points_lapsing, [Lapse { on: ymd(2027, 3, 1), points: 5_000 }]);
    assert!(w.reminders.contains(&"积分 5000 将于 2027-03-01 到期".to_string()), "{:?}", w.reminders);
    for (face, last) in [("300", ymd(2026, 12, 8)), ("500", ymd(2026, 12, 7))] {
        let v = Issue { customer_id: a, face: yuan(face), threshold: None, valid_through: Some(last), note: None };
        crate::vouchers::issue(&c.conn, &c.clock, SYSTEM_STAFF, &v, Source::Manual, None).unwrap();
    }
    // Dec 7 is 14 days after Nov 23, Dec 8 is 15.
    let w = of_customer(&c.conn, &c.clock, a, ymd(2026, 11, 23)).unwrap();
    assert_eq!(w.reminders, ["¥500 券有效期至 2026-12-07"]);
    assert_eq!(w.vouchers.iter().map(|v| v.face).collect::<Vec<_>>(), [yuan("500"), yuan("300")], "the soonest to lapse first");
}

#[test]
fn the_call_list_reminds_only_of_what_lapses_soon() {
    let (mut c, a) = member();
    let b = c.customer("周敏", "13800000002");
    let item = c.item("光子嫩肤", Category::Laser);
    // 周敏 earned 800 on 2025-12-20: they lapse 2026-12-20, within 30 days of Nov 23.
    c.buy(b, ymd(2025, 12, 20), item, 1, "800");
    let v = Issue { customer_id: a, face: yuan("200"), threshold: None, valid_through: Some(ymd(2026, 12, 1)), note: None };
    crate::vouchers::issue(&c.conn, &c.clock, SYSTEM_STAFF, &v, Source::Manual, None).unwrap();
    let got = reminders_for(&c.conn, &[a.0, b.0], c.clock.today()).unwrap();
    assert_eq!(got.get(&a.0).map(Vec::as_slice), Some(&["¥200 券有效期至 2026-12-01".to_string()][..]), "孙丽's Mar 1 points lapse in March");
    assert_eq!(got.get(&b.0).map(Vec::as_slice), Some(&["积分 800 将于 2026-12-20 到期".to_string()][..]));
    // The same as the desk card says.
    assert_eq!(of_customer(&c.conn, &c.clock, b, c.clock.today()).unwrap().reminders, got[&b.0]);
}
