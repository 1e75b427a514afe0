use super::*;
use crate::desk::update_customer as update;
use crate::staff::SYSTEM_STAFF;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn setup() -> (Connection, Clock) {
    (crate::store::open_in_memory().unwrap(), Clock::fixed(today()))
}

fn draft(name: &str, phone: &str) -> CustomerDraft {
    CustomerDraft { name: name.into(), phone: phone.into(), ..Default::default() }
}

fn fields(problems: &[Problem]) -> Vec<&str> {
    problems.iter().map(|p| p.column.as_str()).collect()
}

#[test]
fn a_customer_is_stored_with_every_field_normalised() {
    let (mut conn, clock) = setup();
    let d = CustomerDraft {
        gender: Some("女".into()),
        birthday: Some("1990/3/8".into()),
        channel: Some(" 小红书 ".into()),
        consultant: Some("李咨询".into()),
        tags: vec!["怕疼；VIP".into()],
        marketing_opt_out: true,
        notes: Some("只接受下午来电".into()),
        skin_type: Some("混合偏油".into()),
        allergies: Some("利多卡因".into()),
        care_preferences: Some("喜欢玫瑰精油".into()),
        ..draft("张小美", "138 1234 5678")
    };
    let id = create(&mut conn, &clock, SYSTEM_STAFF, &d).unwrap();
    let c = get(&conn, id).unwrap();
    assert_eq!(c.phone, "13812345678");
    assert_eq!(c.gender.as_deref(), Some("F"));
    assert_eq!(c.birthday.as_deref(), Some("1990-03-08"));
    assert_eq!(c.channel.as_deref(), Some("小红书"));
    assert_eq!(c.tags, vec!["VIP", "怕疼"]);
    assert!(c.marketing_opt_out);
    assert_eq!(c.allergies.as_deref(), Some("利多卡因"));
    assert_eq!(c.created_by, "系统");
}

#[test]
fn every_problem_of_a_form_is_reported_at_once() {
    let d = CustomerDraft { gender: Some("未知".into()), birthday: Some("2027-01-01".into()), ..draft("", "12345") };
    let problems = validate(&d, today()).unwrap_err();
    assert_eq!(fields(&problems), ["name", "phone", "gender", "birthday"]);
    assert!(problems[3].reason.contains("晚于今天"));
}

#[test]
fn a_birthday_today_is_accepted_and_tomorrow_is_not() {
    let mut d = draft("新生", "13800000000");
    d.birthday = Some("2026-11-23".into());
    assert!(validate(&d, today()).is_ok());
    d.birthday = Some("2026-11-24".into());
    assert!(validate(&d, today()).is_err());
}

#[test]
fn a_phone_already_in_the_archive_is_refused_with_the_owner_named() {
    let (mut conn, clock) = setup();
    create(&mut conn, &clock, SYSTEM_STAFF, &draft("张小美", "13812345678")).unwrap();
    let err = create(&mut conn, &clock, SYSTEM_STAFF, &draft("张三", "+86 13812345678")).unwrap_err();
    assert!(err.to_string().contains("张小美"), "{err}");
    assert_eq!(count(&conn).unwrap(), 1);
}

#[test]
fn a_referrer_must_already_be_a_customer() {
    let (mut conn, clock) = setup();
    let mut d = draft("王芳", "15011112222");
    d.referrer_phone = Some("13812345678".into());
    let err = create(&mut conn, &clock, SYSTEM_STAFF, &d).unwrap_err();
    assert_eq!(err.problems()[0].column, "referrer_phone");
    assert_eq!(count(&conn).unwrap(), 0, "nothing written");
    let referrer = create(&mut conn, &clock, SYSTEM_STAFF, &draft("张小美", "13812345678")).unwrap();
    let id = create(&mut conn, &clock, SYSTEM_STAFF, &d).unwrap();
    assert_eq!(get(&conn, id).unwrap().referrer_name.as_deref(), Some("张小美"));
    assert_eq!(file(&conn, referrer).unwrap().referred.len(), 1);
}

#[test]
fn nobody_refers_themselves() {
    let mut d = draft("王芳", "15011112222");
    d.referrer_phone = Some("150-1111-2222".into());
    assert_eq!(fields(&validate(&d, today()).unwrap_err()), ["referrer_phone"]);
}

#[test]
fn an_edit_replaces_fields_and_records_who_made_it() {
    let (mut conn, clock) = setup();
    let owner = crate::staff::create(
        &conn,
        &clock,
        SYSTEM_STAFF,
        &crate::staff::StaffDraft { name: "院长".into(), role: crate::staff::Role::Owner, active: true },
    )
    .unwrap();
    let id = create(&mut conn, &clock, SYSTEM_STAFF, &CustomerDraft { tags: vec!["怕疼".into()], ..draft("张小美", "13812345678") }).unwrap();
    let edited = CustomerDraft { tags: vec!["敏感肌".into()], ..draft("张小美", "13912345678") };
    update(&mut conn, &clock, owner.id, id, &edited).unwrap();
    let c = get(&conn, id).unwrap();
    assert_eq!(c.phone, "13912345678");
    assert_eq!(c.tags, vec!["敏感肌"]);
    assert_eq!(c.updated_by, "院长");
    assert_eq!(c.created_by, "系统");
}

#[test]
fn editing_a_missing_customer_says_so() {
    let (mut conn, clock) = setup();
    let err = update(&mut conn, &clock, SYSTEM_STAFF, CustomerId(42), &draft("甲", "13800000000")).unwrap_err();
    assert_eq!(err.code(), "not_found");
}

#[test]
fn memory_points_are_added_and_removed_but_kept_in_the_table() {
    let (mut conn, clock) = setup();
    let id = create(&mut conn, &clock, SYSTEM_STAFF, &draft("张小美", "13812345678")).unwrap();
    let m = add_memory_point(&conn, &clock, SYSTEM_STAFF, id, " 超级怕疼 ").unwrap();
    assert_eq!(m.text, "超级怕疼");
    add_memory_point(&conn, &clock, SYSTEM_STAFF, id, "喜欢玫瑰").unwrap();
    remove_memory_point(&conn, &clock, SYSTEM_STAFF, m.id).unwrap();
    let left: Vec<String> = memory_points(&conn, id).unwrap().into_iter().map(|m| m.text).collect();
    assert_eq!(left, ["喜欢玫瑰"]);
    let rows: i64 = conn.query_row("SELECT count(*) FROM memory_points", [], |r| r.get(0)).unwrap();
    assert_eq!(rows, 2);
    assert!(add_memory_point(&conn, &clock, SYSTEM_STAFF, id, "  ").is_err());
}

#[test]
fn the_file_masks_the_phone() {
    let (mut conn, clock) = setup();
    let id = create(&mut conn, &clock, SYSTEM_STAFF, &draft("张小美", "13812345678")).unwrap();
    assert_eq!(file(&conn, id).unwrap().phone_masked, "138****5678");
}
