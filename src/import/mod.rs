//! Imports: a clinic's existing records brought in from CSV files or Excel
//! workbooks, whole or not at all. Each kind reads its file through [`table`]
//! (a workbook through [`workbook`] into the same rows), validates every row
//! (collecting every problem with its line and column), and writes inside one
//! transaction that is committed only when nothing is wrong and this is not a
//! dry run. Re-importing a file already imported changes nothing.

pub mod arrivals;
pub mod consumption;
pub mod customers;
pub mod executions;
#[cfg(test)]
mod fuzz;
pub mod progress;
pub mod rows;
pub mod table;
pub mod workbook;

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
    /// The encoding a CSV file was read in.
    pub encoding: Option<table::Encoding>,
    /// The worksheet a workbook was read from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
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
    pub fn new(kind: &'static str, encoding: Option<table::Encoding>, table: &table::Table, dry_run: bool) -> Self {
        ImportReport {
            kind,
            encoding,
            sheet: table.sheet.clone(),
            rows: table.row_count,
            ignored_columns: table.header.ignored.clone(),
            dry_run,
            ..Default::default()
        }
    }

    /// One line for staff: what was done.
    pub fn summary(&self) -> String {
        let verb = if self.dry_run { "检查通过（未写入）" } else { "导入完成" };
        let mut s = match &self.sheet {
            Some(sheet) => format!("工作表「{sheet}」"),
            None => String::new(),
        };
        s.push_str(&format!("{verb}：共 {} 行，新增 {}，更新 {}，未变 {}", self.rows, self.created, self.updated, self.unchanged));
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
    pub progress: progress::Tracker,
}

/// An import file as it arrived: its bytes, for a workbook the sheet asked
/// for (the first when none), and where to report how far the import has got.
#[derive(Debug, Clone, Copy)]
pub struct File<'a> {
    pub bytes: &'a [u8],
    pub sheet: Option<&'a str>,
    pub watch: Option<&'a progress::Watch>,
}

impl<'a> File<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        File { bytes, sheet: None, watch: None }
    }
}

/// Reads a CSV file or a workbook (told apart by their first bytes, whatever
/// the file is called) into rows.
pub fn read(file: File<'_>, columns: &[table::Column]) -> Result<(table::Table, Option<table::Encoding>)> {
    if workbook::is_workbook(file.bytes) {
        return Ok((workbook::read(file.bytes, file.sheet, columns).map_err(Error::Import)?, None));
    }
    if let Some(sheet) = file.sheet {
        return Err(Error::Config(format!("这是 CSV 文件，没有工作表；--sheet「{sheet}」只用于 Excel 工作簿")));
    }
    let (text, encoding) = table::decode(file.bytes).map_err(|p| Error::Import(vec![p]))?;
    Ok((table::read(&text, columns).map_err(Error::Import)?, Some(encoding)))
}

pub fn open(kind: &'static str, file: File<'_>, columns: &[table::Column], dry_run: bool) -> Result<Opened> {
    let unwatched = progress::Watch::default();
    let mut progress = progress::Tracker::start(file.watch.unwrap_or(&unwatched), kind);
    let (table, encoding) = read(file, columns)?;
    progress.rows(table.rows.len());
    let report = ImportReport::new(kind, encoding, &table, dry_run);
    Ok(Opened { problems: table.problems.clone(), table, report, progress })
}

/// Ends an import: with any problem, nothing is written and every problem is
/// returned in line order; otherwise the calls and appointments of the
/// customers it touched catch up with their new facts and the transaction is
/// committed, unless this is a dry run.
pub fn finish(
    tx: Transaction<'_>,
    clock: &Clock,
    problems: Vec<Problem>,
    report: ImportReport,
    touched: &Touched,
    progress: &mut progress::Tracker,
    history: Option<crate::followups::HistoryBuffer>,
) -> Result<ImportReport> {
    refuse_problems(problems, &report)?;
    if !report.dry_run {
        progress.catching_up();
        crate::prepaid::finish_bulk(&tx)?;
        if let Some(history) = history {
            history.finish(&tx, clock)?;
        }
        crate::catch_up::customers(&tx, clock, touched, true)?;
        tx.commit()?;
    }
    Ok(report)
}

/// With any problem, the import's error: every problem in line order, with
/// the worksheet it was found in.
pub fn refuse_problems(mut problems: Vec<Problem>, report: &ImportReport) -> Result<()> {
    if problems.is_empty() {
        return Ok(());
    }
    problems.sort_by_key(|p| p.line);
    for p in &mut problems {
        p.sheet = report.sheet.clone();
    }
    Err(Error::Import(problems))
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

/// SQLite's page cache while an import runs (KiB): a whole file is one
/// transaction, and with the usual 2 MB its dirty pages spill to the log
/// and its index pages are read again and again.
const IMPORT_CACHE_KIB: i64 = 256 * 1024;

/// Imports one file of the given kind.
pub fn run(kind: Kind, conn: &mut rusqlite::Connection, clock: &Clock, by: crate::staff::StaffId, file: File<'_>, dry_run: bool) -> Result<ImportReport> {
    let usual: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    conn.pragma_update(None, "cache_size", -IMPORT_CACHE_KIB)?;
    // Each statement's undo copy stays in memory rather than a temp file.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    let result = match kind {
        Kind::Customers => customers::import(conn, clock, by, file, dry_run),
        Kind::Consumption => consumption::import(conn, clock, by, file, dry_run),
        Kind::Executions => executions::import(conn, clock, by, file, dry_run),
        Kind::Arrivals => arrivals::import(conn, clock, by, file, dry_run),
    };
    conn.pragma_update(None, "cache_size", usual)?;
    result
}
