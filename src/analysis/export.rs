//! The analyses as the owner takes them to Excel: one table model written two
//! ways — a CSV file with one section per table (UTF-8 with BOM) and a
//! workbook with one sheet per table, with charts where a picture reads
//! better (return rate by channel, spend by visit count, frequency beside
//! the industry). Rates are fractions in CSV (as in the monthly export) and
//! percentages in the workbook; money is exact text in CSV and a number
//! formatted as money in the workbook.

use rust_xlsxwriter::{Chart, ChartType, Format, Workbook, Worksheet, XlsxError};

use super::{Analysis, BUCKETS, INDUSTRY};
use crate::error::{Error, Result};
use crate::export::{csv_sections, inert, Section};
use crate::money::Money;

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Text(String),
    Count(i64),
    Rate(Option<f64>),
    Money(Option<Money>),
}

impl Cell {
    fn csv(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Count(n) => n.to_string(),
            Cell::Rate(r) => r.map(|r| r.to_string()).unwrap_or_default(),
            Cell::Money(m) => m.map(|m| m.to_string()).unwrap_or_default(),
        }
    }
}

/// A chart of one table: which columns, drawn how.
struct Picture {
    title: &'static str,
    kind: ChartType,
    /// The value columns, one series each.
    series: &'static [usize],
    percent: bool,
}

/// One table of the analyses.
struct Table {
    sheet: &'static str,
    title: &'static str,
    headers: &'static [&'static str],
    rows: Vec<Vec<Cell>>,
    picture: Option<Picture>,
}

fn text(t: &str) -> Cell {
    Cell::Text(t.to_string())
}

fn tables(a: &Analysis) -> Vec<Table> {
    let channels = a
        .by_channel
        .iter()
        .map(|(ch, r)| {
            vec![
                text(ch),
                Cell::Count(r.new_customers),
                Cell::Count(r.matured),
                Cell::Count(r.returned_90d),
                Cell::Rate(r.return_rate_90d),
                Cell::Money(Some(r.spend_first_365)),
                Cell::Money(r.acquisition_cost),
                Cell::Money(r.cost_per_new),
                Cell::Money(r.cost_per_returned),
            ]
        })
        .chain(a.costs_without_new_customers.iter().map(|(ch, cost)| {
            vec![text(ch), Cell::Count(0), Cell::Count(0), Cell::Count(0), Cell::Rate(None), Cell::Money(Some(Money::ZERO)), Cell::Money(Some(*cost)), Cell::Money(None), Cell::Money(None)]
        }))
        .collect();
    let buckets = BUCKETS
        .iter()
        .filter_map(|k| a.by_visit_count.get(*k).map(|b| (k, b)))
        .map(|(k, b)| vec![text(&format!("{k} 天")), Cell::Count(b.customers), Cell::Money(Some(b.avg_spend_365)), Cell::Rate(b.referral_rate)])
        .collect();
    let bands = INDUSTRY
        .iter()
        .filter_map(|(k, _)| a.frequency.get(*k).map(|b| (k, b)))
        .map(|(k, b)| vec![text(&format!("{k} 天")), Cell::Count(b.customers), Cell::Rate(b.share), Cell::Rate(Some(b.industry))])
        .collect();
    let consultants = a
        .by_consultant
        .iter()
        .map(|(k, r)| vec![text(k), Cell::Count(r.new_customers), Cell::Count(r.matured), Cell::Count(r.returned_90d), Cell::Rate(r.return_rate_90d), Cell::Money(Some(r.spend))])
        .collect();
    let callers = a.by_caller.iter().map(|(k, r)| vec![text(k), Cell::Count(r.closed), Cell::Count(r.done), Cell::Count(r.on_time)]).collect();
    vec![
        Table {
            sheet: "按渠道",
            title: "按来源渠道：期间新客的90天回头率、首年消费与获客成本",
            headers: &["渠道", "新客", "满90天", "90天内回头", "90天回头率", "首年消费", "获客成本", "每位新客成本", "每位回头客成本"],
            rows: channels,
            picture: Some(Picture { title: "各渠道新客90天回头率", kind: ChartType::Column, series: &[4], percent: true }),
        },
        Table {
            sheet: "按到院次数",
            title: "按365天内到院天数：人均消费与转介绍率",
            headers: &["到院天数", "客户", "人均消费（365天）", "转介绍率"],
            rows: buckets,
            picture: Some(Picture { title: "到院天数与人均消费", kind: ChartType::Column, series: &[2], percent: false }),
        },
        Table {
            sheet: "到院频次",
            title: "到院频次分布（对比行业：35% / 57% / 8%）",
            headers: &["到院天数", "客户", "本院占比", "行业占比"],
            rows: bands,
            picture: Some(Picture { title: "到院频次：本院与行业", kind: ChartType::Column, series: &[2, 3], percent: true }),
        },
        Table {
            sheet: "流失新客",
            title: "流失新客（满90天、没有再来）与流失的获客成本",
            headers: &["期间新客", "流失新客", "流失成本"],
            rows: vec![vec![Cell::Count(a.new_customers), Cell::Count(a.lost_new.customers), Cell::Money(a.lost_new.lost_cost)]],
            picture: None,
        },
        Table {
            sheet: "按顾问",
            title: "按顾问：期间新客的90天回头率与期间消费",
            headers: &["顾问", "新客", "满90天", "90天内回头", "90天回头率", "期间消费"],
            rows: consultants,
            picture: None,
        },
        Table {
            sheet: "按回访人",
            title: "按回访人：期间到期的回访",
            headers: &["员工", "回访记录", "完成", "按时完成"],
            rows: callers,
            picture: None,
        },
    ]
}

fn period_line(a: &Analysis) -> String {
    format!("{} 至 {}（截至 {}）", a.from, a.to, a.end)
}

/// The analyses as CSV for Excel: one section per table.
pub fn csv(a: &Analysis) -> Result<String> {
    let sections = tables(a)
        .into_iter()
        .map(|t| Section { title: format!("{} · {}", t.title, period_line(a)), headers: t.headers, rows: t.rows.iter().map(|r| r.iter().map(Cell::csv).collect()).collect() })
        .collect();
    csv_sections(sections)
}

fn xlsx_err(e: XlsxError) -> Error {
    Error::Config(format!("写出 Excel 文件失败：{e}"))
}

fn sheet(a: &Analysis, t: &Table) -> std::result::Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(t.sheet)?;
    let (title, bold) = (Format::new().set_bold().set_font_size(13), Format::new().set_bold());
    let (percent, money) = (Format::new().set_num_format("0.00%"), Format::new().set_num_format("#,##0.00"));
    ws.write_string_with_format(0, 0, t.title, &title)?;
    ws.write_string(1, 0, period_line(a))?;
    const HEAD: u32 = 3;
    for (c, h) in t.headers.iter().enumerate() {
        ws.write_string_with_format(HEAD, c as u16, *h, &bold)?;
        ws.set_column_width(c as u16, if c == 0 { 14 } else { 13 })?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        let at = HEAD + 1 + r as u32;
        for (c, cell) in row.iter().enumerate() {
            let col = c as u16;
            match cell {
                Cell::Text(s) => ws.write_string(at, col, inert(s))?,
                Cell::Count(n) => ws.write_number(at, col, *n as f64)?,
                Cell::Rate(Some(v)) => ws.write_number_with_format(at, col, *v, &percent)?,
                // An Excel cell holds a double; an amount in fen below 2^53 round-trips exactly.
                Cell::Money(Some(m)) => ws.write_number_with_format(at, col, m.fen() as f64 / 100.0, &money)?,
                Cell::Rate(None) | Cell::Money(None) => continue,
            };
        }
    }
    crate::export::for_printing(&mut ws, HEAD)?;
    ws.set_freeze_panes(HEAD + 1, 1)?;
    if let (Some(p), false) = (&t.picture, t.rows.is_empty()) {
        let last = HEAD + t.rows.len() as u32;
        let mut chart = Chart::new(p.kind);
        chart.title().set_name(p.title);
        for &col in p.series {
            chart
                .add_series()
                .set_categories((t.sheet, HEAD + 1, 0, last, 0))
                .set_values((t.sheet, HEAD + 1, col as u16, last, col as u16))
                .set_name((t.sheet, HEAD, col as u16));
        }
        if p.percent {
            chart.y_axis().set_num_format("0%");
        }
        if p.series.len() == 1 {
            chart.legend().set_hidden();
        }
        ws.insert_chart(last + 2, 0, &chart)?;
    }
    Ok(ws)
}

/// The analyses as a workbook: one sheet per table, with its chart.
pub fn workbook(a: &Analysis) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    for t in tables(a) {
        book.push_worksheet(sheet(a, &t).map_err(xlsx_err)?);
    }
    book.save_to_buffer().map_err(xlsx_err)
}
