//! The customer archive (客户档案): who the customer is, how to reach them, who
//! referred them, their skin profile, tags and memory points. Validation lives
//! here once and serves the forms and the import alike; every write also
//! rewrites the customer's search keys in the same transaction.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::error::{Error, Problem, Result};
use crate::staff::StaffId;
use crate::store::{new_uid, write_tx};
use crate::{parse, phone, search_keys};

/// A customer's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CustomerId(pub i64);

/// What a form sends to create or change a customer. Text as typed; the core
/// normalises and validates it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CustomerDraft {
    pub name: String,
    pub phone: String,
    pub gender: Option<String>,
    pub birthday: Option<String>,
    pub channel: Option<String>,
    pub referrer_phone: Option<String>,
    pub consultant: Option<String>,
    pub tags: Vec<String>,
    pub marketing_opt_out: bool,
    pub notes: Option<String>,
    pub skin_type: Option<String>,
    pub allergies: Option<String>,
    pub care_preferences: Option<String>,
}

/// A customer's fields after validation, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerValues {
    pub name: String,
    pub phone: String,
    pub gender: Option<&'static str>,
    pub birthday: Option<NaiveDate>,
    pub channel: Option<String>,
    pub referrer_phone: Option<String>,
    pub consultant: Option<String>,
    pub tags: Vec<String>,
    pub marketing_opt_out: bool,
    pub notes: Option<String>,
    pub skin_type: Option<String>,
    pub allergies: Option<String>,
    pub care_preferences: Option<String>,
}

/// Limits on free text, in characters.
const SHORT_TEXT: usize = 40;
const LONG_TEXT: usize = 2000;

fn blank_to_none(text: &Option<String>) -> Option<String> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string)
}

fn check_length(problems: &mut Vec<Problem>, field: &str, label: &str, value: &Option<String>, max: usize) {
    if let Some(v) = value {
        if v.chars().count() > max {
            problems.push(Problem::field(field, format!("{label}不能超过 {max} 个字")));
        }
    }
}

/// Validates a draft as of `today`: every problem is reported, keyed by field.
/// The referrer's existence is checked by the caller, who knows where to look.
pub fn validate(draft: &CustomerDraft, today: NaiveDate) -> std::result::Result<CustomerValues, Vec<Problem>> {
    let mut problems = Vec::new();
    let name = draft.name.trim().to_string();
    if name.is_empty() {
        problems.push(Problem::field("name", "请填写姓名"));
    } else if name.chars().count() > SHORT_TEXT {
        problems.push(Problem::field("name", format!("姓名不能超过 {SHORT_TEXT} 个字")));
    }
    let phone = phone::normalize(&draft.phone).unwrap_or_else(|reason| {
        problems.push(Problem::field("phone", reason));
        String::new()
    });
    let gender = blank_to_none(&draft.gender).and_then(|g| match parse::gender(&g) {
        Ok(g) => Some(g),
        Err(reason) => {
            problems.push(Problem::field("gender", reason));
            None
        }
    });
    let birthday = blank_to_none(&draft.birthday).and_then(|b| match parse::date(&b) {
        Ok(d) if d > today => {
            problems.push(Problem::field("birthday", format!("生日 {d} 晚于今天（{today}），请检查")));
            None
        }
        Ok(d) if d < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(d) => {
            problems.push(Problem::field("birthday", format!("生日 {d} 早于 1900 年，请检查")));
            None
        }
        Ok(d) => Some(d),
        Err(reason) => {
            problems.push(Problem::field("birthday", format!("生日：{reason}")));
            None
        }
    });
    let referrer_phone = blank_to_none(&draft.referrer_phone).and_then(|p| match phone::normalize(&p) {
        Ok(p) if p == phone => {
            problems.push(Problem::field("referrer_phone", "推荐人不能是客户本人"));
            None
        }
        Ok(p) => Some(p),
        Err(reason) => {
            problems.push(Problem::field("referrer_phone", format!("推荐人{reason}")));
            None
        }
    });
    let mut tags: Vec<String> = Vec::new();
    for tag in draft.tags.iter().flat_map(|t| parse::tags(t)) {
        if tag.chars().count() > 20 {
            problems.push(Problem::field("tags", format!("标签「{tag}」太长（最多 20 个字）")));
        } else if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    let values = CustomerValues {
        name,
        phone,
        gender,
        birthday,
        channel: blank_to_none(&draft.channel),
        referrer_phone,
        consultant: blank_to_none(&draft.consultant),
        tags,
        marketing_opt_out: draft.marketing_opt_out,
        notes: blank_to_none(&draft.notes),
        skin_type: blank_to_none(&draft.skin_type),
        allergies: blank_to_none(&draft.allergies),
        care_preferences: blank_to_none(&draft.care_preferences),
    };
    check_length(&mut problems, "channel", "来源渠道", &values.channel, SHORT_TEXT);
    check_length(&mut problems, "consultant", "顾问", &values.consultant, SHORT_TEXT);
    check_length(&mut problems, "skin_type", "肤质", &values.skin_type, SHORT_TEXT);
    check_length(&mut problems, "notes", "备注", &values.notes, LONG_TEXT);
    check_length(&mut problems, "allergies", "过敏史", &values.allergies, LONG_TEXT);
    check_length(&mut problems, "care_preferences", "护理偏好", &values.care_preferences, LONG_TEXT);
    if problems.is_empty() {
        Ok(values)
    } else {
        Err(problems)
    }
}

/// The customer with this phone, if any.
pub fn id_by_phone(conn: &Connection, phone: &str) -> Result<Option<CustomerId>> {
    Ok(conn
        .prepare_cached("SELECT id FROM customers WHERE phone = ?1")?
        .query_row([phone], |r| r.get(0))
        .optional()?
        .map(CustomerId))
}

/// Inserts validated values; `referrer` already resolved. Joins the caller's transaction.
pub fn insert_tx(
    conn: &Connection,
    clock: &Clock,
    by: StaffId,
    v: &CustomerValues,
    referrer: Option<CustomerId>,
) -> Result<CustomerId> {
    let now = clock.now_utc();
    conn.prepare_cached(
        "INSERT INTO customers (uid, phone, name, gender, birthday, channel, referrer_id, consultant,
            marketing_opt_out, notes, skin_type, allergies, care_preferences,
            created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?14, ?15)",
    )?
    .execute(params![
        new_uid(),
        v.phone,
        v.name,
        v.gender,
        v.birthday.map(|d| d.to_string()),
        v.channel,
        referrer.map(|r| r.0),
        v.consultant,
        v.marketing_opt_out,
        v.notes,
        v.skin_type,
        v.allergies,
        v.care_preferences,
        now,
        by.0,
    ])?;
    let id = CustomerId(conn.last_insert_rowid());
    write_tags(conn, id, &v.tags)?;
    write_search_keys(conn, id, &v.name, &v.phone)?;
    Ok(id)
}

/// Replaces a customer's values. Joins the caller's transaction.
pub fn update_tx(
    conn: &Connection,
    clock: &Clock,
    by: StaffId,
    id: CustomerId,
    v: &CustomerValues,
    referrer: Option<CustomerId>,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE customers SET phone = ?2, name = ?3, gender = ?4, birthday = ?5, channel = ?6,
            referrer_id = ?7, consultant = ?8, marketing_opt_out = ?9, notes = ?10, skin_type = ?11,
            allergies = ?12, care_preferences = ?13, updated_at = ?14, updated_by = ?15
         WHERE id = ?1",
    )?
    .execute(params![
        id.0,
        v.phone,
        v.name,
        v.gender,
        v.birthday.map(|d| d.to_string()),
        v.channel,
        referrer.map(|r| r.0),
        v.consultant,
        v.marketing_opt_out,
        v.notes,
        v.skin_type,
        v.allergies,
        v.care_preferences,
        clock.now_utc(),
        by.0,
    ])?;
    conn.execute("DELETE FROM customer_tags WHERE customer_id = ?1", [id.0])?;
    write_tags(conn, id, &v.tags)?;
    conn.execute("DELETE FROM customer_search WHERE customer_id = ?1", [id.0])?;
    write_search_keys(conn, id, &v.name, &v.phone)?;
    Ok(())
}

fn write_tags(conn: &Connection, id: CustomerId, tags: &[String]) -> Result<()> {
    let mut stmt = conn.prepare_cached("INSERT OR IGNORE INTO customer_tags (customer_id, tag) VALUES (?1, ?2)")?;
    for tag in tags {
        stmt.execute(params![id.0, tag])?;
    }
    Ok(())
}

fn write_search_keys(conn: &Connection, id: CustomerId, name: &str, phone: &str) -> Result<()> {
    let mut stmt =
        conn.prepare_cached("INSERT OR IGNORE INTO customer_search (key, customer_id, kind) VALUES (?1, ?2, ?3)")?;
    for (key, kind) in search_keys::keys_for(name, phone) {
        stmt.execute(params![key, id.0, kind as i64])?;
    }
    Ok(())
}

/// Resolves a referrer phone to a customer already in the database.
fn resolve_referrer(conn: &Connection, referrer_phone: &Option<String>) -> Result<Option<CustomerId>> {
    match referrer_phone {
        None => Ok(None),
        Some(p) => id_by_phone(conn, p)?.map(Some).ok_or_else(|| {
            Error::invalid("referrer_phone", format!("推荐人手机号 {p} 不在客户档案中，请先建档推荐人"))
        }),
    }
}

/// The other customer holding `phone`: their name and, for a file made at
/// a desk, who made it and when (two desks may register the same newcomer).
fn phone_taken_by_other(conn: &Connection, clock: &Clock, phone: &str, except: Option<CustomerId>) -> Result<Option<String>> {
    let other: Option<(i64, String)> = conn
        .query_row("SELECT id, name FROM customers WHERE phone = ?1", [phone], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((id, name)) = other.filter(|(id, _)| Some(CustomerId(*id)) != except) else { return Ok(None) };
    let by = crate::staff::who_first(conn, clock, "customers", id)?;
    Ok(Some(if by.is_empty() { format!("「{name}」") } else { format!("「{name}」（{by} 建立）") }))
}

/// Creates a customer from a form.
pub fn create(conn: &mut Connection, clock: &Clock, by: StaffId, draft: &CustomerDraft) -> Result<CustomerId> {
    let values = validate(draft, clock.today()).map_err(Error::Invalid)?;
    let tx = write_tx(conn)?;
    if let Some(name) = phone_taken_by_other(&tx, clock, &values.phone, None)? {
        return Err(Error::invalid("phone", format!("手机号 {} 已是客户{name}的档案，请直接搜索该客户", values.phone)));
    }
    let referrer = resolve_referrer(&tx, &values.referrer_phone)?;
    let id = insert_tx(&tx, clock, by, &values, referrer)?;
    tx.commit()?;
    Ok(id)
}

/// Replaces a customer's fields from a form, in the caller's transaction
/// ([`crate::desk::update_customer`] is the desk's, with the calls a changed
/// birthday or marketing choice implies).
pub fn update_in(tx: &Connection, clock: &Clock, by: StaffId, id: CustomerId, draft: &CustomerDraft) -> Result<()> {
    let values = validate(draft, clock.today()).map_err(Error::Invalid)?;
    ensure_exists(tx, id)?;
    if let Some(name) = phone_taken_by_other(tx, clock, &values.phone, Some(id))? {
        return Err(Error::invalid("phone", format!("手机号 {} 已属于客户{name}，不能重复", values.phone)));
    }
    let referrer = resolve_referrer(tx, &values.referrer_phone)?;
    if referrer == Some(id) {
        return Err(Error::invalid("referrer_phone", "推荐人不能是客户本人"));
    }
    update_tx(tx, clock, by, id, &values, referrer)
}

fn ensure_exists(conn: &Connection, id: CustomerId) -> Result<()> {
    let found: Option<i64> =
        conn.query_row("SELECT id FROM customers WHERE id = ?1", [id.0], |r| r.get(0)).optional()?;
    found.map(|_| ()).ok_or_else(|| Error::NotFound(format!("找不到编号为 {} 的客户档案。", id.0)))
}

/// A customer record with the keys SPEC §7 names, plus the rest of the file's fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Customer {
    pub id: CustomerId,
    pub uid: String,
    pub phone: String,
    pub name: String,
    pub gender: Option<String>,
    pub birthday: Option<String>,
    pub channel: Option<String>,
    pub referrer_phone: Option<String>,
    pub referrer_name: Option<String>,
    pub consultant: Option<String>,
    pub tags: Vec<String>,
    pub marketing_opt_out: bool,
    pub notes: Option<String>,
    pub skin_type: Option<String>,
    pub allergies: Option<String>,
    pub care_preferences: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub updated_by: String,
}

const CUSTOMER_SELECT: &str = "SELECT c.id, c.uid, c.phone, c.name, c.gender, c.birthday, c.channel,
        r.phone, r.name, c.consultant, c.marketing_opt_out, c.notes, c.skin_type, c.allergies,
        c.care_preferences, c.created_at, cb.name, c.updated_at, ub.name,
        (SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM customer_tags t WHERE t.customer_id = c.id ORDER BY tag))
    FROM customers c
    LEFT JOIN customers r ON r.id = c.referrer_id
    JOIN staff cb ON cb.id = c.created_by
    JOIN staff ub ON ub.id = c.updated_by";

fn customer_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Customer> {
    let tags: Option<String> = r.get(19)?;
    Ok(Customer {
        id: CustomerId(r.get(0)?),
        uid: r.get(1)?,
        phone: r.get(2)?,
        name: r.get(3)?,
        gender: r.get(4)?,
        birthday: r.get(5)?,
        channel: r.get(6)?,
        referrer_phone: r.get(7)?,
        referrer_name: r.get(8)?,
        consultant: r.get(9)?,
        marketing_opt_out: r.get(10)?,
        notes: r.get(11)?,
        skin_type: r.get(12)?,
        allergies: r.get(13)?,
        care_preferences: r.get(14)?,
        created_at: r.get(15)?,
        created_by: r.get(16)?,
        updated_at: r.get(17)?,
        updated_by: r.get(18)?,
        tags: tags.map(|t| t.split('\u{1f}').map(str::to_string).collect()).unwrap_or_default(),
    })
}

/// One customer.
pub fn get(conn: &Connection, id: CustomerId) -> Result<Customer> {
    conn.prepare_cached(&format!("{CUSTOMER_SELECT} WHERE c.id = ?1"))?
        .query_row([id.0], customer_from_row)
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("找不到编号为 {} 的客户档案。", id.0)))
}

/// Customers by id, in the order given (missing ids are skipped).
pub fn get_many(conn: &Connection, ids: &[CustomerId]) -> Result<Vec<Customer>> {
    let mut stmt = conn.prepare_cached(&format!("{CUSTOMER_SELECT} WHERE c.id = ?1"))?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(c) = stmt.query_row([id.0], customer_from_row).optional()? {
            out.push(c);
        }
    }
    Ok(out)
}

/// Every customer, sorted by phone (the CLI's `customers`).
pub fn list_all(conn: &Connection) -> Result<Vec<Customer>> {
    let mut stmt = conn.prepare(&format!("{CUSTOMER_SELECT} ORDER BY c.phone"))?;
    let rows = stmt.query_map([], customer_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// How many customers the archive holds.
pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM customers", [], |r| r.get(0))?)
}

/// A memory point (记忆点) as the file shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemoryPoint {
    pub id: i64,
    pub text: String,
    pub created_at: String,
    pub created_by: String,
}

/// The customer's current memory points, oldest first.
pub fn memory_points(conn: &Connection, id: CustomerId) -> Result<Vec<MemoryPoint>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, m.text, m.created_at, s.name FROM memory_points m JOIN staff s ON s.id = m.created_by
         WHERE m.customer_id = ?1 AND m.removed_at IS NULL ORDER BY m.id",
    )?;
    let rows = stmt
        .query_map([id.0], |r| Ok(MemoryPoint { id: r.get(0)?, text: r.get(1)?, created_at: r.get(2)?, created_by: r.get(3)? }))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Adds a memory point.
pub fn add_memory_point(conn: &Connection, clock: &Clock, by: StaffId, id: CustomerId, text: &str) -> Result<MemoryPoint> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::invalid("text", "请填写记忆点内容，例如「超级怕疼」"));
    }
    if text.chars().count() > 200 {
        return Err(Error::invalid("text", "一条记忆点不能超过 200 个字，可以分成几条"));
    }
    ensure_exists(conn, id)?;
    conn.execute(
        "INSERT INTO memory_points (uid, customer_id, text, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![new_uid(), id.0, text, clock.now_utc(), by.0],
    )?;
    let point_id = conn.last_insert_rowid();
    memory_points(conn, id)?
        .into_iter()
        .find(|m| m.id == point_id)
        .ok_or_else(|| Error::NotFound("记忆点保存后未能读回。".into()))
}

/// Removes a memory point from view, keeping who removed it and when.
pub fn remove_memory_point(conn: &Connection, clock: &Clock, by: StaffId, point_id: i64) -> Result<()> {
    let changed = conn.execute(
        "UPDATE memory_points SET removed_at = ?1, removed_by = ?2 WHERE id = ?3 AND removed_at IS NULL",
        params![clock.now_utc(), by.0, point_id],
    )?;
    if changed == 0 {
        return Err(Error::NotFound("这条记忆点已被删除或不存在。".into()));
    }
    Ok(())
}

/// The customer file: the record, memory points and who they referred.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerFile {
    pub customer: Customer,
    pub phone_masked: String,
    pub memory_points: Vec<MemoryPoint>,
    pub referred: Vec<Referred>,
    /// The 星钻 customer whose family this customer is (家庭成员, SPEC §8).
    pub family_head: Option<Referred>,
    /// The customers linked as this customer's family.
    pub family: Vec<Referred>,
}

/// A customer this customer referred.
#[derive(Debug, Clone, Serialize)]
pub struct Referred {
    pub id: CustomerId,
    pub name: String,
    pub phone: String,
}

/// Everything the customer file screen shows.
pub fn file(conn: &Connection, id: CustomerId) -> Result<CustomerFile> {
    let customer = get(conn, id)?;
    let mut stmt = conn.prepare_cached("SELECT id, name, phone FROM customers WHERE referrer_id = ?1 ORDER BY id")?;
    let referred = stmt
        .query_map([id.0], |r| Ok(Referred { id: CustomerId(r.get(0)?), name: r.get(1)?, phone: r.get(2)? }))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let person = |r: &rusqlite::Row| Ok(Referred { id: CustomerId(r.get(0)?), name: r.get(1)?, phone: r.get(2)? });
    let family_head = conn
        .prepare_cached("SELECT h.id, h.name, h.phone FROM customers c JOIN customers h ON h.id = c.family_head_id WHERE c.id = ?1")?
        .query_row([id.0], person)
        .optional()?;
    let family = conn
        .prepare_cached("SELECT id, name, phone FROM customers WHERE family_head_id = ?1 ORDER BY id")?
        .query_map([id.0], person)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(CustomerFile {
        phone_masked: phone::masked(&customer.phone),
        memory_points: memory_points(conn, id)?,
        referred,
        family_head,
        family,
        customer,
    })
}


/// A stored customer's values, as validation would produce them.
pub fn values_of(c: &Customer) -> CustomerValues {
    CustomerValues {
        name: c.name.clone(),
        phone: c.phone.clone(),
        gender: match c.gender.as_deref() {
            Some("F") => Some("F"),
            Some("M") => Some("M"),
            _ => None,
        },
        birthday: c.birthday.as_deref().and_then(|b| NaiveDate::parse_from_str(b, "%Y-%m-%d").ok()),
        channel: c.channel.clone(),
        referrer_phone: c.referrer_phone.clone(),
        consultant: c.consultant.clone(),
        tags: c.tags.clone(),
        marketing_opt_out: c.marketing_opt_out,
        notes: c.notes.clone(),
        skin_type: c.skin_type.clone(),
        allergies: c.allergies.clone(),
        care_preferences: c.care_preferences.clone(),
    }
}

/// CSV for Excel: UTF-8 with BOM, the import's Chinese headers, so the file
/// can be edited and imported back.
pub fn export_csv(list: &[Customer]) -> Result<String> {
    let rows = list.iter().map(|c| {
        let gender = match c.gender.as_deref() {
            Some("F") => "女",
            Some("M") => "男",
            _ => "",
        };
        vec![
            c.name.clone(),
            c.phone.clone(),
            gender.to_string(),
            c.birthday.clone().unwrap_or_default(),
            c.channel.clone().unwrap_or_default(),
            c.referrer_phone.clone().unwrap_or_default(),
            c.consultant.clone().unwrap_or_default(),
            c.tags.join("；"),
            if c.marketing_opt_out { "是" } else { "否" }.to_string(),
            c.notes.clone().unwrap_or_default(),
        ]
    });
    crate::export::csv_for_excel(&["姓名", "手机号", "性别", "生日", "来源渠道", "推荐人手机号", "顾问", "标签", "不接受营销", "备注"], rows)
}

#[cfg(test)]
mod tests;
