//! Reading a workbook as Excel, WPS or LibreOffice saved it (.xlsx, .xls,
//! .xlsb, .ods) into the same rows as a CSV file, through calamine. Number
//! and date cells stay numbers and dates (never their displayed text: a date
//! shown as 10/5/26 is still 2026-10-05, and ¥-149 is still −149). A number
//! is read as Excel shows it at full precision, 15 significant digits, so a
//! sum Excel shows as 0.3 is 0.3 and not 0.30000000000000004. Rows are the
//! sheet's own row numbers; columns are named by letter and header.

use std::io::Cursor;

use calamine::{Data, Reader};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::table::{map_header, whole_row, Cell, Column, Row, Table};
use crate::error::Problem;

/// Whether these bytes are a workbook rather than text: a zip (xlsx, xlsb,
/// ods) or an OLE compound file (xls).
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

/// The sheets of a workbook, in order; none for anything else.
pub fn sheet_names(bytes: &[u8]) -> Vec<String> {
    if !is_workbook(bytes) {
        return Vec::new();
    }
    calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map(|b| b.sheet_names()).unwrap_or_default()
}

/// How many rows from the top may come before the header (a title row, a
/// note): the header is the first row that names every required column.
const HEADER_SEARCH_ROWS: usize = 10;

/// Reads `sheet` (the first sheet when `None`) into rows.
pub fn read(bytes: &[u8], sheet: Option<&str>, columns: &[Column]) -> Result<Table, Vec<Problem>> {
    let whole_file = |reason: String| vec![Problem::at(1, "", reason)];
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| whole_file(format!("这个 Excel 文件无法读取（{e}）。请确认它是 .xlsx、.xls、.xlsb 或 .ods 文件，没有设打开密码；也可以在 Excel 中另存为 CSV 后导入")))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.trim() == wanted.trim())
            .cloned()
            .ok_or_else(|| whole_file(format!("没有名为「{wanted}」的工作表；这个文件里有：{}", names.join("、"))))?,
        None => names.first().cloned().ok_or_else(|| whole_file("这个工作簿里没有工作表".into()))?,
    };
    let in_sheet = |mut problems: Vec<Problem>| {
        for p in &mut problems {
            p.sheet = Some(name.clone());
        }
        problems
    };
    let range = book.worksheet_range(&name).map_err(|e| in_sheet(whole_file(format!("工作表无法读取：{e}"))))?;
    let Some((first_row, first_col)) = range.start() else {
        return Err(in_sheet(whole_file("工作表是空的：第一行应为表头，之后每行一条记录".into())));
    };
    let letters: Vec<String> = (0..range.width()).map(|j| column_letter(first_col as usize + j)).collect();
    let line = |i: usize| u64::from(first_row) + i as u64 + 1;
    let rows: Vec<&[Data]> = range.rows().collect();

    let texts = |cells: &[Data]| -> Vec<String> { cells.iter().map(|d| header_text(d)).collect() };
    let names_every_required = |cells: &[Data]| {
        let t = texts(cells);
        map_header(&t, columns, None).is_ok()
    };
    let header_at = rows
        .iter()
        .take(HEADER_SEARCH_ROWS)
        .position(|r| names_every_required(r))
        .or_else(|| rows.iter().position(|r| r.iter().any(|d| !matches!(d, Data::Empty))))
        .unwrap_or(0);
    let header_cells = texts(rows[header_at]);
    let header = map_header(&header_cells, columns, Some(letters.clone())).map_err(|mut ps| {
        for p in &mut ps {
            p.line = Some(line(header_at));
        }
        in_sheet(ps)
    })?;

    let mut problems = Vec::new();
    let mut whole = Vec::new();
    let mut row_count = 0;
    for (i, cells) in rows.iter().enumerate().skip(header_at + 1) {
        let mut out = Vec::with_capacity(cells.len());
        let mut bad = Vec::new();
        for (j, d) in cells.iter().enumerate() {
            match cell_of(d) {
                Ok(c) => out.push(c),
                Err(reason) => {
                    // A broken cell matters only in a column the import reads.
                    if header.uses(j) {
                        let at = format!("{} 列「{}」", letters[j], header_cells.get(j).map_or("", |h| h.trim()));
                        bad.push(Problem::at(line(i), at, reason));
                    }
                    out.push(Cell::text(""));
                }
            }
        }
        let row = Row::new(line(i), out);
        if row.is_blank() && bad.is_empty() {
            continue;
        }
        row_count += 1;
        if !bad.is_empty() {
            problems.extend(bad);
            continue;
        }
        if let Some(row) = whole_row(&header, columns, row, &mut problems) {
            whole.push(row);
        }
    }
    Ok(Table { sheet: Some(name.clone()), header, rows: whole, row_count, problems: in_sheet(problems) })
}

/// A header cell's text (a number used as a header, e.g. a year, as written).
fn header_text(d: &Data) -> String {
    match cell_of(d) {
        Ok(c) => c.text_of().to_string(),
        Err(_) => String::new(),
    }
}

/// One cell as the import reads it, or why it cannot be read.
fn cell_of(d: &Data) -> Result<Cell, String> {
    match d {
        Data::Empty => Ok(Cell::text("")),
        Data::String(s) => Ok(Cell::text(s.as_str())),
        Data::Bool(b) => Ok(Cell::text(if *b { "是" } else { "否" })),
        Data::Int(i) => Ok(Cell::number(Decimal::from(*i))),
        Data::Float(f) => excel_number(*f).map(Cell::number).ok_or_else(|| format!("数字 {f} 无法读取（太大或不是数字）")),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, day, ..) = dt.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(day))
                .map(Cell::date)
                .ok_or_else(|| format!("日期 {y}-{m:02}-{day:02} 不存在（请检查这一格）"))
        }
        Data::DateTime(dt) => Ok(Cell::text(dt.as_f64().to_string())),
        Data::DateTimeIso(s) => Ok(s.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).map_or_else(|| Cell::text(s.as_str()), Cell::date)),
        Data::DurationIso(s) => Ok(Cell::text(s.as_str())),
        Data::Error(e) => Err(format!("这一格是 Excel 的错误值 {e}（公式出错），请改成实际的内容")),
    }
}

/// A number as Excel shows it at full precision: 15 significant digits.
fn excel_number(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    Decimal::from_scientific(&format!("{f:.14e}")).ok().map(|d| d.normalize())
}

/// A, B, …, Z, AA, AB, … for a 0-based column.
fn column_letter(mut n: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_excel_shows_them() {
        assert_eq!(excel_number(0.1 + 0.2), Some(Decimal::new(3, 1)));
        assert_eq!(excel_number(-149.0), Some(Decimal::from(-149)));
        assert_eq!(excel_number(1234.5), Some(Decimal::new(12345, 1)));
        assert_eq!(excel_number(13812345678.0), Some(Decimal::from(13_812_345_678_i64)));
        assert_eq!(excel_number(0.005), Some(Decimal::new(5, 3)));
        assert_eq!(excel_number(f64::NAN), None);
    }

    #[test]
    fn columns_are_lettered_as_excel_letters_them() {
        let letters: Vec<String> = [0, 1, 25, 26, 27, 51, 52, 701, 702].into_iter().map(column_letter).collect();
        assert_eq!(letters, ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
    }

    use crate::import::{self, File, Kind};
    use crate::staff::SYSTEM_STAFF;
    use crate::testing::{ymd, Clinic};
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

    /// A workbook as a clinic keeps it: a title row above the header, phones
    /// as numbers, dates as date cells shown the Chinese way, money as
    /// currency cells whose negatives Excel shows as ¥-149, and a second sheet.
    fn consumption_book(amount_in_row_4: Option<&str>) -> Vec<u8> {
        let mut book = Workbook::new();
        let date = Format::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
        let money = Format::new().set_num_format("\"¥\"#,##0.00;\"¥\"-#,##0.00");
        let sheet = book.add_worksheet();
        sheet.set_name("消费").unwrap();
        sheet.write_string(0, 0, "2026 年消费记录（旧系统导出）").unwrap();
        for (j, h) in ["手机号", "日期", "项目", "项目类别", "次数", "实收金额", "单号"].iter().enumerate() {
            sheet.write_string(1, j as u16, *h).unwrap();
        }
        let rows: [(f64, (u16, u8, u8), &str, f64, f64, &str); 3] = [
            (13800000001.0, (2026, 10, 5), "水光针", 1.0, 1280.0, "A1"),
            (13800000001.0, (2026, 10, 20), "水光针", 1.0, -149.0, "A1"),
            (13800000002.0, (2026, 11, 2), "光子嫩肤", 3.0, 0.1 + 0.2, "B7"),
        ];
        for (i, (phone, (y, m, d), item, n, amount, no)) in rows.iter().enumerate() {
            let r = 2 + i as u32;
            sheet.write_number(r, 0, *phone).unwrap();
            sheet.write_datetime_with_format(r, 1, &ExcelDateTime::from_ymd(*y, *m, *d).unwrap(), &date).unwrap();
            sheet.write_string(r, 2, *item).unwrap();
            sheet.write_string(r, 3, if *item == "水光针" { "注射" } else { "光电" }).unwrap();
            sheet.write_number(r, 4, *n).unwrap();
            match (i, amount_in_row_4) {
                (2, Some(text)) => sheet.write_string(r, 5, text).unwrap(),
                _ => sheet.write_number_with_format(r, 5, *amount, &money).unwrap(),
            };
            sheet.write_string(r, 6, *no).unwrap();
        }
        let other = book.add_worksheet();
        other.set_name("说明").unwrap();
        other.write_string(0, 0, "这一页不是数据").unwrap();
        book.save_to_buffer().unwrap()
    }

    fn clinic_with_two_customers() -> Clinic {
        let mut c = Clinic::on(ymd(2026, 11, 23));
        c.customer("张小美", "13800000001");
        c.customer("王芳", "13800000002");
        c
    }

    #[test]
    fn a_workbook_imports_with_its_dates_and_money_as_cells_hold_them() {
        let mut c = clinic_with_two_customers();
        let bytes = consumption_book(None);
        let report = import::run(Kind::Consumption, &mut c.conn, &c.clock, SYSTEM_STAFF, File::new(&bytes), false).unwrap();
        assert_eq!((report.rows, report.created, report.sheet.as_deref()), (3, 3, Some("消费")));
        let moves: Vec<(String, i64)> = c
            .conn
            .prepare("SELECT day, amount_fen FROM money_moves ORDER BY day")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        // ¥-149 is a refund of 149.00; 0.1 + 0.2 is 0.30 as Excel shows it.
        assert_eq!(moves, [("2026-10-05".into(), 128000), ("2026-10-20".into(), -14900), ("2026-11-02".into(), 30)]);
        let again = import::run(Kind::Consumption, &mut c.conn, &c.clock, SYSTEM_STAFF, File::new(&bytes), false).unwrap();
        assert_eq!((again.created, again.unchanged), (0, 3), "re-importing the workbook changes nothing");
    }

    #[test]
    fn a_problem_in_a_workbook_names_the_sheet_the_row_and_the_column_letter_with_its_header() {
        let mut c = clinic_with_two_customers();
        let bytes = consumption_book(Some("约 300"));
        let err = import::run(Kind::Consumption, &mut c.conn, &c.clock, SYSTEM_STAFF, File::new(&bytes), false).unwrap_err();
        let problems = err.problems();
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].to_string(),
            "工作表「消费」第 5 行，F 列「实收金额」：金额「约 300」无法识别，请写成 1234.5、1,234.50、¥1234 或 -¥149"
        );
        let orders: i64 = c.conn.query_row("SELECT count(*) FROM orders", [], |r| r.get(0)).unwrap();
        assert_eq!(orders, 0, "nothing written");
    }

    #[test]
    fn another_sheet_is_read_when_named_and_an_unknown_one_is_refused_with_the_sheets_there() {
        let mut c = clinic_with_two_customers();
        let bytes = consumption_book(None);
        let named = File { bytes: &bytes, sheet: Some("说明"), watch: None };
        let err = import::run(Kind::Consumption, &mut c.conn, &c.clock, SYSTEM_STAFF, named, true).unwrap_err();
        assert!(err.problems()[0].to_string().starts_with("工作表「说明」第 1 行"), "{:?}", err.problems());
        let unknown = File { bytes: &bytes, sheet: Some("2025"), watch: None };
        let err = import::run(Kind::Consumption, &mut c.conn, &c.clock, SYSTEM_STAFF, unknown, true).unwrap_err();
        assert_eq!(err.problems()[0].reason, "没有名为「2025」的工作表；这个文件里有：消费、说明");
    }

    #[test]
    fn a_number_where_a_date_belongs_is_refused_not_guessed() {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        for (j, h) in ["手机号", "日期"].iter().enumerate() {
            sheet.write_string(0, j as u16, *h).unwrap();
        }
        sheet.write_string(1, 0, "13800000001").unwrap();
        sheet.write_number(1, 1, 46300.0).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let mut c = clinic_with_two_customers();
        let err = import::run(Kind::Arrivals, &mut c.conn, &c.clock, SYSTEM_STAFF, File::new(&bytes), false).unwrap_err();
        assert_eq!(
            err.problems()[0].to_string(),
            "工作表「Sheet1」第 2 行，B 列「日期」：日期这一格是数字 46300，不是日期：请在 Excel 中把这一列设为日期格式，或写成 2026-10-05"
        );
    }

    #[test]
    fn a_csv_file_given_a_sheet_is_told_it_has_none() {
        let mut c = clinic_with_two_customers();
        let csv = "手机号,日期\n13800000001,2026-10-05\n";
        let err = import::run(Kind::Arrivals, &mut c.conn, &c.clock, SYSTEM_STAFF, File { bytes: csv.as_bytes(), sheet: Some("Sheet1"), watch: None }, false).unwrap_err();
        assert!(err.to_string().contains("只用于 Excel 工作簿"), "{err}");
    }

    #[test]
    fn text_that_is_not_a_workbook_is_not_taken_for_one() {
        assert!(!is_workbook("姓名,手机号\n".as_bytes()));
        assert!(!is_workbook(b""));
        assert!(is_workbook(b"PK\x03\x04rest"));
    }
}
