use super::*;
use crate::staff::SYSTEM_STAFF;
use crate::testing::{ymd, yuan, Clinic};

fn entry(month: &str, channel: &str, amount: Option<&str>) -> Entry {
    Entry { month: month.into(), channel: channel.into(), amount: amount.map(yuan) }
}

fn stored(c: &Clinic) -> Vec<(String, String, String)> {
    list(&c.conn).unwrap().into_iter().map(|x| (x.month, x.channel, x.amount.to_string())).collect()
}

fn file(text: &str) -> Vec<u8> {
    text.as_bytes().to_vec()
}

#[test]
fn an_amount_entered_again_replaces_it_and_a_blank_removes_it() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let saved = save(&mut c.conn, &c.clock, SYSTEM_STAFF, &[entry("2026-10", "小红书", Some("8000")), entry("2026-10", "抖音", Some("0"))]).unwrap();
    assert_eq!(saved, Saved { created: 2, ..Default::default() });
    let again = save(&mut c.conn, &c.clock, SYSTEM_STAFF, &[entry("2026-10", " 小红书 ", Some("8,000.00")), entry("2026-10", "抖音", Some("1200.5"))]).unwrap();
    assert_eq!(again, Saved { updated: 1, unchanged: 1, ..Default::default() });
    let removed = save(&mut c.conn, &c.clock, SYSTEM_STAFF, &[entry("2026-10", "抖音", None), entry("2026-09", "美团", None)]).unwrap();
    assert_eq!(removed, Saved { removed: 1, unchanged: 1, ..Default::default() });
    assert_eq!(stored(&c), [("2026-10".into(), "小红书".into(), "8000.00".into())]);
}

#[test]
fn a_future_month_a_negative_amount_or_a_blank_channel_saves_nothing() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let err = save(
        &mut c.conn,
        &c.clock,
        SYSTEM_STAFF,
        &[entry("2026-11", "小红书", Some("100")), entry("2026-12", "小红书", Some("100")), entry("2026-10", "抖音", Some("-5")), entry("2026-10", " ", Some("5"))],
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("2026-12 还没到"), "{text}");
    assert!(text.contains("负数"), "{text}");
    assert!(text.contains("渠道不能为空"), "{text}");
    assert!(stored(&c).is_empty(), "the good entry is not saved either");
    let twice = save(&mut c.conn, &c.clock, SYSTEM_STAFF, &[entry("2026-10", "抖音", Some("1")), entry("2026/10", "抖音", Some("2"))]).unwrap_err();
    assert!(twice.to_string().contains("填了两次"), "{twice}");
}

#[test]
fn months_are_read_as_owners_write_them() {
    for text in ["2026-10", "2026/10", "2026.10", "2026年10月", "2026/10/1", "2026-10-31", " 2026年10月 "] {
        assert_eq!(parse_month(text).map(|m| m.key()), Ok("2026-10".to_string()), "{text}");
    }
    for text in ["10月", "2026-13", "2026-10-32", "二〇二六年十月", "202610", ""] {
        assert!(parse_month(text).is_err(), "{text}");
    }
}

#[test]
fn a_costs_file_is_imported_whole_and_again_changes_nothing() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let csv = file("月份,渠道,金额\n2026-09,小红书,\"8,000\"\n2026年10月,小红书,¥6000\n2026/10,美团,1200.50\n");
    let report = import(&mut c.conn, &c.clock, SYSTEM_STAFF, import::File::new(&csv), false).unwrap();
    assert_eq!((report.rows, report.created, report.updated, report.unchanged), (3, 3, 0, 0));
    let again = import(&mut c.conn, &c.clock, SYSTEM_STAFF, import::File::new(&csv), false).unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 3));
    assert_eq!(
        stored(&c),
        [
            ("2026-10".into(), "小红书".into(), "6000.00".into()),
            ("2026-10".into(), "美团".into(), "1200.50".into()),
            ("2026-09".into(), "小红书".into(), "8000.00".into())
        ]
    );
}

#[test]
fn a_costs_file_with_a_bad_row_imports_nothing_and_names_every_problem() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let csv = file("渠道,金额,月份\n小红书,100,2026-10\n美团,-3,2026-10\n小红书,200,2026/10\n抖音,5,2027-01\n");
    let err = import(&mut c.conn, &c.clock, SYSTEM_STAFF, import::File::new(&csv), false).unwrap_err();
    let Error::Import(problems) = &err else { panic!("{err}") };
    let lines: Vec<u64> = problems.iter().filter_map(|p| p.line).collect();
    assert_eq!(lines, [3, 4, 5], "{err}");
    assert!(problems[1].reason.contains("第 2 行已经有了"), "{}", problems[1].reason);
    assert!(stored(&c).is_empty());
    // A dry run of a good file writes nothing either.
    let good = file("月份,渠道,金额\n2026-10,小红书,100\n");
    let dry = import(&mut c.conn, &c.clock, SYSTEM_STAFF, import::File::new(&good), true).unwrap();
    assert_eq!(dry.created, 1);
    assert!(stored(&c).is_empty());
}

#[test]
fn the_channels_offered_are_the_customers_then_those_only_costs_name() {
    let mut c = Clinic::on(ymd(2026, 11, 23));
    let draft = |name: &str, phone: &str, channel: Option<&str>| crate::customers::CustomerDraft {
        name: name.into(),
        phone: phone.into(),
        channel: channel.map(str::to_string),
        ..Default::default()
    };
    for (name, phone, channel) in [("A", "13800000001", Some("抖音")), ("B", "13800000002", Some("抖音")), ("C", "13800000003", None)] {
        crate::customers::create(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft(name, phone, channel)).unwrap();
    }
    save(&mut c.conn, &c.clock, SYSTEM_STAFF, &[entry("2026-10", "地推", Some("500"))]).unwrap();
    assert_eq!(channels(&c.conn).unwrap(), ["抖音", "未填", "地推"]);
    let months = of_months(&c.conn, Month::parse("2026-11").unwrap(), Month::parse("2026-11").unwrap()).unwrap();
    assert!(months.is_empty(), "October's cost is not November's");
}
