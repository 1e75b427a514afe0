//! Nothing lost: a process killed in the middle of a large import leaves the
//! database whole with all of the file or none of it; two imports at once
//! both land; a backup restores equal; a damaged file is refused untouched.

use std::process::Command;
use std::time::Duration;

use crate::util::Clinic;

const TODAY: &str = "2026-11-23";
const ROWS: usize = 30_000;

fn big_file(c: &Clinic, prefix: &str) -> std::path::PathBuf {
    let mut text = String::from("姓名,手机号,标签\n");
    for i in 0..ROWS {
        text.push_str(&format!("客户{i},{prefix}{i:08},怕疼\n"));
    }
    c.file(&format!("big-{prefix}.csv"), text.as_bytes())
}

fn integrity_and_count(c: &Clinic) -> (String, i64) {
    let conn = rusqlite::Connection::open(c.db()).unwrap();
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    let n: i64 = conn.query_row("SELECT count(*) FROM customers", [], |r| r.get(0)).unwrap();
    (check, n)
}

#[test]
fn killing_an_import_midway_leaves_all_or_nothing_and_a_whole_database() {
    let mut outcomes = Vec::new();
    for (round, wait_ms) in [150u64, 600, 1200, 2500, 4000].into_iter().enumerate() {
        let c = Clinic::new();
        c.run(TODAY, &["init"]).ok();
        let file = big_file(&c, "139");
        let mut child = Command::new(env!("CARGO_BIN_EXE_liuke"))
            .args(["--db", c.db().to_str().unwrap(), "--today", TODAY, "import", "customers", file.to_str().unwrap()])
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(wait_ms));
        let _ = child.kill(); // SIGKILL on Unix: no cleanup, no rollback by the process
        let _ = child.wait();
        let (check, n) = integrity_and_count(&c);
        assert_eq!(check, "ok", "round {round}");
        assert!(n == 0 || n == ROWS as i64, "round {round}: {n} customers is neither none nor all");
        outcomes.push(n);
    }
    assert!(outcomes.contains(&0), "at least one kill landed mid-import: {outcomes:?}");
}

#[test]
fn two_imports_at_once_both_land_whole() {
    let c = Clinic::new();
    c.run(TODAY, &["init"]).ok();
    let (a, b) = (big_file(&c, "137"), big_file(&c, "138"));
    let spawn = |f: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_liuke"))
            .args(["--db", c.db().to_str().unwrap(), "--today", TODAY, "import", "customers", f.to_str().unwrap()])
            .output()
            .unwrap()
    };
    let (ra, rb) = std::thread::scope(|s| {
        let ha = s.spawn(|| spawn(&a));
        let hb = s.spawn(|| spawn(&b));
        (ha.join().unwrap(), hb.join().unwrap())
    });
    assert!(ra.status.success(), "{}", String::from_utf8_lossy(&ra.stderr));
    assert!(rb.status.success(), "{}", String::from_utf8_lossy(&rb.stderr));
    assert_eq!(integrity_and_count(&c), ("ok".to_string(), 2 * ROWS as i64));
}

#[test]
fn backup_then_restore_brings_the_archive_back() {
    let c = Clinic::new();
    let f = c.file("c.csv", "姓名,手机号\n张小美,13800000001\n王芳,13800000002\n".as_bytes());
    c.import(TODAY, "customers", &f, &[]).ok();
    let backup = c.dir.path().join("manual.db");
    let r = c.run(TODAY, &["backup", "--out", backup.to_str().unwrap()]).ok();
    assert!(r.stdout.contains("客户 2 位"), "{}", r.stdout);
    let more = c.file("d.csv", "姓名,手机号\n李娜,13800000003\n".as_bytes());
    c.import(TODAY, "customers", &more, &[]).ok();
    assert_eq!(c.customers().as_array().unwrap().len(), 3);
    c.run(TODAY, &["restore", backup.to_str().unwrap()]).ok();
    let names: Vec<String> = c.customers().as_array().unwrap().iter().map(|x| x["name"].as_str().unwrap().to_string()).collect();
    assert_eq!(names, ["张小美", "王芳"]);
}

#[test]
fn a_damaged_database_is_refused_with_a_way_back() {
    let c = Clinic::new();
    let f = c.file("c.csv", "姓名,手机号\n张小美,13800000001\n".as_bytes());
    c.import(TODAY, "customers", &f, &[]).ok();
    let backup = c.dir.path().join("backups").join("clinic-2026-11-23.db");
    c.run(TODAY, &["backup", "--out", backup.to_str().unwrap()]).ok();
    std::fs::write(c.db(), "not a database at all".repeat(300)).unwrap();
    let _ = std::fs::remove_file(c.db().with_extension("db-wal"));
    let r = c.run(TODAY, &["customers"]).failed();
    assert!(r.stderr.contains("已损坏") && r.stderr.contains("clinic-2026-11-23.db"), "{}", r.stderr);
    c.run(TODAY, &["restore", backup.to_str().unwrap()]).ok();
    assert_eq!(c.customers()[0]["name"], "张小美");
}

#[test]
fn a_sealed_backup_restores_from_the_command_line_only_with_the_passphrase() {
    let c = Clinic::new();
    let f = c.file("c.csv", "姓名,手机号\n张小美,13800000001\n".as_bytes());
    c.import(TODAY, "customers", &f, &[]).ok();
    {
        let conn = liuke::store::open(&c.db()).unwrap();
        liuke::backup::set_passphrase(&conn, &c.db(), None, "周院长的口令2026").unwrap();
    }
    let out = c.run(TODAY, &["backup"]).ok();
    let sealed = out.stdout.split('：').nth(1).and_then(|rest| rest.split('（').next()).filter(|p| p.ends_with(".db.age")).map(str::to_string);
    let sealed = sealed.unwrap_or_else(|| panic!("{}", out.stdout));
    let other = Clinic::new();
    let wrong = other.run_env(&[("LIUKE_BACKUP_PASSPHRASE", "不对的口令0000")], &["restore", &sealed]).failed();
    assert!(wrong.stderr.contains("备份口令不对"), "{}", wrong.stderr);
    other.run_env(&[("LIUKE_BACKUP_PASSPHRASE", "周院长的口令2026")], &["restore", &sealed]).ok();
    assert_eq!(other.customers()[0]["name"], "张小美");
}
