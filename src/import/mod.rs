//! Imports: a clinic's existing records brought in from CSV files, whole or not
//! at all. Each kind reads its file through [`table`], validates every row
//! (collecting every problem with its line and column), and writes inside one
//! transaction that is committed only when nothing is wrong and this is not a
//! dry run. Re-importing a file already imported changes nothing.

pub mod arrivals;
pub mod consumption;
pub mod customers;
pub mod executions;
#[cfg(test)]
mod fuzz;
pub mod rows;
pub mod table;

use rusqlite::Transaction;
use serde::Serialize;

use crate::catch_up::Touched;
use crate::clock::Clock;
use crate::error::{Error, Problem, Result};

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Which import: `customers`, …
    pub kind: &'static str,
    /// The encoding the file was read in.
    pub encoding: Option<table::Encoding>,
    /// Data rows read.
    pub rows: usize,
    /// Records created.
    pub created: usize,
    /// Records changed.
    pub updated: usize,
    /// Rows that matched a record exactly (a re-import).
    pub unchanged: usize,
    /// Headers in the file that the import does not use.
    pub ignored_columns: Vec<String>,
    /// True when nothing was written because only validation was asked for.
    pub dry_run: bool,
}

impl ImportReport {
    /// An empty report for a file just read.
    pub fn new(kind: &'static str, encoding: table::Encoding, table: &table::Table, dry_run: bool) -> Self {
        ImportReport {
            kind,
            encoding: Some(encoding),
            rows: table.row_count,
            ignored_columns: table.header.ignored.clone(),
            dry_run,
            ..Default::default()
        }
    }

    /// One line for staff: what was done.
    pub fn summary(&self) -> String {
        let verb = if self.dry_run { "检查通过（未写入）" } else { "导入完成" };
        let mut s = format!(
            "{verb}：共 {} 行，新增 {}，更新 {}，未变 {}",
            self.rows, self.created, self.updated, self.unchanged
        );
        if !self.ignored_columns.is_empty() {
            s.push_str(&format!("；未使用的列：{}", self.ignored_columns.join("、")));
        }
        s
    }
}

/// A file decoded and read into rows, with the problems found so far and an
/// empty report: where every fact import starts.
pub struct Opened {
    pub table: table::Table,
    pub problems: Vec<Problem>,
    pub report: ImportReport,
}

pub fn open(kind: &'static str, bytes: &[u8], columns: &[table::Column], dry_run: bool) -> Result<Opened> {
    let (text, encoding) = table::decode(bytes).map_err(|p| Error::Import(vec![p]))?;
    let table = table::read(&text, columns).map_err(Error::Import)?;
    let report = ImportReport::new(kind, encoding, &table, dry_run);
    Ok(Opened { problems: table.problems.clone(), table, report })
}

/// Ends an import: with any problem, nothing is written and every problem is
/// returned in line order; otherwise the calls and appointments of the
/// customers it touched catch up with their new facts and the transaction is
/// committed, unless this is a dry run.
pub fn finish(tx: Transaction<'_>, clock: &Clock, mut problems: Vec<Problem>, report: ImportReport, touched: &Touched) -> Result<ImportReport> {
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Err(Error::Import(problems));
    }
    if !report.dry_run {
        crate::catch_up::customers(&tx, clock, touched, true)?;
        tx.commit()?;
    }
    Ok(report)
}

/// The four import files of SPEC §7.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Customers,
    Consumption,
    Executions,
    Arrivals,
}

/// Imports one file of the given kind.
pub fn run(kind: Kind, conn: &mut rusqlite::Connection, clock: &crate::clock::Clock, by: crate::staff::StaffId, bytes: &[u8], dry_run: bool) -> Result<ImportReport> {
    match kind {
        Kind::Customers => customers::import(conn, clock, by, bytes, dry_run),
        Kind::Consumption => consumption::import(conn, clock, by, bytes, dry_run),
        Kind::Executions => executions::import(conn, clock, by, bytes, dry_run),
        Kind::Arrivals => arrivals::import(conn, clock, by, bytes, dry_run),
    }
}
