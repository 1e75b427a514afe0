//! Importing arrivals (到院记录): one row per arrival, for customers already in
//! the archive. Imported arrivals are history: they are on the board as 已离院.

use rusqlite::Connection;

use super::rows::{already_imported, Known, RowCheck, RowKeys};
use super::table::Column;
use super::ImportReport;
use crate::catch_up::Touched;
use crate::clock::Clock;
use crate::error::Result;
use crate::staff::StaffId;
use crate::triage::{self, NewArrival, Status};

pub const COLUMNS: &[Column] = &[
    Column { key: "phone", zh: "手机号", en: "phone", required: true },
    Column { key: "date", zh: "日期", en: "date", required: true },
    Column { key: "kind", zh: "类型", en: "type", required: false },
    Column { key: "channel", zh: "渠道", en: "channel", required: false },
];

pub fn import(conn: &mut Connection, clock: &Clock, by: StaffId, file: super::File<'_>, dry_run: bool) -> Result<ImportReport> {
    let super::Opened { table, mut problems, mut report, mut progress } = super::open("arrivals", file, COLUMNS, dry_run)?;
    let tx = crate::store::write_tx(conn)?;
    let mut keys = RowKeys::default();
    let mut touched = Touched::default();
    let history = crate::followups::HistoryBuffer::start(&tx)?;
    let mut known = Known::default();
    for (i, row) in super::rows::by_customer(&table.header, &table.rows).into_iter().enumerate() {
        progress.row(i);
        let mut check = RowCheck::new(&table.header, row);
        let customer = check.customer(&tx, &mut known)?;
        let date = check.date("date", clock.today());
        let kind = check.cell("kind").and_then(|k| triage::check_kind(k).map_err(|r| check.problem("kind", r)).ok());
        let channel = check.cell("channel").map(str::to_string);
        let (Some((customer, phone)), Some(date), true) = (customer, date, check.problems.is_empty()) else {
            problems.extend(check.problems);
            continue;
        };
        let date_text = date.to_string();
        let key = keys.key("arrival", &[&phone, &date_text, kind.as_deref().unwrap_or(""), channel.as_deref().unwrap_or("")]);
        if already_imported(&tx, "arrivals", &key)? {
            report.unchanged += 1;
            continue;
        }
        let arrival = NewArrival {
            customer_id: customer,
            date,
            kind,
            channel,
            purpose: None,
            assigned_to: None,
            department: None,
            status: Status::Left,
            import_key: Some(key),
        };
        triage::insert_tx(&tx, clock, by, &arrival)?;
        touched.add(customer);
        report.created += 1;
    }
    super::finish(tx, clock, problems, report, &touched, &mut progress, Some(history))
}
