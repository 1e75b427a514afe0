//! Working the calls: the due list of `liuke callbacks due`, the checklist
//! grouped by customer with the filled script and memory points, the four
//! outcomes with the 3-attempt rule, and campaigns that become tasks.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{add_days, upsert, Channel, Kind, NewTask, TaskStatus};
use crate::clock::Clock;
use crate::customers::CustomerId;
use crate::error::{Error, Result};
use crate::staff::StaffId;
use crate::store::{new_uid, write_tx};

/// After this many unanswered calls a task closes as unreachable.
pub const MAX_UNANSWERED: i64 = 3;

/// One open task as `liuke callbacks due` prints it (SPEC §7 keys).
#[derive(Debug, Clone, Serialize)]
pub struct DueTask {
    pub id: i64,
    pub phone: String,
    pub name: String,
    pub kind: Kind,
    pub due: String,
    pub next_on: String,
    pub status: TaskStatus,
    pub items: Vec<String>,
    pub attempts: i64,
    /// A call, or a message to send (extra key, SPEC §7 allows it).
    pub channel: Channel,
    #[serde(skip)]
    pub customer_id: i64,
    #[serde(skip)]
    pub purpose: Option<String>,
    #[serde(skip)]
    pub script: Option<String>,
    #[serde(skip)]
    pub anchor: Option<String>,
}

const DUE_SQL: &str = "
    SELECT t.id, c.phone, c.name, t.kind, t.due, t.next_on, t.status,
           (SELECT group_concat(item, char(31)) FROM (SELECT DISTINCT item FROM task_sources s WHERE s.task_id = t.id AND s.voided = 0 AND item IS NOT NULL ORDER BY item)),
           (SELECT count(*) FROM live_attempts a WHERE a.task_id = t.id),
           t.customer_id, t.purpose, t.script, t.anchor, t.channel
    FROM tasks t JOIN customers c ON c.id = t.customer_id";

fn due_of(r: &rusqlite::Row) -> rusqlite::Result<DueTask> {
    let items: Option<String> = r.get(7)?;
    Ok(DueTask {
        id: r.get(0)?,
        phone: r.get(1)?,
        name: r.get(2)?,
        kind: r.get(3)?,
        due: r.get(4)?,
        next_on: r.get(5)?,
        status: r.get(6)?,
        items: items.map(|t| t.split('\u{1f}').map(str::to_string).collect()).unwrap_or_default(),
        attempts: r.get(8)?,
        channel: r.get(13)?,
        customer_id: r.get(9)?,
        purpose: r.get(10)?,
        script: r.get(11)?,
        anchor: r.get(12)?,
    })
}

/// The open tasks with next_on ≤ d, by next_on, then phone, then kind.
pub fn due(conn: &Connection, d: NaiveDate) -> Result<Vec<DueTask>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{DUE_SQL} WHERE t.status = 'open' AND t.next_on <= ?1 ORDER BY t.next_on, c.phone, t.kind"
    ))?;
    let rows = stmt.query_map([d.to_string()], due_of)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The due list as CSV for Excel (UTF-8 with BOM, Chinese headers).
pub fn due_csv(list: &[DueTask]) -> Result<String> {
    crate::export::csv_for_excel(
        &["编号", "手机号", "姓名", "类型", "应回访日", "下次回访日", "状态", "项目", "已拨打次数"],
        list.iter().map(|t| {
            vec![
                t.id.to_string(),
                t.phone.clone(),
                t.name.clone(),
                t.kind.label().to_string(),
                t.due.clone(),
                t.next_on.clone(),
                t.status.label().to_string(),
                t.items.join("、"),
                t.attempts.to_string(),
            ]
        }),
    )
}

pub fn task(conn: &Connection, id: i64) -> Result<DueTask> {
    conn.prepare_cached(&format!("{DUE_SQL} WHERE t.id = ?1"))?
        .query_row([id], due_of)
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("找不到编号为 {id} 的回访任务。")))
}

/// A customer's tasks, newest due first (for the customer file).
pub fn of_customer(conn: &Connection, customer: CustomerId) -> Result<Vec<DueTask>> {
    let mut stmt = conn.prepare_cached(&format!("{DUE_SQL} WHERE t.customer_id = ?1 AND t.status <> 'historical' ORDER BY t.due DESC, t.kind"))?;
    let rows = stmt.query_map([customer.0], due_of)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The script with its placeholders filled: {姓名}, {项目}, {天数}, {日期},
/// {活动}, and for a package call {剩余} (what is left, e.g. 「热玛吉 2 次」).
pub fn fill_script(t: &DueTask, d: NaiveDate) -> String {
    fill_script_with(t, d, "")
}

fn fill_script_with(t: &DueTask, d: NaiveDate, left: &str) -> String {
    let kind = t.kind;
    let template = t.script.clone().unwrap_or_else(|| kind.default_script().to_string());
    let days = t
        .anchor
        .as_deref()
        .and_then(|a| NaiveDate::parse_from_str(a, "%Y-%m-%d").ok())
        .map(|a| (d - a).num_days().to_string())
        .unwrap_or_default();
    let items = if t.items.is_empty() { "项目".to_string() } else { t.items.join("、") };
    template
        .replace("{姓名}", &t.name)
        .replace("{项目}", &items)
        .replace("{天数}", &days)
        .replace("{日期}", &t.due)
        .replace("{活动}", t.purpose.as_deref().unwrap_or(""))
        .replace("{剩余}", left)
}

/// One call on the checklist.
#[derive(Debug, Clone, Serialize)]
pub struct Call {
    #[serde(flatten)]
    pub task: DueTask,
    pub kind_label: &'static str,
    pub purpose: Option<String>,
    pub script: String,
    pub overdue_days: i64,
    /// A package call's packages: what is left of each and the last session.
    pub packages: Vec<crate::prepaid::PackageLeft>,
}

/// A customer's calls for the day, with what staff must see before dialing.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerCalls {
    pub customer_id: i64,
    pub name: String,
    pub phone: String,
    pub consultant: Option<String>,
    pub memory_points: Vec<String>,
    pub allergies: Option<String>,
    pub flagged: bool,
    /// Points and vouchers about to lapse (SPEC §8): a reason to call.
    pub reminders: Vec<String>,
    pub calls: Vec<Call>,
}

/// Filters of the checklist screen.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Filter {
    pub kind: Option<String>,
    /// The customer's consultant (顾问), by name.
    pub consultant: Option<String>,
    /// A membership tier key (e.g. `gold`).
    pub membership: Option<String>,
}

/// Which customers of the day's list to fill in: the next `size` of them
/// (all when None) after leaving out those already `shown`. Left out by who
/// they are, not by position: while a list is worked, its customers leave it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Page {
    pub shown: std::collections::HashSet<i64>,
    pub size: Option<usize>,
}

impl Page {
    pub fn all() -> Page {
        Page::default()
    }

    pub fn first(size: usize) -> Page {
        Page { shown: Default::default(), size: Some(size) }
    }
}

/// How many customers a screen of the call list shows at first: a day's list
/// can run to thousands of calls, and nobody works through them at once.
pub const CHECKLIST_PAGE: usize = 100;

/// Some customers of the day's checklist, with the whole list's counts.
#[derive(Debug, Clone, Serialize)]
pub struct Checklist {
    pub groups: Vec<CustomerCalls>,
    pub customers: usize,
    pub calls: usize,
    pub overdue: usize,
    /// Customers on the list neither shown before nor on this page.
    pub more: usize,
}

/// The day's checklist, every customer on it.
pub fn checklist(conn: &Connection, d: NaiveDate, f: &Filter) -> Result<Vec<CustomerCalls>> {
    Ok(checklist_page(conn, d, f, Page::all())?.groups)
}

/// The day's checklist: open tasks with next_on ≤ d grouped by customer,
/// customers with the most overdue call first. The order and the counts come
/// from one light pass over the list; only the page's customers are read in
/// full (items, attempts, scripts, packages, memory points, reminders).
pub fn checklist_page(conn: &Connection, d: NaiveDate, f: &Filter, page: Page) -> Result<Checklist> {
    let order = ordered_calls(conn, d, f)?;
    let calls = order.iter().map(|(_, tasks)| tasks.len()).sum();
    let overdue = order.iter().flat_map(|(_, tasks)| tasks).filter(|(_, overdue)| *overdue).count();
    let customers = order.len();
    let not_shown: Vec<&(i64, Vec<(i64, bool)>)> = order.iter().filter(|(c, _)| !page.shown.contains(c)).collect();
    let size = page.size.unwrap_or(not_shown.len()).min(not_shown.len());
    let mut groups = Vec::new();
    let birthday_text = crate::templates::edited_text(conn, "birthday")?;
    for (customer, tasks) in &not_shown[..size] {
        let mut list = Vec::with_capacity(tasks.len());
        for (id, _) in tasks {
            let mut t = task(conn, *id)?;
            if t.kind == Kind::Birthday && t.script.is_none() {
                // The owner's 生日 template, when she has written one.
                t.script.clone_from(&birthday_text);
            }
            list.push(call_of(conn, t, d)?);
        }
        groups.push(customer_calls(conn, *customer, list)?);
    }
    let ids: Vec<i64> = groups.iter().map(|g| g.customer_id).collect();
    let mut reminders = crate::wallet::reminders_for(conn, &ids, d)?;
    for g in &mut groups {
        g.reminders = reminders.remove(&g.customer_id).unwrap_or_default();
    }
    Ok(Checklist { groups, customers, calls, overdue, more: not_shown.len() - size })
}

/// The list's order: each customer once, where their first call falls when
/// the calls are sorted by next_on, phone and kind, with their calls (task id,
/// overdue) after the filters.
fn ordered_calls(conn: &Connection, d: NaiveDate, f: &Filter) -> Result<Vec<(i64, Vec<(i64, bool)>)>> {
    let day = d.to_string();
    let kind = f.kind.as_deref().filter(|k| !k.is_empty());
    let consultant = f.consultant.as_deref().filter(|c| !c.is_empty());
    let membership = f.membership.as_deref().filter(|m| !m.is_empty());
    let rules = if membership.is_some() { Some(crate::tiers::rules(conn)?) } else { None };
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, t.customer_id, t.kind, t.next_on < ?1, c.consultant IS ?2
         FROM tasks t JOIN customers c ON c.id = t.customer_id
         WHERE t.status = 'open' AND t.next_on <= ?1 ORDER BY t.next_on, c.phone, t.kind",
    )?;
    let mut rows = stmt.query(params![day, consultant])?;
    let mut order: Vec<(i64, Vec<(i64, bool)>)> = Vec::new();
    let mut index: std::collections::HashMap<i64, Option<usize>> = std::collections::HashMap::new();
    while let Some(r) = rows.next()? {
        let (id, customer, k, overdue, same_consultant): (i64, i64, String, bool, bool) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
        if kind.is_some_and(|want| want != k) {
            continue;
        }
        let at = match index.get(&customer) {
            Some(at) => *at,
            None => {
                let wanted = (consultant.is_none() || same_consultant)
                    && match (membership, &rules) {
                        (Some(m), Some(rules)) => crate::tiers::membership(rules, &crate::visits::facts(conn, CustomerId(customer), d)?).key() == m,
                        _ => true,
                    };
                let at = wanted.then(|| {
                    order.push((customer, Vec::new()));
                    order.len() - 1
                });
                index.insert(customer, at);
                at
            }
        };
        if let Some(at) = at {
            order[at].1.push((id, overdue));
        }
    }
    Ok(order)
}

/// One call as the list shows it: the filled script and, for a package
/// call, what is left of each package.
fn call_of(conn: &Connection, t: DueTask, d: NaiveDate) -> Result<Call> {
    let overdue_days = NaiveDate::parse_from_str(&t.next_on, "%Y-%m-%d").map(|n| (d - n).num_days()).unwrap_or(0);
    let packages = if t.kind == Kind::Package { crate::prepaid::left_of_task(conn, t.id)? } else { Vec::new() };
    let left = packages.iter().map(|p| format!("{} {} 次", p.item, p.left)).collect::<Vec<_>>().join("、");
    Ok(Call { kind_label: t.kind.label(), purpose: t.purpose.clone(), script: fill_script_with(&t, d, &left), overdue_days, packages, task: t })
}

/// A customer's calls with what staff must see before dialing.
fn customer_calls(conn: &Connection, customer: i64, calls: Vec<Call>) -> Result<CustomerCalls> {
    let (name, phone, consultant, allergies, flagged) = conn.prepare_cached(
        "SELECT c.name, c.phone, c.consultant, c.allergies,
                EXISTS (SELECT 1 FROM customer_flags fl WHERE fl.customer_id = c.id AND fl.resolved_at IS NULL)
         FROM customers c WHERE c.id = ?1",
    )?
    .query_row([customer], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
    let memory_points = conn
        .prepare_cached("SELECT text FROM memory_points WHERE customer_id = ?1 AND removed_at IS NULL ORDER BY id")?
        .query_map([customer], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(CustomerCalls { customer_id: customer, name, phone, consultant, memory_points, allergies, flagged, reminders: Vec::new(), calls })
}

/// How a call ended (SPEC §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Reached,
    /// A message step's text was sent.
    Sent,
    NoAnswer,
    Escalate,
    Reschedule,
}

impl Outcome {
    pub fn key(self) -> &'static str {
        match self {
            Outcome::Reached => "reached",
            Outcome::Sent => "sent",
            Outcome::NoAnswer => "no_answer",
            Outcome::Escalate => "escalate",
            Outcome::Reschedule => "reschedule",
        }
    }

    /// As staff say it.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Reached => "已接通",
            Outcome::Sent => "已发送",
            Outcome::NoAnswer => "未接通",
            Outcome::Escalate => "投诉/不良反应",
            Outcome::Reschedule => "改期",
        }
    }

    pub fn parse(text: &str) -> Option<Outcome> {
        [Outcome::Reached, Outcome::Sent, Outcome::NoAnswer, Outcome::Escalate, Outcome::Reschedule].into_iter().find(|o| o.key() == text)
    }
}

impl rusqlite::types::FromSql for Outcome {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        crate::store::stored(v, "回访结果", Outcome::parse)
    }
}

/// A score of this or less flags the customer file (SPEC §9).
pub const DISSATISFIED_AT_MOST: i64 = 2;

/// Records a call on an open task: reached closes it (with an optional
/// satisfaction score 1–5; 1–2 flags the customer file); sent closes a
/// message task; no answer moves it to tomorrow, and the third unanswered
/// call closes it as unreachable; escalate closes it and flags the customer
/// file; reschedule moves next_on (due stays).
#[allow(clippy::too_many_arguments)]
pub fn complete(
    conn: &mut Connection,
    clock: &Clock,
    by: StaffId,
    id: i64,
    outcome: Outcome,
    note: Option<&str>,
    to: Option<NaiveDate>,
    score: Option<i64>,
) -> Result<DueTask> {
    let tx = write_tx(conn)?;
    complete_tx(&tx, clock, by, id, outcome, note, to, score)?;
    tx.commit()?;
    task(conn, id)
}

/// `complete` inside the caller's transaction (a call that ends in a booked
/// appointment closes with it).
#[allow(clippy::too_many_arguments)]
pub fn complete_tx(
    tx: &Connection,
    clock: &Clock,
    by: StaffId,
    id: i64,
    outcome: Outcome,
    note: Option<&str>,
    to: Option<NaiveDate>,
    score: Option<i64>,
) -> Result<()> {
    let t = task(tx, id)?;
    if t.status != TaskStatus::Open {
        // Two people working one list: name who got there first.
        if let Some(last) = attempts(tx, id)?.pop() {
            return Err(Error::Conflict(format!(
                "这条回访已是「{}」：{} 在 {} 登记为「{}」，不能再登记。",
                t.status.label(),
                last.by,
                clock.local_stamp(&last.at),
                last.outcome.label()
            )));
        }
        return Err(Error::Conflict(format!("这条回访已是「{}」状态，不能再登记。", t.status.label())));
    }
    let today = clock.today();
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if outcome == Outcome::Reschedule {
        match to {
            None => return Err(Error::invalid("to", "改期请选择新的回访日期")),
            Some(d) if d <= today => return Err(Error::invalid("to", format!("改期日期应在今天（{today}）之后"))),
            Some(_) => {}
        }
    }
    if outcome == Outcome::Escalate && note.is_none() {
        return Err(Error::invalid("note", "投诉或不良反应请写明情况，医生和院长会看到"));
    }
    if outcome == Outcome::Sent && t.channel != Channel::Message {
        return Err(Error::invalid("outcome", "这是一通电话回访，请登记接通结果；「已发送」用于发消息的回访"));
    }
    if let Some(s) = score {
        if outcome != Outcome::Reached {
            return Err(Error::invalid("score", "满意度只在「已接通」时登记"));
        }
        if !(1..=5).contains(&s) {
            return Err(Error::invalid("score", format!("满意度应为 1 到 5 分，收到 {s}")));
        }
    }
    let now = clock.now_utc();
    tx.execute(
        "INSERT INTO task_attempts (task_id, at, on_date, by_staff, outcome, note, to_date, score, prev_next_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![id, now, today.to_string(), by.0, outcome.key(), note, to.map(|d| d.to_string()), score, t.next_on],
    )?;
    let close = |status: &str| -> Result<()> {
        tx.execute(
            "UPDATE tasks SET status = ?2, closed_at = ?3, closed_on = ?4, closed_by = ?5 WHERE id = ?1",
            params![id, status, now, today.to_string(), by.0],
        )?;
        Ok(())
    };
    match outcome {
        Outcome::Reached => {
            close("reached")?;
            if let Some(s) = score.filter(|s| *s <= DISSATISFIED_AT_MOST) {
                // Like an escalation, for the doctor and the owner; the call stays reached.
                let said = note.map(|n| format!("：{n}")).unwrap_or_default();
                tx.execute(
                    "INSERT INTO customer_flags (customer_id, task_id, note, at, by_staff) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![t.customer_id, id, format!("回访满意度 {s} 分（{}）{said}", satisfaction_label(s)), now, by.0],
                )?;
            }
        }
        Outcome::Sent => close("sent")?,
        Outcome::Escalate => {
            close("escalate")?;
            tx.execute(
                "INSERT INTO customer_flags (customer_id, task_id, note, at, by_staff) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![t.customer_id, id, note, now, by.0],
            )?;
        }
        Outcome::NoAnswer => {
            let unanswered: i64 = tx.query_row(
                "SELECT count(*) FROM live_attempts WHERE task_id = ?1 AND outcome = 'no_answer'",
                [id],
                |r| r.get(0),
            )?;
            if unanswered >= MAX_UNANSWERED {
                close("unreachable")?;
            } else {
                tx.execute("UPDATE tasks SET next_on = ?2 WHERE id = ?1", params![id, add_days(today, 1).to_string()])?;
            }
        }
        Outcome::Reschedule => {
            if let Some(d) = to {
                tx.execute("UPDATE tasks SET next_on = ?2 WHERE id = ?1", params![id, d.to_string()])?;
            }
        }
    }
    Ok(())
}

/// Takes back the last call recorded on a task: only by whoever recorded it,
/// only on the day it was recorded, and only while it is the task's last
/// word (nobody has called again, no visit was booked from it). The attempt
/// stays on file, marked as taken back; the task is open again and due when
/// it was before; a complaint or low score it raised is marked handled.
pub fn undo_last(conn: &mut Connection, clock: &Clock, by: StaffId, id: i64) -> Result<DueTask> {
    let tx = write_tx(conn)?;
    let last: Option<(i64, String, String, i64, Option<String>)> = tx
        .query_row(
            "SELECT id, at, on_date, by_staff, prev_next_on FROM live_attempts WHERE task_id = ?1 ORDER BY id DESC LIMIT 1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    task(&tx, id)?;
    let Some((attempt, at, on_date, recorder, prev_next_on)) = last else {
        return Err(Error::Conflict("这条回访还没有登记过结果，没有可撤销的。".into()));
    };
    if recorder != by.0 {
        return Err(Error::Forbidden("只能撤销自己登记的回访结果；请联系登记的同事。".into()));
    }
    if on_date != clock.today().to_string() {
        return Err(Error::Conflict(format!("这条结果是 {on_date} 登记的，只能撤销当天登记的结果。")));
    }
    let booked: i64 = tx.query_row("SELECT count(*) FROM appointments WHERE task_id = ?1", [id], |r| r.get(0))?;
    let Some(prev_next_on) = prev_next_on.filter(|_| booked == 0) else {
        return Err(Error::Conflict("这通回访已约了到院（或是旧版本登记的），不能撤销；如约错了请在预约簿取消。".into()));
    };
    let now = clock.now_utc();
    tx.execute("INSERT INTO task_attempt_undos (attempt_id, at, by_staff) VALUES (?1, ?2, ?3)", params![attempt, now, by.0])?;
    tx.execute(
        "UPDATE tasks SET status = 'open', closed_at = NULL, closed_on = NULL, closed_by = NULL, next_on = ?2 WHERE id = ?1",
        params![id, prev_next_on],
    )?;
    tx.execute(
        "UPDATE customer_flags SET resolved_at = ?3, resolved_by = ?4 WHERE task_id = ?1 AND at = ?2 AND resolved_at IS NULL",
        params![id, at, now, by.0],
    )?;
    tx.commit()?;
    task(conn, id)
}

/// How a score reads (SPEC §9: 1 非常不满意 … 5 非常满意).
pub fn satisfaction_label(score: i64) -> &'static str {
    match score {
        1 => "非常不满意",
        2 => "不满意",
        3 => "一般",
        4 => "满意",
        _ => "非常满意",
    }
}

/// A call made on a task.
#[derive(Debug, Clone, Serialize)]
pub struct Attempt {
    pub at: String,
    pub on_date: String,
    pub by: String,
    pub outcome: Outcome,
    pub note: Option<String>,
    pub to_date: Option<String>,
    pub score: Option<i64>,
}

pub fn attempts(conn: &Connection, task: i64) -> Result<Vec<Attempt>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.at, a.on_date, s.name, a.outcome, a.note, a.to_date, a.score FROM live_attempts a JOIN staff s ON s.id = a.by_staff WHERE a.task_id = ?1 ORDER BY a.id",
    )?;
    let rows = stmt
        .query_map([task], |r| {
            Ok(Attempt { at: r.get(0)?, on_date: r.get(1)?, by: r.get(2)?, outcome: r.get(3)?, note: r.get(4)?, to_date: r.get(5)?, score: r.get(6)? })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// An open flag on a customer file (complaint or adverse reaction).
#[derive(Debug, Clone, Serialize)]
pub struct Flag {
    pub id: i64,
    pub note: Option<String>,
    pub at: String,
    pub by: String,
}

pub fn open_flags(conn: &Connection, customer: CustomerId) -> Result<Vec<Flag>> {
    let mut stmt = conn.prepare_cached(
        "SELECT f.id, f.note, f.at, s.name FROM customer_flags f JOIN staff s ON s.id = f.by_staff WHERE f.customer_id = ?1 AND f.resolved_at IS NULL ORDER BY f.id",
    )?;
    let rows = stmt
        .query_map([customer.0], |r| Ok(Flag { id: r.get(0)?, note: r.get(1)?, at: r.get(2)?, by: r.get(3)? }))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn resolve_flag(conn: &Connection, clock: &Clock, by: StaffId, flag: i64) -> Result<()> {
    let n = conn.execute(
        "UPDATE customer_flags SET resolved_at = ?2, resolved_by = ?3 WHERE id = ?1 AND resolved_at IS NULL",
        params![flag, clock.now_utc(), by.0],
    )?;
    if n == 0 {
        return Err(Error::NotFound("这条提醒已处理或不存在。".into()));
    }
    Ok(())
}

/// Who a campaign is for: any of the labels, a tag and a reminder; empty = everyone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Segment {
    pub membership: Option<String>,
    pub layer: Option<String>,
    pub trust: Option<String>,
    pub tag: Option<String>,
    /// `points_lapsing` (points expiring within 30 days of the campaign date)
    /// or `vouchers_lapsing` (an open voucher expiring within 14), SPEC §8.
    pub reminder: Option<String>,
    /// Exactly these customers (a list from the report: 生成回访任务).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customers: Option<Vec<i64>>,
}

/// The voucher a campaign gives every customer of its segment (老顾客专享券).
#[derive(Debug, Clone, Deserialize)]
pub struct CampaignVoucher {
    pub face: crate::money::Money,
    #[serde(default)]
    pub threshold: Option<crate::money::Money>,
}

/// A campaign as the owner enters it.
#[derive(Debug, Clone, Deserialize)]
pub struct CampaignDraft {
    pub name: String,
    pub date: String,
    #[serde(default)]
    pub segment: Segment,
    #[serde(default)]
    pub script: Option<String>,
    #[serde(default)]
    pub voucher: Option<CampaignVoucher>,
    /// A message template (SPEC §9): the campaign's tasks are then messages
    /// with its text, unless a script of its own is given.
    #[serde(default)]
    pub template: Option<String>,
}

/// What a campaign made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CampaignMade {
    pub id: i64,
    pub tasks: usize,
    pub vouchers: usize,
}

/// The customers a reminder segment names on `date`, or None for no reminder.
fn reminded(conn: &Connection, reminder: Option<&str>, date: NaiveDate) -> Result<Option<std::collections::HashSet<i64>>> {
    match reminder.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some("points_lapsing") => Ok(Some(crate::points::lapsing_customers(conn, date)?)),
        Some("vouchers_lapsing") => Ok(Some(crate::vouchers::lapsing_customers(conn, date)?)),
        Some(other) => Err(Error::invalid("segment", format!("不认识的提醒「{other}」"))),
    }
}

/// Creates a campaign: one task on its date for every customer of the
/// segment (as labelled on that date) who accepts marketing, and, when it
/// gives one, a voucher dated that day for every customer of the segment
/// (once per campaign and customer).
pub fn create_campaign(conn: &mut Connection, clock: &Clock, by: StaffId, c: &CampaignDraft) -> Result<CampaignMade> {
    let name = c.name.trim();
    if name.is_empty() {
        return Err(Error::invalid("name", "请填写活动名称，如 中秋问候"));
    }
    let date = crate::parse::date(&c.date).map_err(|r| Error::invalid("date", r))?;
    if date < clock.today() {
        return Err(Error::invalid("date", "活动日期不能早于今天"));
    }
    let rows = crate::tiers::all_rows(conn, date)?;
    let tagged: Option<std::collections::HashSet<i64>> = match c.segment.tag.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(tag) => Some(conn.prepare("SELECT customer_id FROM customer_tags WHERE tag = ?1")?.query_map([tag], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?),
        None => None,
    };
    let reminded = reminded(conn, c.segment.reminder.as_deref(), date)?;
    let listed: Option<std::collections::HashSet<i64>> = c.segment.customers.as_ref().map(|ids| ids.iter().copied().collect());
    if let Some(ids) = &listed {
        let known: std::collections::HashSet<i64> = rows.iter().map(|r| r.id.0).collect();
        if let Some(missing) = ids.iter().find(|id| !known.contains(id)) {
            return Err(Error::invalid("segment", format!("名单里编号为 {missing} 的客户不存在，请重新打开名单后再生成")));
        }
    }
    let want = |w: &Option<String>, have: &str| w.as_deref().is_none_or(|w| w.is_empty() || w == have);
    let template = match c.template.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(key) => Some(crate::templates::get(conn, key)?),
        None => None,
    };
    let own_script = c.script.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    if let Some(bad) = own_script.as_deref().and_then(crate::templates::unknown_placeholder) {
        return Err(Error::invalid("script", format!("「{bad}」不是可用的占位符；可用：{}", crate::templates::PLACEHOLDERS.join(" "))));
    }
    let script = own_script.or_else(|| template.as_ref().map(|t| t.text.clone()));
    let channel = if template.is_some() { Channel::Message } else { Channel::Call };
    let tx = write_tx(conn)?;
    tx.execute(
        "INSERT INTO campaigns (uid, name, date, segment_json, script, created_at, created_by, template) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![new_uid(), name, date.to_string(), serde_json::to_string(&c.segment)?, script, clock.now_utc(), by.0, template.as_ref().map(|t| &t.key)],
    )?;
    let id = tx.last_insert_rowid();
    let mut made = 0;
    let mut vouchers = 0;
    let source_key = format!("campaign:{id}");
    for r in rows.iter().filter(|r| {
        want(&c.segment.membership, r.membership.key())
            && want(&c.segment.layer, r.layer.key())
            && want(&c.segment.trust, r.trust.key())
            && tagged.as_ref().is_none_or(|t| t.contains(&r.id.0))
            && reminded.as_ref().is_none_or(|t| t.contains(&r.id.0))
            && listed.as_ref().is_none_or(|t| t.contains(&r.id.0))
    }) {
        if let Some(v) = &c.voucher {
            let issue = crate::vouchers::Issue { customer_id: r.id, face: v.face, threshold: v.threshold, valid_through: None, note: Some(name.to_string()) };
            if crate::vouchers::issue_on(&tx, clock, by, &issue, crate::vouchers::Source::Campaign, Some(&source_key), date)?.is_some() {
                vouchers += 1;
            }
        }
        let task = NewTask {
            customer: r.id,
            kind: Kind::Campaign,
            due: date,
            anchor: date,
            purpose: Some(name),
            script: script.as_deref(),
            source: format!("campaign:{id}"),
            item: None,
            history: false,
            channel,
        };
        if upsert(&tx, clock, &task)?.is_some() {
            made += 1;
        }
    }
    tx.execute("UPDATE campaigns SET tasks = ?2 WHERE id = ?1", params![id, made as i64])?;
    tx.commit()?;
    Ok(CampaignMade { id, tasks: made, vouchers })
}
