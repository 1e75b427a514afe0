//! Tiering (客户分层, SPEC §3): three labels per customer as of a date, each
//! scheme's first matching rule winning. The thresholds are the owner's: they
//! live in the database (settings `tier_rules`), every change is logged with
//! who made it, and a preview counts who would move before saving.

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::error::{Error, Problem, Result};
use crate::customers::CustomerId;
use crate::money::Money;
use crate::staff::StaffId;
use crate::store::write_tx;
use crate::visits::Facts;

/// The owner's thresholds. Money is Spend_365 unless named `_total`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierRules {
    pub star_diamond_365: Money,
    pub platinum_365: Money,
    pub gold_365: Money,
    pub member_total: Money,
    pub dormant_days: i64,
    pub super_365: Money,
    pub potential_365: Money,
    pub normal_365: Money,
    /// Fewest distinct visit days for 留量 (retained) and 存量 (loyal).
    pub retained_visits: i64,
    pub loyal_visits: i64,
}

impl Default for TierRules {
    /// The defaults of SPEC §3.
    fn default() -> Self {
        let yuan = |y: i64| Money(y * 100);
        TierRules {
            star_diamond_365: yuan(200_000),
            platinum_365: yuan(80_000),
            gold_365: yuan(30_000),
            member_total: yuan(5_000),
            dormant_days: 180,
            super_365: yuan(100_000),
            potential_365: yuan(30_000),
            normal_365: yuan(10_000),
            retained_visits: 3,
            loyal_visits: 6,
        }
    }
}

impl TierRules {
    /// Rules that could not be read in order are refused, every problem named.
    pub fn validate(&self) -> std::result::Result<(), Vec<Problem>> {
        let mut problems = Vec::new();
        let mut need = |ok: bool, field: &str, reason: &str| {
            if !ok {
                problems.push(Problem::field(field, reason));
            }
        };
        need(self.gold_365.fen() > 0, "gold_365", "黄金门槛应大于 0");
        need(self.platinum_365 > self.gold_365, "platinum_365", "铂金门槛应高于黄金门槛");
        need(self.star_diamond_365 > self.platinum_365, "star_diamond_365", "星钻门槛应高于铂金门槛");
        need(self.member_total.fen() > 0, "member_total", "普通会员门槛应大于 0");
        need((1..=3650).contains(&self.dormant_days), "dormant_days", "沉睡天数应为 1 到 3650 天");
        need(self.normal_365.fen() > 0, "normal_365", "普通门槛应大于 0");
        need(self.potential_365 > self.normal_365, "potential_365", "潜力门槛应高于普通门槛");
        need(self.super_365 > self.potential_365, "super_365", "超级门槛应高于潜力门槛");
        need(self.retained_visits >= 2, "retained_visits", "留量至少要 2 个到院日（1 个到院日是流量）");
        need(self.loyal_visits > self.retained_visits, "loyal_visits", "存量的到院日数应多于留量");
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

/// 会员等级.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Membership {
    StarDiamond,
    Platinum,
    Gold,
    Member,
    None,
}

/// 价值分层.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    Lead,
    Dormant,
    Super,
    Potential,
    Normal,
    Basic,
}

/// 信任阶段.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Trust {
    Lead,
    Traffic,
    Retained,
    Loyal,
}

impl Membership {
    pub const ALL: [Membership; 5] = [Membership::StarDiamond, Membership::Platinum, Membership::Gold, Membership::Member, Membership::None];
    pub fn key(self) -> &'static str {
        match self {
            Membership::StarDiamond => "star_diamond",
            Membership::Platinum => "platinum",
            Membership::Gold => "gold",
            Membership::Member => "member",
            Membership::None => "none",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Membership::StarDiamond => "星钻",
            Membership::Platinum => "铂金",
            Membership::Gold => "黄金",
            Membership::Member => "普通会员",
            Membership::None => "非会员",
        }
    }
}

impl Layer {
    pub const ALL: [Layer; 6] = [Layer::Lead, Layer::Dormant, Layer::Super, Layer::Potential, Layer::Normal, Layer::Basic];
    pub fn key(self) -> &'static str {
        match self {
            Layer::Lead => "lead",
            Layer::Dormant => "dormant",
            Layer::Super => "super",
            Layer::Potential => "potential",
            Layer::Normal => "normal",
            Layer::Basic => "basic",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Layer::Lead => "意向",
            Layer::Dormant => "沉睡",
            Layer::Super => "超级",
            Layer::Potential => "潜力",
            Layer::Normal => "普通",
            Layer::Basic => "基础",
        }
    }
}

impl Trust {
    pub const ALL: [Trust; 4] = [Trust::Lead, Trust::Traffic, Trust::Retained, Trust::Loyal];
    pub fn key(self) -> &'static str {
        match self {
            Trust::Lead => "lead",
            Trust::Traffic => "traffic",
            Trust::Retained => "retained",
            Trust::Loyal => "loyal",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Trust::Lead => "意向",
            Trust::Traffic => "流量",
            Trust::Retained => "留量",
            Trust::Loyal => "存量",
        }
    }
}

/// The three labels of one customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Labels {
    pub membership: Membership,
    pub layer: Layer,
    pub trust: Trust,
}

/// Days from the last visit to `d` (None for a lead).
pub fn days_since_last_visit(f: &Facts, d: NaiveDate) -> Option<i64> {
    f.last_visit.map(|last| (d - last).num_days())
}

pub fn membership(r: &TierRules, f: &Facts) -> Membership {
    if f.spend_365 >= r.star_diamond_365 {
        Membership::StarDiamond
    } else if f.spend_365 >= r.platinum_365 {
        Membership::Platinum
    } else if f.spend_365 >= r.gold_365 {
        Membership::Gold
    } else if f.spend_total >= r.member_total {
        Membership::Member
    } else {
        Membership::None
    }
}

pub fn layer(r: &TierRules, f: &Facts, d: NaiveDate) -> Layer {
    match days_since_last_visit(f, d) {
        None => Layer::Lead,
        Some(days) if days >= r.dormant_days => Layer::Dormant,
        Some(_) if f.spend_365 >= r.super_365 => Layer::Super,
        Some(_) if f.spend_365 >= r.potential_365 => Layer::Potential,
        Some(_) if f.spend_365 >= r.normal_365 => Layer::Normal,
        Some(_) => Layer::Basic,
    }
}

pub fn trust(r: &TierRules, f: &Facts) -> Trust {
    match f.visit_days {
        0 => Trust::Lead,
        n if n >= r.loyal_visits => Trust::Loyal,
        n if n >= r.retained_visits => Trust::Retained,
        _ => Trust::Traffic,
    }
}

pub fn labels(r: &TierRules, f: &Facts, d: NaiveDate) -> Labels {
    Labels { membership: membership(r, f), layer: layer(r, f, d), trust: trust(r, f) }
}

/// One customer's row of `liuke tiers` (SPEC §7 keys).
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    #[serde(skip)]
    pub id: CustomerId,
    pub phone: String,
    pub name: String,
    pub membership: Membership,
    pub layer: Layer,
    pub trust: Trust,
    pub spend_365: Money,
    pub spend_total: Money,
    pub visit_days: i64,
    pub first_visit: Option<NaiveDate>,
    pub last_visit: Option<NaiveDate>,
    pub points: i64,
}

/// Every customer's labels, facts and points as of `d`, sorted by phone.
pub fn all_rows(conn: &Connection, d: NaiveDate) -> Result<Vec<Row>> {
    let mut rows = rows_without_points(conn, d)?;
    fill_points(conn, d, &mut rows)?;
    Ok(rows)
}

/// Every customer's labels and facts as of `d`, sorted by phone, points
/// left at 0: a screen that shows a page of them replays points for that
/// page only (`fill_points`), since the replay is most of the cost.
pub fn rows_without_points(conn: &Connection, d: NaiveDate) -> Result<Vec<Row>> {
    let r = rules(conn)?;
    let facts = crate::visits::all_facts(conn, d)?;
    let people: std::collections::HashMap<i64, (String, String)> = conn
        .prepare("SELECT id, phone, name FROM customers")?
        .query_map([], |row| Ok((row.get(0)?, (row.get(1)?, row.get(2)?))))?
        .collect::<rusqlite::Result<_>>()?;
    let mut rows: Vec<Row> = facts
        .into_iter()
        .filter_map(|(id, f)| {
            let (phone, name) = people.get(&id.0)?.clone();
            let l = labels(&r, &f, d);
            Some(Row {
                id,
                phone,
                name,
                membership: l.membership,
                layer: l.layer,
                trust: l.trust,
                spend_365: f.spend_365,
                spend_total: f.spend_total,
                visit_days: f.visit_days,
                first_visit: f.first_visit,
                last_visit: f.last_visit,
                points: 0,
            })
        })
        .collect();
    rows.sort_by(|a, b| a.phone.cmp(&b.phone));
    Ok(rows)
}

/// Sets each row's points balance as of `d`.
pub fn fill_points(conn: &Connection, d: NaiveDate, rows: &mut [Row]) -> Result<()> {
    let ids: Vec<CustomerId> = rows.iter().map(|r| r.id).collect();
    let balances = crate::points::balances_of(conn, &ids, d)?;
    for row in rows {
        row.points = balances.get(&row.id.0).copied().unwrap_or(0);
    }
    Ok(())
}

/// Rows as CSV for Excel: UTF-8 with BOM, Chinese headers and labels.
pub fn rows_csv(rows: &[Row]) -> Result<String> {
    let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    crate::export::csv_for_excel(
        &["手机号", "姓名", "会员等级", "价值分层", "信任阶段", "近365天消费", "累计消费", "到院天数", "首次到院", "最近到院", "积分"],
        rows.iter().map(|r| {
            vec![
                r.phone.clone(),
                r.name.clone(),
                r.membership.label().to_string(),
                r.layer.label().to_string(),
                r.trust.label().to_string(),
                r.spend_365.to_string(),
                r.spend_total.to_string(),
                r.visit_days.to_string(),
                day(r.first_visit),
                day(r.last_visit),
                r.points.to_string(),
            ]
        }),
    )
}

/// How many customers carry each label, every label present.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub membership: std::collections::BTreeMap<&'static str, i64>,
    pub layer: std::collections::BTreeMap<&'static str, i64>,
    pub trust: std::collections::BTreeMap<&'static str, i64>,
}

pub fn counts(labels: impl Iterator<Item = Labels>) -> Counts {
    let mut c = Counts::default();
    for m in Membership::ALL {
        c.membership.insert(m.key(), 0);
    }
    for l in Layer::ALL {
        c.layer.insert(l.key(), 0);
    }
    for t in Trust::ALL {
        c.trust.insert(t.key(), 0);
    }
    for l in labels {
        *c.membership.entry(l.membership.key()).or_default() += 1;
        *c.layer.entry(l.layer.key()).or_default() += 1;
        *c.trust.entry(l.trust.key()).or_default() += 1;
    }
    c
}

/// What saving new rules would do as of `d`: the counts before and after, and
/// how many customers would move up or down in each scheme.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub before: Counts,
    pub after: Counts,
    /// scheme → (moved up, moved down)
    pub moves: std::collections::BTreeMap<&'static str, (i64, i64)>,
}

pub fn preview(conn: &Connection, d: NaiveDate, new: &TierRules) -> Result<Preview> {
    new.validate().map_err(Error::Invalid)?;
    let old = rules(conn)?;
    let facts = crate::visits::all_facts(conn, d)?;
    let before: Vec<Labels> = facts.iter().map(|(_, f)| labels(&old, f, d)).collect();
    let after: Vec<Labels> = facts.iter().map(|(_, f)| labels(new, f, d)).collect();
    let mut moves = std::collections::BTreeMap::new();
    // Each enum lists its labels best first, so a smaller ordinal is higher.
    let tally = |pairs: Vec<(usize, usize)>| pairs.iter().fold((0, 0), |(up, down), (b, a)| (up + i64::from(a < b), down + i64::from(a > b)));
    moves.insert("membership", tally(before.iter().zip(&after).map(|(b, a)| (b.membership as usize, a.membership as usize)).collect()));
    moves.insert("layer", tally(before.iter().zip(&after).map(|(b, a)| (b.layer as usize, a.layer as usize)).collect()));
    moves.insert("trust", tally(before.iter().zip(&after).map(|(b, a)| (Trust::Loyal as usize - b.trust as usize, Trust::Loyal as usize - a.trust as usize)).collect()));
    Ok(Preview { before: counts(before.into_iter()), after: counts(after.into_iter()), moves })
}

/// A label with why it was given and what would change it.
#[derive(Debug, Clone, Serialize)]
pub struct Explained {
    pub key: &'static str,
    pub label: &'static str,
    pub reason: String,
    /// What reaching the next label would take, if there is one above.
    pub next: Option<String>,
    /// 保级提醒: what keeping this label over the next 30 days would take.
    pub keep: Option<String>,
}

/// Net spend that leaves the 365-day window within the next 30 days:
/// dated in [D − 364, D − 335].
pub fn spend_leaving_30d(conn: &Connection, customer: CustomerId, d: NaiveDate) -> Result<Money> {
    let from = crate::visits::window_365_start(d);
    let to = from.checked_add_days(chrono::Days::new(29)).unwrap_or(from);
    let fen: i64 = conn
        .prepare_cached("SELECT coalesce(sum(amount_fen), 0) FROM money_moves WHERE customer_id = ?1 AND day BETWEEN ?2 AND ?3")?
        .query_row(params![customer.0, from.to_string(), to.to_string()], |r| r.get(0))?;
    Ok(Money(fen))
}

fn yuan(m: Money) -> String {
    m.as_yuan_text()
}

/// The three labels of one customer, each with its reason, next step and 保级提醒.
pub fn explain(r: &TierRules, f: &Facts, d: NaiveDate, leaving_30d: Money) -> [Explained; 3] {
    let l = labels(r, f, d);
    let s365 = yuan(f.spend_365);
    let membership_threshold = |m: Membership| match m {
        Membership::StarDiamond => Some(r.star_diamond_365),
        Membership::Platinum => Some(r.platinum_365),
        Membership::Gold => Some(r.gold_365),
        _ => None,
    };
    let m = l.membership;
    let m_reason = match m {
        Membership::None => format!("累计消费 {} 未达普通会员门槛 {}", yuan(f.spend_total), yuan(r.member_total)),
        Membership::Member => format!("累计消费 {} ≥ 普通会员门槛 {}", yuan(f.spend_total), yuan(r.member_total)),
        tier => format!("近365天消费 {s365} ≥ {}门槛 {}", tier.label(), yuan(membership_threshold(tier).unwrap_or_default())),
    };
    let m_next = match m {
        Membership::StarDiamond => None,
        Membership::None => Some(format!("再消费 {} 成为普通会员", yuan(r.member_total - f.spend_total))),
        _ => {
            let up = Membership::ALL[m as usize - 1];
            membership_threshold(up).map(|t| format!("近365天再消费 {} 可升{}", yuan(t - f.spend_365), up.label()))
        }
    };
    let m_keep = membership_threshold(m).and_then(|t| {
        let after = f.spend_365 - leaving_30d;
        (leaving_30d.fen() > 0 && after < t).then(|| {
            format!("未来30天内有 {} 的消费移出365天窗口，届时近365天消费 {}，低于{}门槛；需再消费 {} 保级", yuan(leaving_30d), yuan(after), m.label(), yuan(t - after))
        })
    });

    let days_since = days_since_last_visit(f, d);
    let layer_threshold = |x: Layer| match x {
        Layer::Super => Some(r.super_365),
        Layer::Potential => Some(r.potential_365),
        Layer::Normal => Some(r.normal_365),
        _ => None,
    };
    let y = l.layer;
    let y_reason = match (y, days_since) {
        (Layer::Lead, _) => "还没有到院日".to_string(),
        (Layer::Dormant, Some(n)) => format!("已 {n} 天未到院（≥ {} 天为沉睡）", r.dormant_days),
        (Layer::Basic, _) => format!("近365天消费 {s365}，低于普通门槛 {}", yuan(r.normal_365)),
        (x, _) => format!("近365天消费 {s365} ≥ {}门槛 {}", x.label(), yuan(layer_threshold(x).unwrap_or_default())),
    };
    let y_next = match y {
        Layer::Lead => Some("首次到院后开始分层".to_string()),
        Layer::Dormant => Some("再次到院即可唤醒".to_string()),
        Layer::Super => None,
        x => {
            let up = Layer::ALL[x as usize - 1];
            layer_threshold(up).map(|t| format!("近365天再消费 {} 可升为{}", yuan(t - f.spend_365), up.label()))
        }
    };
    let y_keep = match (y, days_since) {
        (Layer::Lead | Layer::Dormant, _) => None,
        (_, Some(n)) if r.dormant_days - n <= 30 => Some(format!("再过 {} 天不到院将转为沉睡", r.dormant_days - n)),
        _ => layer_threshold(y).and_then(|t| {
            let after = f.spend_365 - leaving_30d;
            (leaving_30d.fen() > 0 && after < t).then(|| format!("未来30天内有 {} 的消费移出365天窗口，需再消费 {} 保持{}", yuan(leaving_30d), yuan(t - after), y.label()))
        }),
    };

    let t = l.trust;
    let t_reason = match t {
        Trust::Lead => "还没有到院日".to_string(),
        Trust::Traffic => format!("到院 {} 天（1–{} 天为流量）", f.visit_days, r.retained_visits - 1),
        Trust::Retained => format!("到院 {} 天（{}–{} 天为留量）", f.visit_days, r.retained_visits, r.loyal_visits - 1),
        Trust::Loyal => format!("到院 {} 天（≥ {} 天为存量）", f.visit_days, r.loyal_visits),
    };
    let t_next = match t {
        Trust::Lead => Some("首次到院即成为流量".to_string()),
        Trust::Traffic => Some(format!("再到院 {} 天成为留量", r.retained_visits - f.visit_days)),
        Trust::Retained => Some(format!("再到院 {} 天成为存量", r.loyal_visits - f.visit_days)),
        Trust::Loyal => None,
    };
    [
        Explained { key: m.key(), label: m.label(), reason: m_reason, next: m_next, keep: m_keep },
        Explained { key: y.key(), label: y.label(), reason: y_reason, next: y_next, keep: y_keep },
        Explained { key: t.key(), label: t.label(), reason: t_reason, next: t_next, keep: None },
    ]
}

const RULES_KEY: &str = "tier_rules";

/// The rules in force: the owner's, or the SPEC defaults until they change them.
pub fn rules(conn: &Connection) -> Result<TierRules> {
    crate::store::settings::get_json(conn, RULES_KEY, "分层规则")
}

/// Saves new rules and logs the change with who made it.
pub fn save_rules(conn: &mut Connection, clock: &Clock, by: StaffId, new: &TierRules) -> Result<()> {
    new.validate().map_err(Error::Invalid)?;
    let tx = write_tx(conn)?;
    let old = rules(&tx)?;
    if old == *new {
        return Ok(());
    }
    let new_json = serde_json::to_string(new)?;
    crate::store::settings::set(&tx, RULES_KEY, &new_json)?;
    tx.execute(
        "INSERT INTO tier_rule_changes (changed_at, changed_by, before_json, after_json) VALUES (?1, ?2, ?3, ?4)",
        params![clock.now_utc(), by.0, serde_json::to_string(&old)?, new_json],
    )?;
    tx.commit()?;
    Ok(())
}

/// One logged change of the rules.
#[derive(Debug, Clone, Serialize)]
pub struct RuleChange {
    pub changed_at: String,
    pub changed_by: String,
    pub before: TierRules,
    pub after: TierRules,
}

pub fn rule_changes(conn: &Connection) -> Result<Vec<RuleChange>> {
    let mut stmt = conn.prepare(
        "SELECT c.changed_at, s.name, c.before_json, c.after_json FROM tier_rule_changes c JOIN staff s ON s.id = c.changed_by ORDER BY c.id DESC",
    )?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(at, by, before, after)| {
            Ok(RuleChange { changed_at: at, changed_by: by, before: serde_json::from_str(&before)?, after: serde_json::from_str(&after)? })
        })
        .collect()
}

#[cfg(test)]
mod tests;
