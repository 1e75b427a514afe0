//! Reading an import file into rows: the encoding (UTF-8 with or without BOM,
//! or GB18030/GBK as Excel in Chinese saves it, detected automatically), the
//! CSV itself, and the header row (Chinese or English names, any order, any
//! case). Every row keeps its line number so problems can point at it. A
//! workbook ([`super::workbook`]) reads into the same rows, its cells keeping
//! their numbers and dates.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::error::Problem;

/// One column an import understands.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The field key.
    pub key: &'static str,
    /// The Chinese header.
    pub zh: &'static str,
    /// The English header.
    pub en: &'static str,
    /// Whether the file must have it and every row must fill it.
    pub required: bool,
}

/// Which encoding a file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    Utf8,
    Gb18030,
}

/// Decodes the file's bytes: UTF-8 when they are valid UTF-8 (a BOM is
/// dropped), otherwise GB18030, a superset of GBK and GB2312.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), Problem> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(body) {
        return Ok((text.to_string(), Encoding::Utf8));
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(Problem::at(1, "", "文件是 UTF-16 编码（Excel 的「Unicode 文本」），请在 Excel 中另存为「CSV UTF-8」或「CSV（逗号分隔）」"));
    }
    let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
    if had_errors {
        return Err(Problem::at(1, "", "文件编码无法识别（既不是 UTF-8 也不是 GBK），请在 Excel 中另存为「CSV UTF-8」后再导入"));
    }
    Ok((text.into_owned(), Encoding::Gb18030))
}

/// A data row: its line in the file (a workbook's row number) and its cells.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    cells: Vec<Cell>,
}

/// One cell: its text (what a text field reads), and what a workbook said it
/// holds. A CSV cell is always text.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    text: String,
    value: Value,
}

/// What a cell holds beyond its text.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Value {
    Text,
    Number(Decimal),
    Date(NaiveDate),
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), value: Value::Text }
    }

    /// A number cell; its text is the number written plainly (`13812345678`, `-149.5`).
    pub fn number(n: Decimal) -> Cell {
        Cell { text: n.normalize().to_string(), value: Value::Number(n) }
    }

    /// A date cell; its text is `YYYY-MM-DD`.
    pub fn date(d: NaiveDate) -> Cell {
        Cell { text: d.to_string(), value: Value::Date(d) }
    }

    pub fn text_of(&self) -> &str {
        &self.text
    }
}

/// A non-blank cell as an import reads it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Typed<'r> {
    Text(&'r str),
    Number(Decimal),
    Date(NaiveDate),
}

/// The file's header row, mapped onto the columns an import understands.
#[derive(Debug, Clone)]
pub struct Header {
    /// field key → (index in the row, header as written).
    positions: HashMap<&'static str, (usize, String)>,
    /// Headers the import does not use, as written.
    pub ignored: Vec<String>,
    /// field key → the Chinese header, for messages about absent columns.
    names: HashMap<&'static str, &'static str>,
    /// A workbook's column letters by position, for messages.
    letters: Option<Vec<String>>,
}

impl Header {
    /// The trimmed text of `key`'s cell in `row`, or `None` when the column is absent or the cell blank.
    pub fn cell<'r>(&self, row: &'r Row, key: &str) -> Option<&'r str> {
        let (i, _) = self.positions.get(key)?;
        row.cells.get(*i).map(|c| crate::export::uninert(c.text.trim())).filter(|c| !c.is_empty())
    }

    /// `key`'s cell in `row` with what it holds: a workbook's number or date
    /// as such, anything else as its trimmed text; `None` when blank.
    pub fn typed<'r>(&self, row: &'r Row, key: &str) -> Option<Typed<'r>> {
        let (i, _) = self.positions.get(key)?;
        let cell = row.cells.get(*i)?;
        match cell.value {
            Value::Number(n) => Some(Typed::Number(n)),
            Value::Date(d) => Some(Typed::Date(d)),
            Value::Text => Some(crate::export::uninert(cell.text.trim())).filter(|t| !t.is_empty()).map(Typed::Text),
        }
    }

    /// Whether the column at this position is one the import reads.
    pub fn uses(&self, index: usize) -> bool {
        self.positions.values().any(|(i, _)| *i == index)
    }

    /// Whether the file has this column.
    pub fn has(&self, key: &str) -> bool {
        self.positions.contains_key(key)
    }

    /// The header of `key` as the file writes it (for messages); in a
    /// workbook, with its column letter: `C 列「实收金额」`.
    pub fn label(&self, key: &str) -> String {
        match (self.positions.get(key), &self.letters) {
            (Some((i, written)), Some(letters)) => format!("{} 列「{written}」", letters.get(*i).map_or("", String::as_str)),
            (Some((_, written)), None) => written.clone(),
            (None, _) => self.names.get(key).map_or_else(|| key.to_string(), |zh| zh.to_string()),
        }
    }
}

/// Headers compare without case, blanks or the `*` that marks required columns.
fn header_key(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && *c != '*' && *c != '＊').flat_map(char::to_lowercase).collect()
}

pub(super) fn map_header(cells: &[String], columns: &[Column], letters: Option<Vec<String>>) -> Result<Header, Vec<Problem>> {
    let mut positions: HashMap<&'static str, (usize, String)> = HashMap::new();
    let mut ignored = Vec::new();
    let mut problems = Vec::new();
    for (i, raw) in cells.iter().enumerate() {
        let written = raw.trim().to_string();
        let k = header_key(&written);
        if k.is_empty() {
            continue;
        }
        match columns.iter().find(|c| header_key(c.zh) == k || header_key(c.en) == k) {
            Some(col) => {
                if let Some((_, first)) = positions.get(col.key) {
                    let at = letters.as_ref().and_then(|l| l.get(i)).map_or_else(|| written.clone(), |l| format!("{l} 列「{written}」"));
                    problems.push(Problem::at(1, at, format!("与列「{first}」重复（都是{}），请删去一列", col.zh)));
                } else {
                    positions.insert(col.key, (i, written));
                }
            }
            None => ignored.push(written),
        }
    }
    for col in columns.iter().filter(|c| c.required) {
        if !positions.contains_key(col.key) {
            problems.push(Problem::at(1, col.zh, format!("缺少必填列「{}」（英文表头 {}）", col.zh, col.en)));
        }
    }
    if problems.is_empty() {
        let names = columns.iter().map(|c| (c.key, c.zh)).collect();
        Ok(Header { positions, ignored, names, letters })
    } else {
        Err(problems)
    }
}

/// A file read into rows: the header, the rows that are whole, and the
/// problems of the rows that are not (left out of `rows`).
#[derive(Debug)]
pub struct Table {
    /// The worksheet read, for a workbook.
    pub sheet: Option<String>,
    pub header: Header,
    pub rows: Vec<Row>,
    /// Data rows in the file, whole or not.
    pub row_count: usize,
    pub problems: Vec<Problem>,
}

/// Reads decoded CSV text: the header row mapped onto `columns`, then every
/// non-blank row. A header that cannot serve is the only early stop; row
/// problems (unreadable CSV, stray cells beyond the header, required cells left
/// blank) are collected so that every one of them can be reported.
pub fn read(text: &str, columns: &[Column]) -> Result<Table, Vec<Problem>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records();
    let header_cells: Vec<String> = match records.next() {
        Some(Ok(r)) => r.iter().map(str::to_string).collect(),
        Some(Err(e)) => return Err(vec![Problem::at(1, "", format!("表头无法读取：{e}"))]),
        None => return Err(vec![Problem::at(1, "", "文件是空的：第一行应为表头，之后每行一条记录")]),
    };
    let header = map_header(&header_cells, columns, None)?;
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut row_count = 0;
    let mut lines = LineCounter::new(text);
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                row_count += 1;
                let line = e.position().map(|p| lines.line_at(p.byte())).unwrap_or(0);
                problems.push(Problem::at(line, "", format!("这一行无法按 CSV 读取（常见原因：引号没有成对）：{e}")));
                continue;
            }
        };
        let line = record.position().map(|p| lines.line_at(p.byte())).unwrap_or(0);
        let cells: Vec<Cell> = record.iter().map(Cell::text).collect();
        if cells.iter().all(|c| c.text.trim().is_empty()) {
            continue;
        }
        row_count += 1;
        if cells.iter().skip(header_cells.len()).any(|c| !c.text.trim().is_empty()) {
            problems.push(Problem::at(line, "", format!("这一行的格数（{}）多于表头（{}），可能是某格里有逗号却没有加引号", cells.len(), header_cells.len())));
            continue;
        }
        if let Some(row) = whole_row(&header, columns, Row { line, cells }, &mut problems) {
            rows.push(row);
        }
    }
    Ok(Table { sheet: None, header, rows, row_count, problems })
}

/// The row, when every required cell is filled; otherwise its problems.
pub(super) fn whole_row(header: &Header, columns: &[Column], row: Row, problems: &mut Vec<Problem>) -> Option<Row> {
    let before = problems.len();
    for col in columns.iter().filter(|c| c.required) {
        if header.typed(&row, col.key).is_none() {
            problems.push(Problem::at(row.line, header.label(col.key), format!("{}不能为空", col.zh)));
        }
    }
    (problems.len() == before).then_some(row)
}

impl Row {
    /// A row of cells read from a workbook (see [`super::workbook`]).
    pub(super) fn new(line: u64, cells: Vec<Cell>) -> Row {
        Row { line, cells }
    }

    pub(super) fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.value == Value::Text && c.text.trim().is_empty())
    }
}

/// Line numbers from byte offsets, counted forward once (the csv crate's own
/// line count skips blank lines, which would point staff at the wrong row).
struct LineCounter<'t> {
    text: &'t [u8],
    offset: usize,
    line: u64,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> Self {
        LineCounter { text: text.as_bytes(), offset: 0, line: 1 }
    }

    /// The 1-based line of a byte offset; offsets must not decrease.
    fn line_at(&mut self, byte: u64) -> u64 {
        let target = (byte as usize).min(self.text.len());
        if target > self.offset {
            self.line += self.text[self.offset..target].iter().filter(|b| **b == b'\n').count() as u64;
            self.offset = target;
        }
        // A record read after blank lines is positioned at the first blank line.
        while let Some(b) = self.text.get(self.offset).filter(|b| matches!(b, b'\r' | b'\n')) {
            if *b == b'\n' {
                self.line += 1;
            }
            self.offset += 1;
        }
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: &[Column] = &[
        Column { key: "name", zh: "姓名", en: "name", required: true },
        Column { key: "phone", zh: "手机号", en: "phone", required: true },
        Column { key: "notes", zh: "备注", en: "notes", required: false },
    ];

    #[test]
    fn utf8_with_and_without_bom_is_read_as_utf8() {
        assert_eq!(decode("姓名".as_bytes()).unwrap(), ("姓名".to_string(), Encoding::Utf8));
        assert_eq!(decode(b"\xEF\xBB\xBFname").unwrap(), ("name".to_string(), Encoding::Utf8));
    }

    #[test]
    fn gbk_bytes_are_detected_and_decoded() {
        let (bytes, _, _) = encoding_rs::GBK.encode("姓名,手机号\n张小美,13812345678\n");
        let (text, enc) = decode(&bytes).unwrap();
        assert_eq!(enc, Encoding::Gb18030);
        assert!(text.contains("张小美"));
    }

    #[test]
    fn undecodable_bytes_are_a_clear_problem() {
        let p = decode(b"\x81\x20\xff\xfe\x80").unwrap_err();
        assert!(p.reason.contains("编码"));
    }

    #[test]
    fn headers_match_in_chinese_or_english_any_case_and_order() {
        let t = read("Phone ,备注,NAME*\n13812345678,怕疼,张小美\n", COLUMNS).unwrap();
        assert_eq!(t.header.cell(&t.rows[0], "name"), Some("张小美"));
        assert_eq!(t.header.cell(&t.rows[0], "phone"), Some("13812345678"));
        assert_eq!(t.header.label("phone"), "Phone");
    }

    #[test]
    fn a_missing_required_column_is_named() {
        let problems = read("姓名,备注\n张小美,x\n", COLUMNS).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert!(problems[0].reason.contains("手机号"));
    }

    #[test]
    fn the_same_column_twice_is_refused() {
        let problems = read("姓名,name,手机号\n", COLUMNS).unwrap_err();
        assert!(problems[0].reason.contains("重复"));
    }

    #[test]
    fn unknown_columns_are_listed_not_fatal() {
        let t = read("姓名,手机号,会员卡号\n", COLUMNS).unwrap();
        assert_eq!(t.header.ignored, vec!["会员卡号"]);
    }

    #[test]
    fn blank_required_cells_and_extra_cells_are_reported_with_lines() {
        let t = read("姓名,手机号\n,13812345678\n\n王芳,139,多余\n李娜,13700001111\n", COLUMNS).unwrap();
        assert_eq!(t.row_count, 3);
        assert_eq!(t.rows.len(), 1, "only the whole row is kept");
        assert_eq!(t.rows[0].line, 5);
        let problems = t.problems;
        let lines: Vec<Option<u64>> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [Some(2), Some(4)]);
        assert_eq!(problems[0].column, "姓名");
    }

    #[test]
    fn quoted_cells_may_hold_commas_and_newlines() {
        let t = read("姓名,手机号,备注\n张小美,13812345678,\"怕疼,\n喜欢玫瑰\"\n王芳,13912345678,\n", COLUMNS).unwrap();
        assert_eq!(t.header.cell(&t.rows[0], "notes"), Some("怕疼,\n喜欢玫瑰"));
        assert_eq!(t.rows[1].line, 4);
    }

    #[test]
    fn an_empty_file_says_what_a_file_should_hold() {
        assert!(read("", COLUMNS).unwrap_err()[0].reason.contains("表头"));
    }
}
