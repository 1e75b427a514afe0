//! The commands of tiering and points: a customer's labels with their
//! reasons, lists by label and tag with CSV export, the owner's rules with a
//! preview, and point redemption.

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{json, Value};

use super::table::{Command, Who};
use super::{args_of, to_json, App, IdArg};
use crate::clock::Clock;
use crate::customers::CustomerId;
use crate::error::{Error, Result};
use crate::tiers::{self, Row, TierRules};
use crate::{points, visits};

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListArgs {
    as_of: Option<String>,
    membership: Option<String>,
    layer: Option<String>,
    trust: Option<String>,
    tag: Option<String>,
    sort: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
}

#[derive(Deserialize)]
struct RulesArg {
    rules: TierRules,
}

#[derive(Deserialize)]
struct RedeemArgs {
    customer_id: i64,
    points: i64,
    #[serde(default)]
    note: String,
}

/// Tiering and points.
pub(super) const COMMANDS: &[Command] = &[
    Command::read("tiers.card", Who::EVERYONE, |app, cx, args| {
        let a: IdArg = args_of(args)?;
        app.tier_card(&cx.clock, CustomerId(a.id))
    }),
    Command::read("tiers.list", Who::EVERYONE, |app, cx, args| {
        let a: ListArgs = args_of(args)?;
        app.tier_list(&cx.clock, &a)
    })
    .heavy(),
    Command::read("tiers.export", Who::OWNER, |app, cx, args| {
        let a: ListArgs = args_of(args)?;
        let (d, rows) = app.filtered_rows(&cx.clock, &a, true)?;
        Ok(json!({"filename": format!("客户分层-{d}.csv"), "csv": tiers::rows_csv(&rows)?, "rows": rows.len()}))
    })
    .heavy()
    .audited("导出分层名单"),
    // `liuke tiers`: one row per customer with labels, facts and points.
    Command::read("tiers.rows", Who::OWNER, |app, cx, args| {
        let a: super::AsOfArgs = args_of(args)?;
        let d = a.day(&cx.clock)?;
        super::as_text(a.format, &tiers::all_rows(&app.conn, d)?, |r| tiers::rows_csv(r))
    })
    .heavy()
    .audited("导出分层名单"),
    Command::read("tiers.rules", Who::EVERYONE, |app, _, _| {
        Ok(json!({"rules": tiers::rules(&app.conn)?, "defaults": TierRules::default(), "changes": tiers::rule_changes(&app.conn)?}))
    }),
    Command::read("tiers.preview", Who::EVERYONE, |app, cx, args| {
        let a: RulesArg = args_of(args)?;
        to_json(tiers::preview(&app.conn, cx.clock.today(), &a.rules)?)
    })
    .heavy(),
    Command::write("tiers.save_rules", Who::OWNER, |app, cx, args| {
        let a: RulesArg = args_of(args)?;
        tiers::save_rules(&mut app.conn, &cx.clock, cx.by()?, &a.rules)?;
        to_json(tiers::rules(&app.conn)?)
    })
    .audited("修改分层规则"),
    Command::write("points.redeem", Who::DESK, |app, cx, args| {
        let a: RedeemArgs = args_of(args)?;
        to_json(points::redeem(&mut app.conn, &cx.clock, cx.by()?, CustomerId(a.customer_id), a.points, &a.note)?)
    })
    .audited("积分兑换"),
];

impl App {
    fn tier_card(&self, clock: &Clock, id: CustomerId) -> Result<Value> {
        let d = clock.today();
        let r = tiers::rules(&self.conn)?;
        let f = visits::facts(&self.conn, id, d)?;
        let leaving = tiers::spend_leaving_30d(&self.conn, id, d)?;
        Ok(json!({
            "as_of": d.to_string(),
            "labels": tiers::explain(&r, &f, d, leaving),
            "facts": f,
            "points": points::ledger(&self.conn, id, d)?,
        }))
    }

    /// The rows a filter keeps, sorted; points are filled in only when `with_points`
    /// or when they decide the order.
    fn filtered_rows(&self, clock: &Clock, a: &ListArgs, with_points: bool) -> Result<(NaiveDate, Vec<Row>)> {
        let d = match a.as_of.as_deref().filter(|t| !t.trim().is_empty()) {
            Some(t) => crate::parse::date(t).map_err(|reason| Error::invalid("as_of", reason))?,
            None => clock.today(),
        };
        let mut rows = tiers::rows_without_points(&self.conn, d)?;
        let keep = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w.is_empty() || w == have);
        let tagged: Option<std::collections::HashSet<i64>> = match a.tag.as_deref().filter(|t| !t.trim().is_empty()) {
            Some(tag) => Some(
                self.conn
                    .prepare("SELECT customer_id FROM customer_tags WHERE tag = ?1")?
                    .query_map([tag.trim()], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?,
            ),
            None => None,
        };
        rows.retain(|r| {
            keep(&a.membership, r.membership.key())
                && keep(&a.layer, r.layer.key())
                && keep(&a.trust, r.trust.key())
                && tagged.as_ref().is_none_or(|t| t.contains(&r.id.0))
        });
        let sort = a.sort.as_deref().unwrap_or("spend_365");
        if with_points || sort == "points" {
            tiers::fill_points(&self.conn, d, &mut rows)?;
        }
        match sort {
            "spend_total" => rows.sort_by(|x, y| y.spend_total.cmp(&x.spend_total)),
            "visit_days" => rows.sort_by(|x, y| y.visit_days.cmp(&x.visit_days)),
            "last_visit" => rows.sort_by(|x, y| y.last_visit.cmp(&x.last_visit)),
            "points" => rows.sort_by(|x, y| y.points.cmp(&x.points)),
            "phone" => {}
            _ => rows.sort_by(|x, y| y.spend_365.cmp(&x.spend_365)),
        }
        Ok((d, rows))
    }

    fn tier_list(&self, clock: &Clock, a: &ListArgs) -> Result<Value> {
        let (d, rows) = self.filtered_rows(clock, a, false)?;
        let total = rows.len();
        let counts = tiers::counts(rows.iter().map(|r| tiers::Labels { membership: r.membership, layer: r.layer, trust: r.trust }));
        let mut page: Vec<Row> = rows.into_iter().skip(a.offset.unwrap_or(0)).take(a.limit.unwrap_or(100).min(1000)).collect();
        if a.sort.as_deref() != Some("points") {
            tiers::fill_points(&self.conn, d, &mut page)?;
        }
        let page: Vec<Value> = page
            .into_iter()
            .map(|r| {
                let mut v = json!(r);
                v["id"] = json!(r.id.0);
                v["membership_label"] = json!(r.membership.label());
                v["layer_label"] = json!(r.layer.label());
                v["trust_label"] = json!(r.trust.label());
                v
            })
            .collect();
        Ok(json!({"as_of": d.to_string(), "total": total, "counts": counts, "rows": page}))
    }
}
