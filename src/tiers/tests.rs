use super::*;
use crate::items::Category;
use crate::testing::{ymd, yuan, Clinic};
use crate::visits::facts;

fn d() -> NaiveDate {
    ymd(2026, 11, 23)
}

fn with(spend_365: &str, spend_total: &str, visit_days: i64, last_visit: Option<NaiveDate>) -> Facts {
    Facts { visit_days, first_visit: last_visit, last_visit, spend_365: yuan(spend_365), spend_total: yuan(spend_total) }
}

fn recent() -> Option<NaiveDate> {
    Some(ymd(2026, 11, 1))
}

#[test]
fn membership_thresholds_below_at_and_above() {
    let r = TierRules::default();
    let m = |s365: &str, total: &str| membership(&r, &with(s365, total, 1, recent()));
    assert_eq!(m("199999.99", "199999.99"), Membership::Platinum);
    assert_eq!(m("200000", "200000"), Membership::StarDiamond);
    assert_eq!(m("200000.01", "200000.01"), Membership::StarDiamond);
    assert_eq!(m("79999.99", "79999.99"), Membership::Gold);
    assert_eq!(m("80000", "80000"), Membership::Platinum);
    assert_eq!(m("29999.99", "29999.99"), Membership::Member);
    assert_eq!(m("30000", "30000"), Membership::Gold);
    assert_eq!(m("0", "4999.99"), Membership::None);
    assert_eq!(m("0", "5000"), Membership::Member, "普通会员 is on total spend, not the 365-day window");
}

#[test]
fn layer_thresholds_below_at_and_above() {
    let r = TierRules::default();
    let l = |s365: &str| layer(&r, &with(s365, s365, 2, recent()), d());
    assert_eq!(l("99999.99"), Layer::Potential);
    assert_eq!(l("100000"), Layer::Super);
    assert_eq!(l("29999.99"), Layer::Normal);
    assert_eq!(l("30000"), Layer::Potential);
    assert_eq!(l("9999.99"), Layer::Basic);
    assert_eq!(l("10000"), Layer::Normal);
}

#[test]
fn a_lead_comes_first_and_dormant_before_spend() {
    let r = TierRules::default();
    assert_eq!(layer(&r, &with("0", "0", 0, None), d()), Layer::Lead);
    // 179 days since the last visit: not yet dormant; 180: dormant even with a super spend.
    assert_eq!(layer(&r, &with("150000", "150000", 3, Some(ymd(2026, 5, 28))), d()), Layer::Super);
    assert_eq!(layer(&r, &with("150000", "150000", 3, Some(ymd(2026, 5, 27))), d()), Layer::Dormant);
}

#[test]
fn trust_counts_distinct_visit_days() {
    let r = TierRules::default();
    let t = |n: i64| trust(&r, &with("0", "0", n, if n > 0 { recent() } else { None }));
    assert_eq!([t(0), t(1), t(2), t(3), t(5), t(6), t(40)], [Trust::Lead, Trust::Traffic, Trust::Traffic, Trust::Retained, Trust::Retained, Trust::Loyal, Trust::Loyal]);
}

#[test]
fn spend_on_d_minus_364_keeps_gold_and_on_d_minus_365_it_is_gone() {
    let mut c = Clinic::on(d());
    let a = c.customer("张小美", "13800000001");
    let item = c.item("热玛吉", Category::Laser);
    c.buy(a, ymd(2025, 11, 24), item, 1, "30000");
    let r = TierRules::default();
    assert_eq!(membership(&r, &facts(&c.conn, a, d()).unwrap()), Membership::Gold);
    assert_eq!(membership(&r, &facts(&c.conn, a, ymd(2026, 11, 24)).unwrap()), Membership::Member);
}

#[test]
fn a_refund_that_crosses_a_threshold_drops_the_tier_on_its_date() {
    let mut c = Clinic::on(d());
    let a = c.customer("张小美", "13800000001");
    let item = c.item("热玛吉", Category::Laser);
    c.buy(a, ymd(2026, 6, 1), item, 1, "30500");
    c.refund(a, ymd(2026, 7, 1), "500.01");
    let r = TierRules::default();
    assert_eq!(membership(&r, &facts(&c.conn, a, ymd(2026, 6, 30)).unwrap()), Membership::Gold);
    assert_eq!(membership(&r, &facts(&c.conn, a, ymd(2026, 7, 1)).unwrap()), Membership::Member);
}

#[test]
fn the_owner_changes_the_rules_and_the_change_is_logged() {
    let mut c = Clinic::on(d());
    assert_eq!(rules(&c.conn).unwrap(), TierRules::default());
    let new = TierRules { gold_365: yuan("25000"), ..TierRules::default() };
    save_rules(&mut c.conn, &c.clock, crate::staff::SYSTEM_STAFF, &new).unwrap();
    assert_eq!(rules(&c.conn).unwrap().gold_365, yuan("25000"));
    let log = rule_changes(&c.conn).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!((log[0].before.gold_365, log[0].after.gold_365), (yuan("30000"), yuan("25000")));
}

#[test]
fn rules_out_of_order_are_refused() {
    let mut c = Clinic::on(d());
    let bad = TierRules { platinum_365: yuan("20000"), loyal_visits: 3, ..TierRules::default() };
    let e = save_rules(&mut c.conn, &c.clock, crate::staff::SYSTEM_STAFF, &bad).unwrap_err();
    let fields: Vec<&str> = e.problems().iter().map(|p| p.column.as_str()).collect();
    assert_eq!(fields, ["platinum_365", "loyal_visits"]);
    assert_eq!(rules(&c.conn).unwrap(), TierRules::default());
}
