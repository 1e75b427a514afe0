//! Five desks × 500 mixed operations against one host over HTTPS, with the
//! host killed (SIGKILL) in the middle and started again: every acknowledged
//! write is in the database, nothing is there twice or half, and the file
//! passes SQLite's integrity check.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use liuke::lan::link::{Link, NOT_SENT};
use serde_json::{json, Value};

use super::probe::{api, ok, serve_with, staffed};
use crate::util::Clinic;

const DESKS: usize = 5;
const OPS: usize = 500;

/// What one desk saw acknowledged, and what it sent without hearing back.
#[derive(Default, Debug)]
struct Tally {
    phones: Vec<String>,
    orders_fen: i64,
    orders: i64,
    arrivals: i64,
    memos: i64,
    /// Writes whose answer was lost with the host: each may or may not have landed.
    unknown_fen: i64,
    unknown: [i64; 4],
}

fn answer(link: &Link, token: &str, cmd: &str, args: Value) -> Result<Value, String> {
    match link.call(&json!({"cmd": cmd, "args": args, "token": token})) {
        Ok(v) if v["ok"] == true => Ok(v["data"].clone()),
        Ok(v) => Err(format!("{}: {}", v["error"]["code"].as_str().unwrap_or(""), v["error"]["message"].as_str().unwrap_or(""))),
        Err(e) => Err(format!("offline: {e}")),
    }
}

fn desk_run(link: Link, staff: i64, desk: usize, item: i64, stop: Arc<AtomicBool>) -> Tally {
    // Until the host is back; a refusal that lasts is a failure, not a hang.
    let sign_in = || {
        let since = std::time::Instant::now();
        loop {
            let said = match link.call(&json!({"cmd": "session.sign_in", "args": {"staff_id": staff, "pin": "1357"}})) {
                Ok(v) if v["ok"] == true => return v["data"]["token"].as_str().unwrap().to_string(),
                Ok(v) => v.to_string(),
                Err(e) => e.to_string(),
            };
            assert!(since.elapsed() < Duration::from_secs(60) && !stop.load(Ordering::Relaxed), "desk {desk} cannot sign in again: {said}");
            std::thread::sleep(Duration::from_millis(200));
        }
    };
    let mut token = sign_in();
    let mut t = Tally::default();
    let mut customer = 0i64;
    let mut k = 0;
    while k < OPS && !stop.load(Ordering::Relaxed) {
        let phone = format!("13{desk}{k:08}");
        let (cmd, args, kind) = match k % 5 {
            0 => ("customers.create", json!({"name": format!("客{desk}-{k}"), "phone": phone}), Some(0)),
            1 => ("customers.search", json!({"q": format!("13{desk}")}), None),
            2 => ("orders.create", json!({"customer_id": customer, "lines": [{"item_id": item, "sessions": 1, "price": "123.45"}], "payment": {"amount": "123.45", "method": "微信"}}), Some(1)),
            3 => ("desk.register", json!({"customer_id": customer, "kind": "复诊"}), Some(2)),
            _ => ("memory.add", json!({"customer_id": customer, "text": format!("第 {k} 次")}), Some(3)),
        };
        match answer(&link, &token, cmd, args) {
            Ok(v) => {
                match k % 5 {
                    0 => {
                        customer = v["customer"]["id"].as_i64().unwrap();
                        t.phones.push(phone);
                    }
                    2 => {
                        t.orders += 1;
                        t.orders_fen += 12345;
                    }
                    3 => t.arrivals += 1,
                    4 => t.memos += 1,
                    _ => {}
                }
                k += 1;
            }
            // Never sent, or the host restarted and forgot the session: try again.
            Err(e) if e.contains(NOT_SENT) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) if e.starts_with("unauthorized") => token = sign_in(),
            Err(e) if e.starts_with("offline") => {
                // Sent, answer lost: it may have landed. Go on with the next one.
                if let Some(kind) = kind {
                    t.unknown[kind] += 1;
                    if kind == 1 {
                        t.unknown_fen += 12345;
                    }
                }
                if k % 5 == 0 {
                    // The customer may not exist: start the next cycle afresh.
                    k += 5;
                } else {
                    k += 1;
                }
            }
            Err(e) => panic!("desk {desk}, op {k} ({cmd}): {e}"),
        }
    }
    t
}

fn count(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn five_desks_at_once_with_the_host_killed_midway_lose_nothing_acknowledged() {
    let c = Clinic::new();
    let first = serve_with(&c, &["--lan", "--lan-port", "0", "--lan-bind", "127.0.0.2"]);
    let (owner, _, _) = staffed(&first);
    let lan = first.lan.clone().unwrap();
    let port = lan.rsplit_once(':').unwrap().1.to_string();
    let pin = ok(api(&first, "lan.status", Some(&owner), json!({})))["fingerprint"].as_str().unwrap().to_string();
    let item = ok(api(&first, "items.create", Some(&owner), json!({"name": "小气泡", "category": "皮肤管理", "list_price": "123.45"})))["id"].as_i64().unwrap();
    let mut desks = Vec::new();
    for d in 0..DESKS {
        let staff = ok(api(&first, "staff.create", Some(&owner), json!({"name": format!("前台{d}"), "role": "reception"})))["id"].as_i64().unwrap();
        ok(api(&first, "staff.set_pin", Some(&owner), json!({"id": staff, "pin": "1357"})));
        let asking = Link::new(&lan, &pin, None).unwrap();
        let asked = asking.call(&json!({"cmd": "desk.ask", "args": {"name": format!("电脑{d}")}})).unwrap();
        ok(api(&first, "desks.approve", Some(&owner), json!({"id": asked["data"]["desk"]["id"]})));
        desks.push((Link::new(&lan, &pin, asked["data"]["key"].as_str()).unwrap(), staff));
    }

    let stop = Arc::new(AtomicBool::new(false));
    let runs: Vec<_> = desks
        .into_iter()
        .enumerate()
        .map(|(d, (link, staff))| {
            let stop = stop.clone();
            std::thread::spawn(move || desk_run(link, staff, d + 1, item, stop))
        })
        .collect();
    // Let the desks get going, then pull the plug on the host and start it again.
    let db = c.db();
    let started = std::time::Instant::now();
    let at_kill = loop {
        std::thread::sleep(Duration::from_millis(100));
        let conn = rusqlite::Connection::open(&db).unwrap();
        let n = count(&conn, "SELECT count(*) FROM customers WHERE name LIKE '客%'");
        if n >= (DESKS * OPS / 5 / 3) as i64 || started.elapsed() > Duration::from_secs(120) {
            break n;
        }
    };
    drop(first); // SIGKILL
    assert!(at_kill < (DESKS * OPS / 5) as i64 * 2 / 3, "the host was killed while the desks were busy ({at_kill})");
    std::thread::sleep(Duration::from_millis(500));
    let second = serve_with(&c, &["--lan", "--lan-port", &port, "--lan-bind", "127.0.0.2"]);
    let watchdog = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(400));
            stop.store(true, Ordering::Relaxed);
        })
    };
    let tallies: Vec<Tally> = runs.into_iter().map(|r| r.join().unwrap()).collect();
    eprintln!("killed at {at_kill} customers; answers lost with the host: {:?}", tallies.iter().map(|t| t.unknown).collect::<Vec<_>>());
    assert!(!stop.load(Ordering::Relaxed), "the desks finished in time");
    drop(watchdog);
    drop(second);

    let conn = rusqlite::Connection::open(&db).unwrap();
    assert_eq!(conn.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0)).unwrap(), "ok");
    let unknown = |i: usize| tallies.iter().map(|t| t.unknown[i]).sum::<i64>();
    let acked_customers: i64 = tallies.iter().map(|t| t.phones.len() as i64).sum();
    let customers = count(&conn, "SELECT count(*) FROM customers WHERE name LIKE '客%'");
    assert!((acked_customers..=acked_customers + unknown(0)).contains(&customers), "{customers} vs {acked_customers} + {}", unknown(0));
    for t in &tallies {
        for phone in &t.phones {
            assert_eq!(count(&conn, &format!("SELECT count(*) FROM customers WHERE phone = '{phone}'")), 1, "{phone} acknowledged");
        }
    }
    let check = |what: &str, sql: &str, acked: i64, maybe: i64| {
        let n = count(&conn, sql);
        assert!((acked..=acked + maybe).contains(&n), "{what}: {n} stored, {acked} acknowledged, {maybe} unknown");
    };
    check("orders", "SELECT count(*) FROM orders", tallies.iter().map(|t| t.orders).sum(), unknown(1));
    check("payments", "SELECT count(*) FROM payments", tallies.iter().map(|t| t.orders).sum(), unknown(1));
    check("money", "SELECT coalesce(sum(amount_fen), 0) FROM payments", tallies.iter().map(|t| t.orders_fen).sum(), tallies.iter().map(|t| t.unknown_fen).sum());
    check("arrivals", "SELECT count(*) FROM arrivals", tallies.iter().map(|t| t.arrivals).sum(), unknown(2));
    check("memory points", "SELECT count(*) FROM memory_points", tallies.iter().map(|t| t.memos).sum(), unknown(3));
    // Every order is whole: one line and one payment each, nothing half-written.
    assert_eq!(count(&conn, "SELECT count(*) FROM orders o WHERE (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) != 1"), 0);
    assert_eq!(count(&conn, "SELECT count(*) FROM orders o WHERE (SELECT count(*) FROM payments p WHERE p.order_id = o.id) != 1"), 0);
    let total: i64 = tallies.iter().map(|t| t.phones.len() as i64).sum::<i64>() + tallies.iter().map(|t| t.orders + t.arrivals + t.memos).sum::<i64>();
    assert!(total >= (DESKS * OPS * 4 / 5) as i64 - 20, "most writes acknowledged: {total}");
}
