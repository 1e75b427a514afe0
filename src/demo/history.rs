//! The demo clinic's history: an item catalogue and three years of arrivals,
//! orders, payments, sessions, a few refunds and voids, shaped like a real
//! clinic: customers arrive in monthly first-visit cohorts, about 60% come
//! back within 90 days, some keep coming for years and some lapse; packages
//! of light and skincare treatments are used up over later visits. A handful
//! of customers are on today's board.

use chrono::{Days, NaiveDate};
use rusqlite::Connection;

use super::pick;
use crate::clock::Clock;
use crate::consumption::{self, LineId, NewLine, NewOrder, NewRefund, Voidable};
use crate::customers::CustomerId;
use crate::error::Result;
use crate::items::{self, Category, ItemDraft, ItemId};
use crate::money::Money;
use crate::staff::StaffId;
use crate::triage::{self, NewArrival, Status};

/// name, category, list price per session (yuan), sessions in a package.
const CATALOGUE: &[(&str, Category, i64, i64)] = &[
    ("双眼皮", Category::Surgery, 12800, 1),
    ("隆鼻", Category::Surgery, 26800, 1),
    ("吸脂", Category::Surgery, 18800, 1),
    ("保妥适肉毒素", Category::Injection, 2980, 1),
    ("玻尿酸 1ml", Category::Injection, 4800, 1),
    ("水光针", Category::Injection, 980, 3),
    ("少女针", Category::Injection, 9800, 1),
    ("光子嫩肤 M22", Category::Laser, 1280, 5),
    ("热玛吉 五代", Category::Laser, 16800, 1),
    ("超声炮", Category::Laser, 9800, 1),
    ("皮秒祛斑", Category::Laser, 2680, 3),
    ("小气泡清洁", Category::Skincare, 298, 10),
    ("补水导入", Category::Skincare, 398, 6),
    ("果酸焕肤", Category::Skincare, 580, 4),
    ("术后修复面膜", Category::Other, 199, 1),
];

const METHODS: &[&str] = &["微信", "支付宝", "银行卡", "现金"];
const PURPOSES: &[&str] = &["咨询抗衰", "水光复查", "祛斑", "皮肤清洁", "术后复查", "咨询双眼皮", "打肉毒", "看看新项目"];

pub(super) struct Actors {
    pub reception: Vec<StaffId>,
    pub carers: Vec<StaffId>,
    pub performers: Vec<String>,
}

pub(super) fn catalogue(conn: &Connection, clock: &Clock, by: StaffId) -> Result<Vec<(ItemId, i64, i64)>> {
    let mut out = Vec::new();
    for (name, category, price, package) in CATALOGUE {
        let item = match items::find_by_name(conn, name)? {
            Some(item) => item,
            None => items::create(
                conn,
                clock,
                by,
                &ItemDraft { name: name.to_string(), category: Some(*category), list_price: Some(Money(price * 100)), active: true, ..Default::default() },
            )?,
        };
        out.push((item.id, *price, *package));
    }
    Ok(out)
}

/// Open packages of one customer while the history is written: line, item, sessions left.
struct Open {
    line: LineId,
    left: i64,
}

struct Writer<'a> {
    conn: &'a Connection,
    clock: &'a Clock,
    rng: &'a mut fastrand::Rng,
    actors: &'a Actors,
    catalogue: &'a [(ItemId, i64, i64)],
}

impl Writer<'_> {
    fn by(&mut self) -> StaffId {
        *pick(self.rng, &self.actors.reception)
    }

    fn arrive(&mut self, customer: CustomerId, day: NaiveDate, kind: &str, status: Status) -> Result<i64> {
        let by = self.by();
        let assigned = Some(*pick(self.rng, &self.actors.carers));
        let purpose = Some(pick(self.rng, PURPOSES).to_string());
        triage::insert_tx(
            self.conn,
            self.clock,
            by,
            &NewArrival { customer_id: customer, date: day, kind: Some(kind.into()), channel: None, purpose, assigned_to: assigned, department: None, status, import_key: None },
        )
    }

    /// Buys one catalogue item (a package where the item is sold so) and does the first session.
    fn buy(&mut self, customer: CustomerId, day: NaiveDate, open: &mut Vec<Open>) -> Result<()> {
        let (item, price, package) = *pick(self.rng, self.catalogue);
        let sessions = if package > 1 && self.rng.u32(..100) < 70 { package } else { 1 };
        let list = Money(price * 100 * sessions);
        // Packages and regulars get a discount of up to 20%, rounded to whole yuan.
        let discount = if sessions > 1 { self.rng.i64(0..=20) } else { self.rng.i64(0..=8) };
        let agreed = Money((list.fen() * (100 - discount) / 100) / 100 * 100);
        let by = self.by();
        let order = NewOrder {
            customer_id: customer,
            date: day,
            lines: vec![NewLine { item_id: item, sessions, list_price: list, price: agreed }],
            consultant: None,
            doctor: None,
            note: None,
            order_no: None,
            arrival_id: None,
            import_key: None,
        };
        let (order_id, lines) = consumption::insert_order_tx(self.conn, self.clock, by, &order)?;
        let method = *pick(self.rng, METHODS);
        consumption::insert_payment_tx(self.conn, self.clock, by, customer, Some(order_id), day, agreed, method)?;
        let performer = pick(self.rng, &self.actors.performers).clone();
        consumption::insert_execution_tx(self.conn, self.clock, by, lines[0], day, 1, Some(&performer), Some("demo"))?;
        if sessions > 1 {
            open.push(Open { line: lines[0], left: sessions - 1 });
        }
        if self.rng.u32(..1000) < 15 {
            let refund = NewRefund {
                customer_id: customer,
                order_id: Some(order_id),
                line_id: Some(lines[0]),
                date: day.checked_add_days(Days::new(self.rng.u64(1..20))).unwrap_or(day).min(self.clock.today()),
                amount: Money(agreed.fen() / 2 / 100 * 100),
                sessions_returned: 0,
                method: Some("原路退回".into()),
                reason: Some("效果不满意，协商退一半".into()),
                import_key: None,
            };
            consumption::insert_refund_tx(self.conn, self.clock, by, &refund)?;
        }
        Ok(())
    }

    fn use_package(&mut self, customer: CustomerId, day: NaiveDate, open: &mut Vec<Open>) -> Result<bool> {
        let _ = customer;
        let Some(p) = open.iter_mut().find(|p| p.left > 0) else { return Ok(false) };
        let by = *pick(self.rng, &self.actors.reception);
        let performer = pick(self.rng, &self.actors.performers).clone();
        consumption::insert_execution_tx(self.conn, self.clock, by, p.line, day, 1, Some(&performer), Some("demo"))?;
        p.left -= 1;
        open.retain(|p| p.left > 0);
        Ok(true)
    }
}

/// Writes one customer's visits from a first visit day up to today.
pub(super) fn customer_history(
    conn: &Connection,
    clock: &Clock,
    rng: &mut fastrand::Rng,
    actors: &Actors,
    catalogue: &[(ItemId, i64, i64)],
    customer: CustomerId,
) -> Result<()> {
    let today = clock.today();
    // 12% are leads who never came.
    if rng.u32(..100) < 12 {
        return Ok(());
    }
    let first = today - Days::new(rng.u64(1..1095));
    let mut w = Writer { conn, clock, rng, actors, catalogue };
    let mut open = Vec::new();
    w.arrive(customer, first, "初诊", Status::Left)?;
    if w.rng.u32(..100) < 65 {
        w.buy(customer, first, &mut open)?;
    }
    // About 60% come back within 90 days; regulars keep coming with gaps of weeks to months.
    let mut day = first;
    let mut returns = w.rng.u32(..100) < 60;
    let loyalty = w.rng.u32(..100);
    while returns {
        let gap = if day == first { w.rng.u64(7..85) } else { w.rng.u64(14..150) };
        day = day + Days::new(gap);
        if day >= today {
            break;
        }
        let kind = if open.is_empty() { *pick(w.rng, &["复诊", "复查", "咨询"]) } else { "治疗" };
        w.arrive(customer, day, kind, Status::Left)?;
        if !w.use_package(customer, day, &mut open)? && w.rng.u32(..100) < 55 {
            w.buy(customer, day, &mut open)?;
        }
        returns = w.rng.u32(..100) < 55 + loyalty / 3;
    }
    Ok(())
}

/// A few customers are at the clinic today, at each stage of the board.
pub(super) fn todays_board(
    conn: &Connection,
    clock: &Clock,
    rng: &mut fastrand::Rng,
    actors: &Actors,
    catalogue: &[(ItemId, i64, i64)],
    customers: &[CustomerId],
) -> Result<()> {
    let statuses = [Status::Left, Status::Left, Status::Treating, Status::Consulting, Status::Consulting, Status::Waiting, Status::Waiting];
    let mut w = Writer { conn, clock, rng, actors, catalogue };
    for (i, status) in statuses.iter().enumerate() {
        let Some(customer) = customers.get(i * 7 + 3) else { break };
        let arrival = w.arrive(*customer, clock.today(), if i % 3 == 0 { "初诊" } else { "复诊" }, *status)?;
        if i == 0 {
            w.buy(*customer, clock.today(), &mut Vec::new())?;
        }
        if *status == Status::Left {
            conn.execute("UPDATE arrivals SET outcome = ?2 WHERE id = ?1", rusqlite::params![arrival, if i == 0 { "deal" } else { "no_deal" }])?;
        }
    }
    Ok(())
}

/// Voids one order in a few hundred, as happens when an order is keyed in twice.
pub(super) fn some_voids(conn: &Connection, clock: &Clock, by: StaffId) -> Result<usize> {
    let ids: Vec<i64> = conn.prepare("SELECT id FROM orders WHERE id % 397 = 0")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    for id in &ids {
        crate::desk::void_in(conn, clock, by, Voidable::Order, *id, "重复开单")?;
    }
    Ok(ids.len())
}

/// The booking book: about three in ten past visits in the last 13 months
/// left with the next visit booked (arrived on that day), and the coming
/// week's appointments per doctor and consultant, today's still expected.
pub(super) fn appointments(conn: &Connection, clock: &Clock, rng: &mut fastrand::Rng, actors: &Actors, customers: &[CustomerId]) -> Result<()> {
    let today = clock.today();
    let since = today.checked_sub_days(Days::new(400)).unwrap_or(today);
    let carer = |n: i64| actors.carers.get(n.rem_euclid(actors.carers.len().max(1) as i64) as usize).map(|s| s.0);
    let booked: Vec<(i64, String, String)> = conn
        .prepare(
            "SELECT customer_id, day, (SELECT min(v2.day) FROM visit_days v2 WHERE v2.customer_id = v.customer_id AND v2.day > v.day)
             FROM visit_days v WHERE v.day >= ?1 AND v.day < ?2",
        )?
        .query_map(rusqlite::params![since.to_string(), today.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, Option<String>>(2)?)))?
        .filter_map(|row| row.map(|(c, d, next)| next.map(|n| (c, d, n))).transpose())
        .collect::<rusqlite::Result<_>>()?;
    let mut insert = conn.prepare(
        "INSERT INTO appointments (uid, customer_id, staff_id, day, start_min, end_min, purpose, status, arrival_id, booked_on, booked_for, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5 + 30, ?6, ?7, ?8, ?9, ?4, ?10, ?11)",
    )?;
    let mut event = conn.prepare(
        "INSERT INTO appointment_events (appointment_id, what, on_date, at, by_staff, day_after)
         VALUES (?1, ?2, ?3, ?4, ?5, (SELECT day FROM appointments WHERE id = ?1))",
    )?;
    let by = actors.reception.first().copied().unwrap_or(crate::staff::SYSTEM_STAFF).0;
    for (customer, day, next) in booked {
        if rng.u32(..10) >= 3 || next >= today.to_string() {
            continue;
        }
        let arrival: Option<i64> = conn.query_row(
            "SELECT min(id) FROM arrivals WHERE customer_id = ?1 AND visit_date = ?2 AND voided_at IS NULL",
            rusqlite::params![customer, next],
            |r| r.get(0),
        )?;
        let start = 600 + 30 * rng.i64(0..16);
        insert.execute(rusqlite::params![crate::store::new_uid(), customer, carer(customer), next, start, pick(rng, &["复查", "治疗"]), "arrived", arrival, day, clock.now_utc(), by])?;
        let id = conn.last_insert_rowid();
        event.execute(rusqlite::params![id, "booked", day, clock.now_utc(), by])?;
        event.execute(rusqlite::params![id, "arrived", next, clock.now_utc(), by])?;
    }
    // The coming week: each carer's day has a few appointments on free slots.
    let mut who = customers.iter().cycle().skip(11).step_by(13);
    let mut booked_that_day = std::collections::HashSet::new();
    for offset in 0..7u64 {
        let Some(day) = today.checked_add_days(Days::new(offset)) else { continue };
        for (k, staff) in actors.carers.iter().enumerate() {
            let mut start = 570 + 30 * (k as i64 % 3);
            for _ in 0..(2 + rng.usize(..4)) {
                start += 30 * rng.i64(1..5);
                if start + 30 > 21 * 60 {
                    break;
                }
                let Some(customer) = who.next() else { break };
                // A small demo cycles through its customers: one appointment a day each.
                if !booked_that_day.insert((customer.0, offset)) {
                    continue;
                }
                let booked_on = today.checked_sub_days(Days::new(rng.u64(1..10))).unwrap_or(today).to_string();
                insert.execute(rusqlite::params![
                    crate::store::new_uid(),
                    customer.0,
                    staff.0,
                    day.to_string(),
                    start,
                    pick(rng, &["复查", "治疗", "咨询", "术前面诊"]),
                    "booked",
                    None::<i64>,
                    booked_on,
                    clock.now_utc(),
                    by
                ])?;
                let id = conn.last_insert_rowid();
                event.execute(rusqlite::params![id, "booked", booked_on, clock.now_utc(), by])?;
            }
        }
    }
    Ok(())
}

/// How far back the demo's customer service worked its calls.
const WORKED_DAYS: u64 = 365;

/// The call history of a clinic that works its list: every call due in the
/// last year was made by customer service, most on the day, some a day or
/// three late, one in twenty unreachable after three tries, messages sent,
/// a few scored low; of the last three days' calls about one in seven are still
/// waiting on today's list. So 回访完成率 and 满意度 have figures on a first
/// look. Calls due earlier stay history, as an imported clinic's would.
pub(super) fn worked_calls(conn: &Connection, clock: &Clock, rng: &mut fastrand::Rng, callers: &[StaffId]) -> Result<usize> {
    if callers.is_empty() {
        return Ok(0);
    }
    let today = clock.today();
    let from = today.checked_sub_days(Days::new(WORKED_DAYS)).unwrap_or(today);
    let due: Vec<(i64, String, String)> = conn
        .prepare("SELECT id, due, channel FROM tasks WHERE status = 'historical' AND due >= ?1 AND due < ?2 ORDER BY id")?
        .query_map([from.to_string(), today.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut attempt = conn.prepare(
        "INSERT INTO task_attempts (task_id, at, on_date, by_staff, outcome, note, to_date, score, prev_next_on) VALUES (?1, ?2, ?3, ?4, ?5, NULL, NULL, ?6, ?7)",
    )?;
    let mut close = conn.prepare("UPDATE tasks SET status = ?2, next_on = ?3, closed_at = ?4, closed_on = ?3, closed_by = ?5 WHERE id = ?1")?;
    let mut reopen = conn.prepare("UPDATE tasks SET status = 'open', next_on = ?2 WHERE id = ?1")?;
    // 10:30 in the clinic: the calls' times say when the day's list was worked.
    let at = |d: NaiveDate, minutes: u32| -> String {
        let local = d.and_hms_opt(10, 0, 0).unwrap_or_default() + chrono::Duration::minutes(i64::from(minutes));
        local.and_local_timezone(clock.time_zone()).earliest().map(|t| t.with_timezone(&chrono::Utc).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)).unwrap_or_default()
    };
    let mut worked = 0;
    for (id, due_text, channel) in due {
        let Ok(due_day) = NaiveDate::parse_from_str(&due_text, "%Y-%m-%d") else { continue };
        let recent = (today - due_day).num_days() <= 3;
        if recent && rng.u32(..100) < 15 {
            reopen.execute(rusqlite::params![id, due_text])?;
            continue;
        }
        let by = *pick(rng, callers);
        let late = match rng.u32(..100) {
            0..=84 => 0,
            85..=94 => 1,
            _ => 2 + u64::from(rng.u32(..2)),
        };
        let day = due_day.checked_add_days(Days::new(late)).filter(|d| *d < today).unwrap_or(due_day);
        let minutes = rng.u32(..420);
        if channel == "message" {
            attempt.execute(rusqlite::params![id, at(day, minutes), day.to_string(), by.0, "sent", None::<i64>, due_text])?;
            close.execute(rusqlite::params![id, "sent", day.to_string(), at(day, minutes), by.0])?;
        } else if rng.u32(..100) < 5 {
            // Three tries on three days, then closed as unreachable.
            let mut try_day = day;
            for n in 0..3u64 {
                try_day = day.checked_add_days(Days::new(n)).filter(|d| *d < today).unwrap_or(try_day);
                attempt.execute(rusqlite::params![id, at(try_day, minutes), try_day.to_string(), by.0, "no_answer", None::<i64>, due_text])?;
            }
            close.execute(rusqlite::params![id, "unreachable", try_day.to_string(), at(try_day, minutes), by.0])?;
        } else {
            let score = match rng.u32(..100) {
                0..=29 => None,
                30..=84 => Some(5),
                85..=95 => Some(4),
                96..=97 => Some(3),
                _ => Some(2),
            };
            attempt.execute(rusqlite::params![id, at(day, minutes), day.to_string(), by.0, "reached", score, due_text])?;
            close.execute(rusqlite::params![id, "reached", day.to_string(), at(day, minutes), by.0])?;
            if let Some(s) = score.filter(|s| *s <= crate::followups::DISSATISFIED_AT_MOST) {
                // As a real low score does: a flag for the doctor and the owner,
                // handled the next day unless it is from the last fortnight.
                let handled = (today - day).num_days() > 14;
                let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
                conn.execute(
                    "INSERT INTO customer_flags (customer_id, task_id, note, at, by_staff, resolved_at, resolved_by)
                     SELECT customer_id, id, ?2, ?3, ?4, ?5, ?6 FROM tasks WHERE id = ?1",
                    rusqlite::params![id, format!("回访满意度 {s} 分（{}）", crate::followups::satisfaction_label(s)), at(day, minutes), by.0,
                        handled.then(|| at(next, 0)), handled.then_some(by.0)],
                )?;
            }
        }
        worked += 1;
    }
    Ok(worked)
}

/// What the paid channels cost a month (yuan), before a month's swing of up to a fifth either way.
const CHANNEL_SPEND: &[(&str, i64)] = &[("美团/大众点评", 6_000), ("抖音", 9_000), ("小红书", 6_000), ("新氧", 2_800), ("百度", 4_000), ("地推活动", 1_500)];

/// The owner's acquisition costs for the paid channels over the last 18 months
/// (this month not yet entered), in round hundreds, so 经营分析 has costs to divide.
pub(super) fn acquisition_costs(conn: &Connection, clock: &Clock, rng: &mut fastrand::Rng, owner: StaffId) -> Result<usize> {
    let this_month = crate::report::Month::of(clock.today());
    let mut saved = crate::costs::Saved::default();
    for back in 1..=18 {
        for (channel, yuan) in CHANNEL_SPEND {
            let hundreds = yuan / 100 * (80 + rng.i64(0..=40)) / 100;
            crate::costs::set_tx(conn, clock, owner, this_month.plus(-back), channel, Some(Money(hundreds * 100 * 100)), &mut saved)?;
        }
    }
    Ok(saved.created)
}
