use super::*;
use crate::customers::{self, CustomerDraft, CustomerId};
use crate::items::Category;
use crate::staff::SYSTEM_STAFF;
use crate::testing::{ymd, yuan, Clinic};

fn month(text: &str) -> Month {
    Month::parse(text).unwrap()
}

fn customer(c: &mut Clinic, name: &str, phone: &str, channel: Option<&str>, consultant: Option<&str>, referrer: Option<&str>) -> CustomerId {
    let draft = CustomerDraft {
        name: name.into(),
        phone: phone.into(),
        channel: channel.map(str::to_string),
        consultant: consultant.map(str::to_string),
        referrer_phone: referrer.map(str::to_string),
        ..Default::default()
    };
    customers::create(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft).unwrap()
}

/// One period's analysis as of `today`.
fn run(c: &Clinic, from: &str, to: &str, today: NaiveDate, costs: &Costs) -> Analysis {
    analyse(&c.conn, Period::new(month(from), month(to), today).unwrap(), costs).unwrap()
}

#[test]
fn a_return_on_day_90_counts_and_on_day_91_does_not() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = customer(&mut c, "A", "13800000001", Some("小红书"), None, None);
    let b = customer(&mut c, "B", "13800000002", Some("小红书"), None, None);
    for who in [a, b] {
        c.arrive(who, ymd(2026, 1, 10));
    }
    c.arrive(a, ymd(2026, 4, 10)); // Jan 10 + 90
    c.arrive(b, ymd(2026, 4, 11)); // Jan 10 + 91
    // The period ends Apr 30, after both have had their 90 days.
    let r = run(&c, "2026-01", "2026-04", ymd(2026, 11, 23), &Costs::new());
    let row = &r.by_channel["小红书"];
    assert_eq!((row.new_customers, row.matured, row.returned_90d, row.return_rate_90d), (2, 2, 1, Some(0.5)));
    assert_eq!(r.lost_new.customers, 1);
    // Ending in January, neither has matured: the base is empty.
    let early = run(&c, "2026-01", "2026-01", ymd(2026, 11, 23), &Costs::new());
    assert_eq!((early.by_channel["小红书"].matured, early.by_channel["小红书"].return_rate_90d), (0, None));
}

#[test]
fn customers_not_yet_90_days_in_are_left_out_of_the_base() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = customer(&mut c, "A", "13800000001", Some("抖音"), None, None);
    let b = customer(&mut c, "B", "13800000002", Some("抖音"), None, None);
    c.arrive(a, ymd(2026, 8, 25)); // + 90 = Nov 23: matured today
    c.arrive(b, ymd(2026, 8, 26)); // + 90 = Nov 24: not yet
    c.arrive(b, ymd(2026, 9, 1)); // came back, but is not counted until she matures
    let r = run(&c, "2026-08", "2026-11", ymd(2026, 11, 23), &Costs::new());
    let row = &r.by_channel["抖音"];
    assert_eq!((row.new_customers, row.matured, row.returned_90d, row.return_rate_90d), (2, 1, 0, Some(0.0)));
    assert_eq!(r.lost_new.customers, 1, "only the matured one who never came back");
    // The end is today when the last month runs past it: Nov 2026 ends on Nov 23.
    assert_eq!(run(&c, "2026-08", "2026-11", ymd(2026, 11, 23), &Costs::new()).end, "2026-11-23");
}

#[test]
fn a_blank_channel_or_consultant_is_unnamed() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = customer(&mut c, "A", "13800000001", Some("  "), None, None);
    c.arrive(a, ymd(2026, 3, 1));
    let r = run(&c, "2026-03", "2026-03", ymd(2026, 11, 23), &Costs::new());
    assert_eq!(r.by_channel.keys().collect::<Vec<_>>(), ["未填"]);
    assert_eq!(r.by_consultant.keys().collect::<Vec<_>>(), ["未填"]);
}

#[test]
fn spend_in_the_first_365_days_leaves_out_a_refund_dated_after_them() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = customer(&mut c, "A", "13800000001", Some("美团"), Some("李咨询"), None);
    let item = c.item("水光针", Category::Injection);
    c.buy(a, ymd(2025, 3, 1), item, 1, "1000");
    c.buy(a, ymd(2026, 2, 28), item, 1, "500"); // Mar 1 2025 + 364: in
    c.refund(a, ymd(2026, 3, 1), "300"); // + 365: out
    let r = run(&c, "2025-03", "2026-11", ymd(2026, 11, 23), &Costs::new());
    assert_eq!(r.by_channel["美团"].spend_first_365, yuan("1500"));
    // By consultant: net spend dated in the period, the refund included.
    assert_eq!(r.by_consultant["李咨询"].spend, yuan("1200"));
    // And the first 365 days stop at the end: ending March 2025, only the first order.
    assert_eq!(run(&c, "2025-03", "2025-03", ymd(2026, 11, 23), &Costs::new()).by_channel["美团"].spend_first_365, yuan("1000"));
}

#[test]
fn a_customer_moves_buckets_at_two_and_three_visit_days() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = customer(&mut c, "A", "13800000001", None, None, None);
    let item = c.item("水光针", Category::Injection);
    c.buy(a, ymd(2026, 1, 5), item, 1, "600");
    let buckets = |c: &Clinic| -> Vec<i64> { run(c, "2026-01", "2026-11", ymd(2026, 11, 23), &Costs::new()).by_visit_count.values().map(|b| b.customers).collect() };
    assert_eq!(buckets(&c), [1, 0, 0, 0]);
    c.arrive(a, ymd(2026, 6, 1));
    assert_eq!(buckets(&c), [0, 1, 0, 0]);
    c.arrive(a, ymd(2026, 6, 2));
    assert_eq!(buckets(&c), [0, 0, 1, 0]);
    let r = run(&c, "2026-01", "2026-11", ymd(2026, 11, 23), &Costs::new());
    assert_eq!(r.by_visit_count["3-4"].avg_spend_365, yuan("600"));
    assert_eq!(r.frequency["3-5"].customers, 1);
    assert_eq!(r.frequency["3-5"].share, Some(1.0));
    assert_eq!(r.frequency["1-2"].industry, 0.35);
}

#[test]
fn the_referral_rate_counts_referrers_of_customers_new_in_the_365_days() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = customer(&mut c, "A", "13800000001", None, None, None);
    let b = customer(&mut c, "B", "13800000002", None, None, None);
    let f = customer(&mut c, "F", "13800000003", None, None, Some("13800000001"));
    for who in [a, b] {
        c.arrive(who, ymd(2026, 5, 1));
    }
    c.arrive(f, ymd(2026, 6, 1));
    let r = run(&c, "2026-05", "2026-11", ymd(2026, 11, 23), &Costs::new());
    // A (referred F) and B each came once; F once too: 1 of 3 referred someone.
    assert_eq!(r.by_visit_count["1"].customers, 3);
    assert_eq!(r.by_visit_count["1"].referral_rate, Some(0.3333));
}

#[test]
fn costs_entered_for_some_months_only_count_those_months() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    for (i, phone) in ["13800000001", "13800000002", "13800000003"].iter().enumerate() {
        let who = customer(&mut c, &format!("客{i}"), phone, Some("小红书"), None, None);
        c.arrive(who, ymd(2026, 1 + i as u32, 10));
    }
    let mut costs = Costs::new();
    costs.insert(("2026-01".into(), "小红书".into()), yuan("8000"));
    costs.insert(("2026-03".into(), "小红书".into()), yuan("2000"));
    costs.insert(("2026-07".into(), "小红书".into()), yuan("99999")); // outside the period
    // January to June: each has had 90 days by Jun 30 (Mar 10 + 90 = Jun 8).
    let r = run(&c, "2026-01", "2026-06", ymd(2026, 11, 23), &costs);
    let row = &r.by_channel["小红书"];
    // 8,000 + 2,000 over 3 new customers, none of whom came back.
    assert_eq!((row.acquisition_cost, row.cost_per_new, row.cost_per_returned), (Some(yuan("10000")), Some(yuan("3333.33")), None));
    // 3 lost × 10,000 ÷ 3 new.
    assert_eq!(r.lost_new, Lost { customers: 3, lost_cost: Some(yuan("10000")) });
    let none = run(&c, "2026-02", "2026-02", ymd(2026, 11, 23), &costs);
    assert_eq!((none.by_channel["小红书"].acquisition_cost, none.lost_new.lost_cost), (None, None), "February has no cost entered");
}

#[test]
fn each_caller_has_the_calls_recorded_the_tasks_done_and_on_time() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = customer(&mut c, "A", "13800000001", None, None, None);
    let item = c.item("水光针", Category::Injection);
    c.treat(a, ymd(2026, 11, 20), item, "980"); // calls Nov 21, Nov 23, Nov 27, Dec 20
    c.treat(a, ymd(2026, 11, 22), item, "980"); // and Nov 25, Nov 29: Dec 20's call lies between the period's
    let li = crate::staff::create(&c.conn, &c.clock, SYSTEM_STAFF, &crate::staff::StaffDraft { name: "小李".into(), role: crate::staff::Role::Service, active: true }).unwrap();
    let id = |c: &Clinic, due: &str| -> i64 {
        c.conn.query_row("SELECT id FROM tasks WHERE customer_id = ?1 AND due = ?2", rusqlite::params![a.0, due], |r| r.get(0)).unwrap()
    };
    use crate::followups::{complete, Outcome};
    // Nov 21: no answer on the 23rd, then reached the same day (late). Nov 23: reached on time.
    let late = id(&c, "2026-11-21");
    complete(&mut c.conn, &c.clock, li.id, late, Outcome::NoAnswer, None, None, None).unwrap();
    c.clock = crate::clock::Clock::fixed(ymd(2026, 11, 24));
    complete(&mut c.conn, &c.clock, li.id, late, Outcome::Reached, None, None, None).unwrap();
    c.clock = crate::clock::Clock::fixed(ymd(2026, 11, 23));
    let on_time = id(&c, "2026-11-23");
    complete(&mut c.conn, &c.clock, li.id, on_time, Outcome::Reached, None, None, None).unwrap();
    // Not counted: a call taken back (Nov 27's), and a call on a task due after the period (Dec 20's).
    let taken_back = id(&c, "2026-11-27");
    complete(&mut c.conn, &c.clock, li.id, taken_back, Outcome::NoAnswer, None, None, None).unwrap();
    crate::followups::undo_last(&mut c.conn, &c.clock, li.id, taken_back).unwrap();
    let december = id(&c, "2026-12-20");
    complete(&mut c.conn, &c.clock, li.id, december, Outcome::NoAnswer, None, None, None).unwrap();
    let r = run(&c, "2026-11", "2026-11", ymd(2026, 11, 24), &Costs::new());
    assert_eq!(r.by_caller["小李"], CallerRow { closed: 3, done: 2, on_time: 1 });
    assert!(!r.by_caller.contains_key("系统"));
}

#[test]
fn every_figure_lists_as_many_customers_as_it_counts() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let item = c.item("水光针", Category::Injection);
    let channels = [Some("小红书"), Some("抖音"), None];
    let consultants = [Some("李咨询"), None];
    let mut people = Vec::new();
    for i in 0..12u32 {
        let referrer = (i % 5 == 4).then_some("13800000000");
        let who = customer(&mut c, &format!("客{i}"), &format!("138{i:08}"), channels[i as usize % 3], consultants[i as usize % 2], referrer);
        c.buy(who, ymd(2026, 1 + i % 8, 3 + i), item, 1, "500");
        // Every second customer comes back within 90 days, every third one more time.
        for k in 0..(i % 2 + i % 3) {
            c.arrive(who, ymd(2026, 1 + i % 8, 10 + i + k));
        }
        people.push(who);
    }
    let period = Period::new(month("2026-02"), month("2026-11"), ymd(2026, 11, 23)).unwrap();
    let r = analyse(&c.conn, period, &Costs::new()).unwrap();
    let count = |table: &str, key: Option<&str>, field: &str| who(&c.conn, period, &Figure { table: table.into(), key: key.map(str::to_string), field: field.into() }).unwrap().len() as i64;
    let mut checked = 0;
    for (ch, row) in &r.by_channel {
        assert_eq!(count("by_channel", Some(ch), "new_customers"), row.new_customers, "{ch}");
        assert_eq!(count("by_channel", Some(ch), "matured"), row.matured, "{ch}");
        assert_eq!(count("by_channel", Some(ch), "returned_90d"), row.returned_90d, "{ch}");
        assert_eq!(count("by_channel", Some(ch), "not_returned"), row.matured - row.returned_90d, "{ch}");
        checked += row.new_customers;
    }
    assert!(checked >= 8, "the period has new customers of every channel: {checked}");
    for (k, row) in &r.by_consultant {
        assert_eq!(count("by_consultant", Some(k), "returned_90d"), row.returned_90d, "{k}");
        assert_eq!(count("by_consultant", Some(k), "new_customers"), row.new_customers, "{k}");
    }
    for (k, b) in &r.by_visit_count {
        assert_eq!(count("by_visit_count", Some(k), "customers"), b.customers, "{k}");
        let referrers = b.referral_rate.map(|rate| (rate * b.customers as f64).round() as i64).unwrap_or(0);
        assert_eq!(count("by_visit_count", Some(k), "referrers"), referrers, "{k}");
    }
    for (k, band) in &r.frequency {
        assert_eq!(count("frequency", Some(k), "customers"), band.customers, "{k}");
    }
    assert_eq!(count("lost_new", None, "customers"), r.lost_new.customers);
    assert!(r.lost_new.customers > 0 && r.by_channel.values().any(|row| row.returned_90d > 0), "{r:#?}");
    let bad = who(&c.conn, period, &Figure { table: "by_caller".into(), key: None, field: "closed".into() });
    assert!(bad.is_err(), "calls are not customers");
    let unknown = who(&c.conn, period, &Figure { table: "by_channel".into(), key: Some("没有这个渠道".into()), field: "spend".into() });
    assert!(unknown.is_err(), "an unknown field is refused even where no customer matches");
}

#[test]
fn a_cost_for_a_channel_that_brought_nobody_is_shown_apart_and_counts_in_the_lost_cost() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    for (i, phone) in ["13800000001", "13800000002"].iter().enumerate() {
        let who = customer(&mut c, &format!("客{i}"), phone, Some("小红书"), None, None);
        c.arrive(who, ymd(2026, 3, 10));
    }
    let mut costs = Costs::new();
    costs.insert(("2026-03".into(), "小红书".into()), yuan("3000"));
    costs.insert(("2026-03".into(), "地推".into()), yuan("1001"));
    let r = run(&c, "2026-03", "2026-06", ymd(2026, 11, 23), &costs);
    assert!(!r.by_channel.contains_key("地推"));
    assert_eq!(r.costs_without_new_customers.get("地推"), Some(&yuan("1001")));
    // Both lost: 2 × (3,000 + 1,001) ÷ 2 new.
    assert_eq!(r.lost_new, Lost { customers: 2, lost_cost: Some(yuan("4001")) });
    assert_eq!(r.new_customers, 2);
}

/// A small analysis with one of each kind of cell: a rate, an amount, a blank.
fn small_analysis() -> Analysis {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = customer(&mut c, "A", "13800000001", Some("=小红书"), Some("李咨询"), None);
    let b = customer(&mut c, "B", "13800000002", Some("抖音"), None, None);
    let item = c.item("水光针", Category::Injection);
    c.buy(a, ymd(2026, 3, 1), item, 1, "1000");
    c.arrive(a, ymd(2026, 4, 1));
    c.arrive(b, ymd(2026, 3, 2));
    let mut costs = Costs::new();
    costs.insert(("2026-03".into(), "抖音".into()), yuan("300"));
    run(&c, "2026-03", "2026-06", ymd(2026, 11, 23), &costs)
}

#[test]
fn the_csv_has_one_section_per_table_with_its_title_and_an_empty_line_between() {
    let text = csv(&small_analysis()).unwrap();
    assert!(text.starts_with('\u{feff}'));
    let sections: Vec<&str> = text.trim_start_matches('\u{feff}').split("\n\n").filter(|s| !s.is_empty()).collect();
    assert_eq!(sections.len(), 6, "{text}");
    assert_eq!(
        sections[0].lines().collect::<Vec<_>>(),
        [
            "按来源渠道：期间新客的90天回头率、首年消费与获客成本 · 2026-03 至 2026-06（截至 2026-06-30）",
            "渠道,新客,满90天,90天内回头,90天回头率,首年消费,获客成本,每位新客成本,每位回头客成本",
            "'=小红书,1,1,1,1,1000.00,,,",
            "抖音,1,1,0,0,0.00,300.00,300.00,",
        ]
    );
    // 1 of 2 lost; 300 × 1 ÷ 2 = 150.
    assert_eq!(sections[3].lines().nth(2), Some("2,1,150.00"));
    assert!(sections[2].lines().nth(2).unwrap().starts_with("1-2 天,2,1,0.35"), "{}", sections[2]);
}

#[test]
fn the_workbook_has_a_sheet_per_table_with_numbers_and_three_charts() {
    use calamine::{Data, Reader};
    let bytes = workbook(&small_analysis()).unwrap();
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    assert_eq!(book.sheet_names(), ["按渠道", "按到院次数", "到院频次", "流失新客", "按顾问", "按回访人"]);
    let channels = book.worksheet_range("按渠道").unwrap();
    assert_eq!(channels.get_value((3, 0)), Some(&Data::String("渠道".into())));
    assert_eq!(channels.get_value((4, 0)), Some(&Data::String("'=小红书".into())));
    assert_eq!(channels.get_value((4, 4)), Some(&Data::Float(1.0)), "the rate as a number (formatted as a percentage)");
    assert_eq!(channels.get_value((5, 6)), Some(&Data::Float(300.0)), "money as a number");
    let lost = book.worksheet_range("流失新客").unwrap();
    assert_eq!(lost.get_value((4, 2)), Some(&Data::Float(150.0)));
    let names = String::from_utf8_lossy(&bytes);
    for chart in ["xl/charts/chart1.xml", "xl/charts/chart2.xml", "xl/charts/chart3.xml"] {
        assert!(names.contains(chart), "{chart}");
    }
    assert!(!names.contains("xl/charts/chart4.xml"));
}

#[test]
fn a_month_alone_has_the_monthly_reports_new_customers_and_every_channel_adds_up_to_them() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    crate::demo::seed(&mut c.conn, &c.clock, 300, 7).unwrap();
    let mut checked = 0;
    for m in ["2026-03", "2026-07", "2026-10"] {
        let month = month(m);
        let monthly = crate::report::monthly(&c.conn, month).unwrap();
        let r = run(&c, m, m, ymd(2026, 11, 23), &Costs::new());
        assert_eq!(r.new_customers, monthly.new_customers, "{m}");
        assert_eq!(r.by_channel.values().map(|row| row.new_customers).sum::<i64>(), monthly.new_customers, "{m}");
        assert_eq!(r.by_consultant.values().map(|row| row.new_customers).sum::<i64>(), monthly.new_customers, "{m}");
        // Everyone who came in the month came in the 365 days to its end.
        assert!(r.by_visit_count.values().map(|b| b.customers).sum::<i64>() >= monthly.active_customers, "{m}");
        checked += monthly.new_customers;
    }
    assert!(checked > 0, "the demo has new customers in those months");
}
