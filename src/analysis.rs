//! The owner's analyses (经营分析, SPEC §10), computed from the same facts as
//! the monthly report ([`FactTable`]: one set of visit days, one net spend):
//! which channels bring customers who come back, what the lost ones cost,
//! how often customers come and what the frequent ones are worth.
//!
//! Every figure and the customers behind it come from one survey of the
//! customers ([`survey`]), so a drill-down lists exactly who was counted.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Days, NaiveDate};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::money::Money;
use crate::report::Month;
use crate::visits::{day_key, FactTable};

/// A blank channel or consultant.
pub const UNNAMED: &str = "未填";

/// The industry figures seed 003 quotes for visit frequency: 1–2, 3–5, 6+.
pub const INDUSTRY: [(&str, f64); 3] = [("1-2", 0.35), ("3-5", 0.57), ("6+", 0.08)];

/// The buckets of `by_visit_count`, in order.
pub const BUCKETS: [&str; 4] = ["1", "2", "3-4", "5+"];

/// The months analysed and the day they end (the last day of `to`, or today if earlier).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Month,
    pub to: Month,
    pub end: NaiveDate,
}

impl Period {
    pub fn new(from: Month, to: Month, today: NaiveDate) -> Result<Period> {
        if to < from {
            return Err(Error::Config(format!("结束月份 {} 早于开始月份 {}，请把两个月份对调。", to.key(), from.key())));
        }
        if from.first_day() > today {
            return Err(Error::Config(format!("开始月份 {} 还没到（今天是 {today}），请选择本月或以前的月份。", from.key())));
        }
        Ok(Period { from, to, end: to.last_day().min(today) })
    }

    fn first_day(self) -> i32 {
        day_key(self.from.first_day())
    }

    fn last_day(self) -> i32 {
        day_key(self.to.last_day())
    }
}

/// What the owner spent to win customers, per (month `YYYY-MM`, channel).
pub type Costs = HashMap<(String, String), Money>;

/// One channel's new customers (SPEC §10 `by_channel`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelRow {
    pub new_customers: i64,
    pub matured: i64,
    pub returned_90d: i64,
    pub return_rate_90d: Option<f64>,
    pub spend_first_365: Money,
    pub acquisition_cost: Option<Money>,
    pub cost_per_new: Option<Money>,
    pub cost_per_returned: Option<Money>,
}

/// Customers by their number of visit days in the 365 days to the end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bucket {
    pub customers: i64,
    pub avg_spend_365: Money,
    pub referral_rate: Option<f64>,
}

/// A frequency band beside the industry's share.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Band {
    pub customers: i64,
    pub share: Option<f64>,
    pub industry: f64,
}

/// New customers of the period who matured and never came back (生存账).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lost {
    pub customers: i64,
    pub lost_cost: Option<Money>,
}

/// Customers with 3 or more visit days in the 365 days against those with one
/// (seed 000: "消费 3 次以上的客户年均消费是首次客户的 2.3 倍").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThreePlus {
    pub customers: i64,
    pub avg_spend_365: Money,
    /// Their average spend ÷ a once-only customer's, 2 decimals (null without both).
    pub multiple: Option<f64>,
}

/// One consultant's new customers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConsultantRow {
    pub new_customers: i64,
    pub matured: i64,
    pub returned_90d: i64,
    pub return_rate_90d: Option<f64>,
    pub spend: Money,
}

/// One staff member's calls due in the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallerRow {
    /// Every call they recorded on those tasks (未接通 and 改期 included).
    pub closed: i64,
    /// Tasks they closed as done, as the monthly report counts done (§6).
    pub done: i64,
    /// Of those, closed on or before the due date.
    pub on_time: i64,
}

/// The analyses of SPEC §10.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    pub from: String,
    pub to: String,
    pub end: String,
    pub by_channel: BTreeMap<String, ChannelRow>,
    pub by_visit_count: BTreeMap<String, Bucket>,
    pub frequency: BTreeMap<String, Band>,
    pub lost_new: Lost,
    pub by_consultant: BTreeMap<String, ConsultantRow>,
    pub by_caller: BTreeMap<String, CallerRow>,
    /// All new customers of the period (the base of `lost_cost`).
    pub new_customers: i64,
    /// What the owner spent on channels that brought no new customer in the period.
    pub costs_without_new_customers: BTreeMap<String, Money>,
    pub three_plus_vs_once: ThreePlus,
}

/// (s3 ÷ n3) ÷ (s1 ÷ n1), exactly, rounded half-up to 2 decimals; None
/// unless both groups have customers and the once-only ones spent something.
fn multiple(s3: Money, n3: i64, s1: Money, n1: i64) -> Option<f64> {
    let num = i128::from(s3.fen()) * i128::from(n1);
    let den = i128::from(n3) * i128::from(s1.fen());
    if den <= 0 {
        return None;
    }
    crate::report::half_up(rust_decimal::Decimal::from(num) / rust_decimal::Decimal::from(den), 2)
}

/// Per staff member, the calls due in the period: every call recorded, the
/// tasks closed as done (reached, sent, unreachable, escalate) and on time.
/// `status <> 'historical'` is spelt out so that the partial index of the
/// tasks by due day serves (a clinic's history is mostly historical calls).
fn by_caller(conn: &Connection, period: Period) -> Result<BTreeMap<String, CallerRow>> {
    let (from, to) = (period.from.first_day().to_string(), period.to.last_day().to_string());
    let mut out: BTreeMap<String, CallerRow> = BTreeMap::new();
    // By staff id, named afterwards: the counts come from the indexes alone.
    let names: BTreeMap<i64, String> = conn
        .prepare("SELECT id, name FROM staff")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let name_of = |id: i64| names.get(&id).cloned().unwrap_or_default();
    // The calls recorded on the period's tasks: one pass over the attempts in
    // task order, kept when their task is one of the period's. A join probing
    // the attempts of each of a year's tasks (half a million on the large
    // clinic) took most of the analysis's time.
    let mut due_in_period: Vec<bool> = Vec::new();
    let mut ids = conn.prepare_cached("SELECT id FROM tasks WHERE due BETWEEN ?1 AND ?2 AND status <> 'historical' AND status <> 'cancelled'")?;
    for id in ids.query_map([&from, &to], |r| r.get::<_, i64>(0))? {
        let id = usize::try_from(id?).unwrap_or(0);
        if id >= due_in_period.len() {
            due_in_period.resize(id + 1, false);
        }
        due_in_period[id] = true;
    }
    let mut closed: BTreeMap<i64, i64> = BTreeMap::new();
    if let (Some(first), last) = (due_in_period.iter().position(|d| *d), due_in_period.len().saturating_sub(1)) {
        let mut calls = conn.prepare_cached("SELECT task_id, by_staff FROM live_attempts WHERE task_id BETWEEN ?1 AND ?2")?;
        let mut rows = calls.query(params![first as i64, last as i64])?;
        while let Some(r) = rows.next()? {
            let task = usize::try_from(r.get::<_, i64>(0)?).unwrap_or(0);
            if due_in_period.get(task).copied().unwrap_or(false) {
                *closed.entry(r.get(1)?).or_default() += 1;
            }
        }
    }
    for (staff, n) in closed {
        out.entry(name_of(staff)).or_insert(CallerRow { closed: 0, done: 0, on_time: 0 }).closed += n;
    }
    let mut done = conn.prepare(
        "SELECT t.closed_by, count(*), coalesce(sum(t.closed_on <= t.due), 0) FROM tasks t
         WHERE t.due BETWEEN ?1 AND ?2 AND t.status <> 'historical' AND t.status IN ('reached', 'sent', 'unreachable', 'escalate') AND t.closed_by IS NOT NULL GROUP BY t.closed_by",
    )?;
    for r in done.query_map([&from, &to], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)))? {
        let (staff, n, on_time) = r?;
        let row = out.entry(name_of(staff)).or_insert(CallerRow { closed: 0, done: 0, on_time: 0 });
        row.done += n;
        row.on_time += on_time;
    }
    Ok(out)
}

fn plus(key: i32, n: u64) -> i32 {
    crate::visits::key_date(key).and_then(|d| d.checked_add_days(Days::new(n))).map(day_key).unwrap_or(i32::MAX)
}

/// An amount shared out over `n`, rounded half-up to the fen (None for n ≤ 0).
fn per(amount: Money, n: i64) -> Option<Money> {
    amount.share(1, n)
}

/// The bucket of SPEC §10 `by_visit_count` for a number of visit days.
pub fn visit_bucket(n: usize) -> &'static str {
    match n {
        0 | 1 => "1",
        2 => "2",
        3 | 4 => "3-4",
        _ => "5+",
    }
}

/// The band of SPEC §10 `frequency` for a number of visit days.
pub fn frequency_band(n: usize) -> &'static str {
    match n {
        0..=2 => "1-2",
        3..=5 => "3-5",
        _ => "6+",
    }
}

/// A new customer of the period: her first 90 days as far as the end
/// allows, and what she spent.
#[derive(Debug, Clone, Copy)]
struct New {
    matured: bool,
    returned: bool,
    /// Net spend dated in [first, first + 364] and ≤ the end.
    spend_first_365: Money,
    /// Net spend dated in the period and ≤ the end.
    spend_in_period: Money,
}

/// One customer as every analysis sees them. Channel and consultant are
/// indexes into [`Survey::names`] (200,000 customers share a few dozen names).
struct Seen {
    id: i64,
    channel: u32,
    consultant: u32,
    new: Option<New>,
    /// Visit days in the 365 days ending at the end (0: not in `by_visit_count`).
    recent: usize,
    spend_365: Money,
    /// Referred a customer whose first visit day is in those 365 days.
    referred: bool,
}

/// Every customer's part in the analyses, from the monthly report's facts.
struct Survey {
    names: Vec<String>,
    people: Vec<Seen>,
}

impl Survey {
    fn name(&self, index: u32) -> &str {
        &self.names[index as usize]
    }
}

/// What the analyses group a customer by (names as indexes into [`Survey::names`]).
#[derive(Clone, Copy)]
struct Attributes {
    channel: u32,
    consultant: u32,
    referrer: Option<i64>,
}

/// Every customer's channel, consultant and referrer.
fn attributes(conn: &Connection, names: &mut Vec<String>) -> Result<HashMap<i64, Attributes>> {
    let mut index: HashMap<String, u32> = HashMap::new();
    // A name is read in place and copied only the first time it is seen.
    let mut intern = |cell: rusqlite::types::ValueRef<'_>| -> u32 {
        let name = cell.as_str().map(str::trim).ok().filter(|t| !t.is_empty()).unwrap_or(UNNAMED);
        if let Some(i) = index.get(name) {
            return *i;
        }
        names.push(name.to_string());
        index.insert(name.to_string(), (names.len() - 1) as u32);
        (names.len() - 1) as u32
    };
    let mut out = HashMap::new();
    let mut stmt = conn.prepare("SELECT id, channel, consultant, referrer_id FROM customers")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (channel, consultant) = (intern(r.get_ref(1)?), intern(r.get_ref(2)?));
        out.insert(r.get(0)?, Attributes { channel, consultant, referrer: r.get(3)? });
    }
    Ok(out)
}

fn survey(conn: &Connection, period: Period) -> Result<Survey> {
    let table = FactTable::load(conn, period.end)?;
    let mut names = Vec::new();
    let who = attributes(conn, &mut names)?;
    let (start, last, end) = (period.first_day(), period.last_day(), day_key(period.end));
    let window_start = day_key(crate::visits::window_365_start(period.end));
    let spend_between = |i: usize, from: i32, to: i32| -> Money {
        Money(table.money[i].iter().filter(|(d, _)| *d >= from && *d <= to).map(|(_, fen)| fen).sum())
    };
    let referrers: HashSet<i64> = table
        .ids
        .iter()
        .zip(&table.visits)
        .filter(|(_, v)| v.first().is_some_and(|f| *f >= window_start && *f <= end))
        .filter_map(|(id, _)| who.get(id).and_then(|w| w.referrer))
        .collect();
    let mut people = Vec::new();
    for (i, id) in table.ids.iter().enumerate() {
        let Some(&Attributes { channel, consultant, .. }) = who.get(id) else { continue };
        let visits = &table.visits[i];
        let new = visits.first().filter(|f| **f >= start && **f <= last).map(|&first| {
            let day_90 = plus(first, 90);
            let matured = day_90 <= end;
            New {
                matured,
                returned: matured && visits.iter().any(|d| *d > first && *d <= day_90),
                spend_first_365: spend_between(i, first, plus(first, 364).min(end)),
                spend_in_period: spend_between(i, start, last.min(end)),
            }
        });
        let recent = visits.iter().filter(|d| **d >= window_start && **d <= end).count();
        if new.is_none() && recent == 0 {
            continue;
        }
        let spend_365 = if recent > 0 { spend_between(i, window_start, end) } else { Money::ZERO };
        people.push(Seen { id: *id, channel, consultant, new, recent, spend_365, referred: referrers.contains(id) });
    }
    Ok(Survey { names, people })
}

/// The counts behind a channel's or a consultant's row.
#[derive(Default)]
struct Tally {
    new_customers: i64,
    matured: i64,
    returned_90d: i64,
    spend_first_365: Money,
    spend_in_period: Money,
}

impl Tally {
    fn add(&mut self, n: &New) {
        self.new_customers += 1;
        self.matured += i64::from(n.matured);
        self.returned_90d += i64::from(n.returned);
        self.spend_first_365 = self.spend_first_365 + n.spend_first_365;
        self.spend_in_period = self.spend_in_period + n.spend_in_period;
    }
}

/// The owner's costs for the period's months, for one channel or all.
fn cost_of(costs: &Costs, period: Period, channel: Option<&str>) -> Option<Money> {
    let (from, to) = (period.from.key(), period.to.key());
    let found: Vec<Money> = costs
        .iter()
        .filter(|((month, ch), _)| *month >= from && *month <= to && channel.is_none_or(|c| c == ch))
        .map(|(_, m)| *m)
        .collect();
    (!found.is_empty()).then(|| found.into_iter().sum())
}

/// Every analysis of SPEC §10 for the period, with the owner's costs.
pub fn analyse(conn: &Connection, period: Period, costs: &Costs) -> Result<Analysis> {
    let survey = survey(conn, period)?;
    let mut channels: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut consultants: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut buckets: BTreeMap<&str, (i64, Money, i64)> = BTreeMap::new();
    let mut bands: BTreeMap<&str, i64> = BTreeMap::new();
    let (mut lost, mut new_total) = (0, 0);
    for p in &survey.people {
        if let Some(n) = &p.new {
            new_total += 1;
            lost += i64::from(n.matured && !n.returned);
            channels.entry(survey.name(p.channel)).or_default().add(n);
            consultants.entry(survey.name(p.consultant)).or_default().add(n);
        }
        if p.recent > 0 {
            let b = buckets.entry(visit_bucket(p.recent)).or_insert((0, Money::ZERO, 0));
            b.0 += 1;
            b.1 = b.1 + p.spend_365;
            b.2 += i64::from(p.referred);
            *bands.entry(frequency_band(p.recent)).or_default() += 1;
        }
    }
    let by_channel = channels
        .iter()
        .map(|(channel, t)| {
            let acquisition_cost = cost_of(costs, period, Some(channel));
            let row = ChannelRow {
                new_customers: t.new_customers,
                matured: t.matured,
                returned_90d: t.returned_90d,
                return_rate_90d: crate::report::rate(t.returned_90d, t.matured),
                spend_first_365: t.spend_first_365,
                acquisition_cost,
                cost_per_new: acquisition_cost.and_then(|c| per(c, t.new_customers)),
                cost_per_returned: acquisition_cost.and_then(|c| per(c, t.returned_90d)),
            };
            (channel.to_string(), row)
        })
        .collect();
    let by_consultant = consultants
        .iter()
        .map(|(name, t)| {
            let row = ConsultantRow {
                new_customers: t.new_customers,
                matured: t.matured,
                returned_90d: t.returned_90d,
                return_rate_90d: crate::report::rate(t.returned_90d, t.matured),
                spend: t.spend_in_period,
            };
            (name.to_string(), row)
        })
        .collect();
    let in_window: i64 = bands.values().sum();
    let by_visit_count = BUCKETS
        .into_iter()
        .map(|k| {
            let (customers, spend, referrers) = buckets.get(k).copied().unwrap_or((0, Money::ZERO, 0));
            let avg = per(spend, customers).unwrap_or(Money::ZERO);
            (k.to_string(), Bucket { customers, avg_spend_365: avg, referral_rate: crate::report::rate(referrers, customers) })
        })
        .collect();
    let frequency = INDUSTRY
        .into_iter()
        .map(|(k, industry)| {
            let customers = bands.get(k).copied().unwrap_or(0);
            (k.to_string(), Band { customers, share: crate::report::rate(customers, in_window), industry })
        })
        .collect();
    let group = |keys: &[&str]| keys.iter().filter_map(|k| buckets.get(k)).fold((0, Money::ZERO), |(n, m), b| (n + b.0, m + b.1));
    let ((n3, s3), (n1, s1)) = (group(&["3-4", "5+"]), group(&["1"]));
    let three_plus_vs_once = ThreePlus { customers: n3, avg_spend_365: per(s3, n3).unwrap_or(Money::ZERO), multiple: multiple(s3, n3, s1, n1) };
    // That count × the period's cost ÷ its new customers, rounded once.
    let lost_cost = cost_of(costs, period, None).and_then(|total| total.share(lost, new_total));
    let mut costs_without_new_customers = BTreeMap::new();
    for (_, channel) in costs.keys() {
        if !channels.contains_key(channel.as_str()) {
            if let Some(c) = cost_of(costs, period, Some(channel)) {
                costs_without_new_customers.insert(channel.clone(), c);
            }
        }
    }
    Ok(Analysis {
        from: period.from.key(),
        to: period.to.key(),
        end: period.end.to_string(),
        by_channel,
        by_visit_count,
        frequency,
        lost_new: Lost { customers: lost, lost_cost },
        by_consultant,
        by_caller: by_caller(conn, period)?,
        new_customers: new_total,
        costs_without_new_customers,
        three_plus_vs_once,
    })
}

/// A figure of the analyses whose customers the owner can list.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Figure {
    /// `by_channel`, `by_consultant`, `by_visit_count`, `frequency` or `lost_new`.
    pub table: String,
    /// The channel, consultant, bucket or band (none for `lost_new`).
    #[serde(default)]
    pub key: Option<String>,
    /// `new_customers`, `matured`, `returned_90d`, `not_returned` (of a
    /// channel or consultant), `customers`, or `referrers` (of a bucket).
    pub field: String,
}

/// Whether a new customer counts in a channel's or consultant's field.
fn new_in(field: &str, n: &New) -> Option<bool> {
    Some(match field {
        "new_customers" => true,
        "matured" => n.matured,
        "returned_90d" => n.returned,
        "not_returned" => n.matured && !n.returned,
        _ => return None,
    })
}

/// The customers behind a figure: the same survey the figure was counted
/// from, so the list always has as many names as the figure says.
pub fn who(conn: &Connection, period: Period, figure: &Figure) -> Result<Vec<i64>> {
    let (table, field) = (figure.table.as_str(), figure.field.as_str());
    let key = figure.key.as_deref().unwrap_or("");
    let cohort = matches!(table, "by_channel" | "by_consultant") && matches!(field, "new_customers" | "matured" | "returned_90d" | "not_returned");
    let known = cohort || matches!((table, field), ("lost_new" | "by_visit_count" | "frequency", "customers") | ("by_visit_count", "referrers"));
    if !known {
        return Err(Error::invalid("field", format!("不认识的名单：{table} {key} {field}")));
    }
    let survey = survey(conn, period)?;
    let counted = |p: &Seen| -> bool {
        match (table, field) {
            ("by_channel", f) => p.new.as_ref().is_some_and(|n| survey.name(p.channel) == key && new_in(f, n) == Some(true)),
            ("by_consultant", f) => p.new.as_ref().is_some_and(|n| survey.name(p.consultant) == key && new_in(f, n) == Some(true)),
            ("lost_new", _) => p.new.is_some_and(|n| n.matured && !n.returned),
            ("by_visit_count", "referrers") => p.recent > 0 && visit_bucket(p.recent) == key && p.referred,
            ("by_visit_count", _) => p.recent > 0 && visit_bucket(p.recent) == key,
            _ => p.recent > 0 && frequency_band(p.recent) == key,
        }
    };
    Ok(survey.people.iter().filter(|p| counted(p)).map(|p| p.id).collect())
}

mod export;
pub use export::{csv, workbook};

#[cfg(test)]
mod tests;
