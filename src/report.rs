//! The monthly retention figures (月度留存报表, SPEC §6), computed from the
//! facts for any month, and the owner's export: the month and the 12 before
//! it, as JSON, CSV (UTF-8 with BOM) and a real .xlsx workbook.

use chrono::{Datelike, Days, Months, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rusqlite::{params, Connection};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::money::Money;
use crate::tiers::{self, Counts, Labels, TierRules};
use crate::visits::{day_key, FactTable};

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    first: NaiveDate,
}

impl Month {
    pub fn parse(text: &str) -> Result<Month> {
        let bad = || Error::Config(format!("月份「{text}」格式不对，应为 YYYY-MM，例如 2026-10。"));
        let (y, m) = text.trim().split_once('-').ok_or_else(bad)?;
        let first = NaiveDate::from_ymd_opt(y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?, 1).ok_or_else(bad)?;
        Ok(Month { first })
    }

    pub fn of(d: NaiveDate) -> Month {
        Month { first: d.with_day(1).unwrap_or(d) }
    }

    pub fn first_day(self) -> NaiveDate {
        self.first
    }

    pub fn last_day(self) -> NaiveDate {
        self.plus(1).first - Days::new(1)
    }

    /// The month `n` months later (negative: earlier).
    pub fn plus(self, n: i32) -> Month {
        let first = if n >= 0 { self.first + Months::new(n as u32) } else { self.first - Months::new(n.unsigned_abs()) };
        Month { first }
    }

    pub fn key(self) -> String {
        format!("{:04}-{:02}", self.first.year(), self.first.month())
    }
}

/// A rate rounded to 4 decimals, or None where the base is 0. The division
/// and rounding are exact (rust_decimal); only the rounded result becomes an
/// f64, because SPEC §6 wants a JSON number, and a 4-decimal value prints back
/// exactly (0.8214 stays 0.8214). Money never goes through f64: it is Money.
pub(crate) fn rate(part: i64, base: i64) -> Option<f64> {
    if base == 0 {
        return None;
    }
    half_up(Decimal::from(part) / Decimal::from(base), 4)
}

/// A mean score rounded to 2 decimals (SPEC §6), or None with no responses.
fn mean(total: i64, n: i64) -> Option<f64> {
    if n == 0 {
        return None;
    }
    half_up(Decimal::from(total) / Decimal::from(n), 2)
}

/// Rounded half-up, as the owner rounds by hand (1 ÷ 32 = 0.03125 → 0.0313);
/// `round_dp` alone rounds a midpoint to even (0.0312).
pub(crate) fn half_up(x: Decimal, places: u32) -> Option<f64> {
    x.round_dp_with_strategy(places, rust_decimal::RoundingStrategy::MidpointAwayFromZero).to_f64()
}

fn money_rate(part: Money, base: Money) -> Option<f64> {
    if base.fen() == 0 {
        return None;
    }
    half_up(Decimal::from(part.fen()) / Decimal::from(base.fen()), 4)
}

/// Every figure of SPEC §6 for one month.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Figures {
    pub month: String,
    pub new_customers: i64,
    pub returning_customers: i64,
    pub active_customers: i64,
    pub visits: i64,
    pub revenue: Money,
    pub repeat_revenue_share: Option<f64>,
    pub retention_base_12m: i64,
    pub retained_12m: i64,
    pub retention_rate_12m: Option<f64>,
    pub new_return_cohort: i64,
    pub new_returned_90d: i64,
    pub new_return_rate_90d: Option<f64>,
    pub dormant_customers: i64,
    pub reactivated_customers: i64,
    pub referrals: i64,
    pub callbacks_due: i64,
    pub callbacks_done: i64,
    pub callback_completion_rate: Option<f64>,
    pub callbacks_on_time: i64,
    pub rebooked_rate: Option<f64>,
    pub satisfaction_responses: i64,
    pub satisfaction_avg: Option<f64>,
    pub dissatisfied: i64,
    pub prepaid_sessions_outstanding: i64,
    pub prepaid_value_outstanding: Money,
    pub vouchers_issued: i64,
    pub vouchers_redeemed: i64,
    pub voucher_value_redeemed: Money,
    pub vouchers_outstanding: Money,
    pub tiers: Counts,
}

/// Which customers are behind a figure, for the drill-down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    New,
    Returning,
    CohortNotReturned,
    Dormant,
    Reactivated,
    RetentionLost,
}

impl Who {
    pub fn parse(text: &str) -> Option<Who> {
        Some(match text {
            "new" => Who::New,
            "returning" => Who::Returning,
            "cohort_not_returned" => Who::CohortNotReturned,
            "dormant" => Who::Dormant,
            "reactivated" => Who::Reactivated,
            "retention_lost" => Who::RetentionLost,
            _ => return None,
        })
    }
}

/// Whether `days` (sorted) has one in [from, to].
fn any_between(days: &[i32], from: i32, to: i32) -> bool {
    let i = days.partition_point(|d| *d < from);
    days.get(i).is_some_and(|d| *d <= to)
}

fn count_between(days: &[i32], from: i32, to: i32) -> i64 {
    (days.partition_point(|d| *d <= to) - days.partition_point(|d| *d < from)) as i64
}

fn plus_days(key: i32, n: i64) -> i32 {
    crate::visits::key_date(key).map(|d| day_key(if n >= 0 { d + Days::new(n as u64) } else { d - Days::new(n.unsigned_abs()) })).unwrap_or(key)
}

/// What each customer slot contributes to a month.
struct Slot {
    new: bool,
    returning: bool,
    visits: i64,
    retention_base: bool,
    retained: bool,
    cohort: bool,
    returned_90d: bool,
    reactivated: bool,
    labels: Labels,
}

fn slot_in_month(t: &FactTable, i: usize, m: Month, rules: &TierRules) -> Slot {
    let days = &t.visits[i];
    let (start, end) = (day_key(m.first_day()), day_key(m.last_day()));
    let first = days.first().copied();
    let in_month = count_between(days, start, end);
    let cohort_month = m.plus(-3);
    let cohort = first.is_some_and(|f| f >= day_key(cohort_month.first_day()) && f <= day_key(cohort_month.last_day()));
    let returned_90d = cohort && first.is_some_and(|f| any_between(days, f + 1, plus_days(f, 90)));
    let retention_base = any_between(days, day_key(m.plus(-23).first_day()), day_key(m.plus(-12).last_day()));
    let retained = retention_base && any_between(days, day_key(m.plus(-11).first_day()), end);
    let lo = days.partition_point(|d| *d < start);
    let hi = days.partition_point(|d| *d <= end);
    let reactivated = (lo..hi).any(|k| k > 0 && days[k - 1] <= plus_days(days[k], -180));
    let facts = t.facts(i, m.last_day());
    Slot {
        new: first.is_some_and(|f| f >= start && f <= end),
        returning: in_month > 0 && first.is_some_and(|f| f < start),
        visits: in_month,
        retention_base,
        retained,
        cohort,
        returned_90d,
        reactivated,
        labels: tiers::labels(rules, &facts, m.last_day()),
    }
}

/// Everything the figures of a range of months are computed from.
pub struct Basis {
    table: FactTable,
    rules: TierRules,
    has_referrer: Vec<bool>,
    /// 预收未耗 at the month ends from `prepaid_from` on.
    prepaid: crate::prepaid::Ledger,
    prepaid_from: Month,
}

impl Basis {
    /// Reads the facts up to the end of `through`.
    pub fn load(conn: &Connection, through: Month) -> Result<Basis> {
        Basis::load_range(conn, through, through)
    }

    /// Reads the facts for the months `first` through `through`.
    pub fn load_range(conn: &Connection, first: Month, through: Month) -> Result<Basis> {
        let table = FactTable::load(conn, through.last_day())?;
        let referred: std::collections::HashSet<i64> =
            conn.prepare("SELECT id FROM customers WHERE referrer_id IS NOT NULL")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        let has_referrer = table.ids.iter().map(|id| referred.contains(id)).collect();
        let prepaid = crate::prepaid::Ledger::load(conn, first.last_day(), through.last_day())?;
        Ok(Basis { table, rules: tiers::rules(conn)?, has_referrer, prepaid, prepaid_from: first })
    }

    /// The figures of month `m` (not after the month loaded).
    pub fn figures(&self, conn: &Connection, m: Month) -> Result<Figures> {
        let t = &self.table;
        let (start, end) = (day_key(m.first_day()), day_key(m.last_day()));
        let mut f = Figures {
            month: m.key(),
            new_customers: 0,
            returning_customers: 0,
            active_customers: 0,
            visits: 0,
            revenue: Money::ZERO,
            repeat_revenue_share: None,
            retention_base_12m: 0,
            retained_12m: 0,
            retention_rate_12m: None,
            new_return_cohort: 0,
            new_returned_90d: 0,
            new_return_rate_90d: None,
            dormant_customers: 0,
            reactivated_customers: 0,
            referrals: 0,
            callbacks_due: 0,
            callbacks_done: 0,
            callback_completion_rate: None,
            callbacks_on_time: 0,
            rebooked_rate: None,
            satisfaction_responses: 0,
            satisfaction_avg: None,
            dissatisfied: 0,
            prepaid_sessions_outstanding: 0,
            prepaid_value_outstanding: Money::ZERO,
            vouchers_issued: 0,
            vouchers_redeemed: 0,
            voucher_value_redeemed: Money::ZERO,
            vouchers_outstanding: Money::ZERO,
            tiers: Counts::default(),
        };
        let mut repeat = Money::ZERO;
        let mut labels = Vec::with_capacity(t.ids.len());
        for i in 0..t.ids.len() {
            let s = slot_in_month(t, i, m, &self.rules);
            f.new_customers += i64::from(s.new);
            f.returning_customers += i64::from(s.returning);
            f.visits += s.visits;
            f.retention_base_12m += i64::from(s.retention_base);
            f.retained_12m += i64::from(s.retained);
            f.new_return_cohort += i64::from(s.cohort);
            f.new_returned_90d += i64::from(s.returned_90d);
            f.reactivated_customers += i64::from(s.reactivated);
            f.referrals += i64::from(s.new && self.has_referrer[i]);
            f.dormant_customers += i64::from(s.labels.layer == tiers::Layer::Dormant);
            labels.push(s.labels);
            let spent: i64 = t.money[i].iter().filter(|(d, _)| *d >= start && *d <= end).map(|(_, fen)| fen).sum();
            f.revenue = f.revenue + Money(spent);
            if t.visits[i].first().is_some_and(|first| *first < start) {
                repeat = repeat + Money(spent);
            }
        }
        f.active_customers = f.new_customers + f.returning_customers;
        f.repeat_revenue_share = money_rate(repeat, f.revenue);
        f.retention_rate_12m = rate(f.retained_12m, f.retention_base_12m);
        f.new_return_rate_90d = rate(f.new_returned_90d, f.new_return_cohort);
        f.tiers = tiers::counts(labels.into_iter());
        let (due, done, on_time): (i64, i64, i64) = conn
            .prepare_cached(
                "SELECT count(*),
                        coalesce(sum(status IN ('reached', 'sent', 'unreachable', 'escalate')), 0),
                        coalesce(sum(status IN ('reached', 'sent', 'unreachable', 'escalate') AND closed_on <= due), 0)
                 FROM tasks WHERE due BETWEEN ?1 AND ?2 AND status <> 'historical' AND status <> 'cancelled'",
            )?
            .query_row(params![m.first_day().to_string(), m.last_day().to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        f.callbacks_due = due;
        f.callbacks_done = done;
        f.callbacks_on_time = on_time;
        f.callback_completion_rate = rate(done, due);
        f.rebooked_rate = rate(self.rebooked_visits(conn, m)?, f.visits);
        let (responses, total, low): (i64, i64, i64) = conn
            .prepare_cached(
                "SELECT count(*), coalesce(sum(score), 0), coalesce(sum(score <= ?3), 0) FROM live_attempts
                 WHERE score IS NOT NULL AND on_date BETWEEN ?1 AND ?2",
            )?
            .query_row(params![m.first_day().to_string(), m.last_day().to_string(), crate::followups::DISSATISFIED_AT_MOST], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        f.satisfaction_responses = responses;
        f.satisfaction_avg = mean(total, responses);
        f.dissatisfied = low;
        let prepaid = if m >= self.prepaid_from { self.prepaid.at(m.last_day()) } else { crate::prepaid::outstanding(conn, m.last_day())? };
        f.prepaid_sessions_outstanding = prepaid.sessions;
        f.prepaid_value_outstanding = prepaid.value;
        let v = crate::vouchers::month_figures(conn, m.first_day(), m.last_day())?;
        f.vouchers_issued = v.issued;
        f.vouchers_redeemed = v.redeemed;
        f.voucher_value_redeemed = v.value_redeemed;
        f.vouchers_outstanding = v.outstanding;
        Ok(f)
    }

    /// Visits of month `m` where the customer left with a future
    /// appointment booked that day (each (customer, day) pair once).
    fn rebooked_visits(&self, conn: &Connection, m: Month) -> Result<i64> {
        let t = &self.table;
        let mut n = 0;
        for (customer, day) in crate::appointments::rebooked_days(conn, m.first_day(), m.last_day())? {
            let visited = t.ids.binary_search(&customer).is_ok_and(|i| t.visits[i].binary_search(&day_key(day)).is_ok());
            n += i64::from(visited);
        }
        Ok(n)
    }

    /// The customers behind a figure of month `m`, by customer id.
    pub fn who(&self, m: Month, who: Who) -> Vec<i64> {
        let t = &self.table;
        (0..t.ids.len())
            .filter(|i| {
                let s = slot_in_month(t, *i, m, &self.rules);
                match who {
                    Who::New => s.new,
                    Who::Returning => s.returning,
                    Who::CohortNotReturned => s.cohort && !s.returned_90d,
                    Who::Dormant => s.labels.layer == tiers::Layer::Dormant,
                    Who::Reactivated => s.reactivated,
                    Who::RetentionLost => s.retention_base && !s.retained,
                }
            })
            .map(|i| t.ids[i])
            .collect()
    }
}

/// One month's figures.
pub fn monthly(conn: &Connection, m: Month) -> Result<Figures> {
    Basis::load(conn, m)?.figures(conn, m)
}

/// The month and the 12 before it, oldest first.
pub fn thirteen_months(conn: &Connection, m: Month) -> Result<Vec<Figures>> {
    let basis = Basis::load_range(conn, m.plus(-12), m)?;
    (-12..=0).map(|k| basis.figures(conn, m.plus(k))).collect()
}

/// Column headers of the export, in order: (key, Chinese header).
pub const COLUMNS: [(&str, &str); 30] = [
    ("month", "月份"),
    ("new_customers", "新客数"),
    ("returning_customers", "老客数"),
    ("active_customers", "到院客户数"),
    ("visits", "到院人次"),
    ("revenue", "净收入"),
    ("repeat_revenue_share", "老客消费占比"),
    ("retention_base_12m", "留存基数（前12–23月）"),
    ("retained_12m", "留存客户数"),
    ("retention_rate_12m", "12个月留存率"),
    ("new_return_cohort", "3个月前新客数"),
    ("new_returned_90d", "90天内回头数"),
    ("new_return_rate_90d", "新客90天回头率"),
    ("dormant_customers", "沉睡客户数"),
    ("reactivated_customers", "唤醒客户数"),
    ("referrals", "老带新人数"),
    ("callbacks_due", "应回访数"),
    ("callbacks_done", "已完成回访"),
    ("callback_completion_rate", "回访完成率"),
    ("callbacks_on_time", "按时完成回访"),
    ("rebooked_rate", "离院预约率"),
    ("satisfaction_responses", "满意度回访数"),
    ("satisfaction_avg", "平均满意度"),
    ("dissatisfied", "不满意数（1–2分）"),
    ("prepaid_sessions_outstanding", "月末未耗次数"),
    ("prepaid_value_outstanding", "月末未耗金额"),
    ("vouchers_issued", "发券数"),
    ("vouchers_redeemed", "用券数"),
    ("voucher_value_redeemed", "用券面额"),
    ("vouchers_outstanding", "月末未用券面额"),
];

/// A figure as export cell text (rates as decimals, empty where null).
pub fn cell(f: &Figures, key: &str) -> String {
    let v = serde_json::to_value(f).unwrap_or_default();
    match &v[key] {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The 13 months as CSV for Excel: UTF-8 with BOM, Chinese headers, one row a month.
pub fn csv(months: &[Figures]) -> Result<String> {
    let headers: Vec<&str> = COLUMNS.iter().map(|(_, zh)| *zh).collect();
    crate::export::csv_for_excel(&headers, months.iter().map(|f| COLUMNS.iter().map(|(k, _)| cell(f, k)).collect::<Vec<_>>()))
}

mod satisfaction;
pub use satisfaction::{breakdown, Group, Satisfaction};
mod xlsx;
pub use xlsx::workbook;

#[cfg(test)]
mod tests;
