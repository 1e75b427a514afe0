//! 多台电脑共用: a host (`liuke serve --lan`) on 127.0.0.2 and desks talking to
//! it over HTTPS with the pinned certificate, as the desktop app in desk
//! mode does. Each refusal is checked with the tables unchanged.

use std::net::TcpStream;
use std::sync::Arc;

use liuke::lan::link::{self, Link};
use serde_json::{json, Value};

use super::probe::{api, exchange, fingerprint, ok, serve_with, staffed, Answer, Server};
use crate::util::Clinic;

/// A host on the clinic's network at 127.0.0.2, staffed; returns the
/// server, the owner's loopback token and the receptionist's id (PIN 2468).
fn host(c: &Clinic) -> (Server, String, i64) {
    let s = serve_with(c, &["--lan", "--lan-port", "0", "--lan-bind", "127.0.0.2"]);
    let (owner, _service, reception) = staffed(&s);
    (s, owner, reception)
}

fn lan(s: &Server) -> &str {
    s.lan.as_deref().expect("the network listener")
}

/// The owner's staff id, as the picker lists it.
fn owner_id(s: &Server) -> i64 {
    ok(api(s, "staff.list", None, json!({}))).as_array().unwrap().iter().find(|p| p["role"] == "owner").unwrap()["id"].as_i64().unwrap()
}

/// The fingerprint the owner reads on the host's 设置 page.
fn hosts_fingerprint(s: &Server, owner: &str) -> String {
    ok(api(s, "lan.status", Some(owner), json!({})))["fingerprint"].as_str().unwrap().to_string()
}

fn call(link: &Link, cmd: &str, token: Option<&str>, args: Value) -> Value {
    link.call(&json!({"cmd": cmd, "args": args, "token": token})).unwrap()
}

fn data(answer: Value) -> Value {
    assert_eq!(answer["ok"], true, "{answer}");
    answer["data"].clone()
}

fn refusal(answer: &Value) -> (String, String) {
    assert_eq!(answer["ok"], false, "{answer}");
    (answer["error"]["code"].as_str().unwrap().to_string(), answer["error"]["message"].as_str().unwrap().to_string())
}

/// A desk that has asked to connect, and its key.
fn asked(s: &Server, pin: &str, name: &str) -> (Link, i64) {
    let unnamed = Link::new(lan(s), pin, None).unwrap();
    let asked = data(call(&unnamed, "desk.ask", None, json!({"name": name})));
    let key = asked["key"].as_str().unwrap();
    (Link::new(lan(s), pin, Some(key)).unwrap(), asked["desk"]["id"].as_i64().unwrap())
}

/// A desk the owner has approved.
fn approved(s: &Server, owner: &str, pin: &str, name: &str) -> Link {
    let (desk, id) = asked(s, pin, name);
    ok(api(s, "desks.approve", Some(owner), json!({"id": id})));
    desk
}

fn sign_in(desk: &Link, staff: i64, pin: &str) -> String {
    data(call(desk, "session.sign_in", None, json!({"staff_id": staff, "pin": pin})))["token"].as_str().unwrap().to_string()
}

#[test]
fn a_desk_sees_the_certificate_the_host_shows_and_its_pairing_code() {
    let c = Clinic::new();
    let (s, owner, _) = host(&c);
    let status = ok(api(&s, "lan.status", Some(&owner), json!({})));
    let seen = link::peek(lan(&s)).unwrap();
    assert_eq!(seen, status["fingerprint"].as_str().unwrap());
    assert_eq!(liuke::lan::pairing_code(&seen), status["pairing_code"].as_str().unwrap());
    assert_eq!(status["listening"].as_str().unwrap(), lan(&s));
}

#[test]
fn a_desk_that_pinned_another_certificate_is_refused_before_anything_is_sent() {
    let c = Clinic::new();
    let (s, owner, _) = host(&c);
    let real = hosts_fingerprint(&s, &owner);
    let before = fingerprint(&c);
    let forged = real.chars().rev().collect::<String>();
    let desk = Link::new(lan(&s), &forged, None).unwrap();
    let e = desk.call(&json!({"cmd": "desk.ask", "args": {"name": "冒充的电脑"}})).unwrap_err();
    assert_eq!(e.code(), "offline");
    assert!(e.to_string().contains("与配对时的不一致"), "{e}");
    assert_eq!(fingerprint(&c), before, "nothing reached the host");
}

#[test]
fn three_desks_one_approved_one_waiting_one_revoked() {
    let c = Clinic::new();
    let (s, owner, reception) = host(&c);
    let pin = hosts_fingerprint(&s, &owner);
    let front = approved(&s, &owner, &pin, "前台 B");
    let (waiting, _) = asked(&s, &pin, "咨询室 1");
    let room = approved(&s, &owner, &pin, "治疗室");

    // The approved desk works on the host's records.
    let token = sign_in(&front, reception, "2468");
    let hits = data(call(&front, "customers.search", Some(&token), json!({"q": "zxm"})));
    assert_eq!(hits[0]["name"], "张小美", "{hits}");

    // The waiting one is told so, and sees not even the staff picker.
    let (code, message) = refusal(&call(&waiting, "staff.list", None, json!({})));
    assert_eq!(code, "forbidden");
    assert!(message.contains("正在等待院长批准"), "{message}");

    // Revoked: its session ends at once and it can do nothing more.
    let room_token = sign_in(&room, reception, "2468");
    let id = ok(api(&s, "desks.list", Some(&owner), json!({}))).as_array().unwrap().iter().find(|d| d["name"] == "治疗室").unwrap()["id"].as_i64().unwrap();
    ok(api(&s, "desks.revoke", Some(&owner), json!({"id": id})));
    let before = fingerprint(&c);
    let (code, message) = refusal(&call(&room, "customers.create", Some(&room_token), json!({"name": "赵六", "phone": "13700001111"})));
    assert_eq!(code, "forbidden");
    assert!(message.contains("已被院长撤销"), "{message}");
    assert_eq!(fingerprint(&c), before);
    // The other desk is untouched.
    assert!(call(&front, "customers.search", Some(&token), json!({"q": "ln"}))["ok"].as_bool().unwrap());

    let listed = ok(api(&s, "desks.list", Some(&owner), json!({})));
    let statuses: Vec<&str> = listed.as_array().unwrap().iter().map(|d| d["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["pending", "approved", "revoked"], "{listed}");
    let audit = ok(api(&s, "audit.list", Some(&owner), json!({"action": "撤销电脑连接"})));
    assert_eq!(audit.as_array().unwrap().len(), 1);
}

#[test]
fn signing_in_from_a_desk_needs_a_pin() {
    let c = Clinic::new();
    let (s, owner, reception) = host(&c);
    let pin = hosts_fingerprint(&s, &owner);
    let desk = approved(&s, &owner, &pin, "前台 B");
    // The owner has no PIN: fine at the host, refused from a desk.
    let owner_id = owner_id(&s);
    let (code, message) = refusal(&call(&desk, "session.sign_in", None, json!({"staff_id": owner_id})));
    assert_eq!(code, "forbidden");
    assert!(message.contains("没有设置 PIN，不能从其他电脑登录"), "{message}");
    let (code, message) = refusal(&call(&desk, "session.sign_in", None, json!({"staff_id": reception, "pin": "0000"})));
    assert_eq!(code, "invalid", "{message}");
    let (code, message) = refusal(&call(&desk, "session.sign_in", None, json!({"staff_id": reception})));
    assert_eq!((code.as_str(), message.as_str()), ("invalid", "请输入 PIN"));
    sign_in(&desk, reception, "2468");
}

#[test]
fn a_session_is_good_only_where_it_was_opened() {
    let c = Clinic::new();
    let (s, owner, reception) = host(&c);
    let pin = hosts_fingerprint(&s, &owner);
    let desk = approved(&s, &owner, &pin, "前台 B");
    let other = approved(&s, &owner, &pin, "咨询室 1");
    // The host's own token, carried to a desk.
    let (code, _) = refusal(&call(&desk, "customers.search", Some(&owner), json!({"q": "zxm"})));
    assert_eq!(code, "unauthorized");
    // One desk's token, used from another desk or at the host.
    let token = sign_in(&desk, reception, "2468");
    let (code, _) = refusal(&call(&other, "customers.search", Some(&token), json!({"q": "zxm"})));
    assert_eq!(code, "unauthorized");
    assert_eq!(api(&s, "customers.search", Some(&token), json!({"q": "zxm"})).json()["error"]["code"], "unauthorized");
    // And still good where it was opened.
    data(call(&desk, "customers.search", Some(&token), json!({"q": "zxm"})));
}

#[test]
fn backups_and_network_settings_are_changed_only_at_the_host() {
    let c = Clinic::new();
    let (s, owner, _) = host(&c);
    let pin = hosts_fingerprint(&s, &owner);
    let desk = approved(&s, &owner, &pin, "院长办公室");
    let owner_id = owner_id(&s);
    ok(api(&s, "staff.set_own_pin", Some(&owner), json!({"pin": "1357"})));
    let owner_at_desk = sign_in(&desk, owner_id, "1357");
    let before = fingerprint(&c);
    for (cmd, args) in [
        ("backup.now", json!({})),
        ("backup.restore", json!({"path": "/tmp/x.db"})),
        ("backup.set_mirror", json!({"path": "/tmp"})),
        ("lan.save_settings", json!({"enabled": false})),
    ] {
        let (code, message) = refusal(&call(&desk, cmd, Some(&owner_at_desk), args));
        assert_eq!(code, "forbidden", "{cmd}");
        assert!(message.contains("只能在主机"), "{cmd}: {message}");
    }
    assert_eq!(fingerprint(&c), before);
    // The owner may still approve desks from her office.
    data(call(&desk, "desks.list", Some(&owner_at_desk), json!({})));
}

/// One raw request over TLS to the network listener, trusting its certificate.
fn raw_tls(s: &Server, pin: &str, headers: &[(&str, &str)], body: &str) -> Answer {
    let config = Arc::new(liuke::lan::pin::Pinned::new(Some(pin)).client_config());
    let ip: std::net::IpAddr = lan(s).rsplit_once(':').unwrap().0.parse().unwrap();
    let connection = rustls::ClientConnection::new(config, rustls::pki_types::ServerName::IpAddress(ip.into())).unwrap();
    let tcp = TcpStream::connect(lan(s)).unwrap();
    tcp.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
    let mut tls = rustls::StreamOwned::new(connection, tcp);
    exchange(&mut tls, "POST", "/api", headers, body)
}

#[test]
fn the_network_listener_keeps_the_host_and_origin_rules() {
    let c = Clinic::new();
    let (s, owner, _) = host(&c);
    let pin = hosts_fingerprint(&s, &owner);
    let body = json!({"cmd": "desk.ask", "args": {"name": "网页"}}).to_string();
    let at = lan(&s).to_string();
    let before = fingerprint(&c);
    let rebound = raw_tls(&s, &pin, &[("Host", "clinic.evil.example:47480"), ("Content-Type", "application/json")], &body);
    let foreign = raw_tls(&s, &pin, &[("Host", &at), ("Origin", "https://evil.example"), ("Content-Type", "application/json")], &body);
    let plain_origin = raw_tls(&s, &pin, &[("Host", &at), ("Origin", &format!("http://{at}")), ("Content-Type", "application/json")], &body);
    let form = raw_tls(&s, &pin, &[("Host", &at), ("Content-Type", "text/plain")], &body);
    for a in [&rebound, &foreign, &plain_origin, &form] {
        assert_eq!(a.status, 403, "{}", a.body);
        assert!(a.json()["error"]["message"].as_str().unwrap().starts_with("拒绝访问"));
    }
    assert_eq!(fingerprint(&c), before, "no desk was recorded");
    // Its own page may.
    let own = raw_tls(&s, &pin, &[("Host", &at), ("Origin", &format!("https://{at}")), ("Content-Type", "application/json")], &body);
    assert_eq!(own.status, 200, "{}", own.body);
    // Plain HTTP on the network port gets nothing.
    let mut plain = TcpStream::connect(lan(&s)).unwrap();
    plain.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    let answer = exchange(&mut plain, "POST", "/api", &[("Host", &at), ("Content-Type", "application/json")], &body);
    assert_ne!(answer.status, 200);
}

#[test]
fn a_desk_hears_changes_until_it_is_revoked() {
    use std::io::BufRead;
    let c = Clinic::new();
    let (s, owner, reception) = host(&c);
    let pin = hosts_fingerprint(&s, &owner);
    let (desk, id) = asked(&s, &pin, "前台 B");
    ok(api(&s, "desks.approve", Some(&owner), json!({"id": id})));
    let token = sign_in(&desk, reception, "2468");
    let events = desk.events(&token).unwrap();
    let (lines, heard) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(events).lines() {
            let Ok(line) = line else { break };
            if lines.send(Some(line)).is_err() {
                return;
            }
        }
        let _ = lines.send(None);
    });
    ok(api(&s, "customers.create", Some(&owner), json!({"name": "孙丽", "phone": "13611112222"})));
    let change = loop {
        match heard.recv_timeout(std::time::Duration::from_secs(5)).unwrap() {
            Some(line) if line.starts_with("data:") => break line,
            Some(_) => continue,
            None => panic!("the stream ended"),
        }
    };
    assert!(change.contains("customers.create"), "{change}");
    ok(api(&s, "desks.revoke", Some(&owner), json!({"id": id})));
    let ended = loop {
        match heard.recv_timeout(std::time::Duration::from_secs(15)) {
            Ok(None) => break true,
            Ok(Some(_)) => continue,
            Err(_) => break false,
        }
    };
    assert!(ended, "a revoked desk's change stream ends");
}
