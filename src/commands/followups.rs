//! The commands of the callback checklist, follow-up plans, campaigns and
//! the flags escalated calls leave on a customer file.

use serde::Deserialize;
use serde_json::{json, Value};

use super::table::{Command, Who};
use super::{args_of, to_json, App, IdArg};
use crate::customers::CustomerId;
use crate::error::{Error, Result};
use crate::followups::{self, CampaignDraft, Filter, Kind, Outcome, Step};
use crate::items::{self, Category};

#[derive(Deserialize, Default)]
#[serde(default)]
struct ChecklistArgs {
    date: Option<String>,
    #[serde(flatten)]
    filter: Filter,
    /// The customers already on the screen: the page is the next ones.
    #[serde(default)]
    shown: std::collections::HashSet<i64>,
    /// How many customers: a page when not given, `0` for all the rest (to print).
    #[serde(default)]
    size: Option<usize>,
}

#[derive(Deserialize)]
struct CompleteArgs {
    id: i64,
    outcome: Outcome,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    score: Option<i64>,
}

#[derive(Deserialize)]
struct CustomerArg {
    customer_id: i64,
}

#[derive(Deserialize)]
struct PlanArgs {
    scope: String,
    steps: Vec<Step>,
    /// Also move the open calls not yet due onto the new plan's days.
    #[serde(default)]
    move_open: bool,
}

#[derive(Deserialize)]
struct TemplateArgs {
    #[serde(default)]
    key: Option<String>,
    title: String,
    text: String,
}

/// The callback checklist, follow-up plans, campaigns and flags.
pub(super) const COMMANDS: &[Command] = &[
    Command::read("callbacks.checklist", Who::EVERYONE, |app, cx, args| {
        let a: ChecklistArgs = args_of(args)?;
        let clock = &cx.clock;
        let d = match a.date.as_deref().filter(|t| !t.trim().is_empty()) {
            Some(t) => crate::parse::date(t).map_err(|r| Error::invalid("date", r))?,
            None => clock.today(),
        };
        // Today's calls were brought up to date when this command arrived.
        if d != clock.today() {
            crate::catch_up::day_pass(&mut app.conn, clock, d)?;
        }
        let size = match a.size {
            None => Some(followups::CHECKLIST_PAGE),
            Some(0) => None,
            Some(n) => Some(n),
        };
        let list = followups::checklist_page(&app.conn, d, &a.filter, followups::Page { shown: a.shown, size })?;
        let kinds: Vec<Value> = Kind::ALL.iter().map(|k| json!({"key": k.key(), "label": k.label()})).collect();
        Ok(json!({"date": d.to_string(), "calls": list.calls, "overdue": list.overdue, "customers": list.customers, "more": list.more, "page": followups::CHECKLIST_PAGE, "groups": list.groups, "kinds": kinds}))
    })
    .dialled()
    .catches_up(),
    // `liuke callbacks due`: the open calls with next_on ≤ date (SPEC §7 shape).
    Command::read("callbacks.due", Who::EVERYONE, |app, cx, args| {
        #[derive(Deserialize)]
        struct DueArgs {
            date: String,
            #[serde(default)]
            format: super::Format,
        }
        let a: DueArgs = args_of(args)?;
        let d = crate::parse::date(&a.date).map_err(|r| Error::invalid("date", r))?;
        crate::catch_up::day_pass(&mut app.conn, &cx.clock, d)?;
        super::as_text(a.format, &followups::due(&app.conn, d)?, |l| followups::due_csv(l))
    })
    .dialled()
    .catches_up(),
    Command::write("callbacks.complete", Who::EVERYONE, |app, cx, args| {
        let a: CompleteArgs = args_of(args)?;
        let to = a.to.as_deref().filter(|t| !t.trim().is_empty()).map(|t| crate::parse::date(t).map_err(|r| Error::invalid("to", r))).transpose()?;
        to_json(followups::complete(&mut app.conn, &cx.clock, cx.by()?, a.id, a.outcome, a.note.as_deref(), to, a.score)?)
    })
    .audited("记录回访结果")
    .dialled(),
    // One key too quick: the person who recorded a call takes it back, the same day.
    Command::write("callbacks.undo", Who::EVERYONE, |app, cx, args| {
        let a: IdArg = args_of(args)?;
        to_json(followups::undo_last(&mut app.conn, &cx.clock, cx.by()?, a.id)?)
    })
    .audited("撤销回访结果")
    .dialled(),
    Command::read("callbacks.customer", Who::EVERYONE, |app, _, args| {
        let a: CustomerArg = args_of(args)?;
        let id = CustomerId(a.customer_id);
        let tasks: Vec<Value> = followups::of_customer(&app.conn, id)?
            .into_iter()
            .map(|t| {
                let label = t.kind.label();
                let attempts = followups::attempts(&app.conn, t.id).unwrap_or_default();
                let mut v = json!(t);
                v["kind_label"] = json!(label);
                v["status_label"] = json!(t.status.label());
                v["history"] = json!(attempts);
                v
            })
            .collect();
        Ok(json!({"tasks": tasks, "flags": followups::open_flags(&app.conn, id)?}))
    }),
    Command::write("flags.resolve", Who::DOCTOR, |app, cx, args| {
        let a: IdArg = args_of(args)?;
        followups::resolve_flag(&app.conn, &cx.clock, cx.by()?, a.id)?;
        Ok(json!({"resolved": a.id}))
    }),
    Command::read("plans.list", Who::EVERYONE, |app, _, _| app.plans_list()),
    Command::write("plans.save", Who::OWNER, |app, cx, args| {
        let a: PlanArgs = args_of(args)?;
        let tx = crate::store::write_tx(&mut app.conn)?;
        followups::save_plan(&tx, &cx.clock, cx.by()?, &a.scope, &a.steps)?;
        let moved = if a.move_open { followups::move_open_calls(&tx, &cx.clock, &a.scope)? } else { followups::Moved::default() };
        tx.commit()?;
        let mut out = app.plans_list()?;
        out["moved"] = serde_json::to_value(moved)?;
        Ok(out)
    })
    .audited("修改回访方案"),
    // How many open calls not yet due a plan edit would move: the edit is
    // made and rolled back, so the preview is the edit's own arithmetic. A
    // read on the writing connection: nothing changes, so no desk is told.
    Command::read("plans.preview", Who::OWNER, |app, cx, args| {
        let a: PlanArgs = args_of(args)?;
        let tx = crate::store::write_tx(&mut app.conn)?;
        followups::save_plan(&tx, &cx.clock, cx.by()?, &a.scope, &a.steps)?;
        let moved = followups::move_open_calls(&tx, &cx.clock, &a.scope)?;
        drop(tx);
        to_json(moved)
    })
    .catches_up(),
    Command::write("plans.package_days", Who::OWNER, |app, _, args| {
        #[derive(Deserialize)]
        struct DaysArg {
            days: i64,
        }
        let a: DaysArg = args_of(args)?;
        if !(7..=365).contains(&a.days) {
            return Err(Error::invalid("days", "疗程邀约间隔应在 7 到 365 天之间"));
        }
        crate::store::settings::set(&app.conn, "package_days", &a.days.to_string())?;
        Ok(json!({"package_days": a.days}))
    })
    .audited("修改疗程邀约间隔"),
    Command::read("templates.list", Who::EVERYONE, |app, _, _| {
        Ok(json!({"templates": crate::templates::list(&app.conn)?, "placeholders": crate::templates::PLACEHOLDERS}))
    }),
    Command::write("templates.save", Who::OWNER, |app, cx, args| {
        let a: TemplateArgs = args_of(args)?;
        to_json(crate::templates::save(&app.conn, &cx.clock, cx.by()?, a.key.as_deref(), &a.title, &a.text)?)
    })
    .audited("修改消息模板"),
    Command::write("campaigns.create", Who::OWNER, |app, cx, args| {
        let c: CampaignDraft = args_of(args)?;
        to_json(followups::create_campaign(&mut app.conn, &cx.clock, cx.by()?, &c)?)
    })
    .audited("创建活动回访"),
    Command::read("campaigns.list", Who::EVERYONE, |app, _, _| app.campaigns_list()),
];

impl App {
    fn plans_list(&self) -> Result<Value> {
        let mut scopes: Vec<(String, String)> = vec![("default".into(), "默认方案（其他类别）".into())];
        for c in Category::ALL.iter().filter(|c| **c != Category::Other) {
            scopes.push((format!("category:{}", c.as_str()), format!("{}类", c.as_str())));
        }
        let own: Vec<String> = self
            .conn
            .prepare("SELECT scope FROM followup_plans WHERE scope LIKE 'item:%' ORDER BY scope")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for scope in own {
            let name = scope
                .strip_prefix("item:")
                .and_then(|i| i.parse::<i64>().ok())
                .and_then(|i| items::get(&self.conn, items::ItemId(i)).ok())
                .map_or_else(|| scope.clone(), |i| format!("项目：{}", i.name));
            scopes.push((scope, name));
        }
        let plans: Vec<Value> = scopes
            .into_iter()
            .map(|(scope, label)| Ok(json!({"scope": scope, "label": label, "steps": followups::plan(&self.conn, &scope)?})))
            .collect::<Result<_>>()?;
        let item_list: Vec<Value> = items::list(&self.conn)?.into_iter().map(|i| json!({"id": i.id.0, "name": i.name})).collect();
        Ok(json!({"plans": plans, "items": item_list, "package_days": crate::prepaid::package_days(&self.conn)?}))
    }

    fn campaigns_list(&self) -> Result<Value> {
        let mut stmt = self.conn.prepare(
            "SELECT c.id, c.name, c.date, c.segment_json, c.tasks, s.name, c.created_at FROM campaigns c JOIN staff s ON s.id = c.created_by ORDER BY c.date DESC, c.id DESC",
        )?;
        let rows: Vec<Value> = stmt
            .query_map([], |r| {
                let segment: String = r.get(3)?;
                Ok(json!({"id": r.get::<_, i64>(0)?, "name": r.get::<_, String>(1)?, "date": r.get::<_, String>(2)?,
                          "segment": serde_json::from_str::<Value>(&segment).unwrap_or(Value::Null), "tasks": r.get::<_, i64>(4)?,
                          "created_by": r.get::<_, String>(5)?, "created_at": r.get::<_, String>(6)?}))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(json!(rows))
    }
}
