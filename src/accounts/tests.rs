use serde_json::json;

use super::*;
use crate::staff::Role;
use crate::commands::{App, Request, Via};

fn app() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&dir.path().join("t.db"), chrono::NaiveDate::from_ymd_opt(2026, 11, 23)).unwrap();
    (dir, app)
}

fn req(cmd: &str, token: Option<&str>, args: Value) -> Request {
    Request { cmd: cmd.into(), actor: None, args, token: token.map(str::to_string), window: None, id: None, via: Via::Local }
}

/// An owner and one account of every other role; returns (role, staff id).
fn staffed(app: &mut App) -> Vec<(Role, i64)> {
    let owner = app.handle(req("staff.create", None, json!({"name": "院长", "role": "owner"}))).unwrap()["id"].as_i64().unwrap();
    let token = sign_in_as(app, owner, None);
    let mut out = vec![(Role::Owner, owner)];
    for (name, role) in [("前台", Role::Reception), ("咨询", Role::Consultant), ("医生", Role::Doctor), ("护士", Role::Nurse), ("客服", Role::Service)] {
        let id = app.handle(req("staff.create", Some(&token), json!({"name": name, "role": role.as_str()}))).unwrap()["id"].as_i64().unwrap();
        out.push((role, id));
    }
    out
}

fn sign_in_as(app: &mut App, id: i64, pin: Option<&str>) -> String {
    app.handle(req("session.sign_in", None, json!({"staff_id": id, "pin": pin}))).unwrap()["token"].as_str().unwrap().to_string()
}

#[test]
fn a_command_without_a_signed_in_staff_member_is_refused() {
    let (_d, mut app) = app();
    staffed(&mut app);
    let e = app.handle(req("customers.search", None, json!({"q": "zxm"}))).unwrap_err();
    assert_eq!(e.code, "unauthorized");
    let e = app.handle(req("customers.search", Some("made-up-token"), json!({"q": "zxm"}))).unwrap_err();
    assert_eq!(e.code, "unauthorized");
    assert!(app.handle(req("staff.list", None, Value::Null)).is_ok(), "the picker is public");
}

#[test]
fn five_wrong_pins_lock_the_account_and_the_right_pin_then_waits() {
    let (_d, mut app) = app();
    let staff = staffed(&mut app);
    let owner_token = sign_in_as(&mut app, staff[0].1, None);
    let reception = staff[1].1;
    app.handle(req("staff.set_pin", Some(&owner_token), json!({"id": reception, "pin": "2468"}))).unwrap();
    let e = app.handle(req("session.sign_in", None, json!({"staff_id": reception}))).unwrap_err();
    assert_eq!(e.problems[0].column, "pin", "a PIN is asked for now");
    for n in 1..=4 {
        let e = app.handle(req("session.sign_in", None, json!({"staff_id": reception, "pin": "0000"}))).unwrap_err();
        assert!(e.message.contains(&format!("还可以再试 {} 次", 5 - n - 1)) || n == 4 || e.message.contains("PIN 不对"), "{}", e.message);
    }
    let locked = app.handle(req("session.sign_in", None, json!({"staff_id": reception, "pin": "0000"}))).unwrap_err();
    assert!(locked.message.contains("锁定"), "{}", locked.message);
    let still = app.handle(req("session.sign_in", None, json!({"staff_id": reception, "pin": "2468"}))).unwrap_err();
    assert!(still.message.contains("分钟后再试"), "{}", still.message);
    // The owner resetting the PIN lifts the lock.
    app.handle(req("staff.set_pin", Some(&owner_token), json!({"id": reception, "pin": "1357"}))).unwrap();
    assert!(app.handle(req("session.sign_in", None, json!({"staff_id": reception, "pin": "1357"}))).is_ok());
}

#[test]
fn a_pin_is_stored_hashed_never_as_typed() {
    let (_d, mut app) = app();
    let staff = staffed(&mut app);
    set_pin(app.conn(), StaffId(staff[1].1), "8642").unwrap();
    let stored: String = app.conn().query_row("SELECT pin_hash FROM staff WHERE id = ?1", [staff[1].1], |r| r.get(0)).unwrap();
    assert!(stored.starts_with("$argon2") && !stored.contains("8642"), "{stored}");
    assert!(set_pin(app.conn(), StaffId(staff[1].1), "12ab").is_err());
}

#[test]
fn each_role_runs_only_its_commands_and_a_denied_command_changes_nothing() {
    let (_d, mut app) = app();
    let staff = staffed(&mut app);
    let tokens: Vec<(Role, String)> = staff.iter().map(|(r, id)| (*r, sign_in_as(&mut app, *id, None))).collect();
    let token = |role: Role| tokens.iter().find(|(r, _)| *r == role).unwrap().1.clone();
    // Reception creates a customer; customer service may not.
    let created = app.handle(req("customers.create", Some(&token(Role::Reception)), json!({"name": "张小美", "phone": "13812345678"}))).unwrap();
    let id = created["customer"]["id"].as_i64().unwrap();
    let denied = app.handle(req("customers.create", Some(&token(Role::Service)), json!({"name": "李四", "phone": "13912345678"}))).unwrap_err();
    assert_eq!(denied.code, "forbidden");
    assert_eq!(crate::customers::count(app.conn()).unwrap(), 1, "nothing written");
    // Only the owner changes tier rules, exports and restores.
    for (cmd, args) in [
        ("tiers.save_rules", json!({"rules": crate::tiers::TierRules::default()})),
        ("report.export", json!({"month": "2026-10"})),
        ("backup.restore", json!({"path": "/nonexistent.db"})),
        ("staff.set_pin", json!({"id": staff[1].1, "pin": "1234"})),
        ("import.customers", json!({"content_base64": ""})),
    ] {
        for role in [Role::Reception, Role::Consultant, Role::Doctor, Role::Nurse, Role::Service] {
            let e = app.handle(req(cmd, Some(&token(role)), args.clone())).unwrap_err();
            assert_eq!(e.code, "forbidden", "{role:?} {cmd}");
        }
    }
    assert!(!has_pin(app.conn(), StaffId(staff[1].1)).unwrap());
    // A nurse records sessions but not refunds.
    assert_eq!(app.handle(req("refunds.add", Some(&token(Role::Nurse)), json!({"customer_id": id, "amount": "1", "reason": "x"}))).unwrap_err().code, "forbidden");
}

#[test]
fn customer_service_sees_masked_phones_except_on_the_call_list() {
    let (_d, mut app) = app();
    let staff = staffed(&mut app);
    let reception = sign_in_as(&mut app, staff[1].1, None);
    let service = sign_in_as(&mut app, staff[5].1, None);
    let created = app.handle(req("customers.create", Some(&reception), json!({"name": "张小美", "phone": "13812345678"}))).unwrap();
    let id = created["customer"]["id"].as_i64().unwrap();
    let file = app.handle(req("customers.get", Some(&service), json!({"id": id}))).unwrap();
    assert_eq!(file["customer"]["phone"], "138****5678");
    let hits = app.handle(req("customers.search", Some(&service), json!({"q": "zxm"}))).unwrap();
    assert_eq!(hits[0]["phone"], "138****5678");
    let own = app.handle(req("customers.get", Some(&reception), json!({"id": id}))).unwrap();
    assert_eq!(own["customer"]["phone"], "13812345678");
}

#[test]
fn views_changes_and_exports_are_in_the_audit_log_with_before_and_after() {
    let (_d, mut app) = app();
    let staff = staffed(&mut app);
    let owner = sign_in_as(&mut app, staff[0].1, None);
    let reception = sign_in_as(&mut app, staff[1].1, None);
    let created = app.handle(req("customers.create", Some(&reception), json!({"name": "张小美", "phone": "13812345678"}))).unwrap();
    let id = created["customer"]["id"].as_i64().unwrap();
    app.handle(req("customers.get", Some(&reception), json!({"id": id}))).unwrap();
    app.handle(req("customers.update", Some(&reception), json!({"id": id, "name": "张晓美", "phone": "13812345678"}))).unwrap();
    app.handle(req("report.export", Some(&owner), json!({"month": "2026-10", "format": "csv"}))).unwrap();
    let log = app.handle(req("audit.list", Some(&owner), json!({}))).unwrap();
    let actions: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(&actions[..4], ["导出经营报表", "修改客户档案", "查看客户档案", "新建客户档案"]);
    let change = &log[1];
    assert_eq!(change["staff"], "前台");
    assert!(change["before"].as_str().unwrap().contains("张小美") && change["after"].as_str().unwrap().contains("张晓美"));
    assert_eq!(app.handle(req("audit.list", Some(&reception), json!({}))).unwrap_err().code, "forbidden", "the owner reads the log");
    assert!(app.conn().execute("DELETE FROM audit_log", []).is_err(), "append-only");
}

fn audit_actions(app: &mut App, action: &str) -> Vec<AuditEntry> {
    audit_list(app.conn(), None, Some(action), 100).unwrap()
}

#[test]
fn signing_out_ends_the_session() {
    let (_d, mut app) = app();
    let staff = staffed(&mut app);
    let t = sign_in_as(&mut app, staff[1].1, None);
    app.handle(req("session.sign_out", Some(&t), Value::Null)).unwrap();
    let e = app.handle(req("customers.search", Some(&t), json!({"q": "zxm"}))).unwrap_err();
    assert_eq!(e.code, "unauthorized");
}

#[test]
fn a_session_idle_longer_than_the_owners_limit_ends_and_an_active_one_does_not() {
    let (_d, mut app) = app();
    let staff = staffed(&mut app);
    let owner = sign_in_as(&mut app, staff[0].1, None);
    app.handle(req("sessions.save_settings", Some(&owner), json!({"idle_hours": 2}))).unwrap();
    let t = sign_in_as(&mut app, staff[1].1, None);
    app.age_sessions(std::time::Duration::from_secs(3600 + 59 * 60));
    app.handle(req("customers.search", Some(&t), json!({"q": "zxm"}))).expect("1 h 59 min idle is within 2 h");
    app.age_sessions(std::time::Duration::from_secs(2 * 3600));
    let e = app.handle(req("customers.search", Some(&t), json!({"q": "zxm"}))).unwrap_err();
    assert_eq!(e.code, "unauthorized");
    assert!(e.message.contains("过期"), "{}", e.message);
}

#[test]
fn a_pin_reset_a_role_change_or_deactivation_ends_every_session_of_that_person() {
    let (_d, mut app) = app();
    let staff = staffed(&mut app);
    let owner = sign_in_as(&mut app, staff[0].1, None);
    let reception = staff[1].1;
    let ok = |app: &mut App, t: &str| app.handle(req("customers.search", Some(t), json!({"q": "zxm"}))).is_ok();
    let t = sign_in_as(&mut app, reception, None);
    app.handle(req("staff.set_pin", Some(&owner), json!({"id": reception, "pin": "2468"}))).unwrap();
    assert!(!ok(&mut app, &t), "the PIN reset ends it");
    let t = sign_in_as(&mut app, reception, Some("2468"));
    app.handle(req("staff.update", Some(&owner), json!({"id": reception, "name": "前台", "role": "service"}))).unwrap();
    assert!(!ok(&mut app, &t), "the role change ends it");
    let t = sign_in_as(&mut app, reception, Some("2468"));
    app.handle(req("staff.update", Some(&owner), json!({"id": reception, "name": "前台", "role": "service", "active": false}))).unwrap();
    app.handle(req("staff.update", Some(&owner), json!({"id": reception, "name": "前台", "role": "service", "active": true}))).unwrap();
    assert!(!ok(&mut app, &t), "deactivation ends it, and reactivation does not bring it back");
    assert!(ok(&mut app, &owner), "the owner's own session goes on");
}

#[test]
fn after_the_first_lockout_each_wrong_pin_locks_again_for_twice_as_long() {
    assert_eq!([1, 2, 3, 4].map(lock_minutes), [10, 20, 40, 80]);
    assert_eq!(lock_minutes(30), 24 * 60, "never more than a day");
    let (_d, mut app) = app();
    let staff = staffed(&mut app);
    let owner = sign_in_as(&mut app, staff[0].1, None);
    let reception = staff[1].1;
    app.handle(req("staff.set_pin", Some(&owner), json!({"id": reception, "pin": "2468"}))).unwrap();
    for _ in 0..5 {
        let _ = app.handle(req("session.sign_in", None, json!({"staff_id": reception, "pin": "0000"})));
    }
    // The lock runs out; a single wrong PIN now locks for 20 minutes, not five fresh tries.
    app.conn().execute("UPDATE sign_in_state SET locked_until = '2000-01-01T00:00:00Z'", []).unwrap();
    let e = app.handle(req("session.sign_in", None, json!({"staff_id": reception, "pin": "1111"}))).unwrap_err();
    assert!(e.message.contains("锁定 20 分钟"), "{}", e.message);
    let e = app.handle(req("session.sign_in", None, json!({"staff_id": reception, "pin": "2468"}))).unwrap_err();
    assert!(e.message.contains("分钟后再试"), "even the right PIN waits: {}", e.message);
    let locks: i64 = app.conn().query_row("SELECT locks FROM sign_in_state WHERE staff_id = ?1", [reception], |r| r.get(0)).unwrap();
    assert_eq!(locks, 2);
}

#[test]
fn every_failed_sign_in_is_audited_for_the_owner_and_asking_for_the_pin_is_not() {
    let (_d, mut app) = app();
    let staff = staffed(&mut app);
    let owner = sign_in_as(&mut app, staff[0].1, None);
    let reception = staff[1].1;
    app.handle(req("staff.set_pin", Some(&owner), json!({"id": reception, "pin": "2468"}))).unwrap();
    let _ = app.handle(req("session.sign_in", None, json!({"staff_id": reception})));
    assert!(audit_actions(&mut app, FAILED_SIGN_IN).is_empty(), "being asked for the PIN is not a failure");
    for _ in 0..6 {
        let _ = app.handle(req("session.sign_in", None, json!({"staff_id": reception, "pin": "0000"})));
    }
    let failures = audit_actions(&mut app, FAILED_SIGN_IN);
    assert_eq!(failures.len(), 6, "five wrong PINs and one try while locked");
    assert_eq!(failures[0].target.as_deref(), Some(reception.to_string().as_str()));
    assert!(failures[0].detail.as_deref().unwrap().starts_with("前台："), "{:?}", failures[0].detail);
    let shown = app.handle(req("audit.list", Some(&owner), json!({"action": FAILED_SIGN_IN}))).unwrap();
    assert_eq!(shown.as_array().unwrap().len(), 6);
    let t = sign_in_as(&mut app, staff[5].1, None);
    assert_eq!(app.handle(req("audit.list", Some(&t), json!({"action": FAILED_SIGN_IN}))).unwrap_err().code, "forbidden");
}

#[test]
fn customer_service_cannot_read_a_phone_off_digit_searches() {
    let (_d, mut app) = app();
    let staff = staffed(&mut app);
    let reception = sign_in_as(&mut app, staff[1].1, None);
    let service = sign_in_as(&mut app, staff[5].1, None);
    app.handle(req("customers.create", Some(&reception), json!({"name": "张小美", "phone": "13812345678", "notes": "丈夫 13900001111 代付"}))).unwrap();
    // The attack: leading digits, one more each time.
    for q in ["138", "1381", "13812", "138123", "1381234", "13812345", "138123456", "1381234567"] {
        let hits = app.handle(req("customers.search", Some(&service), json!({"q": q}))).unwrap();
        let text = hits.to_string();
        assert!(!text.contains("13812345678") && !text.contains("1234"), "{q}: {text}");
    }
    let hits = app.handle(req("customers.search", Some(&service), json!({"q": "zxm"}))).unwrap();
    let text = hits.to_string();
    assert!(!text.contains("13812345678") && !text.contains("13900001111"), "{text}");
    assert!(text.contains("139****1111"), "a phone in a note is masked too: {text}");
    let mine = app.handle(req("customers.search", Some(&reception), json!({"q": "13812"}))).unwrap();
    assert_eq!(mine[0]["phone"], "13812345678", "reception still finds by leading digits");
}

#[test]
fn a_key_or_token_survives_the_phone_masking_of_every_answer() {
    // A hex key with a mobile-looking run was handed to its desk masked.
    let mut old = serde_json::json!({"key": "ab13812345678cdef0123456789abcdef0123456789abcdef0123456789abcd"});
    mask_phones(&mut old);
    assert!(old["key"].as_str().unwrap().contains('*'), "{old}");
    for _ in 0..2000 {
        let token = new_token();
        assert_eq!(token.len(), 40);
        assert!(token.bytes().all(|b| b.is_ascii_lowercase()), "{token}");
        let mut answer = serde_json::json!({"key": token.clone(), "token": token.clone()});
        mask_phones(&mut answer);
        assert_eq!(answer["key"], token.as_str());
    }
    assert_ne!(new_token(), new_token());
}
