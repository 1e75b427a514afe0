//! Staff accounts. The clinic's practice is named accounts with fixed roles and
//! no sharing, so every record carries the id of who entered it. The built-in
//! account 1 (系统) stands for the command line and imports. PINs and
//! permissions build on the `pin_hash` and `role` kept here.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::new_uid;

/// The id of the built-in account that records CLI and import work.
pub const SYSTEM_STAFF: StaffId = StaffId(1);

/// A staff member's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StaffId(pub i64);

/// What a staff member does at the clinic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Reception,
    Consultant,
    Doctor,
    Nurse,
    Service,
    Owner,
    System,
}

impl Role {
    /// The roles a person can hold (System is the built-in account only).
    pub const ASSIGNABLE: [Role; 6] =
        [Role::Reception, Role::Consultant, Role::Doctor, Role::Nurse, Role::Service, Role::Owner];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reception => "reception",
            Role::Consultant => "consultant",
            Role::Doctor => "doctor",
            Role::Nurse => "nurse",
            Role::Service => "service",
            Role::Owner => "owner",
            Role::System => "system",
        }
    }

    /// The name staff read.
    pub fn label(self) -> &'static str {
        match self {
            Role::Reception => "前台",
            Role::Consultant => "咨询师",
            Role::Doctor => "医生",
            Role::Nurse => "护士",
            Role::Service => "客服",
            Role::Owner => "院长",
            Role::System => "系统",
        }
    }

    fn from_stored(s: &str) -> Role {
        match s {
            "reception" => Role::Reception,
            "consultant" => Role::Consultant,
            "doctor" => Role::Doctor,
            "nurse" => Role::Nurse,
            "service" => Role::Service,
            "owner" => Role::Owner,
            _ => Role::System,
        }
    }
}

/// A staff account as the UI shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Staff {
    pub id: StaffId,
    pub uid: String,
    pub name: String,
    pub role: Role,
    pub role_label: &'static str,
    pub active: bool,
    /// Whether signing in asks for a PIN.
    pub has_pin: bool,
}

/// What the owner enters to add or change an account.
#[derive(Debug, Clone, Deserialize)]
pub struct StaffDraft {
    pub name: String,
    pub role: Role,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Staff> {
    let role = Role::from_stored(&r.get::<_, String>(3)?);
    Ok(Staff {
        id: StaffId(r.get(0)?),
        uid: r.get(1)?,
        name: r.get(2)?,
        role,
        role_label: role.label(),
        active: r.get(4)?,
        has_pin: r.get(5)?,
    })
}

const COLUMNS: &str = "id, uid, name, role, active, pin_hash IS NOT NULL";

/// Every person's account (not the built-in one), active first, by name.
pub fn list(conn: &Connection) -> Result<Vec<Staff>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM staff WHERE role <> 'system' ORDER BY active DESC, name"
    ))?;
    let rows = stmt.query_map([], from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// One account by id.
pub fn get(conn: &Connection, id: StaffId) -> Result<Staff> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM staff WHERE id = ?1"), [id.0], from_row)
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("找不到编号为 {} 的员工账号。", id.0)))
}

/// The active account acting on a request; an inactive or unknown one is refused.
pub fn acting(conn: &Connection, id: StaffId) -> Result<Staff> {
    let staff = get(conn, id)?;
    if !staff.active {
        return Err(Error::Conflict(format!("员工「{}」的账号已停用，请换一位在岗员工操作。", staff.name)));
    }
    Ok(staff)
}

fn validate(draft: &StaffDraft) -> Result<String> {
    let name = draft.name.trim().to_string();
    if name.is_empty() {
        return Err(Error::invalid("name", "请填写员工姓名"));
    }
    if name.chars().count() > 20 {
        return Err(Error::invalid("name", "员工姓名不能超过 20 个字"));
    }
    if draft.role == Role::System {
        return Err(Error::invalid("role", "请选择岗位：前台、咨询师、医生、护士、客服或院长"));
    }
    Ok(name)
}

fn name_taken(conn: &Connection, name: &str, except: Option<StaffId>) -> Result<bool> {
    let other: Option<i64> =
        conn.query_row("SELECT id FROM staff WHERE name = ?1", [name], |r| r.get(0)).optional()?;
    Ok(matches!(other, Some(id) if Some(StaffId(id)) != except))
}

/// Adds an account.
pub fn create(conn: &Connection, clock: &Clock, by: StaffId, draft: &StaffDraft) -> Result<Staff> {
    let name = validate(draft)?;
    if name_taken(conn, &name, None)? {
        return Err(Error::invalid("name", format!("已有名为「{name}」的员工，请加上区分（如「{name}2」）")));
    }
    conn.execute(
        "INSERT INTO staff (uid, name, role, active, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![new_uid(), name, draft.role.as_str(), draft.active, clock.now_utc(), by.0],
    )?;
    get(conn, StaffId(conn.last_insert_rowid()))
}

/// Changes an account's name, role or whether it is active.
pub fn update(conn: &Connection, id: StaffId, draft: &StaffDraft) -> Result<Staff> {
    let name = validate(draft)?;
    let current = get(conn, id)?;
    if current.role == Role::System {
        return Err(Error::Conflict("系统账号不能修改。".into()));
    }
    if name_taken(conn, &name, Some(id))? {
        return Err(Error::invalid("name", format!("已有名为「{name}」的员工")));
    }
    conn.execute(
        "UPDATE staff SET name = ?1, role = ?2, active = ?3 WHERE id = ?4",
        params![name, draft.role.as_str(), draft.active, id.0],
    )?;
    get(conn, id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn setup() -> (Connection, Clock) {
        (crate::store::open_in_memory().unwrap(), Clock::fixed(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()))
    }

    fn draft(name: &str, role: Role) -> StaffDraft {
        StaffDraft { name: name.into(), role, active: true }
    }

    #[test]
    fn a_new_account_is_listed_with_its_role_label() {
        let (conn, clock) = setup();
        create(&conn, &clock, SYSTEM_STAFF, &draft("王前台", Role::Reception)).unwrap();
        let all = list(&conn).unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].role_label, "前台");
    }

    #[test]
    fn two_accounts_cannot_share_a_name() {
        let (conn, clock) = setup();
        create(&conn, &clock, SYSTEM_STAFF, &draft("李娜", Role::Service)).unwrap();
        let err = create(&conn, &clock, SYSTEM_STAFF, &draft(" 李娜 ", Role::Doctor)).unwrap_err();
        assert!(err.to_string().contains("已有名为「李娜」"));
    }

    #[test]
    fn an_inactive_account_cannot_act() {
        let (conn, clock) = setup();
        let s = create(&conn, &clock, SYSTEM_STAFF, &draft("赵护士", Role::Nurse)).unwrap();
        update(&conn, s.id, &StaffDraft { active: false, ..draft("赵护士", Role::Nurse) }).unwrap();
        assert!(acting(&conn, s.id).is_err());
    }

    #[test]
    fn nobody_can_be_given_the_system_role() {
        let (conn, clock) = setup();
        assert!(create(&conn, &clock, SYSTEM_STAFF, &draft("黑客", Role::System)).is_err());
    }
}

/// Who wrote a record and when, for a message to whoever came second:
/// `小王（今天 10:32）`. Reads the record's `created_by` and `created_at`.
pub fn who_first(conn: &Connection, clock: &crate::Clock, table: &str, id: i64) -> Result<String> {
    let sql = format!("SELECT s.name, r.created_at FROM {table} r JOIN staff s ON s.id = r.created_by WHERE r.id = ?1");
    let found: Option<(String, String)> = conn.query_row(&sql, [id], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
    Ok(found.map(|(name, at)| format!("{name}（{}）", clock.local_stamp(&at))).unwrap_or_default())
}
