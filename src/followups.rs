//! Follow-ups (回访, SPEC §5): plans, the scheduler and the callback
//! checklist. Event tasks are created when their trigger is recorded
//! (an execution, a purchase); time tasks (birthday, dormant, no-deal days)
//! are materialised up to the date asked for, idempotently, from a watermark.
//! A task is one per customer, kind and due date, listing every source behind
//! it. Nothing is materialised with a due date before the day Liuke started
//! (the horizon); tasks from imported history that fall before the import's
//! today are kept as `historical`.

use chrono::{Datelike, Days, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::customers::CustomerId;
use crate::error::{Error, Result};
use crate::items::{self, Category, ItemId};
use crate::staff::StaffId;
use crate::store::new_uid;

/// The task kinds of SPEC §5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    PostTreatment,
    NoDeal,
    Repurchase,
    Birthday,
    Dormant,
    NoShow,
    Package,
    Campaign,
}

impl Kind {
    pub const ALL: [Kind; 8] =
        [Kind::PostTreatment, Kind::NoDeal, Kind::Repurchase, Kind::Birthday, Kind::Dormant, Kind::NoShow, Kind::Package, Kind::Campaign];

    pub fn key(self) -> &'static str {
        match self {
            Kind::PostTreatment => "post_treatment",
            Kind::NoDeal => "no_deal",
            Kind::Repurchase => "repurchase",
            Kind::Birthday => "birthday",
            Kind::Dormant => "dormant",
            Kind::NoShow => "no_show",
            Kind::Package => "package",
            Kind::Campaign => "campaign",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::PostTreatment => "术后回访",
            Kind::NoDeal => "未成交回访",
            Kind::Repurchase => "复购提醒",
            Kind::Birthday => "生日关怀",
            Kind::Dormant => "沉睡唤醒",
            Kind::NoShow => "爽约回访",
            Kind::Package => "疗程邀约",
            Kind::Campaign => "节日问候/活动邀约",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.key() == text)
    }

    /// Marketing kinds that `marketing_opt_out` suppresses; post-treatment
    /// calls are clinical and always kept.
    pub fn is_marketing(self) -> bool {
        matches!(self, Kind::NoDeal | Kind::Repurchase | Kind::Dormant | Kind::Birthday | Kind::Campaign)
    }

    /// The script staff read for a kind that has no plan step.
    pub fn default_script(self) -> &'static str {
        match self {
            Kind::PostTreatment => "{姓名}您好，我是留客诊所的回访专员。您{天数}天前做了{项目}，现在感觉怎么样？有没有红肿或不适？",
            Kind::NoDeal => "{姓名}您好，感谢您{天数}天前来院咨询{项目}。还有什么顾虑我可以帮您解答吗？",
            Kind::Repurchase => "{姓名}您好，您上次做{项目}已经{天数}天了，差不多到了巩固的时间，要不要帮您约个时间？",
            Kind::Birthday => "{姓名}您好，今天是您的生日，留客诊所祝您生日快乐！生日月到院消费积分双倍。",
            Kind::Dormant => "{姓名}您好，好久不见（已{天数}天），最近皮肤状态怎么样？院里新到了适合您的项目，欢迎回来看看。",
            Kind::NoShow => "{姓名}您好，您预约的到院时间已过，是不是临时有事？需要帮您改约吗？",
            Kind::Package => "{姓名}您好，您的疗程还有{剩余}没做，距上次已经{天数}天了，按疗程间隔该做下一次了，这周帮您约个时间好吗？",
            Kind::Campaign => "{姓名}您好，{活动}，诚邀您到院。",
        }
    }
}

/// How a task reaches the customer (SPEC §5): a call (电话) or a message
/// (消息: a text to send by WeChat or SMS, ticked off as `sent`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    #[default]
    Call,
    Message,
}

impl Channel {
    pub fn key(self) -> &'static str {
        match self {
            Channel::Call => "call",
            Channel::Message => "message",
        }
    }
}

impl rusqlite::types::FromSql for Channel {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        crate::store::stored(v, "回访方式", |t| [Channel::Call, Channel::Message].into_iter().find(|c| c.key() == t))
    }
}

/// One step of a follow-up plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub offset: i64,
    pub purpose: String,
    #[serde(default)]
    pub script: String,
    /// Plans saved before message steps existed are calls.
    #[serde(default)]
    pub channel: Channel,
}

fn step(offset: i64, purpose: &str, script: &str) -> Step {
    Step { offset, purpose: purpose.into(), script: script.into(), channel: Channel::Call }
}

/// The seed plans of SPEC §5: default and injection "1-3-7-30", surgery,
/// laser/light and skincare.
pub fn default_plan(scope: &str) -> Vec<Step> {
    let check = "{姓名}您好，您{天数}天前做了{项目}，现在有没有红肿或不适？";
    let care = "{姓名}您好，{项目}后的护理很关键：注意保湿防晒，这几天别去桑拿和剧烈运动。";
    let review = "{姓名}您好，{项目}已经一周了，方便约个时间到院复查吗？";
    let keep = "{姓名}您好，{项目}一个月了，效果还满意吗？给您介绍一下巩固方案。";
    match scope {
        "category:手术" => vec![
            step(1, "电话回访：疼痛/肿胀", check),
            step(3, "护理指导", care),
            step(7, "复查邀约（拆线）", review),
            step(15, "恢复情况", "{姓名}您好，术后半个月了，恢复得怎么样？"),
            step(30, "效果确认", keep),
            step(90, "术后三个月复查", "{姓名}您好，术后三个月了，欢迎到院做一次复查。"),
        ],
        "category:光电" => vec![step(1, "电话回访：红肿/不适", check), step(7, "护理指导", care), step(30, "巩固方案", keep)],
        "category:皮肤管理" => vec![step(7, "护理指导", care), step(30, "效果回访", keep), step(90, "疗程规划", keep)],
        _ => vec![step(1, "电话回访：红肿/不适", check), step(3, "护理指导", care), step(7, "复查邀约", review), step(30, "巩固方案", keep)],
    }
}

/// The plan stored for a scope, or its seed.
pub fn plan(conn: &Connection, scope: &str) -> Result<Vec<Step>> {
    let stored: Option<String> =
        conn.prepare_cached("SELECT steps_json FROM followup_plans WHERE scope = ?1")?.query_row([scope], |r| r.get(0)).optional()?;
    match stored {
        Some(json) => Ok(serde_json::from_str(&json)?),
        None => Ok(default_plan(scope)),
    }
}

/// The plan an item follows: its own if one was saved, else its category's
/// (其他 follows the default plan).
pub fn plan_for_item(conn: &Connection, item: ItemId) -> Result<Vec<Step>> {
    let it = items::get(conn, item)?;
    plan_of(conn, item, it.category.as_str())
}

/// Saves a plan. Tasks already created keep their due dates (SPEC: a plan
/// edit does not rewrite existing tasks).
pub fn save_plan(conn: &Connection, clock: &Clock, by: StaffId, scope: &str, steps: &[Step]) -> Result<()> {
    let valid_scope = scope == "default"
        || scope.strip_prefix("category:").is_some_and(|c| Category::parse(c).is_ok())
        || scope.strip_prefix("item:").and_then(|i| i.parse::<i64>().ok()).is_some();
    if !valid_scope {
        return Err(Error::invalid("scope", format!("回访方案「{scope}」无法识别")));
    }
    let mut seen = std::collections::HashSet::new();
    for s in steps {
        if !(1..=730).contains(&s.offset) {
            return Err(Error::invalid("steps", format!("回访天数 {} 应在 1 到 730 之间", s.offset)));
        }
        if !seen.insert(s.offset) {
            return Err(Error::invalid("steps", format!("第 {} 天出现了两次", s.offset)));
        }
        if s.purpose.trim().is_empty() {
            return Err(Error::invalid("steps", format!("第 {} 天的回访目的不能为空", s.offset)));
        }
        if s.channel == Channel::Message && s.script.trim().is_empty() {
            return Err(Error::invalid("steps", format!("第 {} 天是发消息，请写好要发的内容", s.offset)));
        }
    }
    let mut sorted = steps.to_vec();
    sorted.sort_by_key(|s| s.offset);
    conn.execute(
        "INSERT INTO followup_plans (scope, steps_json, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (scope) DO UPDATE SET steps_json = excluded.steps_json, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        params![scope, serde_json::to_string(&sorted)?, clock.now_utc(), by.0],
    )?;
    Ok(())
}

/// The first day Liuke schedules for: set on first use to that day's today.
pub fn horizon(conn: &Connection, clock: &Clock) -> Result<NaiveDate> {
    let stored: Option<String> =
        conn.prepare_cached("SELECT value FROM settings WHERE key = 'followups_from'")?.query_row([], |r| r.get(0)).optional()?;
    if let Some(d) = stored.as_deref().and_then(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()) {
        return Ok(d);
    }
    let today = clock.today();
    conn.execute("INSERT OR IGNORE INTO settings (key, value) VALUES ('followups_from', ?1)", [today.to_string()])?;
    Ok(today)
}

pub fn add_days(d: NaiveDate, n: i64) -> NaiveDate {
    if n >= 0 {
        d.checked_add_days(Days::new(n as u64)).unwrap_or(NaiveDate::MAX)
    } else {
        d.checked_sub_days(Days::new(n.unsigned_abs())).unwrap_or(NaiveDate::MIN)
    }
}

fn opted_out(conn: &Connection, customer: CustomerId) -> Result<bool> {
    Ok(conn.prepare_cached("SELECT marketing_opt_out FROM customers WHERE id = ?1")?.query_row([customer.0], |r| r.get(0))?)
}

/// What a new task is for.
pub struct NewTask<'a> {
    pub customer: CustomerId,
    pub kind: Kind,
    pub due: NaiveDate,
    pub anchor: NaiveDate,
    pub purpose: Option<&'a str>,
    pub script: Option<&'a str>,
    pub source: String,
    pub item: Option<&'a str>,
    /// Imported or demo history: a due date before today makes it historical.
    pub history: bool,
    /// A message step's task; merged with a call on the same day, it is a call.
    pub channel: Channel,
}

/// Creates the task or adds this source to the one already there for the
/// same customer, kind and due date. Idempotent. Returns the task id, or
/// None when the customer does not accept marketing and the kind is marketing.
pub fn upsert(conn: &Connection, clock: &Clock, t: &NewTask) -> Result<Option<i64>> {
    Ok(upsert_task(conn, clock, t)?.map(|u| u.id))
}

/// Where a task stands (SPEC §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Open,
    Reached,
    /// A message step's text was sent.
    Sent,
    Unreachable,
    Escalate,
    Cancelled,
    /// A call imported history implies for a day already past: counted, never dialled.
    Historical,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 7] = [
        TaskStatus::Open,
        TaskStatus::Reached,
        TaskStatus::Sent,
        TaskStatus::Unreachable,
        TaskStatus::Escalate,
        TaskStatus::Cancelled,
        TaskStatus::Historical,
    ];

    pub fn key(self) -> &'static str {
        match self {
            TaskStatus::Open => "open",
            TaskStatus::Reached => "reached",
            TaskStatus::Sent => "sent",
            TaskStatus::Unreachable => "unreachable",
            TaskStatus::Escalate => "escalate",
            TaskStatus::Cancelled => "cancelled",
            TaskStatus::Historical => "historical",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TaskStatus::Open => "待回访",
            TaskStatus::Reached => "已接通",
            TaskStatus::Sent => "已发送",
            TaskStatus::Unreachable => "联系不上",
            TaskStatus::Escalate => "已上报",
            TaskStatus::Cancelled => "已取消",
            TaskStatus::Historical => "历史",
        }
    }
}

impl rusqlite::types::FromSql for TaskStatus {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        crate::store::stored(v, "回访状态", |t| TaskStatus::ALL.into_iter().find(|s| s.key() == t))
    }
}

impl rusqlite::types::FromSql for Kind {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        crate::store::stored(v, "回访类型", Kind::parse)
    }
}

impl rusqlite::ToSql for TaskStatus {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.key().into())
    }
}

/// A task as [`upsert_task`] left it.
pub struct Upserted {
    pub id: i64,
    /// Its status after the upsert: open, historical, or what it already was.
    pub status: TaskStatus,
    /// The status a task made now for this reason gets (open, or historical
    /// for imported history due before today).
    pub fresh_status: TaskStatus,
}

/// [`upsert`], saying where the task stands afterwards.
pub fn upsert_task(conn: &Connection, clock: &Clock, t: &NewTask) -> Result<Option<Upserted>> {
    let opted_out = t.kind.is_marketing() && opted_out(conn, t.customer)?;
    upsert_for(conn, clock, t, opted_out)
}

/// [`upsert_task`] for a customer whose marketing choice is already known.
/// While an import gathers its history ([`HistoryBuffer`]), a call that is
/// already history is gathered too and None is answered: it is written, with
/// the rest, when the buffer is flushed.
fn upsert_for(conn: &Connection, clock: &Clock, t: &NewTask, opted_out: bool) -> Result<Option<Upserted>> {
    if t.kind.is_marketing() && opted_out {
        return Ok(None);
    }
    let status = if t.history && t.due < clock.today() { TaskStatus::Historical } else { TaskStatus::Open };
    if status == TaskStatus::Historical && history::gathering() {
        history::gather(conn, clock, t)?;
        return Ok(None);
    }
    let due = t.due.to_string();
    // A new task answers with its id; an existing one is looked up.
    let inserted: Option<i64> = conn
        .prepare_cached(
            "INSERT INTO tasks (uid, customer_id, kind, due, next_on, status, purpose, script, anchor, created_at, channel)
             VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (customer_id, kind, due) DO NOTHING RETURNING id",
        )?
        .query_row(
            params![new_uid(), t.customer.0, t.kind.key(), due, status, t.purpose, t.script, t.anchor.to_string(), clock.now_utc(), t.channel.key()],
            |r| r.get(0),
        )
        .optional()?;
    let (id, mut current, channel): (i64, TaskStatus, Channel) = match inserted {
        Some(id) => (id, status, t.channel),
        None => conn
            .prepare_cached("SELECT id, status, channel FROM tasks WHERE customer_id = ?1 AND kind = ?2 AND due = ?3")?
            .query_row(params![t.customer.0, t.kind.key(), due], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?,
    };
    // A source voided earlier (a package call cancelled when a session was
    // done, the session then voided) counts as added again.
    let added = conn
        .prepare_cached(
            "INSERT INTO task_sources (task_id, source, item) VALUES (?1, ?2, ?3)
             ON CONFLICT (task_id, source) DO UPDATE SET voided = 0, item = excluded.item WHERE voided = 1",
        )?
        .execute(params![id, t.source, t.item])?;
    if channel == Channel::Message && t.channel == Channel::Call && current == TaskStatus::Open {
        // A call and a message due the same day are one task: a call.
        conn.prepare_cached("UPDATE tasks SET channel = 'call' WHERE id = ?1")?.execute([id])?;
    }
    // A new live reason for a task that was cancelled (e.g. every earlier source voided) opens it again.
    if added > 0 && current == TaskStatus::Cancelled && status == TaskStatus::Open {
        reopen(conn, id, status)?;
        current = status;
    }
    Ok(Some(Upserted { id, status: current, fresh_status: status }))
}

/// A cancelled task whose reason holds again goes back to `status`.
pub fn reopen(conn: &Connection, id: i64, status: TaskStatus) -> Result<()> {
    conn.prepare_cached("UPDATE tasks SET status = ?2, cancel_reason = NULL, next_on = due WHERE id = ?1 AND status = 'cancelled'")?
        .execute(params![id, status])?;
    Ok(())
}

/// The date a task counts its days from (its script's {天数}).
pub fn set_anchor(conn: &Connection, id: i64, anchor: NaiveDate) -> Result<()> {
    conn.prepare_cached("UPDATE tasks SET anchor = ?2 WHERE id = ?1")?.execute(params![id, anchor.to_string()])?;
    Ok(())
}

/// Cancels an open task, saying why.
pub fn cancel(conn: &Connection, id: i64, reason: &str) -> Result<()> {
    conn.prepare_cached("UPDATE tasks SET status = 'cancelled', cancel_reason = ?2 WHERE id = ?1 AND status = 'open'")?
        .execute(params![id, reason])?;
    Ok(())
}

/// An execution was recorded: post-treatment calls by the item's plan, and a
/// repurchase reminder for an item with a cycle (earlier reminders of that
/// item whose due date is after this execution are cancelled: it was done again).
pub fn on_execution(conn: &Connection, clock: &Clock, execution_id: i64, history: bool) -> Result<()> {
    // One read for everything the calls need: the execution, its item and
    // category, the plans that could apply, and whether the customer takes marketing.
    let (customer, day, item, item_name, category, cycle, opted_out): (i64, String, i64, String, String, Option<i64>, bool) = conn
        .prepare_cached(
            "SELECT e.customer_id, e.exec_date, i.id, i.name, i.category, i.repurchase_days, c.marketing_opt_out
             FROM executions e JOIN order_lines l ON l.id = e.order_line_id JOIN items i ON i.id = l.item_id
             JOIN customers c ON c.id = e.customer_id WHERE e.id = ?1",
        )?
        .query_row([execution_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))?;
    let day = NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| Error::Config("执行日期无法读取".into()))?;
    let customer = CustomerId(customer);
    horizon(conn, clock)?;
    let source = format!("execution:{execution_id}");
    for s in plan_of(conn, ItemId(item), &category)? {
        let t = NewTask {
            customer,
            kind: Kind::PostTreatment,
            due: add_days(day, s.offset),
            anchor: day,
            purpose: Some(&s.purpose),
            script: Some(&s.script).filter(|t| !t.is_empty()).map(|t| t.as_str()),
            source: source.clone(),
            item: Some(&item_name),
            history,
            channel: s.channel,
        };
        upsert_for(conn, clock, &t, opted_out)?;
    }
    cancel_repurchase_after(conn, customer, ItemId(item), day)?;
    if let Some(c) = cycle {
        let t = NewTask {
            customer,
            kind: Kind::Repurchase,
            due: add_days(day, c - 7),
            anchor: day,
            purpose: Some("复购提醒"),
            script: None,
            source: format!("repurchase:{item}:{day}"),
            item: Some(&item_name),
            history,
            channel: Channel::Call,
        };
        upsert_for(conn, clock, &t, opted_out)?;
    }
    Ok(())
}

/// The plan an item follows, read in one query: its own, else its
/// category's (其他 follows the default), else the seed.
fn plan_of(conn: &Connection, item: ItemId, category: &str) -> Result<Vec<Step>> {
    let own = format!("item:{}", item.0);
    let category_scope = if category == Category::Other.as_str() { "default".to_string() } else { format!("category:{category}") };
    let stored: Vec<(String, String)> = conn
        .prepare_cached("SELECT scope, steps_json FROM followup_plans WHERE scope IN (?1, ?2)")?
        .query_map(params![own, category_scope], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let pick = |scope: &str| stored.iter().find(|(s, _)| s == scope).map(|(_, json)| json);
    match pick(&own).or_else(|| pick(&category_scope)) {
        Some(json) => Ok(serde_json::from_str(json)?),
        None => Ok(default_plan(&category_scope)),
    }
}

/// An item was bought or executed again on `day`: its pending repurchase
/// reminders anchored before that day and due after it are moot.
pub fn cancel_repurchase_after(conn: &Connection, customer: CustomerId, item: ItemId, day: NaiveDate) -> Result<()> {
    // The customer's own reminders first (an index seek), then their sources:
    // a pattern over every source in the clinic would grow with the clinic.
    conn.prepare_cached(
        "UPDATE tasks SET status = 'cancelled', cancel_reason = '已再次购买或执行该项目'
         WHERE customer_id = ?1 AND kind = 'repurchase' AND due > ?3 AND status = 'open' AND anchor < ?3
           AND EXISTS (SELECT 1 FROM task_sources s WHERE s.task_id = tasks.id AND substr(s.source, 1, length(?2)) = ?2)",
    )?
    // Not LIKE: a pattern bound as a parameter makes SQLite recompile the
    // statement at every new value, which dominated a large import.
    .execute(params![customer.0, format!("repurchase:{}:", item.0), day.to_string()])?;
    Ok(())
}

/// An execution was voided: its sources are marked, and pending tasks with
/// no live source left are cancelled.
pub fn on_void_execution(conn: &Connection, execution_id: i64) -> Result<()> {
    conn.prepare_cached("UPDATE task_sources SET voided = 1 WHERE source = ?1")?.execute([format!("execution:{execution_id}")])?;
    conn.prepare_cached(
        "UPDATE tasks SET status = 'cancelled', cancel_reason = '执行记录已作废'
         WHERE status = 'open' AND id IN (SELECT task_id FROM task_sources WHERE source = ?1)
           AND NOT EXISTS (SELECT 1 FROM task_sources s WHERE s.task_id = tasks.id AND s.voided = 0)",
    )?
    .execute([format!("execution:{execution_id}")])?;
    Ok(())
}

fn setting_date(conn: &Connection, key: &str) -> Result<Option<NaiveDate>> {
    let v: Option<String> = conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?;
    Ok(v.and_then(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok()))
}

/// This year's birthday: Feb 29 → Feb 28 in other years.
pub fn birthday_in(year: i32, birthday: NaiveDate) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, birthday.month(), birthday.day()).or_else(|| NaiveDate::from_ymd_opt(year, 2, 28))
}

/// Brings the time-based tasks up to `d`: birthdays, dormant days and the
/// ends of no-deal arrival days in (watermark, d], then cancels what no
/// longer applies (the customer came back, or does not accept marketing).
/// Running it twice, or for an earlier date, changes nothing.
pub fn materialize_tx(tx: &Connection, clock: &Clock, d: NaiveDate) -> Result<()> {
    let from = horizon(tx, clock)?;
    let through = setting_date(tx, "followups_through")?.unwrap_or_else(|| add_days(from, -1));
    if d > through {
        let start = add_days(through, 1);
        birthdays(tx, clock, start, d, from)?;
        dormant(tx, clock, start, d, from)?;
        packages(tx, clock, start.max(from), d)?;
        crate::store::settings::set(tx, "followups_through", &d.to_string())?;
    }
    // Arrival days are looked at every time, a week back: an arrival imported
    // or entered late still gets its calls; upsert makes this idempotent.
    no_deal(tx, clock, add_days(through.min(d).max(add_days(from, -1)), -7), add_days(d, -1), from)?;
    tx.execute(
        // The three live fact indexes, not the visit_days view: this runs
        // over every open call, and each probe must stay an index seek.
        "UPDATE tasks SET status = 'cancelled', cancel_reason = '客户已再次到院'
         WHERE status = 'open' AND kind IN ('dormant', 'no_deal', 'no_show')
           AND (EXISTS (SELECT 1 FROM arrivals AS a INDEXED BY arrivals_live WHERE a.customer_id = tasks.customer_id AND a.voided_at IS NULL AND a.visit_date > tasks.anchor AND a.visit_date <= ?1)
             OR EXISTS (SELECT 1 FROM payments AS p INDEXED BY payments_live WHERE p.customer_id = tasks.customer_id AND p.voided_at IS NULL AND p.pay_date > tasks.anchor AND p.pay_date <= ?1)
             OR EXISTS (SELECT 1 FROM executions AS e INDEXED BY executions_live WHERE e.customer_id = tasks.customer_id AND e.voided_at IS NULL AND e.exec_date > tasks.anchor AND e.exec_date <= ?1))",
        [d.to_string()],
    )?;
    tx.execute(
        "UPDATE tasks SET status = 'cancelled', cancel_reason = '客户不接受营销'
         WHERE status = 'open' AND kind IN ('no_deal', 'repurchase', 'dormant', 'birthday', 'campaign')
           AND customer_id IN (SELECT id FROM customers WHERE marketing_opt_out = 1)",
        [],
    )?;
    Ok(())
}

fn birthdays(conn: &Connection, clock: &Clock, start: NaiveDate, end: NaiveDate, from: NaiveDate) -> Result<()> {
    let people: Vec<(i64, String)> = conn
        .prepare("SELECT id, birthday FROM customers WHERE birthday IS NOT NULL AND marketing_opt_out = 0")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, text) in people {
        let Ok(born) = NaiveDate::parse_from_str(&text, "%Y-%m-%d") else { continue };
        let (from, to) = (start.max(from), end);
        if !(from.year()..=to.year()).any(|y| birthday_in(y, born).is_some_and(|d| d >= from && d <= to)) {
            continue;
        }
        let first_visit: Option<String> = conn
            .prepare_cached("SELECT min(day) FROM visit_days WHERE customer_id = ?1")?
            .query_row([id], |r| r.get(0))?;
        let first_visit = first_visit.and_then(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok());
        for t in birthday_calls(CustomerId(id), born, first_visit, from, to, false) {
            upsert(conn, clock, &t)?;
        }
    }
    Ok(())
}

/// The days since the last visit reach 180, 270 and 360.
pub const DORMANT_DAYS: [i64; 3] = [180, 270, 360];

fn dormant(conn: &Connection, clock: &Clock, start: NaiveDate, end: NaiveDate, from: NaiveDate) -> Result<()> {
    for (customer, f) in crate::visits::all_facts(conn, end)? {
        for t in dormant_calls(customer, f.last_visit, start.max(from), end, false) {
            upsert(conn, clock, &t)?;
        }
    }
    Ok(())
}

/// The birthday calls due in [from, to]: each year's birthday (Feb 29 →
/// Feb 28 in other years) on or after the customer's first visit day.
pub fn birthday_calls(customer: CustomerId, born: NaiveDate, first_visit: Option<NaiveDate>, from: NaiveDate, to: NaiveDate, history: bool) -> Vec<NewTask<'static>> {
    let Some(first) = first_visit else { return Vec::new() };
    (from.year()..=to.year())
        .filter_map(|year| birthday_in(year, born).map(|day| (year, day)))
        .filter(|(_, day)| *day >= from && *day <= to && first <= *day)
        .map(|(year, day)| NewTask {
            customer,
            kind: Kind::Birthday,
            due: day,
            anchor: day,
            purpose: Some("生日关怀"),
            script: None,
            source: format!("birthday:{year}"),
            item: None,
            history,
            channel: Channel::Call,
        })
        .collect()
}

/// The dormant calls due in [from, to]: the days 180, 270 and 360 days after
/// the last visit day.
pub fn dormant_calls(customer: CustomerId, last_visit: Option<NaiveDate>, from: NaiveDate, to: NaiveDate, history: bool) -> Vec<NewTask<'static>> {
    let Some(last) = last_visit else { return Vec::new() };
    DORMANT_DAYS
        .into_iter()
        .map(|n| (n, add_days(last, n)))
        .filter(|(_, due)| *due >= from && *due <= to)
        .map(|(n, due)| NewTask {
            customer,
            kind: Kind::Dormant,
            due,
            anchor: last,
            purpose: Some("沉睡唤醒"),
            script: None,
            source: format!("dormant:{n}:{last}"),
            item: None,
            history,
            channel: Channel::Call,
        })
        .collect()
}

/// The package calls (疗程邀约) due in [from, to] for every live order with
/// sessions left.
fn packages(conn: &Connection, clock: &Clock, from: NaiveDate, to: NaiveDate) -> Result<()> {
    let p = crate::prepaid::package_days(conn)?;
    for o in crate::prepaid::open_orders(conn, None)? {
        for t in package_calls(&o, p, from, to, false) {
            upsert(conn, clock, &t)?;
        }
    }
    Ok(())
}

/// The package calls of an order due in [from, to]: its last session (or
/// its order date) + P, and every P days after, while sessions remain.
pub fn package_calls(o: &crate::prepaid::OpenOrder, p: i64, from: NaiveDate, to: NaiveDate, history: bool) -> Vec<NewTask<'_>> {
    crate::prepaid::call_days(o, p, from, to)
        .into_iter()
        .map(|due| NewTask {
            customer: o.customer,
            kind: Kind::Package,
            due,
            anchor: o.anchor,
            purpose: Some("疗程邀约"),
            script: None,
            source: format!("package:{}", o.order_id),
            item: Some(&o.items),
            history,
            channel: Channel::Call,
        })
        .collect()
}

/// An arrival day that ended with no positive payment and no session.
pub struct NoDealDay {
    pub customer: CustomerId,
    pub day: NaiveDate,
    /// The day's first arrival, the calls' source.
    pub arrival: i64,
    pub purpose: Option<String>,
    /// Whether an arrival of that day was imported (history).
    pub imported: bool,
}

/// The no-deal arrival days in [first, last], of one customer or of everyone.
pub fn no_deal_days(conn: &Connection, first: NaiveDate, last: NaiveDate, customer: Option<CustomerId>) -> Result<Vec<NoDealDay>> {
    if last < first {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT a.customer_id, a.visit_date, min(a.id), min(a.purpose), max(a.import_key IS NOT NULL) FROM arrivals a
         WHERE a.voided_at IS NULL AND a.visit_date BETWEEN ?1 AND ?2 {}
           AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.customer_id = a.customer_id AND p.pay_date = a.visit_date AND p.voided_at IS NULL)
           AND NOT EXISTS (SELECT 1 FROM executions e WHERE e.customer_id = a.customer_id AND e.exec_date = a.visit_date AND e.voided_at IS NULL)
         GROUP BY a.customer_id, a.visit_date",
        if customer.is_some() { "AND a.customer_id = ?3" } else { "AND ?3 IS NULL" }
    );
    let rows: Vec<(i64, String, i64, Option<String>, bool)> = conn
        .prepare_cached(&sql)?
        .query_map(params![first.to_string(), last.to_string(), customer.map(|c| c.0)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|(c, day, arrival, purpose, imported)| {
            let day = NaiveDate::parse_from_str(&day, "%Y-%m-%d").ok()?;
            Some(NoDealDay { customer: CustomerId(c), day, arrival, purpose, imported })
        })
        .collect())
}

/// The calls a no-deal day brings: the next day and a week later, none due
/// before `from`.
pub fn no_deal_calls(d: &NoDealDay, from: NaiveDate) -> Vec<NewTask<'_>> {
    [1, 7]
        .into_iter()
        .map(|offset| add_days(d.day, offset))
        .filter(|due| *due >= from)
        .map(|due| NewTask {
            customer: d.customer,
            kind: Kind::NoDeal,
            due,
            anchor: d.day,
            purpose: Some("未成交回访"),
            script: None,
            source: format!("arrival:{}", d.arrival),
            item: d.purpose.as_deref(),
            history: d.imported,
            channel: Channel::Call,
        })
        .collect()
}

/// Arrival days in [first, last] that ended with no payment and no session:
/// calls the next day and a week later.
fn no_deal(conn: &Connection, clock: &Clock, first: NaiveDate, last: NaiveDate, from: NaiveDate) -> Result<()> {
    for day in no_deal_days(conn, first, last, None)? {
        for t in no_deal_calls(&day, from) {
            upsert(conn, clock, &t)?;
        }
    }
    Ok(())
}

/// The watermark: the last day the time-based tasks were brought up to.
pub fn watermark(conn: &Connection) -> Result<Option<NaiveDate>> {
    setting_date(conn, "followups_through")
}

mod calls;
pub use calls::*;
mod history;
pub use history::HistoryBuffer;
mod replan;
pub use replan::{move_open_calls, Moved};

#[cfg(test)]
mod tests;
