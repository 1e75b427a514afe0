//! The commands of 经营分析 (SPEC §10): the analyses for a period, the
//! customers behind a figure, the exports, and the owner's acquisition costs.

use base64::Engine;
use serde::Deserialize;
use serde_json::json;

use super::table::{Command, Who};
use super::{args_of, to_json, uploaded, ImportArgs};
use crate::analysis::{self, Figure, Period};
use crate::clock::Clock;
use crate::costs;
use crate::error::{Error, Result};
use crate::report::Month;

#[derive(Deserialize, Default)]
#[serde(default)]
struct PeriodArgs {
    from: Option<String>,
    to: Option<String>,
    format: Option<String>,
}

#[derive(Deserialize)]
struct WhoArgs {
    #[serde(flatten)]
    figure: Figure,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
}

#[derive(Deserialize)]
struct CostEntries {
    entries: Vec<costs::Entry>,
}

/// The months asked for; by default the 12 whole months before this one.
fn analysis_list(app: &super::App, a: &WhoArgs, clock: &Clock) -> Result<Vec<crate::customers::Customer>> {
    let period = period_of(a.from.as_deref(), a.to.as_deref(), clock)?;
    let ids = analysis::who(&app.conn, period, &a.figure)?;
    super::report::people_of(app, &ids)
}

fn period_of(from: Option<&str>, to: Option<&str>, clock: &Clock) -> Result<Period> {
    let given = |m: Option<&str>| m.map(str::trim).filter(|m| !m.is_empty()).map(Month::parse).transpose();
    let last = Month::of(clock.today()).plus(-1);
    let to = given(to)?.unwrap_or(last);
    let from = given(from)?.unwrap_or(to.plus(-11));
    Period::new(from, to, clock.today())
}

/// The analyses of the period asked for, with the owner's costs of its months.
fn analysed(app: &super::App, a: &PeriodArgs, clock: &Clock) -> Result<(Period, analysis::Analysis, bool)> {
    let period = period_of(a.from.as_deref(), a.to.as_deref(), clock)?;
    let costs = costs::of_months(&app.conn, period.from, period.to)?;
    Ok((period, analysis::analyse(&app.conn, period, &costs)?, !costs.is_empty()))
}

/// An analysis's filename: 留客经营分析-2025-12至2026-11.csv.
fn filename(p: Period, ext: &str) -> String {
    format!("留客经营分析-{}至{}.{ext}", p.from.key(), p.to.key())
}

/// 经营分析. Owner only: the clinic's money, its channels and the names behind them.
pub(super) const COMMANDS: &[Command] = &[
    Command::read("report.analysis", Who::OWNER, |app, cx, args| {
        let a: PeriodArgs = args_of(args)?;
        let (_, result, costs_entered) = analysed(app, &a, &cx.clock)?;
        let mut v = to_json(result)?;
        v["today"] = json!(cx.clock.today().to_string());
        v["costs_entered"] = json!(costs_entered);
        Ok(v)
    })
    .heavy(),
    Command::read("report.analysis_who", Who::OWNER, |app, cx, args| {
        let a: WhoArgs = args_of(args)?;
        let people = analysis_list(app, &a, &cx.clock)?;
        Ok(json!({"total": people.len(), "customers": super::report::list_rows(&people)}))
    })
    .heavy()
    .audited("查看报表名单"),
    Command::read("report.analysis_who_export", Who::OWNER, |app, cx, args| {
        let a: WhoArgs = args_of(args)?;
        let people = analysis_list(app, &a, &cx.clock)?;
        super::report::list_file(&people, &format!("留客名单-经营分析-{}", a.figure.table))
    })
    .heavy()
    .audited("导出报表名单"),
    // The screen's export and `liuke report analysis`: JSON, CSV or a workbook.
    Command::read("report.analysis_export", Who::OWNER, |app, cx, args| {
        let a: PeriodArgs = args_of(args)?;
        let (period, result, _) = analysed(app, &a, &cx.clock)?;
        let (bytes, ext) = match a.format.as_deref().unwrap_or("xlsx") {
            "json" => (format!("{}\n", serde_json::to_string_pretty(&result)?).into_bytes(), "json"),
            "csv" => (analysis::csv(&result)?.into_bytes(), "csv"),
            "xlsx" => (analysis::workbook(&result)?, "xlsx"),
            other => return Err(Error::invalid("format", format!("不认识的格式「{other}」，可选 json、csv、xlsx"))),
        };
        Ok(json!({"filename": filename(period, ext), "base64": base64::engine::general_purpose::STANDARD.encode(bytes),
                  "from": result.from, "to": result.to, "end": result.end}))
    })
    .heavy()
    .audited("导出经营分析"),
    Command::read("costs.list", Who::OWNER, |app, cx, _| {
        Ok(json!({"costs": costs::list(&app.conn)?, "channels": costs::channels(&app.conn)?, "this_month": Month::of(cx.clock.today()).key()}))
    }),
    Command::write("costs.save", Who::OWNER, |app, cx, args| {
        let a: CostEntries = args_of(args)?;
        to_json(costs::save(&mut app.conn, &cx.clock, cx.by()?, &a.entries)?)
    })
    .audited("设置获客成本"),
    Command::write("costs.import", Who::OWNER, |app, cx, args| {
        let a: ImportArgs = args_of(args)?;
        let bytes = uploaded(&a)?;
        let file = crate::import::File { bytes: &bytes, sheet: a.sheet.as_deref().filter(|s| !s.trim().is_empty()), watch: None };
        let report = costs::import(&mut app.conn, &cx.clock, cx.by()?, file, a.dry_run)?;
        Ok(json!({"report": report, "summary": report.summary()}))
    })
    .audited("导入获客成本"),
];
