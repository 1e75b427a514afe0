//! 会员权益 (SPEC §8): what a membership gives at the desk. The member price
//! at the order (list price × the rate of the customer's membership as of the
//! day before, rounded half-up to the fen; items marked 不参与折扣 keep their
//! list price), the family rate of a 星钻 customer's linked family, monthly
//! entitlements, the referral voucher, points as money and the member day.
//! The owner's settings live in the database (settings key `benefits`),
//! audited with before and after.

use std::str::FromStr;

use chrono::{Days, NaiveDate};
use rusqlite::{Connection, OptionalExtension};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::customers::CustomerId;
use crate::error::{Error, Problem, Result};
use crate::items::ItemId;
use crate::money::Money;
use crate::tiers::{self, Membership};

const SETTINGS_KEY: &str = "benefits";

/// A price rate: 0.95 is 95折. Kept and sent as decimal text, never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rate(pub Decimal);

impl Rate {
    pub const FULL: Rate = Rate(Decimal::ONE);

    /// `rate` read from text such as `0.95`.
    pub fn parse(text: &str) -> std::result::Result<Rate, String> {
        Decimal::from_str(text.trim()).map(Rate).map_err(|_| format!("折扣「{text}」无法识别，请写成 0.95 这样的小数"))
    }

    /// As the desk says it: 95折, 8折, 88折; 无折扣 at 1.
    pub fn label(self) -> String {
        if self.0 >= Decimal::ONE {
            return "无折扣".into();
        }
        let tenths = (self.0 * Decimal::TEN).normalize();
        let hundredths = (self.0 * Decimal::ONE_HUNDRED).normalize();
        if tenths.scale() == 0 {
            format!("{tenths}折")
        } else {
            format!("{hundredths}折")
        }
    }

    /// `list` at this rate, rounded half-up to the fen.
    pub fn apply(self, list: Money) -> Money {
        let fen = (Decimal::from(list.fen()) * self.0).round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
        // A rate of at most 1 keeps the result within the list price's range.
        Money(fen.to_i64().unwrap_or(list.fen()))
    }
}

impl Serialize for Rate {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.normalize().to_string())
    }
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Rate, D::Error> {
        let text = String::deserialize(d)?;
        Rate::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// An item a tier gets free a number of times each calendar month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entitlement {
    /// The item's name in the catalogue (免费皮肤检测).
    pub item: String,
    pub times: i64,
    /// The lowest membership that has it; every higher one has it too.
    pub from: Membership,
}

/// The owner's settings for all of §8.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Benefits {
    /// The member price's rate for each membership.
    pub discount_none: Rate,
    pub discount_member: Rate,
    pub discount_gold: Rate,
    pub discount_platinum: Rate,
    pub discount_star_diamond: Rate,
    /// For the linked family of a 星钻 customer, when better than their own.
    pub family_rate: Rate,
    pub entitlements: Vec<Entitlement>,
    /// The voucher a referrer gets when the referred customer first pays.
    pub referral_voucher: Money,
    /// The lowest membership (as of the day before) that earns it.
    pub referral_min: Membership,
    /// A voucher is valid from its issue date for this many days (issue + 89 by default).
    pub voucher_days: i64,
    /// Points as money: this many points pay `points_value`, whole multiples only.
    pub points_unit: i64,
    pub points_value: Money,
    /// 会员日: a day of the month, or none.
    pub member_day: Option<u32>,
}

impl Default for Benefits {
    /// The defaults of SPEC §8 (seed 000).
    fn default() -> Self {
        let rate = |text: &str| Rate(Decimal::from_str(text).unwrap_or(Decimal::ONE));
        Benefits {
            discount_none: Rate::FULL,
            discount_member: rate("0.95"),
            discount_gold: rate("0.95"),
            discount_platinum: rate("0.95"),
            discount_star_diamond: rate("0.95"),
            family_rate: rate("0.80"),
            entitlements: vec![Entitlement { item: "免费皮肤检测".into(), times: 1, from: Membership::Member }],
            referral_voucher: Money(50_000),
            referral_min: Membership::Gold,
            voucher_days: 90,
            points_unit: 1_000,
            points_value: Money(20_000),
            member_day: None,
        }
    }
}

impl Benefits {
    /// The member price's rate for a membership.
    pub fn rate_of(&self, m: Membership) -> Rate {
        match m {
            Membership::None => self.discount_none,
            Membership::Member => self.discount_member,
            Membership::Gold => self.discount_gold,
            Membership::Platinum => self.discount_platinum,
            Membership::StarDiamond => self.discount_star_diamond,
        }
    }

    /// Settings that could not be meant are refused, every problem named.
    pub fn validate(&self) -> std::result::Result<(), Vec<Problem>> {
        let mut problems = Vec::new();
        let mut need = |ok: bool, field: &str, reason: &str| {
            if !ok {
                problems.push(Problem::field(field, reason));
            }
        };
        let a_rate = |r: Rate| r.0 > Decimal::ZERO && r.0 <= Decimal::ONE && r.0.normalize().scale() <= 4;
        for (field, m) in [
            ("discount_none", Membership::None),
            ("discount_member", Membership::Member),
            ("discount_gold", Membership::Gold),
            ("discount_platinum", Membership::Platinum),
            ("discount_star_diamond", Membership::StarDiamond),
        ] {
            need(a_rate(self.rate_of(m)), field, &format!("{}的折扣应在 0 到 1 之间（如 0.95 即 95折）", m.label()));
        }
        need(a_rate(self.family_rate), "family_rate", "家庭价的折扣应在 0 到 1 之间（如 0.80 即 8折）");
        for e in &self.entitlements {
            need(!e.item.trim().is_empty(), "entitlements", "每月权益要写明项目");
            need((1..=31).contains(&e.times), "entitlements", "每月权益的次数应为 1 到 31 次");
        }
        need(self.referral_voucher.fen() >= 0, "referral_voucher", "推荐券的面额不能为负");
        need((1..=3650).contains(&self.voucher_days), "voucher_days", "券的有效天数应为 1 到 3650 天");
        need(self.points_unit > 0, "points_unit", "抵现的积分数应大于 0");
        need(self.points_value.fen() > 0, "points_value", "积分抵现的金额应大于 0");
        need(self.member_day.is_none_or(|d| (1..=28).contains(&d)), "member_day", "会员日应为每月 1 到 28 日（每个月都有的日子）");
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

/// The settings in force: the owner's, or SPEC §8's defaults.
pub fn settings(conn: &Connection) -> Result<Benefits> {
    crate::store::settings::get_json(conn, SETTINGS_KEY, "会员权益设置")
}

/// Saves the owner's settings (the command audits before and after).
pub fn save_settings(conn: &Connection, new: &Benefits) -> Result<()> {
    new.validate().map_err(Error::Invalid)?;
    crate::store::settings::set_json(conn, SETTINGS_KEY, new)
}

/// A customer's membership as of a date.
pub fn membership_on(conn: &Connection, rules: &tiers::TierRules, customer: CustomerId, d: NaiveDate) -> Result<Membership> {
    Ok(tiers::membership(rules, &crate::visits::facts(conn, customer, d)?))
}

/// What an order on `date` costs a customer: the rate that applies and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriceBasis {
    /// The membership as of the day before the order.
    pub membership: Membership,
    pub membership_label: &'static str,
    pub rate: Rate,
    /// 会员95折, 家庭价8折, or 无折扣.
    pub label: String,
    /// The 星钻 customer whose family rate applies.
    pub family_of: Option<String>,
}

/// The rate for an order on `date`: the customer's membership as of D − 1,
/// or the family rate of the 星钻 customer they are linked to when better.
pub fn price_basis(conn: &Connection, customer: CustomerId, date: NaiveDate) -> Result<PriceBasis> {
    let b = settings(conn)?;
    let rules = tiers::rules(conn)?;
    let day_before = date.checked_sub_days(Days::new(1)).unwrap_or(date);
    let membership = membership_on(conn, &rules, customer, day_before)?;
    let own = b.rate_of(membership);
    let head: Option<(i64, String)> = conn
        .query_row(
            "SELECT h.id, h.name FROM customers c JOIN customers h ON h.id = c.family_head_id WHERE c.id = ?1",
            [customer.0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((head, name)) = head {
        if b.family_rate < own && membership_on(conn, &rules, CustomerId(head), day_before)? == Membership::StarDiamond {
            let label = format!("家庭价{}", b.family_rate.label());
            return Ok(PriceBasis { membership, membership_label: membership.label(), rate: b.family_rate, label, family_of: Some(name) });
        }
    }
    let label = if own.0 >= Decimal::ONE { own.label() } else { format!("会员{}", own.label()) };
    Ok(PriceBasis { membership, membership_label: membership.label(), rate: own, label, family_of: None })
}

/// One line of an order, priced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuotedLine {
    pub item_id: ItemId,
    pub sessions: i64,
    pub list_price: Money,
    pub member_price: Money,
    /// list − member (0 for an item that takes no part).
    pub discount: Money,
    /// False for an item marked 不参与折扣.
    pub takes_part: bool,
}

/// An order's lines with their member prices, as the order form shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    pub basis: PriceBasis,
    pub lines: Vec<QuotedLine>,
    pub list_total: Money,
    pub member_total: Money,
}

/// A line asked for a price: the item, its sessions and, when the form has
/// one, the whole line's list price (else the item's list price × sessions).
#[derive(Debug, Clone, Deserialize)]
pub struct LineAsked {
    pub item_id: ItemId,
    pub sessions: i64,
    #[serde(default)]
    pub list_price: Option<Money>,
}

/// Prices an order's lines for a customer on `date`.
pub fn quote(conn: &Connection, customer: CustomerId, date: NaiveDate, lines: &[LineAsked]) -> Result<Quote> {
    crate::customers::get(conn, customer)?;
    let basis = price_basis(conn, customer, date)?;
    let mut quoted = Vec::with_capacity(lines.len());
    for l in lines {
        let (unit, no_discount): (Option<i64>, bool) = conn
            .query_row("SELECT list_price_fen, no_discount FROM items WHERE id = ?1", [l.item_id.0], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .ok_or_else(|| Error::NotFound("找不到这个项目。".into()))?;
        let list = match l.list_price {
            Some(p) => p,
            None => Money(unit.unwrap_or(0)).times(l.sessions.max(1)).map_err(|e| Error::invalid("sessions", e))?,
        };
        let member_price = if no_discount { list } else { basis.rate.apply(list) };
        quoted.push(QuotedLine { item_id: l.item_id, sessions: l.sessions, list_price: list, member_price, discount: list - member_price, takes_part: !no_discount });
    }
    let list_total = quoted.iter().map(|l| l.list_price).sum();
    let member_total = quoted.iter().map(|l| l.member_price).sum();
    Ok(Quote { basis, lines: quoted, list_total, member_total })
}

/// What a change of the settings would affect as of `d`: for each membership
/// (as of d − 1, as an order on d sees it), how many customers hold it and
/// the rate before and after; and how many family members are linked.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub tiers: Vec<PreviewTier>,
    pub family_members: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PreviewTier {
    pub membership: Membership,
    pub label: &'static str,
    pub customers: i64,
    pub before: String,
    pub after: String,
}

pub fn preview(conn: &Connection, d: NaiveDate, new: &Benefits) -> Result<Preview> {
    new.validate().map_err(Error::Invalid)?;
    let old = settings(conn)?;
    let rules = tiers::rules(conn)?;
    let day_before = d.checked_sub_days(Days::new(1)).unwrap_or(d);
    let facts = crate::visits::all_facts(conn, day_before)?;
    let counts = tiers::counts(facts.iter().map(|(_, f)| tiers::labels(&rules, f, day_before)));
    let tiers = Membership::ALL
        .iter()
        .map(|m| PreviewTier {
            membership: *m,
            label: m.label(),
            customers: counts.membership.get(m.key()).copied().unwrap_or(0),
            before: old.rate_of(*m).label(),
            after: new.rate_of(*m).label(),
        })
        .collect();
    let family_members = conn.query_row("SELECT count(*) FROM customers WHERE family_head_id IS NOT NULL", [], |r| r.get(0))?;
    Ok(Preview { tiers, family_members })
}

/// Links a customer as 家庭成员 of `head` (a 星钻 customer's family gets the
/// family rate while the head is 星钻), or unlinks with None. One level only:
/// a head is no one's family member, a member heads no family.
pub fn set_family(conn: &Connection, customer: CustomerId, head: Option<CustomerId>) -> Result<()> {
    crate::customers::get(conn, customer)?;
    if let Some(head) = head {
        crate::customers::get(conn, head)?;
        if head == customer {
            return Err(Error::invalid("head_id", "不能把客户设为自己的家庭成员"));
        }
        let head_is_member: bool = conn.query_row("SELECT family_head_id IS NOT NULL FROM customers WHERE id = ?1", [head.0], |r| r.get(0))?;
        if head_is_member {
            return Err(Error::invalid("head_id", "这位客户本身是别人的家庭成员，请直接关联到那位主卡客户"));
        }
        let heads_others: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM customers WHERE family_head_id = ?1)", [customer.0], |r| r.get(0))?;
        if heads_others {
            return Err(Error::invalid("head_id", "这位客户已有关联的家庭成员，不能再作为别人的家庭成员"));
        }
    }
    conn.execute("UPDATE customers SET family_head_id = ?1 WHERE id = ?2", rusqlite::params![head.map(|h| h.0), customer.0])?;
    Ok(())
}

#[cfg(test)]
mod tests;
