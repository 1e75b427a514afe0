use super::*;
use crate::items::Category;
use crate::testing::{ymd, yuan, Clinic};

fn rate(text: &str) -> Rate {
    Rate::parse(text).unwrap()
}

fn price_item(c: &Clinic, item: ItemId, list: &str) {
    c.conn.execute("UPDATE items SET list_price_fen = ?1 WHERE id = ?2", [yuan(list).fen(), item.0]).unwrap();
}

fn ask(item: ItemId, sessions: i64) -> LineAsked {
    LineAsked { item_id: item, sessions, list_price: None }
}

#[test]
fn rates_read_as_the_desk_says_them() {
    assert_eq!(rate("0.95").label(), "95折");
    assert_eq!(rate("0.80").label(), "8折");
    assert_eq!(rate("0.88").label(), "88折");
    assert_eq!(rate("1").label(), "无折扣");
}

#[test]
fn member_prices_round_half_up_to_the_fen() {
    let r = rate("0.95");
    // 333.33 × 0.95 = 316.6635 → 316.66
    assert_eq!(r.apply(yuan("333.33")), yuan("316.66"));
    // 1,999.90 × 0.95 = 1,899.905 → 1,899.91 (the half goes up)
    assert_eq!(r.apply(yuan("1999.90")), yuan("1899.91"));
    // 0.10 × 0.95 = 0.095 → 0.10
    assert_eq!(r.apply(yuan("0.10")), yuan("0.10"));
    // 0.30 × 0.95 = 0.285 → 0.29
    assert_eq!(r.apply(yuan("0.30")), yuan("0.29"));
    assert_eq!(rate("0.8").apply(yuan("12800")), yuan("10240"));
}

#[test]
fn the_defaults_are_the_seeds() {
    let b = Benefits::default();
    assert_eq!(b.rate_of(Membership::None), Rate::FULL);
    for m in [Membership::Member, Membership::Gold, Membership::Platinum, Membership::StarDiamond] {
        assert_eq!(b.rate_of(m), rate("0.95"));
    }
    assert_eq!(b.family_rate, rate("0.80"));
    assert_eq!(b.referral_voucher, yuan("500"));
    assert_eq!((b.points_unit, b.points_value), (1_000, yuan("200")));
    assert_eq!(b.member_day, None);
    assert_eq!(b.entitlements, [Entitlement { item: "免费皮肤检测".into(), times: 1, from: Membership::Member }]);
    assert!(b.validate().is_ok());
}

#[test]
fn settings_that_cannot_be_meant_are_refused_each_named() {
    let b = Benefits { discount_gold: rate("1.2"), family_rate: rate("0"), member_day: Some(31), voucher_days: 0, ..Benefits::default() };
    let problems = b.validate().unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|p| p.column.as_str()).collect();
    assert_eq!(fields, ["discount_gold", "family_rate", "voucher_days", "member_day"]);
}

#[test]
fn the_settings_are_kept_in_the_database() {
    let c = Clinic::on(ymd(2026, 11, 23));
    assert_eq!(settings(&c.conn).unwrap(), Benefits::default());
    let mine = Benefits { discount_gold: rate("0.9"), member_day: Some(7), ..Benefits::default() };
    save_settings(&c.conn, &mine).unwrap();
    assert_eq!(settings(&c.conn).unwrap(), mine);
    let bad = Benefits { discount_gold: rate("0"), ..Benefits::default() };
    assert!(save_settings(&c.conn, &bad).is_err());
    assert_eq!(settings(&c.conn).unwrap(), mine, "a refused save changes nothing");
}

/// A customer who crosses 黄金 (¥30,000 in 365 days) with a payment on the 23rd.
fn crossing_gold_on_the_23rd() -> (Clinic, CustomerId, ItemId) {
    let mut c = Clinic::on(ymd(2026, 11, 25));
    save_settings(&c.conn, &Benefits { discount_gold: rate("0.90"), ..Benefits::default() }).unwrap();
    let a = c.customer("孙丽", "13800000001");
    let laser = c.item("皮秒", Category::Laser);
    price_item(&c, laser, "1000");
    c.treat(a, ymd(2026, 10, 1), laser, "29000");
    c.treat(a, ymd(2026, 11, 23), laser, "1000");
    (c, a, laser)
}

#[test]
fn the_order_on_the_day_a_customer_crosses_gold_is_priced_by_the_day_before() {
    let (c, a, laser) = crossing_gold_on_the_23rd();
    let on_the_day = quote(&c.conn, a, ymd(2026, 11, 23), &[ask(laser, 2)]).unwrap();
    assert_eq!(on_the_day.basis.membership, Membership::Member);
    assert_eq!(on_the_day.basis.label, "会员95折");
    assert_eq!((on_the_day.lines[0].list_price, on_the_day.lines[0].member_price), (yuan("2000"), yuan("1900")));
    let next_day = quote(&c.conn, a, ymd(2026, 11, 24), &[ask(laser, 2)]).unwrap();
    assert_eq!(next_day.basis.membership, Membership::Gold);
    assert_eq!(next_day.basis.label, "会员9折");
    assert_eq!(next_day.lines[0].member_price, yuan("1800"));
    assert_eq!(next_day.lines[0].discount, yuan("200"));
}

#[test]
fn a_customer_who_is_no_member_pays_the_list_price() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("新客", "13800000002");
    let item = c.item("水光针", Category::Injection);
    price_item(&c, item, "980.50");
    let q = quote(&c.conn, a, ymd(2026, 11, 23), &[ask(item, 1)]).unwrap();
    assert_eq!(q.basis.membership, Membership::None);
    assert_eq!(q.basis.label, "无折扣");
    assert_eq!((q.list_total, q.member_total), (yuan("980.50"), yuan("980.50")));
}

#[test]
fn an_item_marked_no_discount_keeps_its_list_price() {
    let (c, a, laser) = crossing_gold_on_the_23rd();
    let mut c = c;
    let cream = c.item("医用面膜", Category::Other);
    price_item(&c, cream, "199.90");
    c.conn.execute("UPDATE items SET no_discount = 1 WHERE id = ?1", [cream.0]).unwrap();
    let q = quote(&c.conn, a, ymd(2026, 11, 24), &[ask(laser, 1), ask(cream, 3)]).unwrap();
    assert!(q.lines[0].takes_part && !q.lines[1].takes_part);
    assert_eq!((q.lines[1].list_price, q.lines[1].member_price, q.lines[1].discount), (yuan("599.70"), yuan("599.70"), Money::ZERO));
    assert_eq!(q.member_total, yuan("900") + yuan("599.70"));
}

#[test]
fn a_line_with_its_own_list_price_is_priced_from_it() {
    let (c, a, laser) = crossing_gold_on_the_23rd();
    let q = quote(&c.conn, a, ymd(2026, 11, 24), &[LineAsked { item_id: laser, sessions: 3, list_price: Some(yuan("2888")) }]).unwrap();
    // 2,888 × 0.90 = 2,599.20
    assert_eq!(q.lines[0].member_price, yuan("2599.20"));
}

/// A 星钻 customer (¥200,000 in 365 days) and her daughter, linked as family.
fn star_diamond_family() -> (Clinic, CustomerId, CustomerId, ItemId) {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let mother = c.customer("周女士", "13800000003");
    let daughter = c.customer("周小姐", "13800000004");
    let item = c.item("热玛吉", Category::Laser);
    price_item(&c, item, "12800");
    c.treat(mother, ymd(2026, 6, 1), item, "200000");
    c.treat(daughter, ymd(2026, 6, 1), item, "6000");
    c.conn.execute("UPDATE customers SET family_head_id = ?1 WHERE id = ?2", [mother.0, daughter.0]).unwrap();
    (c, mother, daughter, item)
}

#[test]
fn the_family_of_a_star_diamond_customer_gets_the_family_rate() {
    let (c, mother, daughter, item) = star_diamond_family();
    let q = quote(&c.conn, daughter, ymd(2026, 11, 23), &[ask(item, 1)]).unwrap();
    assert_eq!(q.basis.membership, Membership::Member);
    assert_eq!(q.basis.label, "家庭价8折");
    assert_eq!(q.basis.family_of.as_deref(), Some("周女士"));
    assert_eq!(q.lines[0].member_price, yuan("10240"));
    let own = quote(&c.conn, mother, ymd(2026, 11, 23), &[ask(item, 1)]).unwrap();
    assert_eq!((own.basis.membership, own.basis.label.as_str()), (Membership::StarDiamond, "会员95折"));
}

#[test]
fn the_family_rate_applies_only_while_the_head_is_star_diamond_on_the_day_before() {
    let (c, _, daughter, item) = star_diamond_family();
    // A year after the mother's spend, she is no longer 星钻 (Spend_365 counts [D − 364, D]).
    let later = quote(&c.conn, daughter, ymd(2027, 6, 2), &[ask(item, 1)]).unwrap();
    assert_eq!(later.basis.family_of, None);
    assert_eq!(later.basis.label, "会员95折");
    // On 2027-06-01 the day before is 2027-05-31, still inside the window.
    let last = quote(&c.conn, daughter, ymd(2027, 6, 1), &[ask(item, 1)]).unwrap();
    assert_eq!(last.basis.label, "家庭价8折");
}

#[test]
fn the_family_rate_never_makes_a_price_worse() {
    let (c, _, daughter, item) = star_diamond_family();
    save_settings(&c.conn, &Benefits { discount_member: rate("0.75"), ..Benefits::default() }).unwrap();
    let q = quote(&c.conn, daughter, ymd(2026, 11, 23), &[ask(item, 1)]).unwrap();
    assert_eq!(q.basis.label, "会员75折");
    assert_eq!(q.basis.family_of, None);
}

#[test]
fn a_customer_cannot_be_their_own_family() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("周女士", "13800000003");
    assert!(c.conn.execute("UPDATE customers SET family_head_id = id WHERE id = ?1", [a.0]).is_err());
}

#[test]
fn a_family_is_one_level_deep() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let (mother, daughter, granddaughter) = (c.customer("周女士", "13800000003"), c.customer("周小姐", "13800000004"), c.customer("周宝宝", "13800000005"));
    set_family(&c.conn, daughter, Some(mother)).unwrap();
    let e = set_family(&c.conn, granddaughter, Some(daughter)).unwrap_err();
    assert!(e.to_string().contains("本身是别人的家庭成员"), "{e}");
    let e = set_family(&c.conn, mother, Some(granddaughter)).unwrap_err();
    assert!(e.to_string().contains("已有关联的家庭成员"), "{e}");
    let e = set_family(&c.conn, mother, Some(mother)).unwrap_err();
    assert!(e.to_string().contains("自己"), "{e}");
    set_family(&c.conn, daughter, None).unwrap();
    set_family(&c.conn, granddaughter, Some(mother)).unwrap();
    let linked: Vec<i64> = c.conn.prepare("SELECT id FROM customers WHERE family_head_id = ?1 ORDER BY id").unwrap().query_map([mother.0], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
    assert_eq!(linked, [granddaughter.0]);
}

#[test]
fn the_preview_counts_who_each_rate_reaches_as_an_order_today_sees_them() {
    let (c, _, _, _) = star_diamond_family();
    let new = Benefits { discount_star_diamond: rate("0.88"), ..Benefits::default() };
    let p = preview(&c.conn, ymd(2026, 11, 23), &new).unwrap();
    let star = p.tiers.iter().find(|t| t.membership == Membership::StarDiamond).unwrap();
    assert_eq!((star.customers, star.before.as_str(), star.after.as_str()), (1, "95折", "88折"));
    let member = p.tiers.iter().find(|t| t.membership == Membership::Member).unwrap();
    assert_eq!((member.customers, member.before.as_str(), member.after.as_str()), (1, "95折", "95折"));
    assert_eq!(p.family_members, 1);
    assert_eq!(settings(&c.conn).unwrap(), Benefits::default(), "a preview saves nothing");
}

#[test]
fn an_item_marked_in_the_catalogue_takes_no_part_in_any_discount() {
    let (c, a, _) = crossing_gold_on_the_23rd();
    let draft = crate::items::ItemDraft { name: "医用面膜".into(), category: Some(Category::Other), list_price: Some(yuan("199.90")), active: true, no_discount: true, ..Default::default() };
    let cream = crate::items::create(&c.conn, &c.clock, crate::staff::SYSTEM_STAFF, &draft).unwrap();
    assert!(cream.no_discount);
    let q = quote(&c.conn, a, ymd(2026, 11, 24), &[ask(cream.id, 1)]).unwrap();
    assert_eq!(q.lines[0].member_price, yuan("199.90"));
    // Taken out of the rule again: the member price follows the membership.
    crate::items::update(&c.conn, cream.id, &crate::items::ItemDraft { no_discount: false, ..draft }).unwrap();
    let q = quote(&c.conn, a, ymd(2026, 11, 24), &[ask(cream.id, 1)]).unwrap();
    assert_eq!(q.lines[0].member_price, yuan("179.91"));
}

#[test]
fn opening_a_file_finds_a_heads_family_by_index_not_by_reading_every_customer() {
    let c = Clinic::on(ymd(2026, 11, 23));
    let plan: String = c
        .conn
        .query_row("EXPLAIN QUERY PLAN SELECT id, name, phone FROM customers WHERE family_head_id = 1 ORDER BY id", [], |r| r.get(3))
        .unwrap();
    assert!(plan.contains("customers_by_family_head"), "{plan}");
}
