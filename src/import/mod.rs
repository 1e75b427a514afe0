//! Imports: a clinic's existing records brought in from CSV files, whole or not
//! at all. Each kind reads its file through [`table`], validates every row
//! (collecting every problem with its line and column), and writes inside one
//! transaction that is committed only when nothing is wrong and this is not a
//! dry run. Re-importing a file already imported changes nothing.

pub mod customers;
pub mod table;

use serde::Serialize;

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
