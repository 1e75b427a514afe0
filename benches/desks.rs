//! 多台电脑共用 under load, on a copy of the large clinic: a host serving
//! HTTPS on 127.0.0.2; the owner's desk running the 13-month report over and
//! over; three desks registering arrivals, opening files and reading the
//! call list; a consultant's board listening for changes; and reception
//! searching. Measured from the desks' side, through TLS, as staff feel it:
//! reception's search latency, and the time from a desk sending an arrival
//! to the consultant's board having shown it (notice received, board read).
//!
//! Run: `cargo bench --bench figures -- desks`

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use liuke::commands::App;
use liuke::lan::link::Link;
use liuke::staff::{Role, StaffDraft};
use serde_json::{json, Value};

const PIN: &str = "1357";
const SEARCHES: usize = 400;

fn percentile(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() as f64 * p).ceil() as usize).clamp(1, v.len()) - 1]
}

/// A free port on 127.0.0.2.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.2:0").expect("port").local_addr().expect("addr").port()
}

struct Desk {
    link: Link,
    token: String,
}

impl Desk {
    fn call(&self, cmd: &str, args: Value, window: &str) -> Value {
        let v = self.link.call(&json!({"cmd": cmd, "args": args, "token": self.token, "window": window})).expect("host");
        assert_eq!(v["ok"], true, "{cmd}: {v}");
        v["data"].clone()
    }
}

pub fn figures(large: &Path) {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("clinic.db");
    eprintln!("copying the large clinic …");
    std::fs::copy(large, &db).expect("copy");
    let today = super::common::today();
    let clock = liuke::Clock::fixed(today);
    // Six staff with PINs and six approved desks, written before the host starts.
    let mut keys = Vec::new();
    let mut staff = Vec::new();
    {
        let conn = liuke::store::open(&db).expect("open");
        for (i, role) in [Role::Owner, Role::Reception, Role::Reception, Role::Consultant, Role::Doctor, Role::Consultant].into_iter().enumerate() {
            let s = liuke::staff::create(&conn, &clock, liuke::staff::SYSTEM_STAFF, &StaffDraft { name: format!("压测{i}"), role, active: true }).expect("staff");
            liuke::accounts::set_pin(&conn, s.id, PIN).expect("pin");
            let asked = liuke::lan::desks::ask(&conn, &clock, &format!("电脑{i}"), "127.0.0.1").expect("ask");
            liuke::lan::desks::approve(&conn, &clock, liuke::staff::SYSTEM_STAFF, asked.desk.id).expect("approve");
            keys.push(asked.key);
            staff.push(s.id.0);
        }
    }
    let port = free_port();
    let app = App::open(&db, Some(today)).expect("app");
    let network = liuke::serve::Network { forced: true, port: Some(port), bind: Some("127.0.0.2".parse().expect("ip")) };
    std::thread::spawn(move || liuke::serve::run(app, 0, network, |_| {}));
    let address = format!("127.0.0.2:{port}");
    let fingerprint = loop {
        if let Ok(f) = liuke::lan::link::peek(&address) {
            break f;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let desk = |i: usize| {
        let link = Link::new(&address, &fingerprint, Some(&keys[i])).expect("link");
        let signed = link.call(&json!({"cmd": "session.sign_in", "args": {"staff_id": staff[i], "pin": PIN}})).expect("sign in");
        Desk { link, token: signed["data"]["token"].as_str().expect("token").to_string() }
    };
    let stop = Arc::new(AtomicBool::new(false));
    let sent: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let max_id: i64 = liuke::store::open(&db).expect("open").query_row("SELECT max(id) FROM customers", [], |r| r.get(0)).expect("max");

    // The owner: the 13-month report, again and again.
    let owner = desk(0);
    let reports = Arc::new(Mutex::new(Vec::new()));
    let owner_run = {
        let (stop, reports) = (stop.clone(), reports.clone());
        std::thread::spawn(move || {
            // LIUKE_BENCH_NO_REPORT=1: the same run without the owner's report, for comparison.
            while !stop.load(Ordering::Relaxed) && std::env::var_os("LIUKE_BENCH_NO_REPORT").is_none() {
                let t = Instant::now();
                owner.call("report.monthly", json!({}), "owner");
                reports.lock().expect("lock").push(t.elapsed().as_secs_f64() * 1000.0);
            }
        })
    };
    // Three busy desks: an arrival, a file, the call list.
    let busy: Vec<_> = [2usize, 4, 5]
        .into_iter()
        .map(|i| {
            let (d, stop, sent) = (desk(i), stop.clone(), sent.clone());
            std::thread::spawn(move || {
                let mut rng = fastrand::Rng::with_seed(i as u64);
                let mut k = 0;
                while !stop.load(Ordering::Relaxed) {
                    let customer = rng.i64(1..=max_id);
                    let window = format!("w{i}-{k}");
                    sent.lock().expect("lock").insert(window.clone(), Instant::now());
                    // A customer already on today's board is refused; that is a write refused, not a fault.
                    let _ = d.link.call(&json!({"cmd": "desk.register", "args": {"customer_id": customer, "kind": "复诊"}, "token": d.token, "window": window}));
                    d.call("customers.get", json!({"id": customer}), "x");
                    d.call("callbacks.checklist", json!({}), "x");
                    k += 1;
                    std::thread::sleep(Duration::from_millis(150));
                }
            })
        })
        .collect();
    // The consultant's board: hears the notice, then reads the board, as the page does.
    let board = desk(3);
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let board_run = {
        let (stop, sent, latencies) = (stop.clone(), sent.clone(), latencies.clone());
        let agent_link = Link::new(&address, &fingerprint, Some(&keys[3])).expect("link");
        let events = agent_link.events(&board.token).expect("events");
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(events).lines() {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(line) = line else { break };
                let Some(data) = line.strip_prefix("data:") else { continue };
                let Ok(notice) = serde_json::from_str::<Value>(data.trim()) else { continue };
                let Some(from) = notice["from"].as_str() else { continue };
                let Some(at) = sent.lock().expect("lock").remove(from) else { continue };
                board.call("desk.board", json!({}), "board");
                latencies.lock().expect("lock").push(at.elapsed().as_secs_f64() * 1000.0);
            }
        })
    };
    // Reception searches while all that goes on.
    std::thread::sleep(Duration::from_secs(3));
    let reception = desk(1);
    let mut rng = fastrand::Rng::with_seed(7);
    let mut searches = Vec::new();
    for i in 0..SEARCHES {
        let q = match i % 3 {
            0 => format!("{:04}", rng.u32(0..10000)),
            1 => ["zxm", "lj", "wf", "cy", "lyt"][rng.usize(0..5)].to_string(),
            _ => format!("13{:03}", rng.u32(0..1000)),
        };
        let t = Instant::now();
        reception.call("customers.search", json!({"q": q}), "reception");
        searches.push(t.elapsed().as_secs_f64() * 1000.0);
        std::thread::sleep(Duration::from_millis(25));
    }
    stop.store(true, Ordering::Relaxed);
    for b in busy {
        b.join().expect("desk");
    }
    owner_run.join().expect("owner");
    // A last arrival wakes the board's reader so it sees the stop.
    drop(board_run);
    let reports = reports.lock().expect("lock").clone();
    let latencies = latencies.lock().expect("lock").clone();
    println!("\n多台电脑共用 (HTTPS on 127.0.0.2, 200,000-customer clinic, 6 desks):");
    println!("| figure | n | p50 | p99 | target |");
    println!("|---|---|---|---|---|");
    println!("| reception's search, while the owner runs the 13-month report | {} | {:.1} ms | {:.1} ms | p99 < 50 ms |", searches.len(), percentile(searches.clone(), 0.5), percentile(searches, 0.99));
    if !latencies.is_empty() {
        println!("| an arrival on one desk shown on the consultant's board (notice + board read) | {} | {:.0} ms | {:.0} ms | p99 < 2 s |", latencies.len(), percentile(latencies.clone(), 0.5), percentile(latencies, 0.99));
    }
    if !reports.is_empty() {
        println!("| the owner's 13-month report meanwhile | {} | {:.0} ms | {:.0} ms | (< 5 s alone) |", reports.len(), percentile(reports.clone(), 0.5), percentile(reports, 0.99));
    }
}
