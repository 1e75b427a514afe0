use super::*;
use crate::consumption::{order_money, LaterPayment, LineDraft, OrderDraft, PaymentDraft, RefundDraft, Voidable};
use crate::items::Category;
use crate::staff::SYSTEM_STAFF;
use crate::testing::{ymd, yuan, Clinic};
use crate::vouchers::{Issue, Source};

fn today() -> NaiveDate {
    ymd(2026, 11, 23)
}

/// A clinic with one customer and one item.
fn clinic() -> (Clinic, CustomerId, crate::items::ItemId) {
    let mut c = Clinic::on(today());
    let a = c.customer("孙丽", "13800000001");
    let item = c.item("水光针", Category::Injection);
    (c, a, item)
}

/// A voucher for `a` issued today (or on `on`), face and threshold in yuan.
fn voucher(c: &Clinic, a: CustomerId, face: &str, threshold: Option<&str>, on: NaiveDate) -> i64 {
    let v = Issue { customer_id: a, face: yuan(face), threshold: threshold.map(yuan), valid_through: None, note: None };
    crate::vouchers::issue_on(&c.conn, &c.clock, SYSTEM_STAFF, &v, Source::Manual, None, on).unwrap().unwrap()
}

/// An order of one line at `price` on `date`, paying `pay` in money and using `credits`.
fn order(c: &mut Clinic, a: CustomerId, item: crate::items::ItemId, date: NaiveDate, price: &str, pay: Option<&str>, credits: Asked) -> Result<OrderId> {
    let draft = OrderDraft {
        customer_id: a,
        date: Some(date.to_string()),
        lines: vec![LineDraft { item_id: item, sessions: 1, price: yuan(price), list_price: None }],
        payment: pay.map(|p| PaymentDraft { amount: yuan(p), method: "微信".into() }),
        consultant: None,
        doctor: None,
        note: None,
        order_no: None,
        arrival_id: None,
        credits,
    };
    crate::desk::create_order(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft)
}

fn with_vouchers(ids: &[i64]) -> Asked {
    Asked { vouchers: ids.to_vec(), points: 0 }
}

fn with_points(points: i64) -> Asked {
    Asked { vouchers: Vec::new(), points }
}

fn status(c: &Clinic, v: i64) -> Status {
    crate::vouchers::get(&c.conn, v, c.clock.today()).unwrap().status
}

fn count(c: &Clinic, table: &str) -> i64 {
    c.conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

#[test]
fn a_voucher_lowers_what_the_order_owes_by_its_face() {
    let (mut c, a, item) = clinic();
    let v = voucher(&c, a, "500", None, today());
    let o = order(&mut c, a, item, today(), "1980", Some("1480"), with_vouchers(&[v])).unwrap();
    let m = order_money(&c.conn, o).unwrap();
    assert_eq!((m.total, m.paid, m.credited, m.owed), (yuan("1980"), yuan("1480"), yuan("500"), Money::ZERO));
    assert_eq!(status(&c, v), Status::Redeemed);
}

#[test]
fn a_voucher_larger_than_what_is_owed_takes_it_to_zero_not_below() {
    let (mut c, a, item) = clinic();
    let v = voucher(&c, a, "500", None, today());
    let o = order(&mut c, a, item, today(), "300", None, with_vouchers(&[v])).unwrap();
    let m = order_money(&c.conn, o).unwrap();
    assert_eq!((m.credited, m.owed), (yuan("300"), Money::ZERO));
}

#[test]
fn a_voucher_whose_threshold_is_just_met_is_used_and_just_missed_is_refused() {
    let (mut c, a, item) = clinic();
    let v = voucher(&c, a, "100", Some("1000"), today());
    let missed = order(&mut c, a, item, today(), "999.99", None, with_vouchers(&[v])).unwrap_err();
    assert!(missed.to_string().contains("满 ¥1000.00"), "{missed}");
    assert_eq!(count(&c, "orders"), 0, "a refused order writes nothing");
    assert_eq!(status(&c, v), Status::Open);
    let o = order(&mut c, a, item, today(), "1000", Some("900"), with_vouchers(&[v])).unwrap();
    assert_eq!(order_money(&c.conn, o).unwrap().owed, Money::ZERO);
}

#[test]
fn a_voucher_is_usable_on_its_last_valid_day_and_not_the_day_after() {
    // Issued Aug 25: valid through Aug 25 + 89 = Nov 22.
    let (mut c, a, item) = clinic();
    let v = voucher(&c, a, "200", None, ymd(2026, 8, 25));
    assert_eq!(crate::vouchers::get(&c.conn, v, today()).unwrap().valid_through, ymd(2026, 11, 22));
    let late = order(&mut c, a, item, ymd(2026, 11, 23), "800", None, with_vouchers(&[v])).unwrap_err();
    assert!(late.to_string().contains("已到期"), "{late}");
    let o = order(&mut c, a, item, ymd(2026, 11, 22), "800", None, with_vouchers(&[v])).unwrap();
    assert_eq!(order_money(&c.conn, o).unwrap().credited, yuan("200"));
}

#[test]
fn a_voucher_is_used_once_and_only_by_its_customer() {
    let (mut c, a, item) = clinic();
    let b = c.customer("周敏", "13800000002");
    let v = voucher(&c, a, "200", None, today());
    let theirs = order(&mut c, b, item, today(), "800", None, with_vouchers(&[v])).unwrap_err();
    assert!(theirs.to_string().contains("不属于"), "{theirs}");
    let twice = order(&mut c, a, item, today(), "800", None, with_vouchers(&[v, v])).unwrap_err();
    assert!(twice.to_string().contains("只能用一次"), "{twice}");
    order(&mut c, a, item, today(), "800", None, with_vouchers(&[v])).unwrap();
    let again = order(&mut c, a, item, today(), "800", None, with_vouchers(&[v])).unwrap_err();
    assert!(again.to_string().contains("已使用"), "{again}");
    assert_eq!(count(&c, "order_credits"), 1);
}

#[test]
fn a_voucher_is_neither_money_nor_points_nor_net_spend() {
    let (mut c, a, item) = clinic();
    let v = voucher(&c, a, "500", None, today());
    order(&mut c, a, item, today(), "1000", Some("500"), with_vouchers(&[v])).unwrap();
    let facts = crate::visits::facts(&c.conn, a, today()).unwrap();
    assert_eq!(facts.spend_total, yuan("500"));
    assert_eq!(crate::points::ledger(&c.conn, a, today()).unwrap().balance, 500);
    assert_eq!(crate::consumption::day_ledger(&c.conn, today()).unwrap().paid, yuan("500"));
}

/// 孙丽 earned 1,500 points on Jan 10 and 2,000 on Mar 1.
fn with_points_earned() -> (Clinic, CustomerId, crate::items::ItemId) {
    let (mut c, a, item) = clinic();
    c.buy(a, ymd(2026, 1, 10), item, 1, "1500");
    c.buy(a, ymd(2026, 3, 1), item, 1, "2000");
    (c, a, item)
}

#[test]
fn points_pay_in_whole_multiples_at_the_owners_rate_oldest_first() {
    let (mut c, a, item) = with_points_earned();
    let odd = order(&mut c, a, item, today(), "1000", None, with_points(1_500)).unwrap_err();
    assert!(odd.to_string().contains("1000 分的整数倍"), "{odd}");
    // 2,000 points at 1,000 = ¥200 pay ¥400.
    let o = order(&mut c, a, item, today(), "1000", Some("600"), with_points(2_000)).unwrap();
    let m = order_money(&c.conn, o).unwrap();
    assert_eq!((m.paid, m.credited, m.owed), (yuan("600"), yuan("400"), Money::ZERO));
    let ledger = crate::points::ledger(&c.conn, a, today()).unwrap();
    // 1,500 + 2,000 − 2,000 + 600 (today's payment) = 2,100.
    assert_eq!(ledger.balance, 2_100);
    // Oldest first: all of Jan 10's 1,500, then 500 of Mar 1's; the other 1,500 expire Mar 1, 2027.
    let jan10_lapse = crate::points::ledger(&c.conn, a, ymd(2027, 1, 10)).unwrap();
    assert!(!jan10_lapse.entries.iter().any(|e| e.kind == crate::points::Kind::Expire), "nothing of Jan 10 was left to expire");
    let mar1_lapse = crate::points::ledger(&c.conn, a, ymd(2027, 3, 1)).unwrap();
    assert_eq!(mar1_lapse.entries.iter().find(|e| e.kind == crate::points::Kind::Expire).map(|e| e.points), Some(-1_500));
}

#[test]
fn points_worth_more_than_is_owed_or_more_than_the_balance_are_refused() {
    let (mut c, a, item) = with_points_earned();
    let over_owed = order(&mut c, a, item, today(), "300", None, with_points(2_000)).unwrap_err();
    assert!(over_owed.to_string().contains("超过这张订单还需付的 ¥300.00"), "{over_owed}");
    let over_balance = order(&mut c, a, item, today(), "5000", None, with_points(4_000)).unwrap_err();
    assert!(over_balance.to_string().contains("可用积分只有 3500"), "{over_balance}");
    assert_eq!((count(&c, "point_redemptions"), count(&c, "order_credits")), (0, 0));
}

#[test]
fn vouchers_and_points_together_pay_an_order_to_zero_at_a_later_payment() {
    let (mut c, a, item) = with_points_earned();
    let v = voucher(&c, a, "500", None, today());
    let o = order(&mut c, a, item, today(), "700", None, Asked::default()).unwrap();
    let settle = LaterPayment { customer_id: a, order_id: Some(o), date: None, amount: Money::ZERO, method: String::new(), credits: Asked { vouchers: vec![v], points: 1_000 } };
    assert_eq!(crate::desk::add_payment(&mut c.conn, &c.clock, SYSTEM_STAFF, &settle).unwrap(), None);
    let m = order_money(&c.conn, o).unwrap();
    assert_eq!((m.paid, m.credited, m.owed), (Money::ZERO, yuan("700"), Money::ZERO));
    assert!(crate::consumption::owing(&c.conn, a).unwrap().is_empty());
}

#[test]
fn a_refund_of_an_order_paid_partly_by_voucher_and_points_gives_back_at_most_the_money() {
    let (mut c, a, item) = with_points_earned();
    let v = voucher(&c, a, "500", None, today());
    let o = order(&mut c, a, item, today(), "2000", Some("1300"), Asked { vouchers: vec![v], points: 1_000 }).unwrap();
    let line = crate::consumption::packages(&c.conn, a).unwrap().into_iter().find(|p| p.order_id == o).unwrap().line_id;
    let refund = |amount: &str| RefundDraft {
        customer_id: a,
        line_id: Some(line),
        date: None,
        amount: yuan(amount),
        sessions_returned: 1,
        method: None,
        reason: Some("不做了".into()),
    };
    let too_much = crate::consumption::refund(&mut c.conn, &c.clock, SYSTEM_STAFF, &refund("1300.01")).unwrap_err();
    assert!(too_much.to_string().contains("可退的 ¥1300.00"), "{too_much}");
    crate::consumption::refund(&mut c.conn, &c.clock, SYSTEM_STAFF, &refund("1300")).unwrap();
    assert_eq!(status(&c, v), Status::Redeemed, "the voucher stays used");
    let ledger = crate::points::ledger(&c.conn, a, today()).unwrap();
    // 3,500 − 1,000 redeemed + 1,300 earned − 1,300 refunded: the redemption stands.
    assert_eq!(ledger.balance, 2_500);
    assert_eq!(crate::visits::facts(&c.conn, a, today()).unwrap().spend_total, yuan("3500"));
}

#[test]
fn voiding_the_order_gives_the_voucher_and_the_points_back() {
    let (mut c, a, item) = with_points_earned();
    let v = voucher(&c, a, "500", None, today());
    let o = order(&mut c, a, item, today(), "2000", Some("1300"), Asked { vouchers: vec![v], points: 1_000 }).unwrap();
    assert_eq!(crate::points::ledger(&c.conn, a, today()).unwrap().balance, 3_500 - 1_000 + 1_300);
    crate::desk::void(&mut c.conn, &c.clock, SYSTEM_STAFF, Voidable::Order, o.0, "开错单").unwrap();
    assert_eq!(status(&c, v), Status::Open);
    assert_eq!(crate::points::ledger(&c.conn, a, today()).unwrap().balance, 3_500);
    // The ledger keeps what happened: the use, then its release.
    let lines: Vec<String> =
        c.conn.prepare("SELECT what FROM voucher_events WHERE voucher_id = ?1 ORDER BY id").unwrap().query_map([v], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
    assert_eq!(lines, ["redeemed", "released"]);
    // And it can be used again.
    order(&mut c, a, item, today(), "2000", None, with_vouchers(&[v])).unwrap();
    assert_eq!(status(&c, v), Status::Redeemed);
}

#[test]
fn voiding_one_credit_raises_what_the_order_owes_again() {
    let (mut c, a, item) = clinic();
    let v = voucher(&c, a, "500", None, today());
    let o = order(&mut c, a, item, today(), "800", None, with_vouchers(&[v])).unwrap();
    let credit = of_order(&c.conn, o).unwrap()[0].id;
    crate::desk::void(&mut c.conn, &c.clock, SYSTEM_STAFF, Voidable::Credit, credit, "用错券").unwrap();
    assert_eq!(order_money(&c.conn, o).unwrap().owed, yuan("800"));
    assert_eq!(status(&c, v), Status::Open);
    assert!(of_order(&c.conn, o).unwrap()[0].voided);
    let entry = crate::consumption::timeline(&c.conn, a).unwrap().into_iter().find(|e| e.kind == Voidable::Credit).unwrap();
    assert_eq!((entry.title.as_str(), entry.detail.as_deref(), entry.voided), ("用券抵扣", Some("券面额 ¥500.00"), true));
}

#[test]
fn a_voucher_status_as_of_a_date_reads_the_ledger_up_to_that_date() {
    let (mut c, a, item) = clinic();
    let v = voucher(&c, a, "200", None, ymd(2026, 11, 1));
    order(&mut c, a, item, ymd(2026, 11, 10), "800", None, with_vouchers(&[v])).unwrap();
    assert_eq!(crate::vouchers::get(&c.conn, v, ymd(2026, 11, 9)).unwrap().status, Status::Open);
    assert_eq!(crate::vouchers::get(&c.conn, v, ymd(2026, 11, 10)).unwrap().status, Status::Redeemed);
}

#[test]
fn credits_are_append_only() {
    let (mut c, a, item) = clinic();
    let v = voucher(&c, a, "200", None, today());
    order(&mut c, a, item, today(), "800", None, with_vouchers(&[v])).unwrap();
    assert!(c.conn.execute("DELETE FROM order_credits", []).is_err());
    assert!(c.conn.execute("UPDATE order_credits SET amount_fen = 1", []).is_err());
    assert!(c.conn.execute("DELETE FROM voucher_events", []).is_err());
}
