//! CSV for the owner's Excel: UTF-8 with a byte-order mark (without it Excel
//! in Chinese reads UTF-8 as GBK and shows mojibake), a header row, then rows.
//! Every text cell is neutralised so that a name typed as `=HYPERLINK(…)`
//! stays text when the owner opens the file.

use std::borrow::Cow;

use crate::error::{Error, Result};

/// What a spreadsheet program would start a formula with.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell as text that Excel, WPS and LibreOffice will not run: one that
/// would start a formula gets a leading apostrophe. Plain numbers (a
/// refund's `-149.00`) stay numbers.
pub fn inert(cell: &str) -> Cow<'_, str> {
    let starts_formula = cell.starts_with(FORMULA_STARTS);
    if starts_formula && !is_plain_number(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The apostrophe [`inert`] added, taken off again when a file we wrote is imported back.
pub fn uninert(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

fn is_plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "0"));
    !int.is_empty() && int.bytes().all(|b| b.is_ascii_digit()) && !frac.is_empty() && frac.bytes().all(|b| b.is_ascii_digit())
}

/// A sheet as the owner prints it for the monthly meeting: A4 landscape,
/// all columns on one page's width, the title rows (`through`) repeated on
/// every page and kept in view on screen, the page number in the footer.
pub fn for_printing(ws: &mut rust_xlsxwriter::Worksheet, through: u32) -> std::result::Result<(), rust_xlsxwriter::XlsxError> {
    ws.set_landscape().set_paper_size(9).set_print_fit_to_pages(1, 0).set_footer("&C第 &P 页，共 &N 页");
    ws.set_repeat_rows(0, through)?;
    ws.set_freeze_panes(through + 1, 0)?;
    Ok(())
}

/// Writes headers and rows as CSV text beginning with a BOM.
pub fn csv_for_excel<R, C>(headers: &[&str], rows: R) -> Result<String>
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = String>,
{
    let mut w = csv::Writer::from_writer(Vec::new());
    write_rows(&mut w, headers, rows)?;
    finish(w)
}

/// One table of a CSV file with several: a title line, headers, rows.
pub struct Section<'a> {
    pub title: String,
    pub headers: &'a [&'a str],
    pub rows: Vec<Vec<String>>,
}

/// Several tables in one CSV file beginning with a BOM, each under its
/// title and followed by an empty line (what Excel shows as a blank row).
pub fn csv_sections(sections: Vec<Section<'_>>) -> Result<String> {
    let mut text = String::from("\u{feff}");
    for s in sections {
        let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
        w.write_record([inert(&s.title).as_ref()]).map_err(csv_err)?;
        write_rows(&mut w, s.headers, s.rows)?;
        // The empty line between tables is written as it is: a CSV writer quotes an empty record.
        text.push_str(finish(w)?.trim_start_matches('\u{feff}'));
        text.push('\n');
    }
    Ok(text)
}

fn csv_err(e: csv::Error) -> Error {
    Error::Config(format!("写出 CSV 失败：{e}"))
}

fn write_rows<R, C>(w: &mut csv::Writer<Vec<u8>>, headers: &[&str], rows: R) -> Result<()>
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = String>,
{
    w.write_record(headers).map_err(csv_err)?;
    for row in rows {
        let cells: Vec<String> = row.into_iter().collect();
        w.write_record(cells.iter().map(|c| inert(c).into_owned())).map_err(csv_err)?;
    }
    Ok(())
}

fn finish(w: csv::Writer<Vec<u8>>) -> Result<String> {
    let bytes = w.into_inner().map_err(|e| Error::Config(format!("写出 CSV 失败：{e}")))?;
    Ok(format!("\u{feff}{}", String::from_utf8_lossy(&bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_for_excel_starts_with_a_bom_and_quotes_what_needs_it() {
        let text = csv_for_excel(&["姓名", "备注"], [vec!["张小美".to_string(), "怕疼, 下午来".to_string()]]).unwrap();
        assert_eq!(text, "\u{feff}姓名,备注\n张小美,\"怕疼, 下午来\"\n");
    }

    #[test]
    fn a_cell_that_would_start_a_formula_stays_text_and_numbers_stay_numbers() {
        for evil in ["=HYPERLINK(\"http://x\",\"点我\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "=1"] {
            let text = csv_for_excel(&["姓名"], [vec![evil.to_string()]]).unwrap();
            let cell = text.lines().nth(1).unwrap();
            assert!(cell.starts_with("'") || cell.starts_with("\"'"), "{evil:?} → {cell:?}");
            assert_eq!(uninert(&inert(evil)), evil);
        }
        assert_eq!(inert("-149.00"), "-149.00");
        assert_eq!(inert("+86"), "+86");
        assert_eq!(inert("张小美"), "张小美");
        assert_eq!(uninert("'张"), "'张", "an apostrophe we did not add stays");
    }
}
