use super::*;
use crate::clock::Clock;
use crate::report::{self, Month};
use crate::staff::{StaffDraft, SYSTEM_STAFF};
use crate::testing::{ymd, Clinic};

const TODAY: (i32, u32, u32) = (2026, 11, 23);

fn today() -> NaiveDate {
    ymd(TODAY.0, TODAY.1, TODAY.2)
}

fn doctor(c: &Clinic, name: &str) -> i64 {
    staff::create(&c.conn, &c.clock, SYSTEM_STAFF, &StaffDraft { name: name.into(), role: Role::Doctor, active: true }).unwrap().id.0
}

fn draft(customer: CustomerId, staff: Option<i64>, date: NaiveDate, time: &str) -> Draft {
    Draft { customer_id: customer.0, staff_id: staff, date: date.to_string(), time: time.into(), purpose: "复查".into(), ..Default::default() }
}

fn on(c: &mut Clinic, d: NaiveDate) {
    c.clock = Clock::fixed(d);
}

fn conflict(e: Error) -> String {
    match e {
        Error::Conflict(m) => m,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[test]
fn double_booking_a_doctor_is_refused_naming_who_is_in_the_way() {
    let mut c = Clinic::on(today());
    let liu = doctor(&c, "刘医生");
    let (a, b) = (c.customer("张小美", "13800000001"), c.customer("王芳", "13800000002"));
    let day = ymd(2026, 11, 25);
    book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(a, Some(liu), day, "10:00")).unwrap();
    let refused = conflict(book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(b, Some(liu), day, "10:15")).unwrap_err());
    assert!(refused.contains("刘医生 在 10:00–10:30 已有预约（张小美 复查）"), "{refused}");
    // Back to back is fine; so is the same time with no doctor named.
    book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(b, Some(liu), day, "10:30")).unwrap();
    let other = c.customer("李娜", "13800000003");
    book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(other, None, day, "10:00")).unwrap();
}

#[test]
fn a_cancelled_appointment_frees_its_slot() {
    let mut c = Clinic::on(today());
    let liu = doctor(&c, "刘医生");
    let (a, b) = (c.customer("张小美", "13800000001"), c.customer("王芳", "13800000002"));
    let day = ymd(2026, 11, 25);
    let first = book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(a, Some(liu), day, "10:00")).unwrap();
    cancel(&mut c.conn, &c.clock, SYSTEM_STAFF, first.id, Some("客户出差")).unwrap();
    book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(b, Some(liu), day, "10:00")).unwrap();
    let h = history(&c.conn, first.id).unwrap();
    assert_eq!(h.iter().map(|e| e.what.as_str()).collect::<Vec<_>>(), ["booked", "cancelled"]);
    assert_eq!(h[1].detail.as_deref(), Some("客户出差"));
}

#[test]
fn the_same_customer_cannot_be_booked_twice_at_once() {
    let mut c = Clinic::on(today());
    let (liu, chen) = (doctor(&c, "刘医生"), doctor(&c, "陈医生"));
    let a = c.customer("张小美", "13800000001");
    let day = ymd(2026, 11, 25);
    book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(a, Some(liu), day, "14:00")).unwrap();
    let refused = conflict(book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(a, Some(chen), day, "14:00")).unwrap_err());
    assert!(refused.contains("张小美 在 14:00–14:30 已约了 复查"), "{refused}");
}

#[test]
fn bookings_outside_the_hours_or_before_today_are_refused() {
    let mut c = Clinic::on(today());
    let a = c.customer("张小美", "13800000001");
    for (date, time, field) in [
        (ymd(2026, 11, 22), "10:00", "date"),
        (ymd(2026, 11, 25), "08:30", "time"),
        (ymd(2026, 11, 25), "20:45", "time"),
        (ymd(2026, 11, 25), "25:00", "time"),
    ] {
        match book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(a, None, date, time)) {
            Err(Error::Invalid(p)) => assert_eq!(p[0].column, field, "{date} {time}"),
            other => panic!("{date} {time}: {other:?}"),
        }
    }
    // The last slot that ends at closing time is bookable.
    book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(a, None, ymd(2026, 11, 25), "20:30")).unwrap();
}

#[test]
fn moving_an_appointment_checks_the_new_slot_but_not_against_itself() {
    let mut c = Clinic::on(today());
    let liu = doctor(&c, "刘医生");
    let (a, b) = (c.customer("张小美", "13800000001"), c.customer("王芳", "13800000002"));
    let day = ymd(2026, 11, 25);
    let mine = book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(a, Some(liu), day, "10:00")).unwrap();
    book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(b, Some(liu), day, "11:00")).unwrap();
    // Ten minutes later overlaps only itself.
    let moved = reschedule(&mut c.conn, &c.clock, SYSTEM_STAFF, mine.id, "2026-11-25", "10:10", None, Some(liu)).unwrap();
    assert_eq!((moved.start.as_str(), moved.end.as_str()), ("10:10", "10:40"));
    let refused = reschedule(&mut c.conn, &c.clock, SYSTEM_STAFF, mine.id, "2026-11-25", "10:45", None, Some(liu)).unwrap_err();
    assert!(conflict(refused).contains("王芳"));
    let h = history(&c.conn, mine.id).unwrap();
    assert_eq!(h[1].what, "moved");
    assert!(h[1].detail.as_deref().unwrap().contains("10:00–10:30") && h[1].detail.as_deref().unwrap().contains("10:10–10:40"));
}

fn tasks_of(c: &Clinic, customer: CustomerId) -> Vec<(String, String, String)> {
    c.conn
        .prepare("SELECT kind, due, status FROM tasks WHERE customer_id = ?1 ORDER BY due")
        .unwrap()
        .query_map([customer.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn an_appointment_not_arrived_by_the_end_of_its_day_becomes_a_no_show_with_a_call_the_next_day() {
    let mut c = Clinic::on(today());
    let a = c.customer("张小美", "13800000001");
    // She does not accept marketing: the no-show call is kept, she asked for the visit.
    c.conn.execute("UPDATE customers SET marketing_opt_out = 1 WHERE id = ?1", [a.0]).unwrap();
    let appt = book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(a, None, ymd(2026, 11, 25), "10:00")).unwrap();
    // On its own day it is still expected, even late in the day.
    on(&mut c, ymd(2026, 11, 25));
    crate::catch_up::day_pass(&mut c.conn, &c.clock, ymd(2026, 11, 25)).unwrap();
    assert_eq!(get(&c.conn, appt.id).unwrap().status, Status::Booked);
    // A list asked for a later date does not end days still to come.
    crate::catch_up::day_pass(&mut c.conn, &c.clock, ymd(2026, 11, 30)).unwrap();
    assert_eq!(get(&c.conn, appt.id).unwrap().status, Status::Booked);
    on(&mut c, ymd(2026, 11, 26));
    crate::catch_up::day_pass(&mut c.conn, &c.clock, ymd(2026, 11, 26)).unwrap();
    crate::catch_up::day_pass(&mut c.conn, &c.clock, ymd(2026, 11, 26)).unwrap();
    assert_eq!(get(&c.conn, appt.id).unwrap().status, Status::NoShow);
    assert_eq!(tasks_of(&c, a), [("no_show".to_string(), "2026-11-26".to_string(), "open".to_string())]);
    assert_eq!(history(&c.conn, appt.id).unwrap().last().unwrap().what, "no_show");
}

#[test]
fn a_customer_who_arrived_without_checking_in_the_appointment_is_not_a_no_show() {
    let mut c = Clinic::on(today());
    let a = c.customer("张小美", "13800000001");
    let appt = book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(a, None, today(), "15:00")).unwrap();
    // The arrival was entered later (an import, a registration outside the desk).
    let arrival = c.arrive(a, today());
    on(&mut c, ymd(2026, 11, 24));
    crate::catch_up::day_pass(&mut c.conn, &c.clock, ymd(2026, 11, 24)).unwrap();
    let after = get(&c.conn, appt.id).unwrap();
    assert_eq!((after.status, after.arrival_id), (Status::Arrived, Some(arrival)));
    assert!(tasks_of(&c, a).iter().all(|t| t.0 != "no_show"));
}

#[test]
fn checking_in_puts_the_customer_on_the_board_with_the_appointments_doctor() {
    let mut c = Clinic::on(today());
    let liu = doctor(&c, "刘医生");
    let a = c.customer("张小美", "13800000001");
    let appt = book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(a, Some(liu), today(), "16:00")).unwrap();
    let entry = crate::desk::check_in(&mut c.conn, &c.clock, SYSTEM_STAFF, appt.id).unwrap();
    assert_eq!((entry.kind.as_deref(), entry.assigned_to.map(|s| s.0)), (Some("复查"), Some(liu)));
    let after = get(&c.conn, appt.id).unwrap();
    assert_eq!((after.status, after.arrival_id), (Status::Arrived, Some(entry.id)));
    assert!(conflict(crate::desk::check_in(&mut c.conn, &c.clock, SYSTEM_STAFF, appt.id).unwrap_err()).contains("已到院"));
}

#[test]
fn only_todays_appointments_check_in() {
    let mut c = Clinic::on(today());
    let a = c.customer("张小美", "13800000001");
    let appt = book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(a, None, ymd(2026, 11, 24), "10:00")).unwrap();
    assert!(conflict(crate::desk::check_in(&mut c.conn, &c.clock, SYSTEM_STAFF, appt.id).unwrap_err()).contains("不是今天"));
}

#[test]
fn booking_from_a_callback_closes_the_call_as_reached_with_the_appointment() {
    let mut c = Clinic::on(ymd(2026, 11, 16));
    let item = c.item("玻尿酸", crate::items::Category::Injection);
    let a = c.customer("张小美", "13800000001");
    c.treat(a, ymd(2026, 11, 16), item, "3000");
    on(&mut c, today());
    let task = followups::due(&c.conn, today()).unwrap().into_iter().find(|t| t.due == "2026-11-23").unwrap();
    let mut d = draft(a, None, ymd(2026, 11, 27), "11:00");
    d.task_id = Some(task.id);
    let appt = book(&mut c.conn, &c.clock, SYSTEM_STAFF, &d).unwrap();
    assert_eq!(appt.task_id, Some(task.id));
    let closed = followups::task(&c.conn, task.id).unwrap();
    assert_eq!(closed.status, followups::TaskStatus::Reached);
    let note: String = c.conn.query_row("SELECT note FROM task_attempts WHERE task_id = ?1", [task.id], |r| r.get(0)).unwrap();
    assert_eq!(note, "已预约 2026-11-27 11:00–11:30 不指定 复查");
}

#[test]
fn a_callback_of_another_customer_is_not_closed_by_a_booking() {
    let mut c = Clinic::on(ymd(2026, 11, 16));
    let item = c.item("玻尿酸", crate::items::Category::Injection);
    let a = c.customer("张小美", "13800000001");
    let b = c.customer("王芳", "13800000002");
    c.treat(a, ymd(2026, 11, 16), item, "3000");
    on(&mut c, today());
    let task = followups::due(&c.conn, today()).unwrap()[0].id;
    let mut d = draft(b, None, ymd(2026, 11, 27), "11:00");
    d.task_id = Some(task);
    assert!(matches!(book(&mut c.conn, &c.clock, SYSTEM_STAFF, &d), Err(Error::Invalid(_))));
    assert_eq!(followups::task(&c.conn, task).unwrap().status, followups::TaskStatus::Open);
    assert!(day(&c.conn, ymd(2026, 11, 27)).unwrap().is_empty(), "nothing half-written");
}

#[test]
fn the_reminder_text_names_the_day_time_item_doctor_and_address() {
    let mut c = Clinic::on(today());
    let liu = doctor(&c, "刘医生");
    let a = c.customer("张小美", "13800000001");
    let item = c.item("热玛吉", crate::items::Category::Laser);
    save_settings(&c.conn, &BookingSettings { address: "幸福路 8 号 2 楼".into(), phone: "021-5555 0000".into(), ..Default::default() }).unwrap();
    let mut d = draft(a, Some(liu), ymd(2026, 11, 24), "14:30");
    d.purpose = "治疗".into();
    d.item_id = Some(item.0);
    book(&mut c.conn, &c.clock, SYSTEM_STAFF, &d).unwrap();
    let other = c.customer("王芳", "13800000002");
    let cancelled = book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(other, None, ymd(2026, 11, 24), "09:00")).unwrap();
    cancel(&mut c.conn, &c.clock, SYSTEM_STAFF, cancelled.id, None).unwrap();
    let list = reminders(&c.conn, ymd(2026, 11, 24)).unwrap();
    assert_eq!(list.len(), 1, "cancelled appointments get no reminder");
    assert_eq!(
        list[0].text,
        "张小美您好，留客医美提醒您：您预约了11月24日（周二） 14:30 的治疗（热玛吉），由刘医生接待。地址：幸福路 8 号 2 楼。如需改期请致电 021-5555 0000。"
    );
}

#[test]
fn the_week_book_has_a_column_per_doctor_and_the_weeks_appointments() {
    let mut c = Clinic::on(today());
    let (liu, chen) = (doctor(&c, "刘医生"), doctor(&c, "陈医生"));
    let a = c.customer("张小美", "13800000001");
    book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(a, Some(chen), ymd(2026, 11, 29), "10:00")).unwrap();
    book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(a, None, ymd(2026, 11, 30), "10:00")).unwrap();
    let week = book_for(&c.conn, week_start(ymd(2026, 11, 26)), 7).unwrap();
    assert_eq!(week.days.first().map(String::as_str), Some("2026-11-23"));
    assert_eq!(week.days.last().map(String::as_str), Some("2026-11-29"));
    assert_eq!(week.appointments.len(), 1, "the 30th is next week");
    let ids: Vec<Option<i64>> = week.columns.iter().map(|col| col.staff_id).collect();
    assert!(ids.contains(&Some(liu)) && ids.contains(&Some(chen)));
}

/// October 2026, worked by hand. Visits (customer, day): A 10-05, A 10-20,
/// B 10-08, C 10-10, D 10-12 = 5 visits.
/// - A on 10-05 books 10-20 that day: counts.
/// - A on 10-20 books nothing: no.
/// - B on 10-08 books for 10-08 itself (later that day): not a future day, no.
/// - C on 10-10 books 11-01 and cancels the same day: gone by day end, no.
/// - D on 10-12 books 11-15 and cancels on 10-13: it stood at day end, counts.
/// - E books by phone on 10-14 with no visit: not a visit, not counted.
///   rebooked_rate = 2 / 5 = 0.4
#[test]
fn the_rebooking_rate_counts_visits_that_left_with_a_future_appointment_booked_that_day() {
    let mut c = Clinic::on(ymd(2026, 10, 5));
    let (a, b, cc, d, e) = (
        c.customer("A", "13800000001"),
        c.customer("B", "13800000002"),
        c.customer("C", "13800000003"),
        c.customer("D", "13800000004"),
        c.customer("E", "13800000005"),
    );
    let visit = |c: &mut Clinic, who: CustomerId, day: NaiveDate| {
        on(c, day);
        c.arrive(who, day);
    };
    visit(&mut c, a, ymd(2026, 10, 5));
    book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(a, None, ymd(2026, 10, 20), "10:00")).unwrap();
    visit(&mut c, b, ymd(2026, 10, 8));
    book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(b, None, ymd(2026, 10, 8), "18:00")).unwrap();
    visit(&mut c, cc, ymd(2026, 10, 10));
    let gone = book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(cc, None, ymd(2026, 11, 1), "10:00")).unwrap();
    cancel(&mut c.conn, &c.clock, SYSTEM_STAFF, gone.id, None).unwrap();
    visit(&mut c, d, ymd(2026, 10, 12));
    let later = book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(d, None, ymd(2026, 11, 15), "10:00")).unwrap();
    on(&mut c, ymd(2026, 10, 13));
    cancel(&mut c.conn, &c.clock, SYSTEM_STAFF, later.id, None).unwrap();
    on(&mut c, ymd(2026, 10, 14));
    book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(e, None, ymd(2026, 10, 30), "10:00")).unwrap();
    visit(&mut c, a, ymd(2026, 10, 20));
    let f = report::monthly(&c.conn, Month::parse("2026-10").unwrap()).unwrap();
    assert_eq!(f.visits, 5);
    assert_eq!(f.rebooked_rate, Some(0.4));
    // November has no visits: the rate is null, not 0.
    assert_eq!(report::monthly(&c.conn, Month::parse("2026-11").unwrap()).unwrap().rebooked_rate, None);
}

/// Moves on the visit day count as the day ended; later ones do not.
///   A visits 10-05, books 10-20 that day, moves it to 10-05 18:00 that same day → not rebooked
///   B visits 10-08, books 10-08 18:00 that day, moves it to 10-22 that same day → rebooked
///   C visits 10-10, books 11-01 that day, moves it to 11-03 the next day → rebooked (a later move changes nothing)
///   D visits 10-12, books 10-25 that day, moves it to 10-12 19:00 that same day → not rebooked
///   rebooked_rate = 2 / 4 = 0.5 (reading the day as first booked would give A, C, D: 0.75)
#[test]
fn the_rebooking_rate_reads_each_appointment_as_it_stood_when_the_visit_day_ended() {
    let mut c = Clinic::on(ymd(2026, 10, 5));
    let (a, b, cc) = (c.customer("A", "13800000001"), c.customer("B", "13800000002"), c.customer("C", "13800000003"));
    let visit = |c: &mut Clinic, who: CustomerId, day: NaiveDate| {
        on(c, day);
        c.arrive(who, day);
    };
    visit(&mut c, a, ymd(2026, 10, 5));
    let next = book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(a, None, ymd(2026, 10, 20), "10:00")).unwrap();
    reschedule(&mut c.conn, &c.clock, SYSTEM_STAFF, next.id, "2026-10-05", "18:00", None, None).unwrap();
    visit(&mut c, b, ymd(2026, 10, 8));
    let tonight = book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(b, None, ymd(2026, 10, 8), "18:00")).unwrap();
    reschedule(&mut c.conn, &c.clock, SYSTEM_STAFF, tonight.id, "2026-10-22", "10:00", None, None).unwrap();
    visit(&mut c, cc, ymd(2026, 10, 10));
    let later = book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(cc, None, ymd(2026, 11, 1), "10:00")).unwrap();
    on(&mut c, ymd(2026, 10, 11));
    reschedule(&mut c.conn, &c.clock, SYSTEM_STAFF, later.id, "2026-11-03", "10:00", None, None).unwrap();
    let d = c.customer("D", "13800000004");
    visit(&mut c, d, ymd(2026, 10, 12));
    let soon = book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(d, None, ymd(2026, 10, 25), "10:00")).unwrap();
    reschedule(&mut c.conn, &c.clock, SYSTEM_STAFF, soon.id, "2026-10-12", "19:00", None, None).unwrap();
    let f = report::monthly(&c.conn, Month::parse("2026-10").unwrap()).unwrap();
    assert_eq!(f.visits, 4);
    assert_eq!(f.rebooked_rate, Some(0.5));
}

#[test]
fn an_appointments_booking_cannot_be_rewritten_by_sql() {
    let mut c = Clinic::on(today());
    let a = c.customer("张小美", "13800000001");
    let b = c.customer("王芳", "13800000002");
    let appt = book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(a, None, ymd(2026, 11, 25), "10:00")).unwrap();
    let before = get(&c.conn, appt.id).unwrap();
    for sql in [
        "UPDATE appointments SET customer_id = ?2 WHERE id = ?1",
        "UPDATE appointments SET booked_on = '2026-10-01' WHERE id = ?1 AND ?2 > 0",
        "UPDATE appointments SET booked_for = '2026-12-01' WHERE id = ?1 AND ?2 > 0",
        "UPDATE appointments SET purpose = '治疗' WHERE id = ?1 AND ?2 > 0",
        "UPDATE appointments SET created_by = ?2 WHERE id = ?1",
    ] {
        assert!(c.conn.execute(sql, [appt.id, b.0]).is_err(), "{sql}");
    }
    cancel(&mut c.conn, &c.clock, SYSTEM_STAFF, appt.id, Some("出差")).unwrap();
    assert!(c.conn.execute("UPDATE appointments SET status = 'booked' WHERE id = ?1", [appt.id]).is_err(), "a cancellation is final");
    assert!(c.conn.execute("UPDATE appointments SET day = '2026-11-26' WHERE id = ?1", [appt.id]).is_err(), "only a booked one moves");
    let after = get(&c.conn, appt.id).unwrap();
    assert_eq!((after.customer_id, after.date, after.purpose, after.booked_on), (before.customer_id, before.date, before.purpose, before.booked_on));
}

#[test]
fn appointment_history_is_append_only_and_appointments_are_never_deleted() {
    let mut c = Clinic::on(today());
    let a = c.customer("张小美", "13800000001");
    let appt = book(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(a, None, ymd(2026, 11, 25), "10:00")).unwrap();
    assert!(c.conn.execute("UPDATE appointment_events SET detail = 'x'", []).is_err());
    assert!(c.conn.execute("DELETE FROM appointment_events", []).is_err());
    assert!(c.conn.execute("DELETE FROM appointments WHERE id = ?1", [appt.id]).is_err());
}

#[test]
fn an_unknown_stored_status_is_an_error_not_booked() {
    use rusqlite::types::{FromSql, ValueRef};
    assert!(Status::column_result(ValueRef::Text(b"lost")).is_err());
    assert_eq!(Status::column_result(ValueRef::Text(b"no_show")).unwrap(), Status::NoShow);
    assert!(crate::triage::Status::column_result(ValueRef::Text(b"gone")).is_err());
    assert_eq!(crate::triage::Status::column_result(ValueRef::Text(b"left")).unwrap(), crate::triage::Status::Left);
}
