use super::*;
use crate::customers::CustomerId;
use crate::items::Category;
use crate::staff::SYSTEM_STAFF;
use crate::testing::{ymd, Clinic};

fn clinic() -> Clinic {
    Clinic::on(ymd(2026, 11, 23))
}

fn october(c: &Clinic) -> Figures {
    monthly(&c.conn, Month::parse("2026-10").unwrap()).unwrap()
}

#[test]
fn months_know_their_edges() {
    let m = Month::parse("2024-02").unwrap();
    assert_eq!((m.first_day(), m.last_day()), (ymd(2024, 2, 1), ymd(2024, 2, 29)));
    assert_eq!(m.plus(-3).key(), "2023-11");
    assert_eq!(m.plus(-23).key(), "2022-03");
    assert!(Month::parse("2024-13").is_err());
    assert!(Month::parse("2024/02").is_err());
}

#[test]
fn new_and_returning_customers_at_the_edges_of_the_month() {
    let mut c = clinic();
    let a = c.customer("A", "13800000001");
    let b = c.customer("B", "13800000002");
    let x = c.customer("C", "13800000003");
    c.arrive(a, ymd(2026, 10, 1)); // first day: new
    c.arrive(a, ymd(2026, 10, 1)); // the same visit day again
    c.arrive(b, ymd(2026, 9, 30)); // first visit the day before the month
    c.arrive(b, ymd(2026, 10, 31)); // last day: returning
    c.arrive(x, ymd(2026, 10, 31)); // last day: new
    let f = october(&c);
    assert_eq!((f.new_customers, f.returning_customers, f.active_customers, f.visits), (2, 1, 3, 3));
}

#[test]
fn revenue_is_net_of_refunds_dated_in_the_month_and_split_by_old_customers() {
    let mut c = clinic();
    let a = c.customer("A", "13800000001");
    let b = c.customer("B", "13800000002");
    let item = c.item("水光针", Category::Injection);
    c.arrive(b, ymd(2026, 9, 1));
    c.buy(a, ymd(2026, 10, 1), item, 1, "1000");
    c.buy(b, ymd(2026, 10, 31), item, 1, "3000");
    c.refund(b, ymd(2026, 11, 2), "500");
    let oct = october(&c);
    assert_eq!(oct.revenue, Money(400_000));
    assert_eq!(oct.repeat_revenue_share, Some(0.75));
    let nov = monthly(&c.conn, Month::parse("2026-11").unwrap()).unwrap();
    assert_eq!(nov.revenue, Money(-50_000), "the refund counts in the month it is dated");
    assert_eq!(nov.visits, 0, "a refund is not a visit");
}

#[test]
fn rates_are_null_where_their_base_is_zero() {
    let c = clinic();
    let f = october(&c);
    assert_eq!((f.repeat_revenue_share, f.retention_rate_12m, f.new_return_rate_90d, f.callback_completion_rate, f.rebooked_rate), (None, None, None, None, None));
    let json = serde_json::to_value(&f).unwrap();
    assert!(json["retention_rate_12m"].is_null());
    assert_eq!(json["revenue"], "0.00");
}

#[test]
fn twelve_month_retention_counts_months_m_minus_23_to_m_minus_12_against_m_minus_11_to_m() {
    let mut c = clinic();
    let people: Vec<CustomerId> = (0..4).map(|i| c.customer(&format!("R{i}"), &format!("1380000010{i}"))).collect();
    c.arrive(people[0], ymd(2025, 1, 15)); // base…
    c.arrive(people[0], ymd(2026, 3, 1)); // …and retained
    c.arrive(people[1], ymd(2025, 10, 31)); // base (M−12's last day), not retained
    c.arrive(people[2], ymd(2024, 10, 31)); // M−24: not in the base
    c.arrive(people[3], ymd(2024, 11, 1)); // base (M−23's first day), not retained
    let f = october(&c);
    assert_eq!((f.retention_base_12m, f.retained_12m, f.retention_rate_12m), (3, 1, Some(0.3333)));
}

#[test]
fn the_90_day_return_counts_the_cohort_of_m_minus_3() {
    let mut c = clinic();
    let h = c.customer("H", "13800000001");
    let i = c.customer("I", "13800000002");
    let late = c.customer("L", "13800000003");
    c.arrive(h, ymd(2026, 7, 1));
    c.arrive(h, ymd(2026, 9, 29)); // first + 90: returned
    c.arrive(i, ymd(2026, 7, 31));
    c.arrive(i, ymd(2026, 10, 30)); // first + 91: too late
    c.arrive(late, ymd(2026, 8, 1)); // not July's cohort
    let f = october(&c);
    assert_eq!((f.new_return_cohort, f.new_returned_90d, f.new_return_rate_90d), (2, 1, Some(0.5)));
    let basis = Basis::load(&c.conn, Month::parse("2026-10").unwrap()).unwrap();
    assert_eq!(basis.who(Month::parse("2026-10").unwrap(), Who::CohortNotReturned), [i.0]);
}

#[test]
fn a_visit_180_days_after_the_previous_one_reactivates() {
    let mut c = clinic();
    let j = c.customer("J", "13800000001");
    let k = c.customer("K", "13800000002");
    c.arrive(j, ymd(2026, 4, 13));
    c.arrive(j, ymd(2026, 10, 10)); // 180 days later
    c.arrive(k, ymd(2026, 4, 14));
    c.arrive(k, ymd(2026, 10, 10)); // 179 days later
    assert_eq!(october(&c).reactivated_customers, 1);
}

#[test]
fn dormant_customers_and_tier_counts_are_as_of_the_last_day_of_the_month() {
    let mut c = clinic();
    let d = c.customer("D", "13800000001");
    let e = c.customer("E", "13800000002");
    c.customer("Lead", "13800000003");
    c.arrive(d, ymd(2026, 5, 4)); // 180 days before 10-31
    c.arrive(e, ymd(2026, 5, 5));
    let f = october(&c);
    assert_eq!(f.dormant_customers, 1);
    assert_eq!(f.tiers.layer["dormant"], 1);
    assert_eq!(f.tiers.layer["lead"], 1);
    assert_eq!(f.tiers.membership["star_diamond"], 0, "every label present, zeros included");
    assert_eq!(f.tiers.trust.values().sum::<i64>(), 3);
}

#[test]
fn referrals_are_new_customers_of_the_month_with_a_referrer() {
    let mut c = clinic();
    let old = c.customer("老客", "13800000001");
    c.arrive(old, ymd(2026, 1, 1));
    let draft = crate::customers::CustomerDraft { name: "新朋友".into(), phone: "13800000002".into(), referrer_phone: Some("13800000001".into()), ..Default::default() };
    let friend = crate::customers::create(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft).unwrap();
    c.arrive(friend, ymd(2026, 10, 5));
    assert_eq!(october(&c).referrals, 1);
    assert_eq!(monthly(&c.conn, Month::parse("2026-11").unwrap()).unwrap().referrals, 0);
}

#[test]
fn callback_figures_count_tasks_due_in_the_month_that_are_neither_cancelled_nor_historical() {
    let mut c = clinic();
    let a = c.customer("A", "13800000001");
    let add = |due: &str, status: &str, closed_on: Option<&str>| {
        c.conn
            .execute(
                "INSERT INTO tasks (uid, customer_id, kind, due, next_on, status, created_at, closed_on) VALUES (?1, ?2, 'post_treatment', ?3, ?3, ?4, 'x', ?5)",
                rusqlite::params![crate::store::new_uid(), a.0, due, status, closed_on],
            )
            .unwrap();
    };
    add("2026-10-01", "reached", Some("2026-10-01")); // on time
    add("2026-10-02", "reached", Some("2026-10-05")); // late
    add("2026-10-03", "open", None);
    add("2026-10-04", "cancelled", None);
    add("2026-10-05", "historical", None);
    add("2026-10-31", "unreachable", Some("2026-10-31")); // on time
    add("2026-11-01", "reached", Some("2026-11-01")); // another month
    let f = october(&c);
    assert_eq!((f.callbacks_due, f.callbacks_done, f.callbacks_on_time, f.callback_completion_rate), (4, 3, 2, Some(0.75)));
}

#[test]
fn thirteen_months_run_oldest_first_and_end_with_the_month_asked_for() {
    let mut c = clinic();
    let a = c.customer("A", "13800000001");
    c.arrive(a, ymd(2025, 10, 15));
    let months = thirteen_months(&c.conn, Month::parse("2026-10").unwrap()).unwrap();
    assert_eq!(months.len(), 13);
    assert_eq!((months[0].month.as_str(), months[12].month.as_str()), ("2025-10", "2026-10"));
    assert_eq!(months[0].new_customers, 1);
    assert_eq!(months[12], october(&c));
}

#[test]
fn the_csv_has_a_bom_chinese_headers_and_a_row_a_month() {
    let mut c = clinic();
    let a = c.customer("A", "13800000001");
    let item = c.item("水光针", Category::Injection);
    c.buy(a, ymd(2026, 10, 1), item, 1, "1234.5");
    let text = csv(&thirteen_months(&c.conn, Month::parse("2026-10").unwrap()).unwrap()).unwrap();
    assert!(text.starts_with('\u{feff}'));
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 14);
    assert!(lines[0].starts_with("月份,新客数,老客数"));
    // The one session bought and not yet done is 预收未耗 at the month's end: 1, ¥1,234.50.
    assert_eq!(lines[13], "2026-10,1,0,1,1,1234.50,0.0,0,0,,0,0,,0,0,0,0,0,,0,0.0,0,,0,1,1234.50,0,0,0.00,0.00");
}

#[test]
fn rates_and_means_round_a_midpoint_half_up() {
    // 1 ÷ 32 = 0.03125; 3 ÷ 8 = 0.375 (2 places: 0.38); 7 ÷ 16 = 0.4375.
    assert_eq!(super::rate(1, 32), Some(0.0313));
    assert_eq!(super::rate(7, 16), Some(0.4375));
    assert_eq!(super::mean(3, 8), Some(0.38));
    assert_eq!(super::rate(1, 0), None);
}
