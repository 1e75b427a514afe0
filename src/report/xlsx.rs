//! The owner's workbook: a sheet of the figures (13 months), a sheet per tier
//! scheme with its counts each month, and charts of the trends. Written with
//! rust_xlsxwriter, so Excel and LibreOffice open it as a native workbook.

use rust_xlsxwriter::{Chart, ChartType, Format, Workbook, Worksheet, XlsxError};

use super::{Figures, COLUMNS};
use crate::error::{Error, Result};
use crate::tiers::{Layer, Membership, Trust};

fn xlsx_err(e: XlsxError) -> Error {
    Error::Config(format!("写出 Excel 文件失败：{e}"))
}

const FIGURES: &str = "月度指标";

/// A figure that is a share of its base (written as a percentage).
fn is_rate(key: &str) -> bool {
    key.contains("_rate") || key.ends_with("share")
}

/// The figures that are money (strings in JSON, numbers in the workbook).
const MONEY_KEYS: [&str; 4] = ["revenue", "voucher_value_redeemed", "vouchers_outstanding", "prepaid_value_outstanding"];

fn figures_sheet(months: &[Figures]) -> std::result::Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(FIGURES)?;
    let bold = Format::new().set_bold();
    let percent = Format::new().set_num_format("0.00%");
    let money = Format::new().set_num_format("#,##0.00");
    for (c, (_, zh)) in COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *zh, &bold)?;
    }
    for (r, f) in months.iter().enumerate() {
        let row = (r + 1) as u32;
        let v = serde_json::to_value(f).unwrap_or_default();
        for (c, (key, _)) in COLUMNS.iter().enumerate() {
            let col = c as u16;
            match &v[*key] {
                serde_json::Value::Null => {}
                // Every rate as a percentage, 留存率 (…_rate_12m) as much as 老客消费占比.
                serde_json::Value::Number(n) if is_rate(key) => {
                    ws.write_number_with_format(row, col, n.as_f64().unwrap_or(0.0), &percent)?;
                }
                serde_json::Value::Number(n) => {
                    ws.write_number(row, col, n.as_f64().unwrap_or(0.0))?;
                }
                serde_json::Value::String(s) if MONEY_KEYS.contains(key) => {
                    // An Excel cell holds a double; a fen amount below 2^53 fen
                    // round-trips exactly, and the sum was made in Money.
                    ws.write_number_with_format(row, col, s.parse::<f64>().unwrap_or(0.0), &money)?;
                }
                serde_json::Value::String(s) => {
                    ws.write_string(row, col, crate::export::inert(s))?;
                }
                other => {
                    ws.write_string(row, col, crate::export::inert(&other.to_string()))?;
                }
            }
        }
    }
    ws.set_column_width(0, 10)?;
    for c in 1..COLUMNS.len() as u16 {
        ws.set_column_width(c, 14)?;
    }
    let last = months.len() as u32;
    let col_of = |key: &str| COLUMNS.iter().position(|(k, _)| *k == key).unwrap_or(0) as u16;
    let mut customers = Chart::new(ChartType::Column);
    customers.title().set_name("新客与老客");
    for key in ["new_customers", "returning_customers"] {
        customers
            .add_series()
            .set_categories((FIGURES, 1, 0, last, 0))
            .set_values((FIGURES, 1, col_of(key), last, col_of(key)))
            .set_name((FIGURES, 0, col_of(key)));
    }
    ws.insert_chart(last + 3, 0, &customers)?;
    let mut rates = Chart::new(ChartType::Line);
    rates.title().set_name("留存与回访");
    for key in ["retention_rate_12m", "new_return_rate_90d", "repeat_revenue_share", "callback_completion_rate"] {
        rates
            .add_series()
            .set_categories((FIGURES, 1, 0, last, 0))
            .set_values((FIGURES, 1, col_of(key), last, col_of(key)))
            .set_name((FIGURES, 0, col_of(key)));
    }
    ws.insert_chart(last + 3, 8, &rates)?;
    crate::export::for_printing(&mut ws, 0)?;
    Ok(ws)
}

fn scheme_sheet(months: &[Figures], name: &str, labels: &[(&str, &str)], pick: impl Fn(&Figures) -> &std::collections::BTreeMap<&'static str, i64>) -> std::result::Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(name)?;
    let bold = Format::new().set_bold();
    ws.write_string_with_format(0, 0, "月份", &bold)?;
    for (c, (_, zh)) in labels.iter().enumerate() {
        ws.write_string_with_format(0, (c + 1) as u16, *zh, &bold)?;
    }
    for (r, f) in months.iter().enumerate() {
        let row = (r + 1) as u32;
        ws.write_string(row, 0, crate::export::inert(&f.month))?;
        let counts = pick(f);
        for (c, (key, _)) in labels.iter().enumerate() {
            ws.write_number(row, (c + 1) as u16, counts.get(key).copied().unwrap_or(0) as f64)?;
        }
    }
    crate::export::for_printing(&mut ws, 0)?;
    Ok(ws)
}

/// The workbook's bytes.
pub fn workbook(months: &[Figures]) -> Result<Vec<u8>> {
    let membership: Vec<(&str, &str)> = Membership::ALL.iter().map(|m| (m.key(), m.label())).collect();
    let layer: Vec<(&str, &str)> = Layer::ALL.iter().map(|l| (l.key(), l.label())).collect();
    let trust: Vec<(&str, &str)> = Trust::ALL.iter().map(|t| (t.key(), t.label())).collect();
    let mut book = Workbook::new();
    book.push_worksheet(figures_sheet(months).map_err(xlsx_err)?);
    book.push_worksheet(scheme_sheet(months, "会员等级", &membership, |f| &f.tiers.membership).map_err(xlsx_err)?);
    book.push_worksheet(scheme_sheet(months, "价值分层", &layer, |f| &f.tiers.layer).map_err(xlsx_err)?);
    book.push_worksheet(scheme_sheet(months, "信任阶段", &trust, |f| &f.tiers.trust).map_err(xlsx_err)?);
    book.save_to_buffer().map_err(xlsx_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rate_of_the_figures_is_written_as_a_percentage_and_no_count_is() {
        let rates: Vec<&str> = COLUMNS.iter().map(|(k, _)| *k).filter(|k| is_rate(k)).collect();
        assert_eq!(rates, ["repeat_revenue_share", "retention_rate_12m", "new_return_rate_90d", "callback_completion_rate", "rebooked_rate"]);
    }
}
