use super::*;
use crate::desk::{add_payment, create_order, void};
use crate::staff::SYSTEM_STAFF;
use crate::testing::{ymd, yuan, Clinic};

fn today() -> NaiveDate {
    ymd(2026, 11, 23)
}

fn clinic_with_package(sessions: i64) -> (Clinic, CustomerId, LineId, OrderId) {
    let mut c = Clinic::on(today());
    let a = c.customer("张小美", "13800000001");
    let item = c.item("光子嫩肤", Category::Laser);
    let (order, line) = c.buy(a, ymd(2026, 9, 1), item, sessions, "3000");
    (c, a, line, order)
}

#[test]
fn sessions_left_are_bought_minus_done() {
    let (mut c, _, line, _) = clinic_with_package(5);
    c.execute(line, ymd(2026, 9, 1), 1).unwrap();
    c.execute(line, ymd(2026, 10, 1), 2).unwrap();
    let p = package(&c.conn, line).unwrap();
    assert_eq!((p.sessions, p.done, p.left), (5, 3, 2));
}

#[test]
fn an_execution_beyond_the_sessions_left_is_refused() {
    let (mut c, _, line, _) = clinic_with_package(2);
    c.execute(line, ymd(2026, 9, 1), 2).unwrap();
    let e = c.execute(line, ymd(2026, 9, 2), 1).unwrap_err();
    assert!(e.to_string().contains("只剩 0 次"), "{e}");
    // Two rooms racing for the last session: the second is told who took it.
    assert!(e.to_string().contains("（最近一次由 系统（"), "{e}");
    assert_eq!(package(&c.conn, line).unwrap().done, 2);
}

#[test]
fn an_execution_before_the_order_date_or_after_today_is_refused() {
    let (mut c, _, line, _) = clinic_with_package(2);
    assert!(c.execute(line, ymd(2026, 8, 31), 1).is_err());
    assert!(c.execute(line, ymd(2026, 11, 24), 1).unwrap_err().to_string().contains("之后"));
}

#[test]
fn a_refund_with_returned_sessions_takes_them_off_the_package() {
    let (mut c, a, line, order) = clinic_with_package(5);
    c.execute(line, ymd(2026, 9, 1), 1).unwrap();
    let d = RefundDraft {
        customer_id: a,
        line_id: Some(line),
        date: Some("2026-10-01".into()),
        amount: yuan("1200"),
        sessions_returned: 2,
        method: Some("微信".into()),
        reason: Some("出国".into()),
    };
    refund(&mut c.conn, &c.clock, SYSTEM_STAFF, &d).unwrap();
    let p = package(&c.conn, line).unwrap();
    assert_eq!((p.done, p.returned, p.left), (1, 2, 2));
    let m = order_money(&c.conn, order).unwrap();
    assert_eq!((m.paid, m.refunded), (yuan("3000"), yuan("1200")));
}

#[test]
fn a_refund_cannot_exceed_what_was_paid_on_the_order() {
    let (mut c, a, line, _) = clinic_with_package(5);
    let d = RefundDraft {
        customer_id: a,
        line_id: Some(line),
        date: None,
        amount: yuan("3000.01"),
        sessions_returned: 0,
        method: None,
        reason: Some("x".into()),
    };
    assert!(refund(&mut c.conn, &c.clock, SYSTEM_STAFF, &d).unwrap_err().to_string().contains("可退"));
}

#[test]
fn a_refund_needs_a_reason() {
    let (mut c, a, _, _) = clinic_with_package(1);
    let d = RefundDraft { customer_id: a, line_id: None, date: None, amount: yuan("10"), sessions_returned: 0, method: None, reason: None };
    assert_eq!(refund(&mut c.conn, &c.clock, SYSTEM_STAFF, &d).unwrap_err().problems()[0].column, "reason");
}

#[test]
fn voiding_an_order_voids_its_payments_and_executions_and_frees_nothing() {
    let (mut c, a, line, order) = clinic_with_package(3);
    c.execute(line, ymd(2026, 9, 1), 1).unwrap();
    void(&mut c.conn, &c.clock, SYSTEM_STAFF, Voidable::Order, order.0, "开错单").unwrap();
    let p = package(&c.conn, line).unwrap();
    assert!(p.voided);
    assert_eq!((p.done, p.left), (0, 0));
    let voided_payments: i64 = c.conn.query_row("SELECT count(*) FROM payments WHERE customer_id = ?1 AND voided_at IS NOT NULL", [a.0], |r| r.get(0)).unwrap();
    assert_eq!(voided_payments, 1);
    assert!(c.execute(line, ymd(2026, 9, 2), 1).is_err());
}

#[test]
fn voiding_an_execution_gives_the_session_back() {
    let (mut c, _, line, _) = clinic_with_package(3);
    let e = c.execute(line, ymd(2026, 9, 1), 1).unwrap();
    void(&mut c.conn, &c.clock, SYSTEM_STAFF, Voidable::Execution, e, "划错了").unwrap();
    assert_eq!(package(&c.conn, line).unwrap().left, 3);
}

#[test]
fn a_void_needs_a_reason_and_is_final() {
    let (mut c, _, line, _) = clinic_with_package(3);
    let e = c.execute(line, ymd(2026, 9, 1), 1).unwrap();
    assert_eq!(void(&mut c.conn, &c.clock, SYSTEM_STAFF, Voidable::Execution, e, "  ").unwrap_err().code(), "invalid");
    void(&mut c.conn, &c.clock, SYSTEM_STAFF, Voidable::Execution, e, "划错了").unwrap();
    assert_eq!(void(&mut c.conn, &c.clock, SYSTEM_STAFF, Voidable::Execution, e, "再来").unwrap_err().code(), "conflict");
}

#[test]
fn the_ledgers_refuse_deletes_and_edits() {
    let (mut c, a, line, _) = clinic_with_package(3);
    c.execute(line, ymd(2026, 9, 1), 1).unwrap();
    assert!(c.conn.execute("DELETE FROM payments WHERE customer_id = ?1", [a.0]).is_err());
    assert!(c.conn.execute("UPDATE payments SET amount_fen = 1 WHERE customer_id = ?1", [a.0]).is_err());
    assert!(c.conn.execute("DELETE FROM executions", []).is_err());
    assert!(c.conn.execute("UPDATE executions SET count = 2", []).is_err());
    assert!(c.conn.execute("UPDATE order_lines SET sessions = 9", []).is_err());
    assert!(c.conn.execute("DELETE FROM orders", []).is_err());
}

#[test]
fn executions_take_from_the_oldest_order_first_and_spill_over() {
    let mut c = Clinic::on(today());
    let a = c.customer("张小美", "13800000001");
    let item = c.item("水光针", Category::Injection);
    let (_, old) = c.buy(a, ymd(2026, 1, 1), item, 2, "1600");
    let (_, new) = c.buy(a, ymd(2026, 2, 1), item, 3, "2400");
    execute_oldest_first_tx(&c.conn, &c.clock, SYSTEM_STAFF, a, item, ymd(2026, 3, 1), 3, None).unwrap();
    assert_eq!(package(&c.conn, old).unwrap().left, 0);
    assert_eq!(package(&c.conn, new).unwrap().left, 2);
    let e = execute_oldest_first_tx(&c.conn, &c.clock, SYSTEM_STAFF, a, item, ymd(2026, 3, 2), 3, None).unwrap_err();
    assert!(e.to_string().contains("只剩 2 次"), "{e}");
    assert_eq!(package(&c.conn, new).unwrap().left, 2);
}

#[test]
fn executions_only_take_from_orders_dated_on_or_before_them() {
    let mut c = Clinic::on(today());
    let a = c.customer("张小美", "13800000001");
    let item = c.item("水光针", Category::Injection);
    c.buy(a, ymd(2026, 5, 1), item, 2, "1600");
    assert!(execute_oldest_first_tx(&c.conn, &c.clock, SYSTEM_STAFF, a, item, ymd(2026, 4, 30), 1, None).is_err());
}

#[test]
fn an_order_with_a_discount_keeps_list_and_agreed_prices() {
    let mut c = Clinic::on(today());
    let a = c.customer("张小美", "13800000001");
    let item = crate::items::create(
        &c.conn,
        &c.clock,
        SYSTEM_STAFF,
        &crate::items::ItemDraft { name: "水光针".into(), category: Some(Category::Injection), list_price: Some(yuan("980")), active: true, ..Default::default() },
    )
    .unwrap()
    .id;
    let draft = OrderDraft {
        customer_id: a,
        date: None,
        lines: vec![LineDraft { item_id: item, sessions: 3, price: yuan("2500"), list_price: None }],
        payment: Some(PaymentDraft { amount: yuan("1000"), method: "支付宝".into() }),
        consultant: Some("李咨询".into()),
        doctor: None,
        note: None,
        order_no: Some("A-1".into()),
        arrival_id: None,
        credits: Default::default(),
    };
    let order = create_order(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft).unwrap();
    let list: i64 = c.conn.query_row("SELECT list_price_fen FROM order_lines WHERE order_id = ?1", [order.0], |r| r.get(0)).unwrap();
    assert_eq!(list, 294_000);
    let m = order_money(&c.conn, order).unwrap();
    assert_eq!((m.total, m.paid, m.owed), (yuan("2500"), yuan("1000"), yuan("1500")));
    // The same order number cannot be used twice.
    assert_eq!(create_order(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft).unwrap_err().code(), "invalid");
    let owing_now = owing(&c.conn, a).unwrap();
    assert_eq!((owing_now.len(), owing_now[0].owed), (1, yuan("1500")));
    // Paying more than is owed is refused; paying it all clears the order.
    let later = LaterPayment { customer_id: a, order_id: Some(order), date: None, amount: yuan("1500.01"), method: "现金".into(), credits: Default::default() };
    assert!(add_payment(&mut c.conn, &c.clock, SYSTEM_STAFF, &later).is_err());
    let rest = LaterPayment { amount: yuan("1500"), ..later };
    add_payment(&mut c.conn, &c.clock, SYSTEM_STAFF, &rest).unwrap();
    assert!(owing(&c.conn, a).unwrap().is_empty());
}

#[test]
fn a_payment_larger_than_the_order_is_refused_and_nothing_is_written() {
    let mut c = Clinic::on(today());
    let a = c.customer("张小美", "13800000001");
    let item = c.item("水光针", Category::Injection);
    let draft = OrderDraft {
        customer_id: a,
        date: None,
        lines: vec![LineDraft { item_id: item, sessions: 1, price: yuan("800"), list_price: None }],
        payment: Some(PaymentDraft { amount: yuan("900"), method: "微信".into() }),
        consultant: None,
        doctor: None,
        note: None,
        order_no: None,
        arrival_id: None,
        credits: Default::default(),
    };
    assert!(create_order(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft).is_err());
    assert!(packages(&c.conn, a).unwrap().is_empty());
}

#[test]
fn the_timeline_lists_every_record_newest_first() {
    let (mut c, a, line, _) = clinic_with_package(3);
    c.arrive(a, ymd(2026, 10, 1));
    c.execute(line, ymd(2026, 10, 1), 1).unwrap();
    let entries = timeline(&c.conn, a).unwrap();
    let dates: Vec<&str> = entries.iter().map(|e| e.date.as_str()).collect();
    assert_eq!(dates, ["2026-10-01", "2026-10-01", "2026-09-01", "2026-09-01"]);
    let mut older: Vec<&str> = entries[2..].iter().map(|e| e.kind.key()).collect();
    older.sort();
    assert_eq!(older, ["order", "payment"]);
}

#[test]
fn an_unknown_record_kind_is_an_error_not_a_refund() {
    use rusqlite::types::{FromSql, ValueRef};
    assert!(Voidable::column_result(ValueRef::Text(b"gift")).is_err());
    assert_eq!(Voidable::column_result(ValueRef::Text(b"refund")).unwrap(), Voidable::Refund);
    assert_eq!(serde_json::to_value(Voidable::Execution).unwrap(), "execution");
}
