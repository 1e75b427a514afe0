//! The item catalogue (项目): what the clinic sells, its category, list price,
//! repurchase cycle and follow-up plan. An item named in an import and not yet
//! in the catalogue is added with its category (其他 if none), and its
//! repurchase cycle comes from its name (SPEC §7) unless someone sets one.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::error::{Error, Problem, Result};
use crate::money::Money;
use crate::staff::StaffId;
use crate::store::new_uid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ItemId(pub i64);

/// The five categories of SPEC §7; follow-up plans hang off them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Category {
    #[serde(rename = "手术")]
    Surgery,
    #[serde(rename = "注射")]
    Injection,
    #[serde(rename = "光电")]
    Laser,
    #[serde(rename = "皮肤管理")]
    Skincare,
    #[serde(rename = "其他")]
    Other,
}

impl Category {
    pub const ALL: [Category; 5] = [Category::Surgery, Category::Injection, Category::Laser, Category::Skincare, Category::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Surgery => "手术",
            Category::Injection => "注射",
            Category::Laser => "光电",
            Category::Skincare => "皮肤管理",
            Category::Other => "其他",
        }
    }

    pub fn parse(text: &str) -> std::result::Result<Category, String> {
        let t = text.trim();
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == t)
            .ok_or_else(|| format!("项目类别「{t}」无法识别，请填 手术、注射、光电、皮肤管理 或 其他"))
    }
}

/// The repurchase cycle an item gets from its name (SPEC §7).
pub fn default_repurchase_days(name: &str) -> Option<i64> {
    const BY_WORD: [(&str, i64); 5] = [("肉毒", 120), ("玻尿酸", 180), ("水光", 30), ("光子嫩肤", 30), ("热玛吉", 365)];
    BY_WORD.iter().find(|(word, _)| name.contains(word)).map(|(_, days)| *days)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub id: ItemId,
    pub name: String,
    pub category: Category,
    pub list_price: Option<Money>,
    pub repurchase_days: Option<i64>,
    pub followup_plan: Option<String>,
    pub active: bool,
    /// 不参与折扣: the member price is the list price (SPEC §8).
    pub no_discount: bool,
}

/// An item as a form sends it. `repurchase_days` absent means "from the name".
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ItemDraft {
    pub name: String,
    pub category: Option<Category>,
    #[serde(default)]
    pub list_price: Option<Money>,
    #[serde(default)]
    pub repurchase_days: Option<i64>,
    #[serde(default)]
    pub followup_plan: Option<String>,
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default)]
    pub no_discount: bool,
}

fn yes() -> bool {
    true
}

const COLUMNS: &str = "id, name, category, list_price_fen, repurchase_days, followup_plan, active, no_discount";

fn item_of(r: &Row) -> rusqlite::Result<Item> {
    let category: String = r.get(2)?;
    Ok(Item {
        id: ItemId(r.get(0)?),
        name: r.get(1)?,
        category: Category::parse(&category).unwrap_or(Category::Other),
        list_price: r.get(3)?,
        repurchase_days: r.get(4)?,
        followup_plan: r.get(5)?,
        active: r.get(6)?,
        no_discount: r.get(7)?,
    })
}

fn validate(draft: &ItemDraft) -> std::result::Result<(), Vec<Problem>> {
    let mut problems = Vec::new();
    let name = draft.name.trim();
    if name.is_empty() {
        problems.push(Problem::field("name", "请填写项目名称"));
    } else if name.chars().count() > 60 {
        problems.push(Problem::field("name", "项目名称过长（最多 60 字）"));
    }
    if draft.category.is_none() {
        problems.push(Problem::field("category", "请选择项目类别"));
    }
    if draft.list_price.is_some_and(|p| p.fen() < 0) {
        problems.push(Problem::field("list_price", "价格不能为负数"));
    }
    if draft.repurchase_days.is_some_and(|d| !(1..=3650).contains(&d)) {
        problems.push(Problem::field("repurchase_days", "复购周期应为 1 到 3650 天"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

pub fn list(conn: &Connection) -> Result<Vec<Item>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM items ORDER BY active DESC, category, name"))?;
    let rows = stmt.query_map([], item_of)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn get(conn: &Connection, id: ItemId) -> Result<Item> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM items WHERE id = ?1"))?
        .query_row([id.0], item_of)
        .optional()?
        .ok_or_else(|| Error::NotFound("找不到这个项目，可能已被删除。".into()))
}

pub fn find_by_name(conn: &Connection, name: &str) -> Result<Option<Item>> {
    Ok(conn.prepare_cached(&format!("SELECT {COLUMNS} FROM items WHERE name = ?1"))?.query_row([name.trim()], item_of).optional()?)
}

fn insert(conn: &Connection, clock: &Clock, by: StaffId, draft: &ItemDraft, category: Category) -> Result<ItemId> {
    let name = draft.name.trim();
    let repurchase = draft.repurchase_days.or_else(|| default_repurchase_days(name));
    conn.prepare_cached(
        "INSERT INTO items (uid, name, category, list_price_fen, repurchase_days, followup_plan, active, created_at, created_by, no_discount)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![new_uid(), name, category.as_str(), draft.list_price, repurchase, draft.followup_plan, draft.active, clock.now_utc(), by.0, draft.no_discount])?;
    Ok(ItemId(conn.last_insert_rowid()))
}

/// Adds an item to the catalogue.
pub fn create(conn: &Connection, clock: &Clock, by: StaffId, draft: &ItemDraft) -> Result<Item> {
    validate(draft).map_err(Error::Invalid)?;
    if find_by_name(conn, &draft.name)?.is_some() {
        return Err(Error::invalid("name", format!("项目「{}」已在目录中", draft.name.trim())));
    }
    let id = insert(conn, clock, by, draft, draft.category.unwrap_or(Category::Other))?;
    get(conn, id)
}

/// Changes an item. Its past orders keep the prices they were sold at.
pub fn update(conn: &Connection, id: ItemId, draft: &ItemDraft) -> Result<Item> {
    validate(draft).map_err(Error::Invalid)?;
    get(conn, id)?;
    if find_by_name(conn, &draft.name)?.is_some_and(|other| other.id != id) {
        return Err(Error::invalid("name", format!("项目「{}」已在目录中", draft.name.trim())));
    }
    conn.execute(
        "UPDATE items SET name = ?2, category = ?3, list_price_fen = ?4, repurchase_days = ?5, followup_plan = ?6, active = ?7, no_discount = ?8 WHERE id = ?1",
        params![id.0, draft.name.trim(), draft.category.unwrap_or(Category::Other).as_str(), draft.list_price, draft.repurchase_days, draft.followup_plan, draft.active, draft.no_discount],
    )?;
    get(conn, id)
}

/// The item of this name, added with `category` (其他 if none) when the
/// catalogue does not have it yet. Joins the caller's transaction.
pub fn ensure(conn: &Connection, clock: &Clock, by: StaffId, name: &str, category: Option<Category>) -> Result<Item> {
    if let Some(item) = find_by_name(conn, name)? {
        return Ok(item);
    }
    let draft = ItemDraft { name: name.to_string(), category, active: true, ..Default::default() };
    let id = insert(conn, clock, by, &draft, category.unwrap_or(Category::Other))?;
    get(conn, id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::staff::SYSTEM_STAFF;

    fn clinic() -> (Connection, Clock) {
        (crate::store::open_in_memory().unwrap(), Clock::fixed(chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()))
    }

    #[test]
    fn repurchase_cycles_come_from_the_name() {
        assert_eq!(default_repurchase_days("保妥适肉毒素 100u"), Some(120));
        assert_eq!(default_repurchase_days("玻尿酸填充 1ml"), Some(180));
        assert_eq!(default_repurchase_days("水光针"), Some(30));
        assert_eq!(default_repurchase_days("光子嫩肤 M22"), Some(30));
        assert_eq!(default_repurchase_days("热玛吉 五代"), Some(365));
        assert_eq!(default_repurchase_days("双眼皮"), None);
    }

    #[test]
    fn an_unknown_item_is_added_with_its_category_or_other() {
        let (conn, clock) = clinic();
        let a = ensure(&conn, &clock, SYSTEM_STAFF, "水光针", Some(Category::Injection)).unwrap();
        assert_eq!((a.category, a.repurchase_days), (Category::Injection, Some(30)));
        let b = ensure(&conn, &clock, SYSTEM_STAFF, "小气泡", None).unwrap();
        assert_eq!((b.category, b.repurchase_days), (Category::Other, None));
        let again = ensure(&conn, &clock, SYSTEM_STAFF, "水光针", Some(Category::Laser)).unwrap();
        assert_eq!((again.id, again.category), (a.id, Category::Injection));
    }

    #[test]
    fn an_explicit_cycle_overrides_the_name() {
        let (conn, clock) = clinic();
        let draft = ItemDraft { name: "水光针".into(), category: Some(Category::Injection), repurchase_days: Some(45), active: true, ..Default::default() };
        assert_eq!(create(&conn, &clock, SYSTEM_STAFF, &draft).unwrap().repurchase_days, Some(45));
    }

    #[test]
    fn item_names_are_unique() {
        let (conn, clock) = clinic();
        let draft = ItemDraft { name: "热玛吉".into(), category: Some(Category::Laser), active: true, ..Default::default() };
        create(&conn, &clock, SYSTEM_STAFF, &draft).unwrap();
        assert_eq!(create(&conn, &clock, SYSTEM_STAFF, &draft).unwrap_err().code(), "invalid");
    }
}
