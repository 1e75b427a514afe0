//! Importing customers (客户): one row per customer, keyed by phone. A phone
//! already in the archive updates that customer with the file's non-blank
//! cells (tags are added, never removed), so importing the same file twice
//! changes nothing. Referrers may be in the archive or anywhere in the file.

use std::collections::{HashMap, HashSet};

use rusqlite::Connection;

use super::table::{Column, Header, Row};
use super::ImportReport;
use crate::clock::Clock;
use crate::customers::{self, CustomerDraft, CustomerId, CustomerValues};
use crate::error::{Problem, Result};
use crate::staff::StaffId;

/// The columns of a customer file (SPEC §7).
pub const COLUMNS: &[Column] = &[
    Column { key: "name", zh: "姓名", en: "name", required: true },
    Column { key: "phone", zh: "手机号", en: "phone", required: true },
    Column { key: "gender", zh: "性别", en: "gender", required: false },
    Column { key: "birthday", zh: "生日", en: "birthday", required: false },
    Column { key: "channel", zh: "来源渠道", en: "channel", required: false },
    Column { key: "referrer_phone", zh: "推荐人手机号", en: "referrer_phone", required: false },
    Column { key: "consultant", zh: "顾问", en: "consultant", required: false },
    Column { key: "tags", zh: "标签", en: "tags", required: false },
    Column { key: "marketing_opt_out", zh: "不接受营销", en: "marketing_opt_out", required: false },
    Column { key: "notes", zh: "备注", en: "notes", required: false },
];

/// A validated row: its values, and which cells it filled.
struct Parsed {
    values: CustomerValues,
    filled: Vec<&'static str>,
}

fn draft_of(header: &Header, row: &Row) -> (CustomerDraft, Vec<&'static str>, Vec<Problem>) {
    let cell = |k: &str| header.cell(row, k).map(str::to_string);
    let mut problems = Vec::new();
    let marketing_opt_out = match header.cell(row, "marketing_opt_out") {
        None => false,
        Some(text) => crate::parse::yes_no(text).unwrap_or_else(|reason| {
            problems.push(Problem::at(row.line, header.label("marketing_opt_out"), reason));
            false
        }),
    };
    let draft = CustomerDraft {
        name: cell("name").unwrap_or_default(),
        phone: cell("phone").unwrap_or_default(),
        gender: cell("gender"),
        birthday: cell("birthday"),
        channel: cell("channel"),
        referrer_phone: cell("referrer_phone"),
        consultant: cell("consultant"),
        tags: cell("tags").into_iter().collect(),
        marketing_opt_out,
        notes: cell("notes"),
        ..Default::default()
    };
    let filled = COLUMNS.iter().map(|c| c.key).filter(|k| header.cell(row, k).is_some()).collect();
    (draft, filled, problems)
}

/// Validates every row on its own, and phones repeated within the file.
fn parse_rows(header: &Header, rows: &[Row], clock: &Clock) -> (Vec<Parsed>, Vec<Problem>) {
    let mut parsed = Vec::new();
    let mut problems = Vec::new();
    let mut first_line_of: HashMap<String, u64> = HashMap::new();
    for row in rows {
        let (draft, filled, mut row_problems) = draft_of(header, row);
        match customers::validate(&draft, clock.today()) {
            Ok(values) => {
                if let Some(first) = first_line_of.get(&values.phone) {
                    row_problems.push(Problem::at(row.line, header.label("phone"), format!("手机号 {} 与第 {first} 行重复，同一客户只能有一行", values.phone)));
                } else {
                    first_line_of.insert(values.phone.clone(), row.line);
                }
                if row_problems.is_empty() {
                    parsed.push(Parsed { values, filled });
                }
            }
            Err(field_problems) => {
                row_problems.extend(field_problems.into_iter().map(|p| Problem::at(row.line, header.label(&p.column), p.reason)));
            }
        }
        problems.extend(row_problems);
    }
    (parsed, problems)
}

/// The existing customer's values with the row's filled cells laid over them.
fn merged(existing: &CustomerValues, row: &Parsed) -> CustomerValues {
    let mut v = existing.clone();
    let new = &row.values;
    for key in &row.filled {
        match *key {
            "name" => v.name = new.name.clone(),
            "gender" => v.gender = new.gender,
            "birthday" => v.birthday = new.birthday,
            "channel" => v.channel = new.channel.clone(),
            "referrer_phone" => v.referrer_phone = new.referrer_phone.clone(),
            "consultant" => v.consultant = new.consultant.clone(),
            "tags" => {
                for t in &new.tags {
                    if !v.tags.contains(t) {
                        v.tags.push(t.clone());
                    }
                }
                v.tags.sort();
            }
            "marketing_opt_out" => v.marketing_opt_out = new.marketing_opt_out,
            "notes" => v.notes = new.notes.clone(),
            _ => {}
        }
    }
    v
}

/// Imports a customer file: all of it, or nothing and every problem.
pub fn import(conn: &mut Connection, clock: &Clock, by: StaffId, file: super::File<'_>, dry_run: bool) -> Result<ImportReport> {
    let super::Opened { table, mut problems, mut report, mut progress } = super::open("customers", file, COLUMNS, dry_run)?;
    let header = &table.header;
    let (parsed, row_problems) = parse_rows(header, &table.rows, clock);
    problems.extend(row_problems);
    let phone_of = |row: &Row, key: &str| header.cell(row, key).and_then(|p| crate::phone::normalize(p).ok());
    let in_file: HashSet<String> = table.rows.iter().filter_map(|r| phone_of(r, "phone")).collect();

    let tx = crate::store::write_tx(conn)?;
    // Every row's referrer is checked, even a row with other problems, so one pass shows them all.
    for row in &table.rows {
        if let Some(referrer) = phone_of(row, "referrer_phone") {
            if !in_file.contains(&referrer) && customers::id_by_phone(&tx, &referrer)?.is_none() {
                problems.push(Problem::at(row.line, header.label("referrer_phone"), format!("推荐人手机号 {referrer} 既不在客户档案中，也不在本文件里")));
            }
        }
    }
    if !problems.is_empty() {
        return super::finish(tx, clock, problems, report, &Default::default(), &mut progress, None);
    }

    // First every customer, then the referrer links, so a referrer may come later in the file.
    let mut touched = crate::catch_up::Touched::default();
    let mut written: Vec<(CustomerId, &Parsed, CustomerValues)> = Vec::with_capacity(parsed.len());
    for (i, row) in parsed.iter().enumerate() {
        progress.row(i);
        match customers::id_by_phone(&tx, &row.values.phone)? {
            None => {
                let id = customers::insert_tx(&tx, clock, by, &row.values, None)?;
                report.created += 1;
                written.push((id, row, row.values.clone()));
            }
            Some(id) => {
                let existing = customers::values_of(&customers::get(&tx, id)?);
                let values = merged(&existing, row);
                if values == existing {
                    report.unchanged += 1;
                } else {
                    customers::update_tx(&tx, clock, by, id, &values, referrer_id(&tx, &existing.referrer_phone)?)?;
                    touched.add(id);
                    report.updated += 1;
                }
                written.push((id, row, values));
            }
        }
    }
    for (id, _, values) in &written {
        if let Some(referrer) = referrer_id(&tx, &values.referrer_phone)? {
            if referrer == *id {
                continue;
            }
            tx.execute(
                "UPDATE customers SET referrer_id = ?1 WHERE id = ?2 AND referrer_id IS NOT ?1",
                [referrer.0, id.0],
            )?;
        }
    }
    super::finish(tx, clock, Vec::new(), report, &touched, &mut progress, None)
}

fn referrer_id(conn: &Connection, phone: &Option<String>) -> Result<Option<CustomerId>> {
    match phone {
        Some(p) => customers::id_by_phone(conn, p),
        None => Ok(None),
    }
}
