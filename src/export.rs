//! CSV for the owner's Excel: UTF-8 with a byte-order mark (without it Excel
//! in Chinese reads UTF-8 as GBK and shows mojibake), a header row, then rows.

use crate::error::{Error, Result};

/// Writes headers and rows as CSV text beginning with a BOM.
pub fn csv_for_excel<R, C>(headers: &[&str], rows: R) -> Result<String>
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = String>,
{
    let csv_err = |e: csv::Error| Error::Config(format!("写出 CSV 失败：{e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(headers).map_err(csv_err)?;
    for row in rows {
        w.write_record(row).map_err(csv_err)?;
    }
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
}
