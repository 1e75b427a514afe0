//! The commands of 经营报表: the month's figures with the 12 before it, the
//! customers behind a figure, and the export files.

use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};

use super::table::{Command, Who};
use super::args_of;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::report::{self, Month, Who as Who_};

#[derive(Deserialize, Default)]
#[serde(default)]
struct MonthArgs {
    month: Option<String>,
    who: Option<String>,
    format: Option<String>,
}

fn month_list(app: &super::App, a: &MonthArgs, clock: &Clock) -> Result<(Month, Vec<crate::customers::Customer>)> {
    let m = month_of(a, clock)?;
    let who = a.who.as_deref().and_then(Who_::parse).ok_or_else(|| Error::invalid("who", "不认识的名单类型"))?;
    let ids = report::Basis::load(&app.conn, m)?.who(m, who);
    Ok((m, people_of(app, &ids)?))
}

/// The customers of a drill-down list, in its order.
pub(super) fn people_of(app: &super::App, ids: &[i64]) -> Result<Vec<crate::customers::Customer>> {
    crate::customers::get_many(&app.conn, &ids.iter().map(|i| crate::customers::CustomerId(*i)).collect::<Vec<_>>())
}

/// A drill-down list as the screen shows it.
pub(super) fn list_rows(people: &[crate::customers::Customer]) -> Vec<Value> {
    people.iter().map(|c| json!({"id": c.id, "name": c.name, "phone": c.phone, "consultant": c.consultant, "channel": c.channel})).collect()
}

/// A drill-down list as a CSV file (UTF-8 with BOM, what Excel opens).
pub(super) fn list_file(people: &[crate::customers::Customer], name: &str) -> Result<Value> {
    let rows = people.iter().map(|c| {
        vec![c.name.clone(), c.phone.clone(), c.consultant.clone().unwrap_or_default(), c.channel.clone().unwrap_or_default()]
    });
    let text = crate::export::csv_for_excel(&["姓名", "手机号", "顾问", "来源渠道"], rows)?;
    Ok(json!({"filename": format!("{name}.csv"), "base64": base64::engine::general_purpose::STANDARD.encode(text.as_bytes()), "total": people.len()}))
}

/// The seed practice's targets the cards are read against.
const TARGETS: [(&str, f64); 3] = [("retention_rate_12m", 0.65), ("repeat_revenue_share", 0.5), ("callback_completion_rate", 1.0)];

/// 经营报表. Owner only: the clinic's money and the names behind each figure.
pub(super) const COMMANDS: &[Command] = &[
    Command::read("report.monthly", Who::OWNER, |app, cx, args| {
        let a: MonthArgs = args_of(args)?;
        let m = month_of(&a, &cx.clock)?;
        let months = report::thirteen_months(&app.conn, m)?;
        let targets: serde_json::Map<String, Value> = TARGETS.iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
        Ok(json!({"month": m.key(), "figures": months[12], "history": months, "targets": targets, "today": cx.clock.today().to_string()}))
    })
    .heavy(),
    Command::read("report.who", Who::OWNER, |app, cx, args| {
        let a: MonthArgs = args_of(args)?;
        let (m, people) = month_list(app, &a, &cx.clock)?;
        Ok(json!({"month": m.key(), "total": people.len(), "customers": list_rows(&people)}))
    })
    .heavy()
    .audited("查看报表名单"),
    // The list behind a figure as a file, for the owner to work from in Excel.
    Command::read("report.who_export", Who::OWNER, |app, cx, args| {
        let a: MonthArgs = args_of(args)?;
        let (m, people) = month_list(app, &a, &cx.clock)?;
        list_file(&people, &format!("留客名单-{}-{}", m.key(), a.who.as_deref().unwrap_or("")))
    })
    .heavy()
    .audited("导出报表名单"),
    Command::read("report.export", Who::OWNER, |app, cx, args| {
        let a: MonthArgs = args_of(args)?;
        let m = month_of(&a, &cx.clock)?;
        let months = report::thirteen_months(&app.conn, m)?;
        let (bytes, ext) = match a.format.as_deref().unwrap_or("xlsx") {
            "csv" => (report::csv(&months)?.into_bytes(), "csv"),
            _ => (report::workbook(&months)?, "xlsx"),
        };
        Ok(json!({
            "filename": format!("留客月度报表-{}.{ext}", m.key()),
            "base64": base64::engine::general_purpose::STANDARD.encode(bytes),
        }))
    })
    .heavy()
    .audited("导出经营报表"),
    Command::read("report.satisfaction", Who::OWNER, |app, cx, args| {
        let a: MonthArgs = args_of(args)?;
        let m = month_of(&a, &cx.clock)?;
        Ok(serde_json::to_value(report::breakdown(&app.conn, m)?)?)
    }),
    // 预收未耗: every live order with sessions left (the owner's list).
    Command::read("prepaid.list", Who::OWNER, |app, cx, _| {
        let today = cx.clock.today();
        let rows = crate::prepaid::list(&app.conn, today)?;
        let sessions: i64 = rows.iter().map(|r| r.sessions_left).sum();
        let value: crate::money::Money = rows.iter().map(|r| r.value_left).sum();
        Ok(json!({"as_of": today.to_string(), "orders": rows.len(), "sessions": sessions, "value": value, "rows": rows,
                  "package_days": crate::prepaid::package_days(&app.conn)?}))
    }),
    Command::read("prepaid.export", Who::OWNER, |app, cx, args| {
        let a: MonthArgs = args_of(args)?;
        let today = cx.clock.today();
        let rows = crate::prepaid::list(&app.conn, today)?;
        let (bytes, ext) = match a.format.as_deref().unwrap_or("xlsx") {
            "csv" => (crate::prepaid::csv(&rows)?.into_bytes(), "csv"),
            "xlsx" => (crate::prepaid::workbook(&rows)?, "xlsx"),
            other => return Err(Error::invalid("format", format!("不认识的格式「{other}」，可选 csv、xlsx"))),
        };
        Ok(json!({"filename": format!("留客预收未耗-{today}.{ext}"), "base64": base64::engine::general_purpose::STANDARD.encode(bytes)}))
    })
    .audited("导出预收未耗"),
    // `liuke report monthly`: the month with every key of SPEC §6 and the 12 before it.
    Command::read("report.figures", Who::OWNER, |app, _, args| {
        #[derive(Deserialize)]
        struct FiguresArgs {
            month: String,
            #[serde(default)]
            format: Option<String>,
        }
        let a: FiguresArgs = args_of(args)?;
        let m = Month::parse(&a.month)?;
        let months = report::thirteen_months(&app.conn, m)?;
        let range = json!({"from": months[0].month, "to": months[12].month});
        Ok(match a.format.as_deref().unwrap_or("json") {
            "csv" => json!({"text": report::csv(&months)?, "range": range}),
            "xlsx" => json!({"base64": base64::engine::general_purpose::STANDARD.encode(report::workbook(&months)?), "range": range}),
            "json" => {
                let mut v = serde_json::to_value(&months[12])?;
                v["history"] = serde_json::to_value(&months[..12])?;
                json!({"text": format!("{}\n", serde_json::to_string_pretty(&v)?), "range": range})
            }
            other => return Err(Error::invalid("format", format!("不认识的格式「{other}」，可选 json、csv、xlsx"))),
        })
    })
    .heavy()
    .audited("导出经营报表"),
];

/// The month asked for, or last month (the latest whole month).
fn month_of(a: &MonthArgs, clock: &Clock) -> Result<Month> {
    match a.month.as_deref().filter(|m| !m.trim().is_empty()) {
        Some(m) => Month::parse(m),
        None => Ok(Month::of(clock.today()).plus(-1)),
    }
}
