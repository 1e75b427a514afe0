use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use super::Host;
use crate::commands::{App, Request, Via};

fn req(cmd: &str, token: Option<&str>, args: Value) -> Request {
    Request { cmd: cmd.into(), actor: None, args, token: token.map(str::to_string), window: None, id: None, via: Via::Local }
}

/// A host on a fresh file with an owner and a receptionist signed in.
fn host() -> (tempfile::TempDir, Arc<Host>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&dir.path().join("t.db"), chrono::NaiveDate::from_ymd_opt(2026, 11, 23)).unwrap();
    let host = Arc::new(Host::new(app));
    let owner = host.handle(req("staff.create", None, json!({"name": "院长", "role": "owner"}))).unwrap()["id"].as_i64().unwrap();
    let owner_token = host.handle(req("session.sign_in", None, json!({"staff_id": owner}))).unwrap()["token"].as_str().unwrap().to_string();
    let desk = host.handle(req("staff.create", Some(&owner_token), json!({"name": "前台小王", "role": "reception"}))).unwrap()["id"].as_i64().unwrap();
    let desk_token = host.handle(req("session.sign_in", None, json!({"staff_id": desk}))).unwrap()["token"].as_str().unwrap().to_string();
    (dir, host, owner_token, desk_token)
}

#[test]
fn a_read_runs_while_a_write_holds_the_writer() {
    let (_d, host, _owner, desk) = host();
    host.handle(req("customers.create", Some(&desk), json!({"name": "张小美", "phone": "13812345678"}))).unwrap();
    let writer = host.writer();
    let (tx, rx) = std::sync::mpsc::channel();
    let reading = host.clone();
    let token = desk.clone();
    std::thread::spawn(move || {
        let hits = reading.handle(req("customers.search", Some(&token), json!({"q": "zxm"})));
        tx.send(hits).unwrap();
    });
    let hits = rx.recv_timeout(Duration::from_secs(10)).expect("the search did not wait for the writer").unwrap();
    assert_eq!(hits.as_array().unwrap().len(), 1);
    drop(writer);
}

#[test]
fn a_write_waits_for_the_writer_and_then_lands() {
    let (_d, host, _owner, desk) = host();
    let writer = host.writer();
    let writing = host.clone();
    let token = desk.clone();
    let done = std::thread::spawn(move || writing.handle(req("customers.create", Some(&token), json!({"name": "李四", "phone": "13912345678"}))));
    std::thread::sleep(Duration::from_millis(200));
    assert!(!done.is_finished(), "writes run one at a time");
    drop(writer);
    done.join().unwrap().unwrap();
    let hits = host.handle(req("customers.search", Some(&desk), json!({"q": "13912345678"}))).unwrap();
    assert_eq!(hits.as_array().unwrap().len(), 1);
}

#[test]
fn a_reader_refuses_to_write_even_if_a_handler_tried() {
    let (_d, host, _owner, _desk) = host();
    let reader = host.writer().reader().unwrap();
    reader.conn_ref().execute_batch("PRAGMA query_only = ON").unwrap();
    let e = reader.conn_ref().execute("INSERT INTO settings (key, value) VALUES ('x', 'y')", []).unwrap_err();
    assert!(e.to_string().contains("readonly"), "{e}");
}

#[test]
fn sessions_opened_on_the_writer_are_known_to_every_reader() {
    let (_d, host, owner, _desk) = host();
    for _ in 0..8 {
        assert!(host.handle(req("audit.list", Some(&owner), json!({}))).is_ok());
    }
    host.handle(req("session.sign_out", Some(&owner), json!({}))).unwrap();
    assert_eq!(host.handle(req("audit.list", Some(&owner), json!({}))).unwrap_err().code, "unauthorized");
}

#[test]
fn a_viewed_file_is_audited_from_a_reader() {
    let (_d, host, owner, desk) = host();
    let id = host.handle(req("customers.create", Some(&desk), json!({"name": "张小美", "phone": "13812345678"}))).unwrap()["customer"]["id"].as_i64().unwrap();
    host.handle(req("customers.get", Some(&desk), json!({"id": id}))).unwrap();
    let lines = host.handle(req("audit.list", Some(&owner), json!({"action": "查看客户档案"}))).unwrap();
    assert_eq!(lines.as_array().unwrap().len(), 1);
}

#[test]
fn every_change_is_announced_with_its_command_and_window() {
    let (_d, host, _owner, desk) = host();
    let mut changes = host.subscribe();
    let mut r = req("customers.create", Some(&desk), json!({"name": "张小美", "phone": "13812345678"}));
    r.window = Some("w1".into());
    host.handle(r).unwrap();
    host.handle(req("customers.search", Some(&desk), json!({"q": "zxm"}))).unwrap();
    let notice: Value = serde_json::from_str(&changes.try_recv().unwrap()).unwrap();
    assert_eq!(notice, json!({"cmd": "customers.create", "from": "w1"}));
    assert!(changes.try_recv().is_err(), "a read is not a change");
}

#[test]
fn a_restore_lets_go_of_the_readers_and_reads_the_restored_file() {
    let (dir, host, owner, desk) = host();
    host.handle(req("customers.search", Some(&desk), json!({"q": "x"}))).unwrap();
    let backup = dir.path().join("before.db");
    host.handle(req("backup.now", Some(&owner), json!({}))).unwrap();
    crate::backup::write(host.writer().conn(), &backup).unwrap();
    host.handle(req("customers.create", Some(&desk), json!({"name": "张小美", "phone": "13812345678"}))).unwrap();
    host.handle(req("backup.restore", Some(&owner), json!({"path": backup.display().to_string()}))).unwrap();
    // Sessions are kept in memory and survive; the readers now see the restored file.
    let hits = host.handle(req("customers.search", Some(&desk), json!({"q": "13812345678"}))).unwrap();
    assert_eq!(hits.as_array().unwrap().len(), 0);
}

#[test]
fn two_desks_registering_the_same_newcomer_one_wins_and_the_other_is_told_who() {
    let (_d, host, owner, desk) = host();
    let second = host.handle(req("staff.create", Some(&owner), json!({"name": "前台小李", "role": "reception"}))).unwrap()["id"].as_i64().unwrap();
    let other = host.handle(req("session.sign_in", None, json!({"staff_id": second}))).unwrap()["token"].as_str().unwrap().to_string();
    let answers: Vec<_> = [desk, other]
        .into_iter()
        .map(|token| {
            let host = host.clone();
            std::thread::spawn(move || host.handle(req("customers.create", Some(&token), json!({"name": "孙丽", "phone": "13611112222"}))))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    let won = answers.iter().filter(|a| a.is_ok()).count();
    assert_eq!(won, 1, "{answers:?}");
    let lost = answers.iter().find_map(|a| a.as_ref().err()).unwrap();
    let winner = answers.iter().find_map(|a| a.as_ref().ok()).unwrap();
    assert_eq!(lost.code, "invalid");
    // Whoever it was, the message names them.
    let by = if lost.message.contains("前台小王（") { "前台小王" } else { "前台小李" };
    assert!(lost.message.contains(&format!("手机号 13611112222 已是客户「孙丽」（{by}（今天 ")), "{}", lost.message);
    assert_eq!(winner["customer"]["name"], "孙丽");
    let hits = host.handle(req("customers.search", Some(&owner), json!({"q": "13611112222"}))).unwrap();
    assert_eq!(hits.as_array().unwrap().len(), 1);
}

#[test]
fn a_write_retried_with_the_same_request_id_is_done_once() {
    let (_d, host, _owner, desk) = host();
    let mut first = req("customers.create", Some(&desk), json!({"name": "孙丽", "phone": "13611112222"}));
    first.id = Some("w1-abc".into());
    let mut again = req("customers.create", Some(&desk), json!({"name": "孙丽", "phone": "13611112222"}));
    again.id = Some("w1-abc".into());
    let a = host.handle(first).unwrap();
    let b = host.handle(again).unwrap();
    assert_eq!(a, b, "the first answer, again");
    let mut other = req("customers.create", Some(&desk), json!({"name": "孙丽", "phone": "13611112222"}));
    other.id = Some("w1-def".into());
    assert_eq!(host.handle(other).unwrap_err().code, "invalid", "a new request is a new write");
}

#[test]
fn the_owners_report_runs_on_a_thread_of_the_lowest_priority() {
    let (_d, host, owner, _desk) = host();
    let report = host.handle(req("report.monthly", Some(&owner), json!({}))).unwrap();
    assert_eq!(report["history"].as_array().unwrap().len(), 13);
    #[cfg(target_os = "linux")]
    {
        let nice_of = |name: &str| -> Option<i64> {
            std::fs::read_dir("/proc/self/task").ok()?.flatten().find_map(|task| {
                let comm = std::fs::read_to_string(task.path().join("comm")).ok()?;
                if comm.trim() != name {
                    return None;
                }
                // Field 19 of stat is the nice value (after the command name in parentheses).
                let stat = std::fs::read_to_string(task.path().join("stat")).ok()?;
                stat.rsplit_once(')')?.1.split_whitespace().nth(16)?.parse().ok()
            })
        };
        assert_eq!(nice_of(super::HEAVY_THREAD), Some(19));
    }
}

#[test]
fn two_rooms_taking_a_packages_last_session_at_once_one_wins_and_the_other_is_told_who() {
    let (_d, host, owner, desk) = host();
    let nurse = host.handle(req("staff.create", Some(&owner), json!({"name": "护士小张", "role": "nurse"}))).unwrap()["id"].as_i64().unwrap();
    let nurse = host.handle(req("session.sign_in", None, json!({"staff_id": nurse}))).unwrap()["token"].as_str().unwrap().to_string();
    let customer = host.handle(req("customers.create", Some(&desk), json!({"name": "张小美", "phone": "13812345678"}))).unwrap()["customer"]["id"].as_i64().unwrap();
    let item = host.handle(req("items.create", Some(&owner), json!({"name": "光子嫩肤", "category": "光电", "list_price": "1000"}))).unwrap()["id"].as_i64().unwrap();
    host.handle(req("orders.create", Some(&desk), json!({"customer_id": customer, "lines": [{"item_id": item, "sessions": 1, "price": "1000"}]}))).unwrap();
    let file = host.handle(req("consumption.file", Some(&desk), json!({"customer_id": customer}))).unwrap();
    let line = file["packages"][0]["line_id"].as_i64().unwrap();
    let answers: Vec<_> = [desk.clone(), nurse]
        .into_iter()
        .map(|token| {
            let host = host.clone();
            std::thread::spawn(move || host.handle(req("executions.add", Some(&token), json!({"line_id": line}))))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    assert_eq!(answers.iter().filter(|a| a.is_ok()).count(), 1, "{answers:?}");
    let lost = answers.iter().find_map(|a| a.as_ref().err()).unwrap();
    assert!(lost.message.contains("只剩 0 次"), "{}", lost.message);
    assert!(lost.message.contains("最近一次由 前台小王（今天 ") || lost.message.contains("最近一次由 护士小张（今天 "), "{}", lost.message);
    let after = host.handle(req("consumption.file", Some(&desk), json!({"customer_id": customer}))).unwrap();
    assert_eq!(after["packages"][0]["done"], 1);
}
