//! The attacks of a web page in the clinic's browser, a curious colleague and
//! a hand-written request, each sent to a real `liuke serve` on loopback. Each
//! probe asserts the refusal, that no table changed, and the audit line where
//! one is due.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use crate::util::Clinic;

const TODAY: &str = "2026-11-23";

pub(super) struct Server {
    child: Child,
    /// `127.0.0.1:port`
    pub addr: String,
    /// The network listener's `127.0.0.2:port`, when started with `--lan`.
    pub lan: Option<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(c: &Clinic) -> Server {
    serve_with(c, &[])
}

/// `liuke serve` on the clinic's file with `extra` arguments; with
/// `--lan`, waits for the network listener too.
pub(super) fn serve_with(c: &Clinic, extra: &[&str]) -> Server {
    c.run(TODAY, &["init"]).ok();
    let mut child = Command::new(env!("CARGO_BIN_EXE_liuke"))
        .arg("--db")
        .arg(c.db())
        .args(["--today", TODAY, "serve", "--port", "0"])
        .args(extra)
        .env_remove("LIUKE_TODAY")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let addr = line.split("http://").nth(1).unwrap().trim().trim_end_matches('/').to_string();
    let lan = extra.contains(&"--lan").then(|| {
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        line.split("https://").nth(1).unwrap_or_else(|| panic!("{line}")).trim().trim_end_matches('/').to_string()
    });
    // Later lines (a listener restarted) must not block the server on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    Server { child, addr, lan }
}

pub(super) struct Answer {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

/// One raw HTTP/1.1 request, as anything on the machine could send it.
fn raw(s: &Server, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
    let mut stream = TcpStream::connect(&s.addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    exchange(&mut stream, method, path, headers, body)
}

/// Writes one request on `stream` and reads the whole answer.
pub(super) fn exchange(stream: &mut (impl Read + Write), method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
    let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-length")) {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    stream.write_all(req.as_bytes()).unwrap();
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    Answer { status, head: head.to_string(), body: body.to_string() }
}

/// A request as the UI itself sends it.
pub(super) fn api(s: &Server, cmd: &str, token: Option<&str>, args: Value) -> Answer {
    let body = json!({"cmd": cmd, "args": args, "token": token}).to_string();
    raw(s, "POST", "/api", &[("Host", &s.addr), ("Content-Type", "application/json")], &body)
}

pub(super) fn ok(a: Answer) -> Value {
    let v = a.json();
    assert_eq!(v["ok"], true, "{}", a.body);
    v["data"].clone()
}

/// Every row of every table, to show that nothing changed.
pub(super) fn fingerprint(c: &Clinic) -> String {
    let conn = rusqlite::Connection::open(c.db()).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = String::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            out.push_str(&t);
            for i in 0..n {
                out.push_str(&format!("|{:?}", r.get_ref(i).unwrap()));
            }
            out.push('\n');
        }
    }
    out
}

/// An owner, a receptionist with a PIN and a customer-service login, and
/// three customers; returns (owner token, service token).
pub(super) fn staffed(s: &Server) -> (String, String, i64) {
    let owner = ok(api(s, "staff.create", None, json!({"name": "周院长", "role": "owner"})))["id"].as_i64().unwrap();
    let owner_token = ok(api(s, "session.sign_in", None, json!({"staff_id": owner})))["token"].as_str().unwrap().to_string();
    let reception = ok(api(s, "staff.create", Some(&owner_token), json!({"name": "小王", "role": "reception"})))["id"].as_i64().unwrap();
    ok(api(s, "staff.set_pin", Some(&owner_token), json!({"id": reception, "pin": "2468"})));
    let service = ok(api(s, "staff.create", Some(&owner_token), json!({"name": "小李", "role": "service"})))["id"].as_i64().unwrap();
    let service_token = ok(api(s, "session.sign_in", None, json!({"staff_id": service})))["token"].as_str().unwrap().to_string();
    for (name, phone) in [("张小美", "13812345678"), ("李娜", "13900001111"), ("王芳", "15011112222")] {
        ok(api(s, "customers.create", Some(&owner_token), json!({"name": name, "phone": phone, "notes": format!("紧急联系人 {phone}")})));
    }
    (owner_token, service_token, reception)
}

fn refused_403(a: &Answer) {
    assert_eq!(a.status, 403, "{}", a.body);
    let message = a.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(message.starts_with("拒绝访问"), "{message}");
}

#[test]
fn a_cross_site_form_cannot_lock_an_account_or_create_the_first_owner() {
    let c = Clinic::new();
    let s = serve(&c);
    let before = fingerprint(&c);
    // A form on another site posts text/plain, the one body type it can send without asking.
    let body = json!({"cmd": "staff.create", "args": {"name": "黑客", "role": "owner"}}).to_string();
    refused_403(&raw(&s, "POST", "/api", &[("Host", &s.addr), ("Content-Type", "text/plain"), ("Origin", "http://evil.example")], &body));
    refused_403(&raw(&s, "POST", "/api", &[("Host", &s.addr), ("Content-Type", "text/plain")], &body));
    // fetch() from another origin with JSON: the browser sends its Origin.
    refused_403(&raw(&s, "POST", "/api", &[("Host", &s.addr), ("Content-Type", "application/json"), ("Origin", "http://evil.example")], &body));
    refused_403(&raw(&s, "POST", "/api", &[("Host", &s.addr), ("Content-Type", "application/json"), ("Origin", "null")], &body));
    assert_eq!(fingerprint(&c), before, "no first owner, nothing written");
    let (_, _, reception) = staffed(&s);
    let before = fingerprint(&c);
    for _ in 0..6 {
        let body = json!({"cmd": "session.sign_in", "args": {"staff_id": reception, "pin": "0000"}}).to_string();
        refused_403(&raw(&s, "POST", "/api", &[("Host", &s.addr), ("Content-Type", "text/plain;charset=UTF-8"), ("Origin", "http://evil.example")], &body));
    }
    assert_eq!(fingerprint(&c), before, "no failed count, no lock");
    ok(api(&s, "session.sign_in", None, json!({"staff_id": reception, "pin": "2468"})));
}

#[test]
fn a_rebound_hostname_is_refused_for_the_page_and_the_api() {
    let c = Clinic::new();
    let s = serve(&c);
    staffed(&s);
    let port = s.addr.rsplit(':').next().unwrap().to_string();
    let evil = format!("evil.example:{port}");
    let before = fingerprint(&c);
    refused_403(&raw(&s, "GET", "/", &[("Host", &evil)], ""));
    refused_403(&raw(&s, "GET", "/js/api.js", &[("Host", &evil)], ""));
    refused_403(&raw(&s, "POST", "/api", &[("Host", &evil), ("Content-Type", "application/json")], &json!({"cmd": "staff.list"}).to_string()));
    refused_403(&raw(&s, "GET", "/", &[], ""));
    assert_eq!(fingerprint(&c), before);
    let page = raw(&s, "GET", "/", &[("Host", &format!("localhost:{port}"))], "");
    assert_eq!(page.status, 200);
}

#[test]
fn every_answer_forbids_framing_and_sniffing_and_carries_a_content_security_policy() {
    let c = Clinic::new();
    let s = serve(&c);
    for a in [raw(&s, "GET", "/", &[("Host", &s.addr)], ""), api(&s, "staff.list", None, json!({})), raw(&s, "GET", "/", &[("Host", "evil.example")], "")] {
        assert_eq!(a.header("x-frame-options").as_deref(), Some("DENY"), "{}", a.head);
        assert_eq!(a.header("x-content-type-options").as_deref(), Some("nosniff"));
        let csp = a.header("content-security-policy").unwrap();
        assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    }
}

#[test]
fn before_sign_in_the_app_tells_neither_the_file_nor_its_counts() {
    let c = Clinic::new();
    let s = serve(&c);
    let (owner, _, _) = staffed(&s);
    let public = ok(api(&s, "app.info", None, json!({})));
    assert!(public.get("db_path").is_none() && public.get("customers").is_none(), "{public}");
    assert!(public["today"].is_string());
    let signed_in = ok(api(&s, "app.info", Some(&owner), json!({})));
    assert_eq!(signed_in["customers"], 3);
}

#[test]
fn customer_service_cannot_harvest_phones_by_searching_digits() {
    let c = Clinic::new();
    let s = serve(&c);
    let (_, service, _) = staffed(&s);
    let before = fingerprint(&c);
    let mut seen = String::new();
    for first in ["13", "15"] {
        for d in 0..10 {
            for q in [format!("{first}{d}"), format!("{first}{d}1"), format!("{first}{d}12345"), format!("{first}{d}0000")] {
                seen.push_str(&ok(api(&s, "customers.search", Some(&service), json!({"q": q}))).to_string());
            }
        }
    }
    for q in ["zxm", "李", "王芳", "5678", "13812345678"] {
        seen.push_str(&ok(api(&s, "customers.search", Some(&service), json!({"q": q}))).to_string());
    }
    for phone in ["13812345678", "13900001111", "15011112222"] {
        assert!(!seen.contains(phone), "{phone} leaked");
    }
    assert!(seen.contains("138****5678"));
    // Searching is only reading: the customer files it opens are audited, nothing else changes.
    assert_eq!(fingerprint(&c), before);
}

#[test]
fn a_colleague_with_a_lower_role_is_refused_and_nothing_changes() {
    let c = Clinic::new();
    let s = serve(&c);
    let (_, service, _) = staffed(&s);
    let before = fingerprint(&c);
    for (cmd, args) in [
        ("customers.update", json!({"id": 1, "name": "改名", "phone": "13812345678"})),
        ("orders.create", json!({"customer_id": 1, "lines": []})),
        ("staff.create", json!({"name": "内鬼", "role": "owner"})),
        ("staff.set_pin", json!({"id": 2, "pin": "1111"})),
        ("backup.restore", json!({"path": "/tmp/x.db"})),
        ("report.export", json!({"month": "2026-10"})),
        ("audit.list", json!({})),
        // The owner's call settings and the money held for sessions.
        ("prepaid.list", json!({})),
        ("prepaid.export", json!({"format": "csv"})),
        ("report.satisfaction", json!({"month": "2026-10"})),
        ("templates.save", json!({"key": "mid_autumn", "title": "中秋", "text": "{姓名}您好"})),
        ("plans.save", json!({"scope": "default", "steps": [], "move_open": true})),
        ("plans.preview", json!({"scope": "default", "steps": []})),
        ("plans.package_days", json!({"days": 30})),
        ("campaigns.create", json!({"name": "中秋", "date": "2026-12-01", "template": "mid_autumn"})),
        // The owner's analyses, the names behind them and what each channel cost.
        ("report.analysis", json!({"from": "2026-01", "to": "2026-10"})),
        ("report.analysis_who", json!({"table": "lost_new", "field": "customers"})),
        ("report.analysis_export", json!({"format": "csv"})),
        ("costs.list", json!({})),
        ("costs.save", json!({"entries": [{"month": "2026-10", "channel": "小红书", "amount": "8000"}]})),
        ("costs.import", json!({"content_base64": "5pyI5Lu9LOa4oOmBkyzph5Hpop0KMjAyNi0xMCzlsI/nuqLkuaYsMQo="})),
        // The lists behind the figures as files, calls for a list, the channel list.
        ("report.who_export", json!({"month": "2026-10", "who": "new"})),
        ("report.analysis_who_export", json!({"table": "lost_new", "field": "customers"})),
        ("campaigns.create", json!({"name": "名单", "date": "2026-11-23", "segment": {"customers": [1, 2, 3]}})),
        ("channels.save", json!({"channels": ["红书"]})),
    ] {
        let a = api(&s, cmd, Some(&service), args);
        assert_eq!(a.status, 400, "{cmd}: {}", a.body);
        assert_eq!(a.json()["error"]["code"], "forbidden", "{cmd}");
    }
    assert_eq!(fingerprint(&c), before);
}

#[test]
fn a_call_is_taken_back_only_by_whoever_recorded_it() {
    let c = Clinic::new();
    let s = serve(&c);
    let (owner, service, _) = staffed(&s);
    let item = ok(api(&s, "items.create", Some(&owner), json!({"name": "水光针", "category": "注射", "list_price": "980"})))["id"].as_i64().unwrap();
    let order = ok(api(&s, "orders.create", Some(&owner), json!({"customer_id": 1, "lines": [{"item_id": item, "sessions": 1, "price": "980"}]})))["order_id"].as_i64().unwrap();
    let file = ok(api(&s, "consumption.file", Some(&owner), json!({"customer_id": 1})));
    let line = file["packages"].as_array().unwrap().iter().find(|p| p["order_id"] == order).unwrap()["line_id"].as_i64().unwrap();
    ok(api(&s, "executions.add", Some(&owner), json!({"line_id": line, "count": 1, "performer": "刘医生"})));
    let calls = ok(api(&s, "callbacks.customer", Some(&owner), json!({"customer_id": 1})));
    let task = calls["tasks"][0]["id"].as_i64().unwrap();
    ok(api(&s, "callbacks.complete", Some(&owner), json!({"id": task, "outcome": "reached"})));
    let before = fingerprint(&c);
    let a = api(&s, "callbacks.undo", Some(&service), json!({"id": task}));
    assert_eq!(a.json()["error"]["code"], "forbidden", "{}", a.body);
    assert!(a.json()["error"]["message"].as_str().unwrap().contains("只能撤销自己登记的"));
    assert_eq!(fingerprint(&c), before, "nothing taken back");
    let back = ok(api(&s, "callbacks.undo", Some(&owner), json!({"id": task})));
    assert_eq!(back["status"], "open");
    let audit = ok(api(&s, "audit.list", Some(&owner), json!({"action": "撤销回访结果"})));
    assert_eq!(audit.as_array().unwrap().len(), 1);
}

#[test]
fn money_as_a_huge_json_number_is_refused_and_nothing_is_recorded() {
    let c = Clinic::new();
    let s = serve(&c);
    let (owner, _, _) = staffed(&s);
    let item = ok(api(&s, "items.create", Some(&owner), json!({"name": "水光针", "category": "注射", "list_price": "980"})))["id"].as_i64().unwrap();
    let before = fingerprint(&c);
    for amount in [json!(184467440737095517_i64), json!(9223372036854775807_i64), json!(1e30), json!(12.5), json!("184467440737095517")] {
        let a = api(&s, "orders.create", Some(&owner), json!({"customer_id": 1, "lines": [{"item_id": item, "sessions": 1, "price": amount}], "payment": {"amount": amount, "method": "微信"}}));
        assert_eq!(a.json()["ok"], false, "{amount}: {}", a.body);
        let message = a.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(message.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) && !message.contains("invalid"), "{message}");
    }
    assert_eq!(fingerprint(&c), before);
    let a = api(&s, "orders.create", Some(&owner), json!({"customer_id": 1, "lines": [{"item_id": item, "sessions": 1, "price": 980}], "payment": {"amount": 980, "method": "微信"}}));
    ok(a);
    let file = ok(api(&s, "consumption.file", Some(&owner), json!({"customer_id": 1})));
    assert_eq!(file["facts"]["spend_total"], "980.00", "{file}");
}

#[test]
fn a_name_that_is_a_formula_leaves_the_export_as_text() {
    let c = Clinic::new();
    let s = serve(&c);
    let (owner, _, _) = staffed(&s);
    ok(api(&s, "customers.create", Some(&owner), json!({"name": "=HYPERLINK(\"http://evil.example\",\"点我\")", "phone": "13700000001"})));
    let csv = ok(api(&s, "tiers.export", Some(&owner), json!({})))["csv"].as_str().unwrap().to_string();
    let row = csv.lines().find(|l| l.contains("13700000001")).unwrap();
    let name = row.split(',').nth(1).unwrap();
    assert!(name.starts_with("\"'=") || name.starts_with("'="), "{row}");
    let audit = ok(api(&s, "audit.list", Some(&owner), json!({"action": "导出分层名单"})));
    assert_eq!(audit.as_array().unwrap().len(), 1, "the export is audited");
}

#[test]
fn bad_bodies_are_answered_in_chinese() {
    let c = Clinic::new();
    let s = serve(&c);
    let broken = raw(&s, "POST", "/api", &[("Host", &s.addr), ("Content-Type", "application/json")], "{\"cmd\": ");
    assert_eq!(broken.status, 400);
    let m = broken.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(m.starts_with("请求格式不正确") && !m.contains("EOF"), "{m}");
    // A body announced larger than the limit is refused before it is read.
    let huge = raw(&s, "POST", "/api", &[("Host", &s.addr), ("Content-Type", "application/json"), ("Content-Length", "300000000")], "");
    assert_eq!(huge.status, 413, "{}", huge.head);
    assert!(huge.json()["error"]["message"].as_str().unwrap().contains("太大"), "{}", huge.body);
    let unknown = api(&s, "customers.delete_all", None, json!({}));
    assert!(unknown.json()["error"]["message"].as_str().unwrap().contains("未知的操作"));
}

#[test]
fn a_wrong_pin_from_the_ui_is_audited_for_the_owner() {
    let c = Clinic::new();
    let s = serve(&c);
    let (owner, _, reception) = staffed(&s);
    let a = api(&s, "session.sign_in", None, json!({"staff_id": reception, "pin": "1111"}));
    assert_eq!(a.json()["ok"], false);
    let failures = ok(api(&s, "audit.list", Some(&owner), json!({"action": "登录失败"})));
    assert_eq!(failures.as_array().unwrap().len(), 1, "{failures}");
    assert!(failures[0]["detail"].as_str().unwrap().starts_with("小王"), "{failures}");
}

#[test]
fn even_the_owners_page_cannot_write_a_backup_elsewhere_or_seed_demo_data() {
    let c = Clinic::new();
    let s = serve(&c);
    let (owner, _, _) = staffed(&s);
    let before = fingerprint(&c);
    let elsewhere = c.dir.path().join("elsewhere.db");
    let a = api(&s, "backup.now", Some(&owner), json!({"out": elsewhere.to_str().unwrap()}));
    assert_eq!(a.json()["error"]["code"], "forbidden", "{}", a.body);
    assert!(!elsewhere.exists());
    let a = api(&s, "demo.seed", Some(&owner), json!({"customers": 10, "seed": 1}));
    assert_eq!(a.json()["error"]["code"], "forbidden", "{}", a.body);
    assert_eq!(fingerprint(&c), before);
}
