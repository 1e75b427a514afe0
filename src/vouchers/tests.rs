use super::*;
use crate::staff::SYSTEM_STAFF;
use crate::testing::{ymd, yuan, Clinic};

fn manual(customer: CustomerId, face: &str, threshold: Option<&str>) -> Issue {
    Issue { customer_id: customer, face: yuan(face), threshold: threshold.map(yuan), valid_through: None, note: None }
}

#[test]
fn a_voucher_is_valid_through_issue_plus_89_and_expired_the_day_after() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("孙丽", "13800000001");
    let id = issue(&c.conn, &c.clock, SYSTEM_STAFF, &manual(a, "500", None), Source::Manual, None).unwrap().unwrap();
    let v = get(&c.conn, id, ymd(2026, 11, 23)).unwrap();
    // Nov 23 + 89 days = Feb 20 (7 + 31 + 31 + 20).
    assert_eq!((v.issued, v.valid_through), (ymd(2026, 11, 23), ymd(2027, 2, 20)));
    assert_eq!(get(&c.conn, id, ymd(2027, 2, 20)).unwrap().status, Status::Open, "its last valid day");
    assert_eq!(get(&c.conn, id, ymd(2027, 2, 21)).unwrap().status, Status::Expired);
}

#[test]
fn the_owners_voucher_days_set_the_last_valid_day() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    crate::benefits::save_settings(&c.conn, &crate::benefits::Benefits { voucher_days: 30, ..Default::default() }).unwrap();
    let a = c.customer("孙丽", "13800000001");
    let id = issue(&c.conn, &c.clock, SYSTEM_STAFF, &manual(a, "100", Some("1000")), Source::Manual, None).unwrap().unwrap();
    let v = get(&c.conn, id, ymd(2026, 11, 23)).unwrap();
    assert_eq!(v.valid_through, ymd(2026, 12, 22));
    assert_eq!(v.threshold, Some(yuan("1000")));
}

#[test]
fn a_void_needs_a_reason_happens_once_and_is_kept() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("孙丽", "13800000001");
    let id = issue(&c.conn, &c.clock, SYSTEM_STAFF, &manual(a, "500", None), Source::Manual, None).unwrap().unwrap();
    assert!(void(&c.conn, &c.clock, SYSTEM_STAFF, id, "  ").unwrap_err().to_string().contains("作废原因"));
    assert_eq!(void(&c.conn, &c.clock, SYSTEM_STAFF, id, "发错了客户").unwrap().status, Status::Voided);
    assert!(void(&c.conn, &c.clock, SYSTEM_STAFF, id, "再作废一次").unwrap_err().to_string().contains("已作废"));
    assert_eq!(get(&c.conn, id, ymd(2026, 11, 22)).unwrap().status, Status::Open, "before the void it was open");
    assert!(c.conn.execute("DELETE FROM voucher_events", []).is_err(), "the ledger is append-only");
    assert!(c.conn.execute("UPDATE vouchers SET face_fen = 1", []).is_err(), "a voucher never changes");
}

#[test]
fn an_expired_voucher_cannot_be_voided() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("孙丽", "13800000001");
    let id = issue(&c.conn, &c.clock, SYSTEM_STAFF, &manual(a, "500", None), Source::Manual, None).unwrap().unwrap();
    let later = crate::clock::Clock::fixed(ymd(2027, 3, 1));
    assert!(void(&c.conn, &later, SYSTEM_STAFF, id, "过期了").unwrap_err().to_string().contains("已过期"));
}

#[test]
fn a_rules_voucher_is_issued_once_per_customer_and_source() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let (a, b) = (c.customer("孙丽", "13800000001"), c.customer("李思", "13800000002"));
    let first = issue(&c.conn, &c.clock, SYSTEM_STAFF, &manual(a, "200", None), Source::Campaign, Some("campaign:7")).unwrap();
    let again = issue(&c.conn, &c.clock, SYSTEM_STAFF, &manual(a, "200", None), Source::Campaign, Some("campaign:7")).unwrap();
    let other = issue(&c.conn, &c.clock, SYSTEM_STAFF, &manual(b, "200", None), Source::Campaign, Some("campaign:7")).unwrap();
    assert!(first.is_some() && again.is_none() && other.is_some());
    assert_eq!(all(&c.conn, ymd(2026, 11, 23)).unwrap().len(), 2);
}

#[test]
fn the_list_as_of_a_date_holds_what_was_issued_by_then_sorted_by_phone_then_issue() {
    let mut c = Clinic::on(ymd(2026, 11, 1));
    let (a, b) = (c.customer("孙丽", "13800000002"), c.customer("李思", "13800000001"));
    issue(&c.conn, &c.clock, SYSTEM_STAFF, &manual(a, "100", None), Source::Manual, None).unwrap();
    c.clock = crate::clock::Clock::fixed(ymd(2026, 11, 10));
    issue(&c.conn, &c.clock, SYSTEM_STAFF, &manual(a, "200", None), Source::Manual, None).unwrap();
    issue(&c.conn, &c.clock, SYSTEM_STAFF, &manual(b, "300", None), Source::Manual, None).unwrap();
    let on_5th: Vec<String> = all(&c.conn, ymd(2026, 11, 5)).unwrap().iter().map(|v| v.face.to_string()).collect();
    assert_eq!(on_5th, ["100.00"]);
    let listed: Vec<(String, String)> = all(&c.conn, ymd(2026, 11, 10)).unwrap().iter().map(|v| (v.phone.clone(), v.face.to_string())).collect();
    assert_eq!(listed, [("13800000001".into(), "300.00".into()), ("13800000002".into(), "100.00".into()), ("13800000002".into(), "200.00".into())]);
}

#[test]
fn a_voucher_must_be_worth_something_and_not_already_over() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("孙丽", "13800000001");
    assert!(issue(&c.conn, &c.clock, SYSTEM_STAFF, &manual(a, "0", None), Source::Manual, None).is_err());
    let past = Issue { valid_through: Some(ymd(2026, 11, 22)), ..manual(a, "100", None) };
    assert!(issue(&c.conn, &c.clock, SYSTEM_STAFF, &past, Source::Manual, None).unwrap_err().to_string().contains("有效期"));
    assert!(all(&c.conn, ymd(2026, 11, 23)).unwrap().is_empty(), "nothing issued");
}

/// 陈 referred 林; 陈 spent `spend` on Oct 1 (¥30,000 makes her 黄金).
fn referral(spend: &str) -> (Clinic, CustomerId, CustomerId, crate::items::ItemId) {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let referrer = c.customer("陈静", "13800000001");
    let referred = c.customer("林悦", "13800000002");
    c.conn.execute("UPDATE customers SET referrer_id = ?1 WHERE id = ?2", [referrer.0, referred.0]).unwrap();
    let item = c.item("热玛吉", crate::items::Category::Laser);
    c.buy(referrer, ymd(2026, 10, 1), item, 1, spend);
    (c, referrer, referred, item)
}

fn referral_vouchers(c: &Clinic, referrer: CustomerId) -> Vec<Voucher> {
    of_customer(&c.conn, referrer, c.clock.today()).unwrap().into_iter().filter(|v| v.source == Source::Referral).collect()
}

#[test]
fn a_gold_referrer_gets_the_referral_voucher_dated_the_first_payment_once() {
    let (mut c, referrer, referred, item) = referral("30000");
    c.buy(referred, ymd(2026, 11, 20), item, 1, "1000");
    c.buy(referred, ymd(2026, 11, 22), item, 1, "2000");
    let got = referral_vouchers(&c, referrer);
    assert_eq!(got.len(), 1, "once per referred customer");
    // Nov 20 + 89 = Feb 17.
    assert_eq!((got[0].face, got[0].issued, got[0].valid_through), (yuan("500"), ymd(2026, 11, 20), ymd(2027, 2, 17)));
    assert_eq!(got[0].note.as_deref(), Some("推荐 林悦 首次消费"));
}

#[test]
fn a_referrer_below_the_minimum_tier_gets_no_voucher() {
    let (mut c, referrer, referred, item) = referral("29999.99");
    c.buy(referred, ymd(2026, 11, 20), item, 1, "1000");
    assert!(referral_vouchers(&c, referrer).is_empty());
}

#[test]
fn the_referrers_tier_is_read_the_day_before_the_first_payment() {
    // 陈 reaches ¥30,000 on Nov 20 itself, the day 林 first pays: 黄金 only from Nov 21.
    let (mut c, referrer, referred, item) = referral("29000");
    c.buy(referrer, ymd(2026, 11, 20), item, 1, "1000");
    c.buy(referred, ymd(2026, 11, 20), item, 1, "1000");
    assert!(referral_vouchers(&c, referrer).is_empty());
}

#[test]
fn the_owners_minimum_tier_and_amount_decide_the_referral_voucher() {
    let (mut c, referrer, referred, item) = referral("5000");
    let rules = crate::benefits::Benefits { referral_min: crate::tiers::Membership::Member, referral_voucher: yuan("300"), ..Default::default() };
    crate::benefits::save_settings(&c.conn, &rules).unwrap();
    c.buy(referred, ymd(2026, 11, 20), item, 1, "1000");
    assert_eq!(referral_vouchers(&c, referrer).iter().map(|v| v.face).collect::<Vec<_>>(), [yuan("300")]);
}
