use super::*;
use crate::consumption::{self, Voidable};
use crate::customers::CustomerDraft;
use crate::staff::SYSTEM_STAFF;
use crate::testing::{ymd, yuan, Clinic};
use rusqlite::params;

fn tasks_of(c: &Clinic, customer: CustomerId) -> Vec<(String, String, String)> {
    c.conn
        .prepare("SELECT kind, due, status FROM tasks WHERE customer_id = ?1 ORDER BY due, kind")
        .unwrap()
        .query_map([customer.0], |r| Ok((r.get(0).unwrap(), r.get(1).unwrap(), r.get(2).unwrap())))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

fn dues(c: &Clinic, customer: CustomerId, kind: &str) -> Vec<String> {
    tasks_of(c, customer).into_iter().filter(|(k, _, _)| k == kind).map(|(_, d, _)| d).collect()
}

fn on(c: &mut Clinic, day: NaiveDate) {
    c.clock = Clock::fixed(day);
}

#[test]
fn an_injection_is_followed_up_on_days_1_3_7_and_30() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("张小美", "13800000001");
    let item = c.item("保妥适肉毒素", Category::Injection);
    c.treat(a, ymd(2026, 11, 23), item, "2980");
    assert_eq!(dues(&c, a, "post_treatment"), ["2026-11-24", "2026-11-26", "2026-11-30", "2026-12-23"]);
}

#[test]
fn each_category_follows_its_seed_plan() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    for (i, (category, expected)) in [
        (Category::Surgery, vec!["2026-11-24", "2026-11-26", "2026-11-30", "2026-12-08", "2026-12-23", "2027-02-21"]),
        (Category::Laser, vec!["2026-11-24", "2026-11-30", "2026-12-23"]),
        (Category::Skincare, vec!["2026-11-30", "2026-12-23", "2027-02-21"]),
        (Category::Other, vec!["2026-11-24", "2026-11-26", "2026-11-30", "2026-12-23"]),
    ]
    .into_iter()
    .enumerate()
    {
        let a = c.customer(&format!("客户{i}"), &format!("1380000001{i}"));
        let item = c.item(&format!("项目{i}"), category);
        c.treat(a, ymd(2026, 11, 23), item, "100");
        assert_eq!(dues(&c, a, "post_treatment"), expected, "{category:?}");
    }
}

#[test]
fn due_dates_cross_month_ends_and_feb_29() {
    let mut c = Clinic::on(ymd(2024, 3, 31));
    let a = c.customer("张小美", "13800000001");
    let item = c.item("热玛吉", Category::Laser);
    c.treat(a, ymd(2024, 1, 30), item, "100");
    // 2024-01-30 + 30 days = 2024-02-29 (a leap year); + 1 and + 7 stay in January/February.
    assert_eq!(dues(&c, a, "post_treatment"), ["2024-01-31", "2024-02-06", "2024-02-29"]);
}

#[test]
fn two_items_done_the_same_day_make_one_task_per_due_date_listing_both() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("张小美", "13800000001");
    let x = c.item("水光针", Category::Injection);
    let y = c.item("肉毒素", Category::Injection);
    c.treat(a, ymd(2026, 11, 23), x, "980");
    c.treat(a, ymd(2026, 11, 23), y, "2980");
    assert_eq!(dues(&c, a, "post_treatment").len(), 4);
    let list = due(&c.conn, ymd(2026, 11, 24)).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].items, ["水光针", "肉毒素"]);
}

#[test]
fn post_treatment_is_kept_for_a_customer_who_refuses_marketing_but_repurchase_is_not() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let draft = CustomerDraft { name: "拒营销".into(), phone: "13800000001".into(), marketing_opt_out: true, ..Default::default() };
    let a = crate::customers::create(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft).unwrap();
    let item = c.item("水光针", Category::Injection);
    c.treat(a, ymd(2026, 11, 23), item, "980");
    let kinds: Vec<String> = tasks_of(&c, a).into_iter().map(|t| t.0).collect();
    assert!(kinds.iter().all(|k| k == "post_treatment"), "{kinds:?}");
    assert_eq!(kinds.len(), 4);
}

#[test]
fn a_repurchase_reminder_is_due_a_week_before_the_cycle_ends_and_cancelled_by_a_new_purchase() {
    let mut c = Clinic::on(ymd(2026, 10, 1));
    let a = c.customer("张小美", "13800000001");
    let item = c.item("水光针", Category::Injection); // 30-day cycle from the name
    c.treat(a, ymd(2026, 10, 1), item, "980");
    assert_eq!(dues(&c, a, "repurchase"), ["2026-10-24"]);
    on(&mut c, ymd(2026, 10, 10));
    c.treat(a, ymd(2026, 10, 10), item, "980");
    let repurchase: Vec<(String, String)> = tasks_of(&c, a).into_iter().filter(|t| t.0 == "repurchase").map(|t| (t.1, t.2)).collect();
    assert_eq!(repurchase, [("2026-10-24".into(), "cancelled".into()), ("2026-11-02".into(), "open".into())]);
}

#[test]
fn voiding_an_execution_cancels_its_pending_calls() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("张小美", "13800000001");
    let item = c.item("双眼皮", Category::Surgery);
    c.treat(a, ymd(2026, 11, 23), item, "12800");
    let order = consumption::packages(&c.conn, a).unwrap()[0].order_id;
    crate::desk::void(&mut c.conn, &c.clock, SYSTEM_STAFF, Voidable::Order, order.0, "开错单").unwrap();
    assert!(tasks_of(&c, a).iter().all(|t| t.2 == "cancelled"), "{:?}", tasks_of(&c, a));
    assert!(due(&c.conn, ymd(2027, 12, 31)).unwrap().is_empty());
}

#[test]
fn a_no_deal_day_is_called_the_next_day_and_a_week_later_once_the_day_has_ended() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("张小美", "13800000001");
    let buyer = c.customer("李娜", "13800000002");
    let item = c.item("水光针", Category::Injection);
    c.arrive(a, ymd(2026, 11, 23));
    c.arrive(buyer, ymd(2026, 11, 23));
    c.buy(buyer, ymd(2026, 11, 23), item, 1, "980");
    crate::catch_up::day_pass(&mut c.conn, &c.clock, ymd(2026, 11, 23)).unwrap();
    assert!(dues(&c, a, "no_deal").is_empty(), "the day has not ended");
    on(&mut c, ymd(2026, 11, 24));
    crate::catch_up::day_pass(&mut c.conn, &c.clock, ymd(2026, 11, 24)).unwrap();
    crate::catch_up::day_pass(&mut c.conn, &c.clock, ymd(2026, 11, 24)).unwrap();
    assert_eq!(dues(&c, a, "no_deal"), ["2026-11-24", "2026-11-30"]);
    assert!(dues(&c, buyer, "no_deal").is_empty(), "a payment that day is a deal");
}

#[test]
fn a_customer_who_comes_back_is_not_called_as_no_deal_or_dormant() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("张小美", "13800000001");
    c.arrive(a, ymd(2026, 11, 23));
    crate::catch_up::day_pass(&mut c.conn, &c.clock, ymd(2026, 11, 23)).unwrap(); // the app opened that day
    on(&mut c, ymd(2026, 11, 25));
    crate::catch_up::day_pass(&mut c.conn, &c.clock, ymd(2026, 11, 25)).unwrap();
    c.arrive(a, ymd(2026, 11, 25));
    crate::catch_up::day_pass(&mut c.conn, &c.clock, ymd(2026, 11, 25)).unwrap();
    let no_deal: Vec<(String, String)> = tasks_of(&c, a).into_iter().filter(|t| t.0 == "no_deal").map(|t| (t.1, t.2)).collect();
    assert_eq!(no_deal, [("2026-11-24".into(), "cancelled".into()), ("2026-11-30".into(), "cancelled".into())]);
}

#[test]
fn dormant_calls_come_at_180_270_and_360_days_after_the_last_visit() {
    let mut c = Clinic::on(ymd(2026, 1, 1));
    let a = c.customer("张小美", "13800000001");
    c.arrive(a, ymd(2026, 1, 1));
    crate::catch_up::day_pass(&mut c.conn, &c.clock, ymd(2026, 1, 1)).unwrap();
    on(&mut c, ymd(2027, 1, 1));
    crate::catch_up::day_pass(&mut c.conn, &c.clock, ymd(2027, 1, 1)).unwrap();
    // 2026-01-01 + 180 = 2026-06-30, + 270 = 2026-09-28, + 360 = 2026-12-27.
    assert_eq!(dues(&c, a, "dormant"), ["2026-06-30", "2026-09-28", "2026-12-27"]);
}

#[test]
fn a_birthday_call_needs_a_visit_on_or_before_it_and_feb_29_falls_on_feb_28() {
    let mut c = Clinic::on(ymd(2026, 1, 1));
    let leap = CustomerDraft { name: "闰年生".into(), phone: "13800000001".into(), birthday: Some("2000-02-29".into()), ..Default::default() };
    let a = crate::customers::create(&mut c.conn, &c.clock, SYSTEM_STAFF, &leap).unwrap();
    let never = CustomerDraft { name: "没来过".into(), phone: "13800000002".into(), birthday: Some("1990-03-01".into()), ..Default::default() };
    let b = crate::customers::create(&mut c.conn, &c.clock, SYSTEM_STAFF, &never).unwrap();
    c.arrive(a, ymd(2026, 1, 1));
    crate::catch_up::day_pass(&mut c.conn, &c.clock, ymd(2026, 1, 1)).unwrap();
    on(&mut c, ymd(2028, 12, 31));
    crate::catch_up::day_pass(&mut c.conn, &c.clock, ymd(2028, 12, 31)).unwrap();
    assert_eq!(dues(&c, a, "birthday"), ["2026-02-28", "2027-02-28", "2028-02-29"]);
    assert!(dues(&c, b, "birthday").is_empty());
}

#[test]
fn nothing_is_materialised_before_the_day_liuke_started() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("张小美", "13800000001");
    c.arrive(a, ymd(2025, 1, 1)); // long dormant before Liuke was in use
    crate::catch_up::day_pass(&mut c.conn, &c.clock, ymd(2026, 11, 23)).unwrap();
    assert!(tasks_of(&c, a).is_empty(), "{:?}", tasks_of(&c, a));
}

#[test]
fn imported_history_due_before_today_is_historical() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("张小美", "13800000001");
    let item = c.item("光子嫩肤", Category::Laser);
    let (_, line) = c.buy(a, ymd(2026, 11, 10), item, 3, "3000");
    let tx = c.conn.transaction().unwrap();
    consumption::insert_execution_tx(&tx, &c.clock, SYSTEM_STAFF, line, ymd(2026, 11, 20), 1, None, Some("import")).unwrap();
    tx.commit().unwrap();
    let from_import: Vec<(String, String)> = tasks_of(&c, a).into_iter().filter(|t| t.0 == "post_treatment" && t.1.as_str() >= "2026-11-21").map(|t| (t.1, t.2)).collect();
    assert_eq!(from_import, [("2026-11-21".into(), "historical".into()), ("2026-11-27".into(), "open".into()), ("2026-12-20".into(), "open".into())]);
}

#[test]
fn a_plan_edit_does_not_move_tasks_already_made() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("张小美", "13800000001");
    let item = c.item("热玛吉", Category::Laser);
    c.treat(a, ymd(2026, 11, 23), item, "16800");
    save_plan(&c.conn, &c.clock, SYSTEM_STAFF, "category:光电", &[step(2, "新方案", "")]).unwrap();
    assert_eq!(dues(&c, a, "post_treatment"), ["2026-11-24", "2026-11-30", "2026-12-23"]);
    let b = c.customer("李娜", "13800000002");
    c.treat(b, ymd(2026, 11, 23), item, "16800");
    assert_eq!(dues(&c, b, "post_treatment"), ["2026-11-25"]);
}

#[test]
fn three_unanswered_calls_close_the_task_as_unreachable() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("张小美", "13800000001");
    let item = c.item("水光针", Category::Injection);
    c.treat(a, ymd(2026, 11, 22), item, "980");
    let id = due(&c.conn, ymd(2026, 11, 23)).unwrap()[0].id;
    let t1 = complete(&mut c.conn, &c.clock, SYSTEM_STAFF, id, Outcome::NoAnswer, None, None, None).unwrap();
    assert_eq!((t1.status.key(), t1.next_on.as_str(), t1.due.as_str()), ("open", "2026-11-24", "2026-11-23"));
    on(&mut c, ymd(2026, 11, 24));
    complete(&mut c.conn, &c.clock, SYSTEM_STAFF, id, Outcome::NoAnswer, None, None, None).unwrap();
    on(&mut c, ymd(2026, 11, 25));
    let t3 = complete(&mut c.conn, &c.clock, SYSTEM_STAFF, id, Outcome::NoAnswer, None, None, None).unwrap();
    assert_eq!((t3.status.key(), t3.attempts), ("unreachable", 3));
    assert_eq!(complete(&mut c.conn, &c.clock, SYSTEM_STAFF, id, Outcome::Reached, None, None, None).unwrap_err().code(), "conflict");
}

#[test]
fn a_call_taken_back_reopens_the_task_where_it_was_and_counts_no_more() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("张小美", "13800000001");
    let item = c.item("水光针", Category::Injection);
    c.treat(a, ymd(2026, 11, 22), item, "980");
    let id = due(&c.conn, ymd(2026, 11, 23)).unwrap()[0].id;
    // 未接通 moved it to tomorrow; taken back, it is due today again.
    complete(&mut c.conn, &c.clock, SYSTEM_STAFF, id, Outcome::NoAnswer, None, None, None).unwrap();
    let back = undo_last(&mut c.conn, &c.clock, SYSTEM_STAFF, id).unwrap();
    assert_eq!((back.status.key(), back.next_on.as_str(), back.attempts), ("open", "2026-11-23", 0));
    // A low score raised a flag; taken back, the flag is handled and the call is open.
    complete(&mut c.conn, &c.clock, SYSTEM_STAFF, id, Outcome::Reached, Some("说有点疼"), None, Some(2)).unwrap();
    assert_eq!(open_flags(&c.conn, a).unwrap().len(), 1);
    let back = undo_last(&mut c.conn, &c.clock, SYSTEM_STAFF, id).unwrap();
    assert_eq!((back.status.key(), back.attempts), ("open", 0));
    assert!(open_flags(&c.conn, a).unwrap().is_empty());
    assert!(attempts(&c.conn, id).unwrap().is_empty());
    // Both stay on file, marked as taken back.
    let kept: i64 = c.conn.query_row("SELECT count(*) FROM task_attempts WHERE task_id = ?1", [id], |r| r.get(0)).unwrap();
    let undone: i64 = c.conn.query_row("SELECT count(*) FROM task_attempt_undos", [], |r| r.get(0)).unwrap();
    assert_eq!((kept, undone), (2, 2));
    // Nothing left to take back.
    assert_eq!(undo_last(&mut c.conn, &c.clock, SYSTEM_STAFF, id).unwrap_err().code(), "conflict");
}

#[test]
fn only_the_recorder_takes_a_call_back_and_only_the_same_day() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("张小美", "13800000001");
    let item = c.item("水光针", Category::Injection);
    c.treat(a, ymd(2026, 11, 22), item, "980");
    let id = due(&c.conn, ymd(2026, 11, 23)).unwrap()[0].id;
    let draft = crate::staff::StaffDraft { name: "客服小王".into(), role: crate::staff::Role::Service, active: true };
    let other = crate::staff::create(&c.conn, &c.clock, SYSTEM_STAFF, &draft).unwrap().id;
    complete(&mut c.conn, &c.clock, SYSTEM_STAFF, id, Outcome::Reached, None, None, None).unwrap();
    assert_eq!(undo_last(&mut c.conn, &c.clock, other, id).unwrap_err().code(), "forbidden");
    on(&mut c, ymd(2026, 11, 24));
    assert_eq!(undo_last(&mut c.conn, &c.clock, SYSTEM_STAFF, id).unwrap_err().code(), "conflict");
    assert_eq!(task(&c.conn, id).unwrap().status, TaskStatus::Reached);
}

#[test]
fn a_reschedule_moves_next_on_and_keeps_due() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("张小美", "13800000001");
    let item = c.item("水光针", Category::Injection);
    c.treat(a, ymd(2026, 11, 22), item, "980");
    let id = due(&c.conn, ymd(2026, 11, 23)).unwrap()[0].id;
    assert_eq!(complete(&mut c.conn, &c.clock, SYSTEM_STAFF, id, Outcome::Reschedule, None, None, None).unwrap_err().code(), "invalid");
    let t = complete(&mut c.conn, &c.clock, SYSTEM_STAFF, id, Outcome::Reschedule, Some("周末再打"), Some(ymd(2026, 11, 28)), None).unwrap();
    assert_eq!((t.due.as_str(), t.next_on.as_str(), t.status.key()), ("2026-11-23", "2026-11-28", "open"));
    assert!(due(&c.conn, ymd(2026, 11, 27)).unwrap().iter().all(|d| d.id != id));
}

#[test]
fn an_escalation_closes_the_call_and_flags_the_customer_file() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("张小美", "13800000001");
    let item = c.item("玻尿酸", Category::Injection);
    c.treat(a, ymd(2026, 11, 22), item, "4800");
    let id = due(&c.conn, ymd(2026, 11, 23)).unwrap()[0].id;
    assert_eq!(complete(&mut c.conn, &c.clock, SYSTEM_STAFF, id, Outcome::Escalate, None, None, None).unwrap_err().code(), "invalid");
    let t = complete(&mut c.conn, &c.clock, SYSTEM_STAFF, id, Outcome::Escalate, Some("左脸肿得厉害"), None, None).unwrap();
    assert_eq!(t.status, TaskStatus::Escalate);
    let flags = open_flags(&c.conn, a).unwrap();
    assert_eq!(flags.len(), 1);
    assert_eq!(flags[0].note.as_deref(), Some("左脸肿得厉害"));
}

#[test]
fn the_checklist_groups_by_customer_with_the_filled_script_and_memory_points() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("张小美", "13800000001");
    crate::customers::add_memory_point(&c.conn, &c.clock, SYSTEM_STAFF, a, "超级怕疼").unwrap();
    let item = c.item("水光针", Category::Injection);
    c.treat(a, ymd(2026, 11, 20), item, "980");
    c.treat(a, ymd(2026, 11, 22), item, "980");
    let list = checklist(&c.conn, ymd(2026, 11, 23), &Filter::default()).unwrap();
    assert_eq!(list.len(), 1);
    let g = &list[0];
    assert_eq!(g.memory_points, ["超级怕疼"]);
    assert_eq!(g.calls.len(), 2, "day 3 of the first and day 1 of the second");
    assert_eq!(g.calls[0].overdue_days, 2, "overdue first: due 11-21");
    assert!(g.calls[0].script.contains("张小美") && g.calls[0].script.contains("水光针"), "{}", g.calls[0].script);
}

#[test]
fn the_checklist_comes_a_page_of_customers_at_a_time_with_the_whole_lists_counts() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let item = c.item("水光针", Category::Injection);
    let ids: Vec<CustomerId> = (0..5).map(|i| c.customer(&format!("客户{i}"), &format!("1380000000{i}"))).collect();
    for id in &ids {
        c.treat(*id, ymd(2026, 11, 22), item, "980"); // day 1: today
    }
    c.treat(ids[3], ymd(2026, 11, 20), item, "980"); // day 1 on 11-21 (overdue); day 3 today, one call with the other
    let d = ymd(2026, 11, 23);
    let names = |l: &Checklist| l.groups.iter().map(|g| g.name.clone()).collect::<Vec<_>>();
    let first = checklist_page(&c.conn, d, &Filter::default(), Page::first(2)).unwrap();
    assert_eq!(names(&first), ["客户3", "客户0"], "the overdue customer first, then by phone");
    assert_eq!(first.groups[0].calls.len(), 2, "a customer's calls stay together");
    assert_eq!((first.customers, first.calls, first.overdue, first.more), (5, 6, 1, 3), "the whole list's counts");
    // 客户1 is called meanwhile (no answer: tomorrow). The next page leaves out who is shown,
    // not a number of places, so nobody is skipped when the list gets shorter.
    let called = task_on(&c, ids[1], "post_treatment", "2026-11-23");
    complete(&mut c.conn, &c.clock, SYSTEM_STAFF, called, Outcome::NoAnswer, None, None, None).unwrap();
    let shown = first.groups.iter().map(|g| g.customer_id).collect();
    let next = checklist_page(&c.conn, d, &Filter::default(), Page { shown, size: Some(2) }).unwrap();
    assert_eq!(names(&next), ["客户2", "客户4"]);
    assert_eq!((next.customers, next.calls, next.more), (4, 5, 0));
    assert_eq!(checklist(&c.conn, d, &Filter::default()).unwrap().len(), 4, "all at once, to print");
}

#[test]
fn a_campaign_becomes_one_task_per_customer_of_its_segment_who_accepts_marketing() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let gold = c.customer("张小美", "13800000001");
    c.customer("李娜", "13800000002");
    let quiet = CustomerDraft { name: "拒营销".into(), phone: "13800000003".into(), marketing_opt_out: true, ..Default::default() };
    let q = crate::customers::create(&mut c.conn, &c.clock, SYSTEM_STAFF, &quiet).unwrap();
    let item = c.item("热玛吉", Category::Laser);
    c.buy(gold, ymd(2026, 6, 1), item, 1, "30000");
    c.buy(q, ymd(2026, 6, 1), item, 1, "30000");
    let draft = CampaignDraft {
        name: "中秋问候".into(),
        date: "2026-12-01".into(),
        segment: Segment { membership: Some("gold".into()), ..Default::default() },
        script: None,
        voucher: None,
        template: None,
    };
    let made = create_campaign(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft).unwrap();
    assert_eq!((made.tasks, made.vouchers), (1, 0));
    assert_eq!(dues(&c, gold, "campaign"), ["2026-12-01"]);
    assert!(dues(&c, q, "campaign").is_empty());
    let list = due(&c.conn, ymd(2026, 12, 1)).unwrap();
    let call = list.iter().find(|t| t.kind == Kind::Campaign).unwrap();
    assert!(fill_script(call, ymd(2026, 12, 1)).contains("中秋问候"));
}

#[test]
fn calls_for_a_list_from_the_report_go_to_exactly_those_customers_who_accept_marketing() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("张小美", "13800000001");
    let b = c.customer("李娜", "13800000002");
    let other = c.customer("王芳", "13800000004");
    let quiet = CustomerDraft { name: "拒营销".into(), phone: "13800000003".into(), marketing_opt_out: true, ..Default::default() };
    let q = crate::customers::create(&mut c.conn, &c.clock, SYSTEM_STAFF, &quiet).unwrap();
    let draft = |ids: Vec<i64>| CampaignDraft {
        name: "90天未回头的新客".into(),
        date: "2026-11-23".into(),
        segment: Segment { customers: Some(ids), ..Default::default() },
        script: None,
        voucher: None,
        template: None,
    };
    let made = create_campaign(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(vec![a.0, b.0, q.0])).unwrap();
    assert_eq!(made.tasks, 2);
    assert_eq!(dues(&c, a, "campaign"), ["2026-11-23"]);
    assert_eq!(dues(&c, b, "campaign"), ["2026-11-23"]);
    assert!(dues(&c, q, "campaign").is_empty(), "does not accept marketing");
    assert!(dues(&c, other, "campaign").is_empty(), "not on the list");
    let e = create_campaign(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(vec![a.0, 999_999])).unwrap_err();
    assert!(e.to_string().contains("999999"), "{e}");
}

#[test]
fn a_campaign_voucher_goes_to_every_customer_of_its_segment_once() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let gold = c.customer("张小美", "13800000001");
    let other = c.customer("李娜", "13800000002");
    let quiet = CustomerDraft { name: "拒营销".into(), phone: "13800000003".into(), marketing_opt_out: true, ..Default::default() };
    let q = crate::customers::create(&mut c.conn, &c.clock, SYSTEM_STAFF, &quiet).unwrap();
    let item = c.item("热玛吉", Category::Laser);
    c.buy(gold, ymd(2026, 6, 1), item, 1, "30000");
    c.buy(q, ymd(2026, 6, 1), item, 1, "30000");
    let draft = CampaignDraft {
        name: "老顾客专享券".into(),
        date: "2026-12-01".into(),
        segment: Segment { membership: Some("gold".into()), ..Default::default() },
        script: None,
        voucher: Some(CampaignVoucher { face: yuan("300"), threshold: Some(yuan("1000")) }),
        template: None,
    };
    let made = create_campaign(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft).unwrap();
    // The call skips the customer who declines marketing; the voucher is hers all the same.
    assert_eq!((made.tasks, made.vouchers), (1, 2));
    let theirs = |who| crate::vouchers::of_customer(&c.conn, who, ymd(2026, 12, 1)).unwrap();
    let v = &theirs(gold)[0];
    // Dated the campaign's day: Dec 1 + 89 = Feb 28.
    assert_eq!((v.face, v.threshold, v.issued, v.valid_through, v.source), (yuan("300"), Some(yuan("1000")), ymd(2026, 12, 1), ymd(2027, 2, 28), crate::vouchers::Source::Campaign));
    assert_eq!(theirs(q).len(), 1);
    assert!(theirs(other).is_empty());
    // Issuing again for the same campaign changes nothing.
    let again = crate::vouchers::Issue { customer_id: gold, face: yuan("300"), threshold: None, valid_through: None, note: None };
    let key = format!("campaign:{}", made.id);
    assert_eq!(crate::vouchers::issue_on(&c.conn, &c.clock, SYSTEM_STAFF, &again, crate::vouchers::Source::Campaign, Some(&key), ymd(2026, 12, 1)).unwrap(), None);
    assert_eq!(theirs(gold).len(), 1);
}

#[test]
fn a_campaign_can_reach_the_customers_whose_vouchers_or_points_are_about_to_lapse() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let soon = c.customer("张小美", "13800000001");
    let later = c.customer("李娜", "13800000002");
    let points = c.customer("王芳", "13800000003");
    let item = c.item("水光针", Category::Injection);
    // 王芳's points of 2025-12-20 expire 2026-12-20: within 30 days of Nov 23.
    c.buy(points, ymd(2025, 12, 20), item, 1, "800");
    for (who, last) in [(soon, ymd(2026, 12, 7)), (later, ymd(2026, 12, 8))] {
        let v = crate::vouchers::Issue { customer_id: who, face: yuan("100"), threshold: None, valid_through: Some(last), note: None };
        crate::vouchers::issue(&c.conn, &c.clock, SYSTEM_STAFF, &v, crate::vouchers::Source::Manual, None).unwrap();
    }
    let campaign = |reminder: &str| CampaignDraft {
        name: format!("提醒 {reminder}"),
        date: "2026-11-23".into(),
        segment: Segment { reminder: Some(reminder.into()), ..Default::default() },
        script: None,
        voucher: None,
        template: None,
    };
    assert_eq!(create_campaign(&mut c.conn, &c.clock, SYSTEM_STAFF, &campaign("vouchers_lapsing")).unwrap().tasks, 1);
    assert_eq!(dues(&c, soon, "campaign"), ["2026-11-23"]);
    assert!(dues(&c, later, "campaign").is_empty(), "Dec 8 is 15 days away");
    assert_eq!(create_campaign(&mut c.conn, &c.clock, SYSTEM_STAFF, &campaign("points_lapsing")).unwrap().tasks, 1);
    assert_eq!(dues(&c, points, "campaign"), ["2026-11-23"]);
    assert!(create_campaign(&mut c.conn, &c.clock, SYSTEM_STAFF, &campaign("birthdays")).is_err());
}

/// Calls that are history, gathered during an import and written in bulk,
/// end exactly as one upsert each would leave them: one task per customer,
/// kind and due date with every source (keys repeated across flushes too), a
/// task already there keeping its status and gaining the source, and calls
/// still to come written at once.
#[test]
fn history_gathered_in_bulk_ends_as_one_upsert_each() {
    fn clinic() -> (Clinic, Vec<CustomerId>) {
        let mut c = Clinic::on(ymd(2026, 11, 23));
        let people: Vec<CustomerId> = (1..=4).map(|i| c.customer(&format!("客户{i}"), &format!("1380000000{i}"))).collect();
        // A task already there, cancelled, with the key of one of the calls below.
        let t = NewTask { customer: people[0], kind: Kind::PostTreatment, due: ymd(2026, 10, 2), anchor: ymd(2026, 10, 1), purpose: Some("旧"), script: None, source: "execution:900".into(), item: Some("旧项目"), history: false, channel: Channel::Call };
        let id = upsert(&c.conn, &c.clock, &t).unwrap().unwrap();
        cancel(&c.conn, id, "测试").unwrap();
        (c, people)
    }
    let calls = |people: &[CustomerId]| -> Vec<NewTask<'static>> {
        let mut out = Vec::new();
        for (n, p) in people.iter().enumerate() {
            for k in 0..6i64 {
                let day = ymd(2026, 10, 1).checked_add_days(chrono::Days::new((k % 3) as u64)).unwrap();
                for offset in [1, 30, 60] {
                    out.push(NewTask {
                        customer: *p,
                        kind: if offset == 60 { Kind::Repurchase } else { Kind::PostTreatment },
                        due: add_days(day, offset),
                        anchor: day,
                        purpose: Some("回访"),
                        script: None,
                        source: format!("execution:{}", n * 10 + k as usize),
                        item: Some(["水光针", "光子嫩肤"][k as usize % 2]),
                        history: true,
                        channel: Channel::Call,
                    });
                }
            }
        }
        out
    };
    let snapshot = |c: &Clinic| -> Vec<(i64, String, String, String, Option<String>, String)> {
        c.conn
            .prepare(
                "SELECT t.customer_id, t.kind, t.due, t.status, t.purpose, (SELECT group_concat(source || '=' || coalesce(item, ''), ',') FROM (SELECT * FROM task_sources s WHERE s.task_id = t.id ORDER BY source))
                 FROM tasks t ORDER BY t.customer_id, t.kind, t.due",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    let (one_by_one, people) = clinic();
    for t in calls(&people) {
        upsert(&one_by_one.conn, &one_by_one.clock, &t).unwrap();
    }
    let (gathered, people) = clinic();
    let buffer = HistoryBuffer::start(&gathered.conn).unwrap();
    for t in calls(&people) {
        upsert(&gathered.conn, &gathered.clock, &t).unwrap();
    }
    buffer.finish(&gathered.conn, &gathered.clock).unwrap();
    let expected = snapshot(&one_by_one);
    assert_eq!(snapshot(&gathered), expected);
    assert!(expected.iter().any(|t| t.3 == "historical") && expected.iter().any(|t| t.3 == "open"), "both kinds of call: {expected:?}");
    assert!(expected.iter().any(|t| t.3 == "cancelled" && t.5.contains("execution:900") && t.5.contains(",")), "the task already there gained sources: {expected:?}");
}

#[test]
fn an_unknown_stored_task_kind_or_status_is_an_error_not_a_default() {
    use rusqlite::types::{FromSql, ValueRef};
    assert!(TaskStatus::column_result(ValueRef::Text(b"lost")).is_err());
    assert_eq!(TaskStatus::column_result(ValueRef::Text(b"historical")).unwrap(), TaskStatus::Historical);
    let e = Kind::column_result(ValueRef::Text(b"gossip")).unwrap_err().to_string();
    assert!(e.contains("gossip"), "{e}");
    assert_eq!(Kind::column_result(ValueRef::Text(b"no_show")).unwrap(), Kind::NoShow);
}

#[test]
fn a_call_ticked_off_twice_names_who_got_there_first() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("张小美", "13800000001");
    let item = c.item("水光针", Category::Injection);
    c.treat(a, ymd(2026, 11, 22), item, "980");
    let id = due(&c.conn, ymd(2026, 11, 23)).unwrap()[0].id;
    let li = crate::staff::create(&c.conn, &c.clock, SYSTEM_STAFF, &crate::staff::StaffDraft { name: "客服小李".into(), role: crate::staff::Role::Service, active: true }).unwrap();
    complete(&mut c.conn, &c.clock, li.id, id, Outcome::Reached, None, None, None).unwrap();
    let attempts_before = attempts(&c.conn, id).unwrap().len();
    let e = complete(&mut c.conn, &c.clock, SYSTEM_STAFF, id, Outcome::NoAnswer, None, None, None).unwrap_err();
    assert_eq!(e.code(), "conflict");
    assert!(e.to_string().starts_with("这条回访已是「已接通」：客服小李 在 "), "{e}");
    assert!(e.to_string().ends_with("登记为「已接通」，不能再登记。"), "{e}");
    assert_eq!(attempts(&c.conn, id).unwrap().len(), attempts_before, "nothing written");
}

fn channel_of(c: &Clinic, id: i64) -> String {
    c.conn.query_row("SELECT channel FROM tasks WHERE id = ?1", [id], |r| r.get(0)).unwrap()
}

fn task_on(c: &Clinic, customer: CustomerId, kind: &str, due_on: &str) -> i64 {
    c.conn
        .query_row("SELECT id FROM tasks WHERE customer_id = ?1 AND kind = ?2 AND due = ?3", params![customer.0, kind, due_on], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_reached_call_carries_a_score_and_one_or_two_flags_the_file() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("张小美", "13800000001");
    let item = c.item("水光针", Category::Injection);
    c.treat(a, ymd(2026, 11, 20), item, "980");
    let first = task_on(&c, a, "post_treatment", "2026-11-21");
    let t = complete(&mut c.conn, &c.clock, SYSTEM_STAFF, first, Outcome::Reached, Some("效果不错"), None, Some(5)).unwrap();
    assert_eq!(t.status, TaskStatus::Reached);
    assert!(open_flags(&c.conn, a).unwrap().is_empty(), "5 分 flags nothing");
    let second = task_on(&c, a, "post_treatment", "2026-11-23");
    let t = complete(&mut c.conn, &c.clock, SYSTEM_STAFF, second, Outcome::Reached, Some("觉得没效果"), None, Some(2)).unwrap();
    assert_eq!(t.status, TaskStatus::Reached, "the call stays reached");
    let flags = open_flags(&c.conn, a).unwrap();
    assert_eq!(flags.len(), 1);
    assert_eq!(flags[0].note.as_deref(), Some("回访满意度 2 分（不满意）：觉得没效果"));
    assert_eq!(attempts(&c.conn, second).unwrap()[0].score, Some(2));
}

#[test]
fn a_score_outside_one_to_five_or_on_another_outcome_is_refused_and_nothing_is_written() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("张小美", "13800000001");
    let item = c.item("水光针", Category::Injection);
    c.treat(a, ymd(2026, 11, 22), item, "980");
    let id = task_on(&c, a, "post_treatment", "2026-11-23");
    for (outcome, score) in [(Outcome::Reached, 0), (Outcome::Reached, 6), (Outcome::NoAnswer, 4)] {
        let e = complete(&mut c.conn, &c.clock, SYSTEM_STAFF, id, outcome, None, None, Some(score)).unwrap_err();
        assert_eq!(e.code(), "invalid");
    }
    assert!(attempts(&c.conn, id).unwrap().is_empty());
    assert_eq!(task(&c.conn, id).unwrap().status, TaskStatus::Open);
}

#[test]
fn a_message_step_makes_a_message_task_ticked_off_as_sent() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let mut plan = default_plan("default");
    plan[1] = Step { offset: 3, purpose: "护理视频".into(), script: "{姓名}您好，{项目}后的护理视频：…".into(), channel: Channel::Message };
    save_plan(&c.conn, &c.clock, SYSTEM_STAFF, "category:注射", &plan).unwrap();
    let a = c.customer("张小美", "13800000001");
    let item = c.item("水光针", Category::Injection);
    c.treat(a, ymd(2026, 11, 20), item, "980");
    let call = task_on(&c, a, "post_treatment", "2026-11-21");
    let message = task_on(&c, a, "post_treatment", "2026-11-23");
    assert_eq!((channel_of(&c, call).as_str(), channel_of(&c, message).as_str()), ("call", "message"));
    let listed = checklist(&c.conn, ymd(2026, 11, 23), &Filter::default()).unwrap();
    let m = listed[0].calls.iter().find(|x| x.task.id == message).unwrap();
    assert_eq!(m.script, "张小美您好，水光针后的护理视频：…");
    assert_eq!(complete(&mut c.conn, &c.clock, SYSTEM_STAFF, call, Outcome::Sent, None, None, None).unwrap_err().code(), "invalid", "a call is not sent");
    let t = complete(&mut c.conn, &c.clock, SYSTEM_STAFF, message, Outcome::Sent, None, None, None).unwrap();
    assert_eq!(t.status, TaskStatus::Sent);
}

#[test]
fn a_message_step_without_text_is_refused() {
    let c = Clinic::on(ymd(2026, 11, 23));
    let steps = [Step { offset: 3, purpose: "护理视频".into(), script: " ".into(), channel: Channel::Message }];
    assert_eq!(save_plan(&c.conn, &c.clock, SYSTEM_STAFF, "default", &steps).unwrap_err().code(), "invalid");
}

#[test]
fn a_message_and_a_call_due_the_same_day_are_one_call() {
    let mut c = Clinic::on(ymd(2026, 11, 25));
    let steps = [Step { offset: 3, purpose: "护理视频".into(), script: "视频".into(), channel: Channel::Message }];
    save_plan(&c.conn, &c.clock, SYSTEM_STAFF, "category:注射", &steps).unwrap();
    let a = c.customer("张小美", "13800000001");
    let x = c.item("水光针", Category::Injection);
    let y = c.item("热玛吉", Category::Laser);
    c.treat(a, ymd(2026, 11, 23), x, "980");
    c.treat(a, ymd(2026, 11, 25), y, "16800"); // 光电 day 1 = Nov 26, the injection's day 3
    let id = task_on(&c, a, "post_treatment", "2026-11-26");
    assert_eq!(channel_of(&c, id), "call");
}

#[test]
fn a_campaign_with_a_template_makes_message_tasks_with_its_text() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let a = c.customer("张小美", "13800000001");
    let item = c.item("水光针", Category::Injection);
    c.treat(a, ymd(2026, 11, 1), item, "980");
    crate::templates::save(&c.conn, &c.clock, SYSTEM_STAFF, Some("mid_autumn"), "中秋", "{姓名}您好，中秋快乐！").unwrap();
    let draft = CampaignDraft {
        name: "中秋问候".into(),
        date: "2026-11-30".into(),
        segment: Segment::default(),
        script: None,
        voucher: None,
        template: Some("mid_autumn".into()),
    };
    assert_eq!(create_campaign(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft).unwrap().tasks, 1);
    let id = task_on(&c, a, "campaign", "2026-11-30");
    assert_eq!(channel_of(&c, id), "message");
    let listed = checklist(&c.conn, ymd(2026, 11, 30), &Filter { kind: Some("campaign".into()), ..Default::default() }).unwrap();
    assert_eq!(listed[0].calls[0].script, "张小美您好，中秋快乐！");
    let unknown = CampaignDraft { template: Some("nope".into()), name: "x".into(), ..draft };
    assert_eq!(create_campaign(&mut c.conn, &c.clock, SYSTEM_STAFF, &unknown).unwrap_err().code(), "not_found");
}

#[test]
fn a_plan_edit_can_move_the_open_calls_not_yet_due_and_nothing_else() {
    let mut c = Clinic::on(ymd(2026, 11, 1));
    let a = c.customer("张小美", "13800000001");
    let item = c.item("热玛吉", Category::Laser);
    c.treat(a, ymd(2026, 11, 1), item, "16800"); // 光电: Nov 2, Nov 8, Dec 1
    let reached = task_on(&c, a, "post_treatment", "2026-11-02");
    on(&mut c, ymd(2026, 11, 10));
    complete(&mut c.conn, &c.clock, SYSTEM_STAFF, reached, Outcome::Reached, None, None, None).unwrap();
    let overdue = task_on(&c, a, "post_treatment", "2026-11-08");
    // New plan: days 1, 14 and 60. Nov 2 is closed, Nov 8 is overdue: both stay.
    let steps = [step(1, "电话回访", ""), step(14, "两周复查", ""), step(60, "两个月效果", "")];
    let tx = crate::store::write_tx(&mut c.conn).unwrap();
    save_plan(&tx, &c.clock, SYSTEM_STAFF, "category:光电", &steps).unwrap();
    let moved = move_open_calls(&tx, &c.clock, "category:光电").unwrap();
    tx.commit().unwrap();
    // Dec 1 (not due yet) gives way to Nov 15 and Dec 31.
    assert_eq!(moved, Moved { moved: 1, added: 2, kept: 0 });
    assert_eq!(
        tasks_of(&c, a).into_iter().filter(|(k, _, _)| k == "post_treatment").map(|(_, d, s)| (d, s)).collect::<Vec<_>>(),
        [
            ("2026-11-02".to_string(), "reached".to_string()),
            ("2026-11-08".into(), "open".into()),
            ("2026-11-15".into(), "open".into()),
            ("2026-12-01".into(), "cancelled".into()),
            ("2026-12-31".into(), "open".into()),
        ]
    );
    assert_eq!(task(&c.conn, overdue).unwrap().status, TaskStatus::Open);
    // Another category's plan edit moves none of these.
    let tx = crate::store::write_tx(&mut c.conn).unwrap();
    assert_eq!(move_open_calls(&tx, &c.clock, "category:注射").unwrap(), Moved::default());
}

#[test]
fn satisfaction_counts_calls_by_the_month_they_closed_in() {
    let mut c = Clinic::on(ymd(2026, 10, 29));
    let a = c.customer("张小美", "13800000001");
    let item = c.item("水光针", Category::Injection);
    c.treat(a, ymd(2026, 10, 28), item, "980"); // calls Oct 29, Oct 31, Nov 4, Nov 27
    let oct = task_on(&c, a, "post_treatment", "2026-10-29");
    complete(&mut c.conn, &c.clock, SYSTEM_STAFF, oct, Outcome::Reached, None, None, Some(4)).unwrap();
    // Due in October, reached in November: November's.
    let late = task_on(&c, a, "post_treatment", "2026-10-31");
    on(&mut c, ymd(2026, 11, 2));
    complete(&mut c.conn, &c.clock, SYSTEM_STAFF, late, Outcome::Reached, None, None, Some(1)).unwrap();
    let on_time = task_on(&c, a, "post_treatment", "2026-11-04");
    on(&mut c, ymd(2026, 11, 4));
    complete(&mut c.conn, &c.clock, SYSTEM_STAFF, on_time, Outcome::Reached, None, None, Some(4)).unwrap();
    let month = |m: &str| crate::report::monthly(&c.conn, crate::report::Month::parse(m).unwrap()).unwrap();
    let (o, n) = (month("2026-10"), month("2026-11"));
    assert_eq!((o.satisfaction_responses, o.satisfaction_avg, o.dissatisfied), (1, Some(4.0), 0));
    // (1 + 4) ÷ 2 = 2.5
    assert_eq!((n.satisfaction_responses, n.satisfaction_avg, n.dissatisfied), (2, Some(2.5), 1));
    let none = month("2026-12");
    assert_eq!((none.satisfaction_responses, none.satisfaction_avg), (0, None));
    let by = crate::report::breakdown(&c.conn, crate::report::Month::parse("2026-11").unwrap()).unwrap();
    assert_eq!(by.by_consultant.len(), 1);
    assert_eq!((by.by_consultant[0].name.as_str(), by.by_consultant[0].responses, by.by_consultant[0].avg), ("未填", 2, Some(2.5)));
}
