//! Property tests of the importers: whatever bytes arrive — broken CSV, wrong
//! encodings, stray quotes, huge numbers, dates that do not exist — an import
//! never panics, and it either succeeds or changes nothing. The run is bounded
//! (cases below) so it fits in every CI run.

use proptest::prelude::*;

use super::{run, Kind};
use crate::clock::Clock;
use crate::staff::SYSTEM_STAFF;

fn clinic() -> (rusqlite::Connection, Clock) {
    let mut conn = crate::store::open_in_memory().unwrap();
    let clock = Clock::fixed(chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
    let seed = "姓名,手机号\n张小美,13800000001\n李娜,13800000002\n";
    run(Kind::Customers, &mut conn, &clock, SYSTEM_STAFF, super::File::new(seed.as_bytes()), false).unwrap();
    (conn, clock)
}

/// Every row of the tables an import can touch, to compare before and after.
fn snapshot(conn: &rusqlite::Connection) -> Vec<i64> {
    ["customers", "customer_tags", "items", "orders", "order_lines", "payments", "refunds", "executions", "arrivals", "tasks"]
        .iter()
        .map(|t| conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0)).unwrap())
        .collect()
}

/// Cells that look like what clinics type, and what they should not.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("13800000001".to_string()),
        Just("138 0000 0002".to_string()),
        Just("2026-02-29".to_string()),
        Just("2026/10/5".to_string()),
        Just("2099-01-01".to_string()),
        Just("-¥1,234.567".to_string()),
        Just("99999999999999999999".to_string()),
        Just("\"".to_string()),
        Just("水光针".to_string()),
        Just("注射".to_string()),
        "[0-9]{1,12}",
        "[\\PC]{0,12}",
    ]
}

fn csv_file(header: &'static str) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop::collection::vec(cell(), 0..8), 0..12).prop_map(move |rows| {
        let mut text = format!("{header}\n");
        for r in rows {
            text.push_str(&r.join(","));
            text.push('\n');
        }
        text.into_bytes()
    })
}

fn check(kind: Kind, bytes: &[u8]) -> Result<(), TestCaseError> {
    let (mut conn, clock) = clinic();
    let before = snapshot(&conn);
    // A panic fails the property; an Err must leave everything as it was.
    if run(kind, &mut conn, &clock, SYSTEM_STAFF, super::File::new(bytes), false).is_err() {
        prop_assert_eq!(snapshot(&conn), before);
    }
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    prop_assert_eq!(check, "ok");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_never_panic_an_importer(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        for kind in [Kind::Customers, Kind::Consumption, Kind::Executions, Kind::Arrivals] {
            check(kind, &bytes)?;
        }
    }

    #[test]
    fn customer_files_import_whole_or_not_at_all(bytes in csv_file("姓名,手机号,性别,生日,推荐人手机号,不接受营销")) {
        check(Kind::Customers, &bytes)?;
    }

    #[test]
    fn consumption_files_import_whole_or_not_at_all(bytes in csv_file("手机号,日期,项目,项目类别,次数,实收金额,已执行次数,单号")) {
        check(Kind::Consumption, &bytes)?;
    }

    #[test]
    fn execution_and_arrival_files_import_whole_or_not_at_all(bytes in csv_file("手机号,日期,项目,次数")) {
        check(Kind::Executions, &bytes)?;
        check(Kind::Arrivals, &bytes)?;
    }
}
