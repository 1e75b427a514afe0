//! The booking book (预约): appointments by day and staff member, the
//! clinic's opening hours and slot length, the reminder list, and the end of
//! an appointment's day (arrived, or 爽约 with a `no_show` call the next day).
//! An appointment's row holds where it stands; every change is an
//! append-only event with who, when and the clinic's local date.

use chrono::{Datelike, Days, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::customers::{self, CustomerId};
use crate::error::{Error, Problem, Result};
use crate::followups::{self, Kind, NewTask, Outcome};
use crate::items::{self, ItemId};
use crate::staff::{self, Role, StaffId, SYSTEM_STAFF};
use crate::store::{new_uid, write_tx};

/// The purposes the booking form offers (any other text is accepted too).
pub const PURPOSES: [&str; 5] = ["复查", "治疗", "咨询", "术前面诊", "术后拆线"];

/// Where an appointment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Booked,
    Arrived,
    NoShow,
    Cancelled,
}

impl Status {
    pub fn key(self) -> &'static str {
        match self {
            Status::Booked => "booked",
            Status::Arrived => "arrived",
            Status::NoShow => "no_show",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Booked => "已预约",
            Status::Arrived => "已到院",
            Status::NoShow => "爽约",
            Status::Cancelled => "已取消",
        }
    }

    fn parse(text: &str) -> Option<Status> {
        Some(match text {
            "booked" => Status::Booked,
            "arrived" => Status::Arrived,
            "no_show" => Status::NoShow,
            "cancelled" => Status::Cancelled,
            _ => return None,
        })
    }
}

/// A stored status this version does not know is an error, not 已预约.
impl rusqlite::types::FromSql for Status {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        crate::store::stored(v, "预约状态", Status::parse)
    }
}

/// Opening hours, slot length and what the reminder text says about the clinic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BookingSettings {
    /// "HH:MM"
    pub open: String,
    pub close: String,
    pub slot_minutes: i64,
    pub clinic_name: String,
    pub address: String,
    pub phone: String,
}

impl Default for BookingSettings {
    fn default() -> Self {
        BookingSettings {
            open: "09:00".into(),
            close: "21:00".into(),
            slot_minutes: 30,
            clinic_name: "留客医美".into(),
            address: String::new(),
            phone: String::new(),
        }
    }
}

impl BookingSettings {
    fn open_min(&self) -> i64 {
        minutes_of(&self.open).unwrap_or(9 * 60)
    }

    fn close_min(&self) -> i64 {
        minutes_of(&self.close).unwrap_or(21 * 60)
    }

    pub fn validate(&self) -> std::result::Result<(), Vec<Problem>> {
        let mut problems = Vec::new();
        let (open, close) = (minutes_of(&self.open), minutes_of(&self.close));
        if open.is_none() {
            problems.push(Problem::field("open", "开始营业时间请写成 09:00 这样"));
        }
        if close.is_none() {
            problems.push(Problem::field("close", "结束营业时间请写成 21:00 这样"));
        }
        if let (Some(o), Some(c)) = (open, close) {
            if c <= o {
                problems.push(Problem::field("close", "结束营业时间应晚于开始时间"));
            }
        }
        if ![10, 15, 20, 30, 45, 60, 90, 120].contains(&self.slot_minutes) {
            problems.push(Problem::field("slot_minutes", "时段长度请选 10、15、20、30、45、60、90 或 120 分钟"));
        }
        if self.clinic_name.trim().is_empty() {
            problems.push(Problem::field("clinic_name", "请填写机构名称，提醒短信里会用到"));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

const SETTINGS_KEY: &str = "booking";

pub fn settings(conn: &Connection) -> Result<BookingSettings> {
    crate::store::settings::get_json(conn, SETTINGS_KEY, "预约设置")
}

pub fn save_settings(conn: &Connection, s: &BookingSettings) -> Result<()> {
    s.validate().map_err(Error::Invalid)?;
    crate::store::settings::set_json(conn, SETTINGS_KEY, s)
}

/// "HH:MM" (or "H:MM") as minutes after midnight.
pub fn minutes_of(text: &str) -> Option<i64> {
    let (h, m) = text.trim().replace('：', ":").split_once(':').map(|(h, m)| (h.trim().to_string(), m.trim().to_string()))?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    ((0..24).contains(&h) && (0..60).contains(&m)).then_some(h * 60 + m)
}

pub fn hhmm(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// What the booking form sends.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Draft {
    pub customer_id: i64,
    pub staff_id: Option<i64>,
    pub date: String,
    pub time: String,
    /// Length in minutes; one slot when not given.
    pub minutes: Option<i64>,
    pub purpose: String,
    pub item_id: Option<i64>,
    pub note: Option<String>,
    /// The callback it was booked from: that call closes as reached.
    pub task_id: Option<i64>,
}

/// An appointment as the book and the customer file show it.
#[derive(Debug, Clone, Serialize)]
pub struct Appointment {
    pub id: i64,
    pub uid: String,
    pub customer_id: i64,
    pub name: String,
    pub phone: String,
    pub staff_id: Option<i64>,
    pub staff_name: Option<String>,
    pub date: String,
    pub start: String,
    pub end: String,
    pub start_min: i64,
    pub end_min: i64,
    pub purpose: String,
    pub item_id: Option<i64>,
    pub item: Option<String>,
    pub note: Option<String>,
    pub status: Status,
    pub status_label: &'static str,
    pub arrival_id: Option<i64>,
    pub task_id: Option<i64>,
    pub booked_on: String,
}

const SELECT: &str = "
    SELECT a.id, a.uid, a.customer_id, c.name, c.phone, a.staff_id, s.name, a.day, a.start_min, a.end_min,
           a.purpose, a.item_id, i.name, a.note, a.status, a.arrival_id, a.task_id, a.booked_on
    FROM appointments a JOIN customers c ON c.id = a.customer_id
    LEFT JOIN staff s ON s.id = a.staff_id LEFT JOIN items i ON i.id = a.item_id";

fn appointment_of(r: &rusqlite::Row) -> rusqlite::Result<Appointment> {
    let status: Status = r.get(14)?;
    let (start_min, end_min): (i64, i64) = (r.get(8)?, r.get(9)?);
    Ok(Appointment {
        id: r.get(0)?,
        uid: r.get(1)?,
        customer_id: r.get(2)?,
        name: r.get(3)?,
        phone: r.get(4)?,
        staff_id: r.get(5)?,
        staff_name: r.get(6)?,
        date: r.get(7)?,
        start: hhmm(start_min),
        end: hhmm(end_min),
        start_min,
        end_min,
        purpose: r.get(10)?,
        item_id: r.get(11)?,
        item: r.get(12)?,
        note: r.get(13)?,
        status,
        status_label: status.label(),
        arrival_id: r.get(15)?,
        task_id: r.get(16)?,
        booked_on: r.get(17)?,
    })
}

pub fn get(conn: &Connection, id: i64) -> Result<Appointment> {
    conn.prepare_cached(&format!("{SELECT} WHERE a.id = ?1"))?
        .query_row([id], appointment_of)
        .optional()?
        .ok_or_else(|| Error::NotFound("找不到这条预约。".into()))
}

fn query(conn: &Connection, filter: &str, args: impl rusqlite::Params) -> Result<Vec<Appointment>> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} {filter}"))?
        .query_map(args, appointment_of)?
        .collect::<rusqlite::Result<_>>()?)
}

fn event(conn: &Connection, clock: &Clock, by: StaffId, id: i64, what: &str, detail: Option<&str>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO appointment_events (appointment_id, what, on_date, at, by_staff, detail, day_after)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, (SELECT day FROM appointments WHERE id = ?1))",
    )?
    .execute(params![id, what, clock.today().to_string(), clock.now_utc(), by.0, detail])?;
    Ok(())
}

/// Where and when an appointment is to be, checked against the hours and
/// against the staff member's and the customer's other live appointments.
struct Slot {
    day: NaiveDate,
    start: i64,
    end: i64,
    staff: Option<StaffId>,
}

fn slot_of(conn: &Connection, clock: &Clock, date: &str, time: &str, minutes: Option<i64>, staff_id: Option<i64>) -> Result<Slot> {
    let s = settings(conn)?;
    let day = crate::parse::date(date).map_err(|r| Error::invalid("date", r))?;
    if day < clock.today() {
        return Err(Error::invalid("date", format!("预约日期不能早于今天（{}）", clock.today())));
    }
    let start = minutes_of(time).ok_or_else(|| Error::invalid("time", "请选择预约时间，例如 10:00"))?;
    let length = minutes.unwrap_or(s.slot_minutes);
    if length <= 0 || length > 12 * 60 {
        return Err(Error::invalid("minutes", "预约时长应在 1 分钟到 12 小时之间"));
    }
    let end = start + length;
    if start < s.open_min() || end > s.close_min() {
        return Err(Error::invalid("time", format!("预约时间应在营业时间 {}–{} 之内", s.open, s.close)));
    }
    let staff = match staff_id {
        Some(id) => {
            let member = staff::get(conn, StaffId(id))?;
            if !member.active {
                return Err(Error::invalid("staff_id", format!("{} 已停用，不能再预约", member.name)));
            }
            Some(member.id)
        }
        None => None,
    };
    Ok(Slot { day, start, end, staff })
}

/// Refuses a slot that overlaps another live appointment of the same staff
/// member, or of the same customer, naming the one in the way.
fn refuse_overlap(conn: &Connection, clock: &Clock, slot: &Slot, customer: CustomerId, except: Option<i64>) -> Result<()> {
    let clash = query(
        conn,
        "WHERE a.day = ?1 AND a.status IN ('booked', 'arrived') AND a.start_min < ?3 AND a.end_min > ?2
           AND (a.staff_id = ?4 OR a.customer_id = ?5) AND a.id IS NOT ?6 ORDER BY a.start_min LIMIT 1",
        params![slot.day.to_string(), slot.start, slot.end, slot.staff.map(|s| s.0), customer.0, except],
    )?;
    if let Some(c) = clash.first() {
        let who = if slot.staff.is_some_and(|s| c.staff_id == Some(s.0)) {
            format!("{} 在 {}–{} 已有预约（{} {}）", c.staff_name.as_deref().unwrap_or(""), c.start, c.end, c.name, c.purpose)
        } else {
            format!("{} 在 {}–{} 已约了 {}", c.name, c.start, c.end, c.purpose)
        };
        let by = crate::staff::who_first(conn, clock, "appointments", c.id)?;
        let by = if by.is_empty() { String::new() } else { format!("，由 {by} 约下") };
        return Err(Error::Conflict(format!("{who}{by}，不能重复预约。请换一个时间或换一位医生。")));
    }
    Ok(())
}

fn describe(a: &Appointment) -> String {
    format!("{} {}–{} {} {}", a.date, a.start, a.end, a.staff_name.as_deref().unwrap_or("不指定"), a.purpose)
}

/// Books an appointment. Booked from a callback, that call closes as reached
/// with the appointment in its note, in the same transaction.
pub fn book(conn: &mut Connection, clock: &Clock, by: StaffId, d: &Draft) -> Result<Appointment> {
    let tx = write_tx(conn)?;
    let customer = customers::get(&tx, CustomerId(d.customer_id))?;
    let purpose = d.purpose.trim();
    if purpose.is_empty() {
        return Err(Error::invalid("purpose", "请选择预约目的（复查、治疗、咨询、术前面诊…）"));
    }
    let slot = slot_of(&tx, clock, &d.date, &d.time, d.minutes, d.staff_id)?;
    if let Some(item) = d.item_id {
        items::get(&tx, ItemId(item))?;
    }
    refuse_overlap(&tx, clock, &slot, customer.id, None)?;
    let note = d.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let today = clock.today().to_string();
    tx.prepare_cached(
        "INSERT INTO appointments (uid, customer_id, staff_id, day, start_min, end_min, purpose, item_id, note, task_id, booked_on, booked_for, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?4, ?12, ?13)",
    )?
    .execute(params![
        new_uid(),
        customer.id.0,
        slot.staff.map(|s| s.0),
        slot.day.to_string(),
        slot.start,
        slot.end,
        purpose.chars().take(20).collect::<String>(),
        d.item_id,
        note,
        d.task_id,
        today,
        clock.now_utc(),
        by.0
    ])?;
    let id = tx.last_insert_rowid();
    let a = get(&tx, id)?;
    let said = describe(&a);
    event(&tx, clock, by, id, "booked", Some(&said))?;
    if let Some(task) = d.task_id {
        let t = followups::task(&tx, task)?;
        if t.customer_id != customer.id.0 {
            return Err(Error::invalid("task_id", "这条回访不是这位客户的"));
        }
        followups::complete_tx(&tx, clock, by, task, Outcome::Reached, Some(&format!("已预约 {said}")), None, None)?;
    }
    tx.commit()?;
    Ok(a)
}

/// Moves a booked appointment to another time, day or staff member.
pub fn reschedule(conn: &mut Connection, clock: &Clock, by: StaffId, id: i64, date: &str, time: &str, minutes: Option<i64>, staff_id: Option<i64>) -> Result<Appointment> {
    let tx = write_tx(conn)?;
    let before = get(&tx, id)?;
    if before.status != Status::Booked {
        return Err(Error::Conflict(format!("这条预约已是「{}」，不能再改期。", before.status_label)));
    }
    let slot = slot_of(&tx, clock, date, time, minutes.or(Some(before.end_min - before.start_min)), staff_id)?;
    refuse_overlap(&tx, clock, &slot, CustomerId(before.customer_id), Some(id))?;
    tx.execute(
        "UPDATE appointments SET day = ?2, start_min = ?3, end_min = ?4, staff_id = ?5 WHERE id = ?1",
        params![id, slot.day.to_string(), slot.start, slot.end, slot.staff.map(|s| s.0)],
    )?;
    let after = get(&tx, id)?;
    event(&tx, clock, by, id, "moved", Some(&format!("{} → {}", describe(&before), describe(&after))))?;
    tx.commit()?;
    Ok(after)
}

/// Cancels a booked appointment (the customer called off, or staff did).
pub fn cancel(conn: &mut Connection, clock: &Clock, by: StaffId, id: i64, reason: Option<&str>) -> Result<Appointment> {
    let tx = write_tx(conn)?;
    let a = get(&tx, id)?;
    if a.status != Status::Booked {
        return Err(Error::Conflict(format!("这条预约已是「{}」，不能取消。", a.status_label)));
    }
    tx.execute("UPDATE appointments SET status = 'cancelled' WHERE id = ?1", [id])?;
    event(&tx, clock, by, id, "cancelled", reason.map(str::trim).filter(|r| !r.is_empty()))?;
    tx.commit()?;
    get(conn, id)
}

/// The arrival kind (SPEC §7) an appointment's purpose arrives as.
pub fn arrival_kind(purpose: &str) -> &'static str {
    match purpose {
        "复查" | "术后拆线" => "复查",
        "治疗" => "治疗",
        _ => "咨询",
    }
}

/// Today's booked appointment `id`, ready to be checked in (the desk
/// registers the arrival: [`crate::desk::check_in`]).
pub fn to_check_in(conn: &Connection, clock: &Clock, id: i64) -> Result<Appointment> {
    let a = get(conn, id)?;
    if a.status != Status::Booked {
        return Err(Error::Conflict(format!("这条预约已是「{}」。", a.status_label)));
    }
    if a.date != clock.today().to_string() {
        return Err(Error::Conflict(format!("这条预约在 {}，不是今天。", a.date)));
    }
    Ok(a)
}

/// An arrival was registered: the customer's appointment of that day, if
/// one is still booked, is marked arrived and linked. Joins the caller's
/// transaction.
pub fn arrived_tx(conn: &Connection, clock: &Clock, by: StaffId, customer: CustomerId, day: NaiveDate, arrival: i64) -> Result<()> {
    let ids: Vec<i64> = conn
        .prepare_cached("SELECT id FROM appointments WHERE customer_id = ?1 AND day = ?2 AND status = 'booked' ORDER BY start_min")?
        .query_map(params![customer.0, day.to_string()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids {
        conn.execute("UPDATE appointments SET status = 'arrived', arrival_id = ?2 WHERE id = ?1", params![id, arrival])?;
        event(conn, clock, by, id, "arrived", None)?;
    }
    Ok(())
}

/// Closes the days before `d`: every appointment still booked becomes
/// arrived when the customer had a visit day on it (an arrival, a positive
/// payment or an executed session), else 爽约 with a `no_show` call due the
/// next day. Idempotent; joins the caller's transaction (the daily pass).
pub fn close_days_before(conn: &Connection, clock: &Clock, d: NaiveDate) -> Result<()> {
    let ended = ended_of(conn, "a.status = 'booked' AND a.day < ?1", params![d.to_string()])?;
    for a in ended {
        let visited = crate::visits::visited_on(conn, CustomerId(a.customer), a.day)?;
        settle(conn, clock, &a, visited)?;
    }
    Ok(())
}

/// One customer's appointments set right after their visit days changed (a
/// late entry, an import, a void): on a day that has ended, a visit day makes
/// it arrived and cancels its `no_show` call, and no visit day makes it 爽约;
/// today, a visit day makes a booked one arrived. `visited(day)` answers from
/// the customer's visit days. Joins the caller's transaction.
pub fn settle_customer(conn: &Connection, clock: &Clock, customer: CustomerId, visited: impl Fn(NaiveDate) -> bool) -> Result<()> {
    let today = clock.today();
    let mine = ended_of(
        conn,
        "a.customer_id = ?1 AND a.day <= ?2 AND a.status IN ('booked', 'arrived', 'no_show')",
        params![customer.0, today.to_string()],
    )?;
    for a in mine {
        let on_the_day = visited(a.day);
        if a.day < today || (on_the_day && a.status == Status::Booked) {
            settle(conn, clock, &a, on_the_day)?;
        }
    }
    Ok(())
}

/// An appointment whose day is being settled.
struct Ended {
    id: i64,
    customer: i64,
    day: NaiveDate,
    status: Status,
    what: String,
}

fn ended_of(conn: &Connection, filter: &str, args: impl rusqlite::Params) -> Result<Vec<Ended>> {
    let rows: Vec<(i64, i64, String, Status, String, Option<String>)> = conn
        .prepare_cached(&format!(
            "SELECT a.id, a.customer_id, a.day, a.status, a.purpose, i.name FROM appointments a LEFT JOIN items i ON i.id = a.item_id WHERE {filter}"
        ))?
        .query_map(args, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(id, customer, day, status, purpose, item)| {
            let day = NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| Error::Config(format!("预约 {id} 的日期「{day}」无法读取")))?;
            Ok(Ended { id, customer, day, status, what: item.unwrap_or(purpose) })
        })
        .collect()
}

/// Puts one appointment where its day's visit says it stands, with the
/// event and the `no_show` call that go with the change.
fn settle(conn: &Connection, clock: &Clock, a: &Ended, visited: bool) -> Result<()> {
    let source = format!("appointment:{}", a.id);
    match (a.status, visited) {
        (Status::Booked | Status::NoShow, true) => {
            let arrival: Option<i64> = conn
                .prepare_cached("SELECT min(id) FROM arrivals WHERE customer_id = ?1 AND visit_date = ?2 AND voided_at IS NULL")?
                .query_row(params![a.customer, a.day.to_string()], |r| r.get(0))?;
            conn.execute("UPDATE appointments SET status = 'arrived', arrival_id = ?2 WHERE id = ?1", params![a.id, arrival])?;
            let why = if a.status == Status::NoShow { "补录了当天的到院、收款或划扣记录" } else { "当天有到院、收款或划扣记录" };
            event(conn, clock, SYSTEM_STAFF, a.id, "arrived", Some(why))?;
            conn.prepare_cached(
                "UPDATE tasks SET status = 'cancelled', cancel_reason = '预约当天已到院（记录补录）'
                 WHERE status = 'open' AND kind = 'no_show' AND id IN (SELECT task_id FROM task_sources WHERE source = ?1)",
            )?
            .execute([&source])?;
        }
        (Status::Booked | Status::Arrived, false) => {
            conn.execute("UPDATE appointments SET status = 'no_show', arrival_id = NULL WHERE id = ?1", [a.id])?;
            let why = if a.status == Status::Arrived { "当天的到院记录已作废" } else { "预约当天未到院" };
            event(conn, clock, SYSTEM_STAFF, a.id, "no_show", Some(why))?;
            let call = NewTask {
                customer: CustomerId(a.customer),
                kind: Kind::NoShow,
                due: a.day.checked_add_days(Days::new(1)).unwrap_or(a.day),
                anchor: a.day,
                purpose: Some("爽约回访"),
                script: None,
                source,
                item: Some(&a.what),
                history: false,
                channel: crate::followups::Channel::Call,
            };
            if let Some(t) = followups::upsert_task(conn, clock, &call)? {
                if t.status == followups::TaskStatus::Cancelled {
                    followups::reopen(conn, t.id, t.fresh_status)?;
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// One change in an appointment's history.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub what: String,
    pub label: &'static str,
    pub at: String,
    pub on_date: String,
    pub by: String,
    pub detail: Option<String>,
}

pub fn history(conn: &Connection, id: i64) -> Result<Vec<Event>> {
    Ok(conn
        .prepare_cached(
            "SELECT e.what, e.at, e.on_date, coalesce(s.name, ''), e.detail FROM appointment_events e
             LEFT JOIN staff s ON s.id = e.by_staff WHERE e.appointment_id = ?1 ORDER BY e.id",
        )?
        .query_map([id], |r| {
            let what: String = r.get(0)?;
            let label = match what.as_str() {
                "booked" => "预约",
                "moved" => "改期",
                "arrived" => "到院",
                "no_show" => "爽约",
                _ => "取消",
            };
            Ok(Event { what, label, at: r.get(1)?, on_date: r.get(2)?, by: r.get(3)?, detail: r.get(4)? })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// A customer's appointments, upcoming first (soonest first), then past
/// ones (latest first).
pub fn of_customer(conn: &Connection, customer: CustomerId, today: NaiveDate) -> Result<(Vec<Appointment>, Vec<Appointment>)> {
    let all = query(conn, "WHERE a.customer_id = ?1 ORDER BY a.day, a.start_min", [customer.0])?;
    let today = today.to_string();
    let (mut upcoming, mut past): (Vec<_>, Vec<_>) = all.into_iter().partition(|a| a.status == Status::Booked && a.date >= today);
    upcoming.sort_by(|a, b| (&a.date, a.start_min).cmp(&(&b.date, b.start_min)));
    past.reverse();
    Ok((upcoming, past))
}

/// The customer's first appointment still expected on day `d`.
pub fn expected_of(conn: &Connection, customer: CustomerId, d: NaiveDate) -> Result<Option<Appointment>> {
    Ok(query(conn, "WHERE a.customer_id = ?1 AND a.day = ?2 AND a.status = 'booked' ORDER BY a.start_min LIMIT 1", params![customer.0, d.to_string()])?
        .into_iter()
        .next())
}

/// A day's appointments, by time then staff member (cancelled ones too: the
/// book shows them struck through).
pub fn day(conn: &Connection, d: NaiveDate) -> Result<Vec<Appointment>> {
    query(conn, "WHERE a.day = ?1 ORDER BY a.start_min, s.name, a.id", [d.to_string()])
}

/// A column of the book: one staff member who takes appointments.
#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub staff_id: Option<i64>,
    pub name: String,
    pub role_label: &'static str,
}

/// The columns of a book: active doctors and consultants, then anyone else
/// with an appointment in it, then 不指定 when needed.
fn columns(conn: &Connection, appointments: &[Appointment]) -> Result<Vec<Column>> {
    let mut cols: Vec<Column> = staff::list(conn)?
        .into_iter()
        .filter(|s| s.active && matches!(s.role, Role::Doctor | Role::Consultant))
        .map(|s| Column { staff_id: Some(s.id.0), name: s.name, role_label: s.role_label })
        .collect();
    for a in appointments {
        if !cols.iter().any(|c| c.staff_id == a.staff_id) {
            let (name, role_label) = match a.staff_id {
                Some(id) => {
                    let s = staff::get(conn, StaffId(id))?;
                    (s.name, s.role_label)
                }
                None => ("不指定".to_string(), ""),
            };
            cols.push(Column { staff_id: a.staff_id, name, role_label });
        }
    }
    Ok(cols)
}

/// The book for `days` days from `first`: its columns, hours and appointments.
#[derive(Debug, Clone, Serialize)]
pub struct Book {
    pub first: String,
    pub days: Vec<String>,
    pub open: String,
    pub close: String,
    pub slot_minutes: i64,
    pub columns: Vec<Column>,
    pub appointments: Vec<Appointment>,
}

pub fn book_for(conn: &Connection, first: NaiveDate, days: u64) -> Result<Book> {
    let last = first.checked_add_days(Days::new(days.saturating_sub(1))).unwrap_or(first);
    let appointments = query(
        conn,
        "WHERE a.day BETWEEN ?1 AND ?2 ORDER BY a.day, a.start_min, a.id",
        params![first.to_string(), last.to_string()],
    )?;
    let s = settings(conn)?;
    Ok(Book {
        first: first.to_string(),
        days: (0..days).filter_map(|k| first.checked_add_days(Days::new(k))).map(|d| d.to_string()).collect(),
        open: s.open.clone(),
        close: s.close.clone(),
        slot_minutes: s.slot_minutes,
        columns: columns(conn, &appointments)?,
        appointments,
    })
}

/// The Monday of `d`'s week.
pub fn week_start(d: NaiveDate) -> NaiveDate {
    d.checked_sub_days(Days::new(u64::from(d.weekday().num_days_from_monday()))).unwrap_or(d)
}

const WEEKDAYS: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];

/// One line of the reminder list, with the text to copy into a message.
#[derive(Debug, Clone, Serialize)]
pub struct Reminder {
    pub appointment: Appointment,
    pub text: String,
}

/// The reminder text for an appointment (the app sends nothing itself).
pub fn reminder_text(s: &BookingSettings, a: &Appointment) -> String {
    let day = NaiveDate::parse_from_str(&a.date, "%Y-%m-%d").ok();
    let when = day.map_or(a.date.clone(), |d| format!("{}月{}日（{}）", d.month(), d.day(), WEEKDAYS[d.weekday().num_days_from_monday() as usize]));
    let what = match &a.item {
        Some(item) => format!("{}（{}）", a.purpose, item),
        None => a.purpose.clone(),
    };
    let doctor = a.staff_name.as_deref().map(|n| format!("，由{n}接待")).unwrap_or_default();
    let mut text = format!("{}您好，{}提醒您：您预约了{} {} 的{}{}。", a.name, s.clinic_name, when, a.start, what, doctor);
    if !s.address.trim().is_empty() {
        text.push_str(&format!("地址：{}。", s.address.trim()));
    }
    if s.phone.trim().is_empty() {
        text.push_str("如需改期请提前告知。");
    } else {
        text.push_str(&format!("如需改期请致电 {}。", s.phone.trim()));
    }
    text
}

/// The booked appointments of `d` (usually tomorrow) with their texts.
pub fn reminders(conn: &Connection, d: NaiveDate) -> Result<Vec<Reminder>> {
    let s = settings(conn)?;
    Ok(day(conn, d)?
        .into_iter()
        .filter(|a| a.status == Status::Booked)
        .map(|a| Reminder { text: reminder_text(&s, &a), appointment: a })
        .collect())
}

/// The (customer, day) pairs in [first, last] on which the customer had, at
/// the end of that day, an appointment booked that same day, still live then,
/// for a day that, as it stood then, was after that day: its history says how
/// it stood (a move or a cancellation on the day counts; a later one does
/// not). What the report's `rebooked_rate` counts against the month's visits.
pub fn rebooked_days(conn: &Connection, first: NaiveDate, last: NaiveDate) -> Result<Vec<(i64, NaiveDate)>> {
    let rows: Vec<(i64, String)> = conn
        .prepare_cached(
            "SELECT DISTINCT a.customer_id, a.booked_on FROM appointments a
             WHERE a.booked_on BETWEEN ?1 AND ?2
               AND NOT EXISTS (SELECT 1 FROM appointment_events e
                               WHERE e.appointment_id = a.id AND e.what = 'cancelled' AND e.on_date <= a.booked_on)
               AND (SELECT e.day_after FROM appointment_events e
                    WHERE e.appointment_id = a.id AND e.what IN ('booked', 'moved') AND e.on_date <= a.booked_on
                    ORDER BY e.id DESC LIMIT 1) > a.booked_on",
        )?
        .query_map(params![first.to_string(), last.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows.into_iter().filter_map(|(c, d)| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok().map(|d| (c, d))).collect())
}

/// `liuke appointments --format csv`: UTF-8 with BOM, Chinese headers.
pub fn day_csv(list: &[Appointment]) -> Result<String> {
    crate::export::csv_for_excel(
        &["日期", "开始", "结束", "客户", "手机号", "医生/顾问", "目的", "项目", "状态", "备注"],
        list.iter().map(|a| {
            vec![
                a.date.clone(),
                a.start.clone(),
                a.end.clone(),
                a.name.clone(),
                a.phone.clone(),
                a.staff_name.clone().unwrap_or_else(|| "不指定".into()),
                a.purpose.clone(),
                a.item.clone().unwrap_or_default(),
                a.status_label.to_string(),
                a.note.clone().unwrap_or_default(),
            ]
        }),
    )
}

#[cfg(test)]
mod tests;
