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

#[test]
fn each_label_says_why_and_what_the_next_one_takes() {
    let r = TierRules::default();
    let [m, y, t] = explain(&r, &with("32000", "40000", 4, recent()), d(), Money::ZERO);
    assert_eq!(m.reason, "近365天消费 ¥32,000 ≥ 黄金门槛 ¥30,000");
    assert_eq!(m.next.as_deref(), Some("近365天再消费 ¥48,000 可升铂金"));
    assert_eq!(m.keep, None);
    assert_eq!(y.reason, "近365天消费 ¥32,000 ≥ 潜力门槛 ¥30,000");
    assert_eq!(y.next.as_deref(), Some("近365天再消费 ¥68,000 可升为超级"));
    assert_eq!(t.reason, "到院 4 天（3–5 天为留量）");
    assert_eq!(t.next.as_deref(), Some("再到院 2 天成为存量"));
}

#[test]
fn keeping_a_tier_warns_of_spend_leaving_the_window_in_the_next_30_days() {
    let mut c = Clinic::on(d());
    let a = c.customer("张小美", "13800000001");
    let item = c.item("热玛吉", Category::Laser);
    // D − 335 leaves within 30 days; D − 334 does not.
    c.buy(a, ymd(2025, 12, 23), item, 1, "20000");
    c.buy(a, ymd(2025, 12, 24), item, 1, "12000");
    let leaving = spend_leaving_30d(&c.conn, a, d()).unwrap();
    assert_eq!(leaving, yuan("20000"));
    let f = facts(&c.conn, a, d()).unwrap();
    let [m, ..] = explain(&TierRules::default(), &f, d(), leaving);
    assert_eq!(m.label, "黄金");
    assert_eq!(m.keep.as_deref(), Some("未来30天内有 ¥20,000 的消费移出365天窗口，届时近365天消费 ¥12,000，低于黄金门槛；需再消费 ¥18,000 保级"));
}

#[test]
fn the_preview_counts_who_would_move_before_anything_is_saved() {
    let mut c = Clinic::on(d());
    let a = c.customer("张小美", "13800000001");
    c.customer("王意向", "13800000002");
    let item = c.item("热玛吉", Category::Laser);
    c.buy(a, ymd(2026, 6, 1), item, 1, "26000");
    let lower = TierRules { gold_365: yuan("25000"), ..TierRules::default() };
    let p = preview(&c.conn, d(), &lower).unwrap();
    assert_eq!(p.moves["membership"], (1, 0));
    assert_eq!((p.before.membership["gold"], p.after.membership["gold"]), (0, 1));
    assert_eq!(p.after.layer["lead"], 1);
    assert_eq!(rules(&c.conn).unwrap(), TierRules::default(), "a preview saves nothing");
}

#[test]
fn all_rows_carry_every_label_and_fact_sorted_by_phone() {
    let mut c = Clinic::on(d());
    let b = c.customer("李娜", "13900000002");
    c.customer("王意向", "13800000009");
    let item = c.item("热玛吉", Category::Laser);
    c.buy(b, ymd(2026, 6, 1), item, 1, "80000");
    let rows = all_rows(&c.conn, d()).unwrap();
    assert_eq!(rows.iter().map(|r| r.phone.as_str()).collect::<Vec<_>>(), ["13800000009", "13900000002"]);
    assert_eq!((rows[0].membership, rows[0].layer, rows[0].trust, rows[0].points), (Membership::None, Layer::Lead, Trust::Lead, 0));
    assert_eq!((rows[1].membership, rows[1].layer, rows[1].trust, rows[1].points), (Membership::Platinum, Layer::Potential, Trust::Traffic, 80000));
}
