//! Tiering (客户分层, SPEC §3): three labels per customer as of a date, each
//! scheme's first matching rule winning. The thresholds are the owner's: they
//! live in the database (settings `tier_rules`), every change is logged with
//! who made it, and a preview counts who would move before saving.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::error::{Error, Problem, Result};
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

const RULES_KEY: &str = "tier_rules";

/// The rules in force: the owner's, or the SPEC defaults until they change them.
pub fn rules(conn: &Connection) -> Result<TierRules> {
    let stored: Option<String> =
        conn.query_row("SELECT value FROM settings WHERE key = ?1", [RULES_KEY], |r| r.get(0)).optional()?;
    match stored {
        None => Ok(TierRules::default()),
        Some(json) => serde_json::from_str(&json)
            .map_err(|e| Error::Config(format!("分层规则设置无法读取（{e}），请在设置中重新保存分层规则。"))),
    }
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
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![RULES_KEY, new_json],
    )?;
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
