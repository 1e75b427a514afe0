use super::*;
use crate::items::Category;
use crate::testing::{ymd, Clinic};

fn clinic_file(dir: &Path) -> (PathBuf, Clinic) {
    let path = dir.join("clinic.db");
    let mut c = Clinic::on(ymd(2026, 11, 23));
    c.conn = crate::store::open(&path).unwrap();
    let a = c.customer("张小美", "13800000001");
    let item = c.item("水光针", Category::Injection);
    c.treat(a, ymd(2026, 11, 20), item, "980.50");
    c.arrive(a, ymd(2026, 11, 23));
    (path, c)
}

/// Every row of every table, as text, for comparing two databases.
fn dump(path: &Path) -> Vec<String> {
    let conn = Connection::open(path).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let mut out = Vec::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| Ok((0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>().join("|")))
            .unwrap()
            .map(|r| r.unwrap());
        out.extend(rows.map(|row| format!("{t}: {row}")));
    }
    out
}

#[test]
fn a_backup_restores_equal_row_for_row() {
    let dir = tempfile::tempdir().unwrap();
    let (path, c) = clinic_file(dir.path());
    let copy = dir.path().join("copy.db");
    let b = write(&c.conn, &copy).unwrap();
    assert_eq!(b.customers, 1);
    drop(c);
    let before = dump(&path);
    assert!(before.len() > 10, "a real history: {}", before.len());
    let restored = dir.path().join("restored.db");
    restore(&restored, &copy, &Clock::fixed(ymd(2026, 11, 23))).unwrap();
    assert_eq!(dump(&restored), before);
}

#[test]
fn rotation_keeps_7_daily_4_weekly_and_12_monthly() {
    let today = ymd(2026, 11, 23);
    let all: Vec<NaiveDate> = (0..400).map(|n| today - chrono::Days::new(n)).collect();
    let kept = keep(all);
    for n in 0..7 {
        assert!(kept.contains(&(today - chrono::Days::new(n))), "day {n}");
    }
    assert!(!kept.contains(&ymd(2026, 11, 16)), "day 7 is neither the newest of its week nor of its month");
    // 2026-11-23 is a Monday: the newest of the previous three ISO weeks are their Sundays.
    for sunday in [ymd(2026, 11, 22), ymd(2026, 11, 15), ymd(2026, 11, 8)] {
        assert!(kept.contains(&sunday), "{sunday}");
    }
    // The newest of each of 12 months: month ends back to 2025-12-31.
    for month_end in [ymd(2026, 10, 31), ymd(2026, 2, 28), ymd(2025, 12, 31)] {
        assert!(kept.contains(&month_end), "{month_end}");
    }
    assert!(!kept.contains(&ymd(2025, 11, 30)), "a 13th month is let go");
    // 7 days (11-17…11-23, which include this week's and last week's newest),
    // 2 more weeks (11-15, 11-08), 11 more month ends (2025-12 … 2026-10).
    assert_eq!(kept.len(), 7 + 2 + 11);
}

#[test]
fn the_daily_backup_is_written_once_verified_and_rotated() {
    let dir = tempfile::tempdir().unwrap();
    let (path, c) = clinic_file(dir.path());
    let backups = dir_of(&path);
    std::fs::create_dir_all(&backups).unwrap();
    std::fs::write(backups.join("clinic-2020-01-01.db"), b"old").unwrap();
    let clock = Clock::fixed(ymd(2026, 11, 23));
    let first = daily(&c.conn, &path, &clock).unwrap().expect("written");
    assert_eq!(first.path, backups.join("clinic-2026-11-23.db"));
    assert!(daily(&c.conn, &path, &clock).unwrap().is_none(), "once a day");
    let names: Vec<String> = list(&backups).unwrap().into_iter().map(|b| b.path.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["clinic-2026-11-23.db", "clinic-2020-01-01.db"], "one day back is still kept (newest of its month)");
}

#[test]
fn a_damaged_database_is_refused_untouched_and_names_the_newest_good_backup() {
    let dir = tempfile::tempdir().unwrap();
    let (path, c) = clinic_file(dir.path());
    daily(&c.conn, &path, &Clock::fixed(ymd(2026, 11, 22))).unwrap();
    c.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    drop(c);
    // Overwrite bytes in the middle of the file, past the header.
    let mut bytes = std::fs::read(&path).unwrap();
    let len = bytes.len();
    for b in &mut bytes[4096..len.min(4096 * 4)] {
        *b = 0x5a;
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = crate::commands::App::open(&path, Some(ymd(2026, 11, 23))).err().expect("refused");
    assert_eq!(err.code(), "damaged");
    assert!(err.to_string().contains("clinic-2026-11-22.db"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "the damaged file is left as it was");
    // Restoring brings the history back and keeps the damaged file beside it.
    restore(&path, &dir_of(&path).join("clinic-2026-11-22.db"), &Clock::fixed(ymd(2026, 11, 23))).unwrap();
    let app = crate::commands::App::open(&path, Some(ymd(2026, 11, 23)));
    assert!(app.is_ok());
    assert!(std::fs::read_dir(dir.path()).unwrap().flatten().any(|e| e.file_name().to_string_lossy().contains("before-restore")));
}

#[test]
fn a_file_that_is_not_a_database_is_not_replaced_by_an_empty_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.db");
    std::fs::write(&path, "这不是数据库".repeat(500)).unwrap();
    let err = crate::commands::App::open(&path, None).err().expect("refused");
    assert_eq!(err.code(), "damaged");
    assert!(err.to_string().contains("没有找到可用的备份"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "这不是数据库".repeat(500));
}

#[test]
fn a_backup_that_fails_its_check_is_refused_for_restore() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _c) = clinic_file(dir.path());
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"SQLite format 3\0 but not really").unwrap();
    assert!(restore(&path, &junk, &Clock::fixed(ymd(2026, 11, 23))).is_err());
    assert!(crate::commands::App::open(&path, None).is_ok(), "the clinic's file is untouched");
}

#[test]
fn two_databases_in_one_folder_keep_their_backups_apart() {
    let dir = tempfile::tempdir().unwrap();
    let (a_path, a) = clinic_file(dir.path());
    let b_path = dir.path().join("branch.db");
    let b = crate::store::open(&b_path).unwrap();
    let backups = dir_of(&a_path);
    for day in 1..=20 {
        let clock = Clock::fixed(ymd(2026, 10, day));
        daily(&a.conn, &a_path, &clock).unwrap();
        daily(&b, &b_path, &clock).unwrap();
    }
    let names: Vec<String> = list(&backups).unwrap().into_iter().map(|x| x.path.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert!(names.contains(&"clinic-2026-10-20.db".to_string()) && names.contains(&"branch-2026-10-20.db".to_string()), "{names:?}");
    let of = |stem: &str| names.iter().filter(|n| n.starts_with(&format!("{stem}-"))).count();
    // Each rotated on its own: the 7 days 10-14…10-20, and the newest of the
    // ISO weeks starting 10-05 and 09-28 (10-11, 10-04); October's newest is 10-20.
    assert_eq!((of("clinic"), of("branch")), (9, 9), "{names:?}");
    assert_eq!(verify(&backups.join("clinic-2026-10-20.db")).unwrap().customers, 1);
    assert_eq!(verify(&backups.join("branch-2026-10-20.db")).unwrap().customers, 0);
    assert_eq!(newest_good(&b_path).unwrap().path, backups.join("branch-2026-10-20.db"));
}

#[test]
fn a_backup_leaves_nothing_but_itself_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let (path, c) = clinic_file(dir.path());
    daily(&c.conn, &path, &Clock::fixed(ymd(2026, 11, 23))).unwrap();
    let files: Vec<String> = std::fs::read_dir(dir_of(&path)).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(files, ["clinic-2026-11-23.db"]);
}

#[cfg(unix)]
#[test]
fn the_database_and_its_backups_are_the_owners_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data").join("clinic.db");
    let mut c = Clinic::on(ymd(2026, 11, 23));
    c.conn = crate::store::open(&path).unwrap();
    c.customer("张小美", "13800000001");
    let b = daily(&c.conn, &path, &Clock::fixed(ymd(2026, 11, 23))).unwrap().unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    assert_eq!(mode(&dir_of(&path)), 0o700);
    assert_eq!(mode(&b.path), 0o600);
    let wal = path.with_extension("db-wal");
    if wal.exists() {
        assert_eq!(mode(&wal), 0o600);
    }
}

#[test]
fn a_backup_named_the_old_way_still_brings_a_database_back() {
    let dir = tempfile::tempdir().unwrap();
    let (path, c) = clinic_file(dir.path());
    write(&c.conn, &dir_of(&path).join("liuke-2026-11-20.db")).unwrap();
    assert_eq!(newest_good(&path).unwrap().path, dir_of(&path).join("liuke-2026-11-20.db"), "the only one there");
    daily(&c.conn, &path, &Clock::fixed(ymd(2026, 11, 19))).unwrap();
    assert_eq!(newest_good(&path).unwrap().path, dir_of(&path).join("clinic-2026-11-19.db"), "its own name first");
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn with_a_passphrase_every_backup_and_its_mirror_copy_reveal_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let usb = dir.path().join("usb");
    let (path, c) = clinic_file(dir.path());
    crate::store::settings::set(&c.conn, "backup_mirror", usb.to_str().unwrap()).unwrap();
    sealed::set_passphrase(&c.conn, None, "周院长的口令2026").unwrap();
    let b = daily(&c.conn, &path, &Clock::fixed(ymd(2026, 11, 23))).unwrap().unwrap();
    assert_eq!(b.path, dir_of(&path).join("clinic-2026-11-23.db.age"));
    assert_eq!(b.customers, 1);
    for copy in [b.path.clone(), usb.join("clinic-2026-11-23.db.age")] {
        let bytes = std::fs::read(&copy).unwrap();
        assert!(bytes.starts_with(b"age-encryption.org/v1"), "{}", copy.display());
        assert!(!contains(&bytes, b"SQLite format 3") && !contains(&bytes, b"13800000001") && !contains(&bytes, "张小美".as_bytes()));
    }
    assert!(sealed::key_file(&usb, "clinic").exists(), "the USB stick carries the sealed key");
    let names: Vec<String> = std::fs::read_dir(dir_of(&path)).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    assert!(!names.iter().any(|n| n.ends_with(".db") || n.contains("partial")), "no plain copy left: {names:?}");
    assert!(daily(&c.conn, &path, &Clock::fixed(ymd(2026, 11, 23))).unwrap().is_none(), "still once a day");
}

#[test]
fn a_lost_database_comes_back_from_the_usb_stick_with_the_passphrase_and_not_without() {
    let dir = tempfile::tempdir().unwrap();
    let usb = dir.path().join("usb");
    let (path, c) = clinic_file(dir.path());
    crate::store::settings::set(&c.conn, "backup_mirror", usb.to_str().unwrap()).unwrap();
    sealed::set_passphrase(&c.conn, None, "周院长的口令2026").unwrap();
    daily(&c.conn, &path, &Clock::fixed(ymd(2026, 11, 23))).unwrap();
    drop(c);
    // The PC is gone: a new, empty database on another machine, and the stick.
    let fresh = dir.path().join("new-pc").join("liuke.db");
    drop(crate::store::open(&fresh).unwrap());
    let before = std::fs::read(&fresh).unwrap();
    let backup = usb.join("clinic-2026-11-23.db.age");
    let clock = Clock::fixed(ymd(2026, 11, 24));
    let e = restore_with(&fresh, &backup, None, &clock).unwrap_err();
    assert!(e.to_string().contains("备份口令"), "{e}");
    let e = restore_with(&fresh, &backup, Some("猜一个口令123"), &clock).unwrap_err();
    assert!(e.to_string().contains("备份口令不对"), "{e}");
    assert_eq!(std::fs::read(&fresh).unwrap(), before, "a refused restore changes nothing");
    let b = restore_with(&fresh, &backup, Some("周院长的口令2026"), &clock).unwrap();
    assert_eq!(b.customers, 1);
    let conn = crate::store::open(&fresh).unwrap();
    assert_eq!(crate::customers::count(&conn).unwrap(), 1);
    assert!(!fresh.with_extension("opened-backup.db").exists(), "the opened copy is removed");
}

#[test]
fn a_new_passphrase_needs_the_old_one_and_opens_the_backups_made_before() {
    let dir = tempfile::tempdir().unwrap();
    let (path, c) = clinic_file(dir.path());
    assert!(sealed::set_passphrase(&c.conn, None, "short").unwrap_err().to_string().contains("8"));
    sealed::set_passphrase(&c.conn, None, "第一个口令abcd").unwrap();
    let old = daily(&c.conn, &path, &Clock::fixed(ymd(2026, 11, 22))).unwrap().unwrap();
    assert!(sealed::set_passphrase(&c.conn, None, "第二个口令efgh").is_err(), "the old passphrase is asked for");
    assert!(sealed::set_passphrase(&c.conn, Some("不对的旧口令0000"), "第二个口令efgh").is_err());
    set_passphrase(&c.conn, &path, Some("第一个口令abcd"), "第二个口令efgh").unwrap();
    let other = dir.path().join("other.db");
    assert_eq!(restore_with(&other, &old.path, Some("第二个口令efgh"), &Clock::fixed(ymd(2026, 11, 23))).unwrap().customers, 1);
    assert!(restore_with(&other, &old.path, Some("第一个口令abcd"), &Clock::fixed(ymd(2026, 11, 23))).is_err());
}

#[test]
fn a_backup_made_by_hand_shares_its_databases_key_file() {
    let dir = tempfile::tempdir().unwrap();
    let (path, c) = clinic_file(dir.path());
    set_passphrase(&c.conn, &path, None, "周院长的口令2026").unwrap();
    let clock = Clock::fixed(ymd(2026, 11, 23));
    let b = write(&c.conn, &dir_of(&path).join(manual_name(&path, &clock))).unwrap();
    assert!(sealed::is_sealed(&b.path));
    let keys: Vec<String> = std::fs::read_dir(dir_of(&path)).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.ends_with("-backup-key.age")).collect();
    assert_eq!(keys, ["clinic-backup-key.age"]);
    assert_eq!(stem_of_backup(Path::new("my-clinic-2026-11-23.db")), "my-clinic");
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir).map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect()).unwrap_or_default();
    names.sort();
    names
}

#[test]
fn a_second_folder_out_of_reach_leaves_the_local_backup_and_catches_up_when_back() {
    let dir = tempfile::tempdir().unwrap();
    let (path, c) = clinic_file(dir.path());
    // A stick that is not there: its folder would sit under a plain file, which no one can create.
    let stick = dir.path().join("stick");
    std::fs::write(&stick, b"not a drive").unwrap();
    let usb = stick.join("留客备份");
    crate::store::settings::set(&c.conn, "backup_mirror", usb.to_str().unwrap()).unwrap();
    let monday = Clock::fixed(ymd(2026, 11, 23));
    let b = daily(&c.conn, &path, &monday).unwrap().unwrap();
    assert!(b.path.exists(), "the local backup stands");
    let m = mirror(&c.conn, &path, &monday).unwrap().unwrap();
    assert!(!m.reachable && m.copied == 0);
    assert!(m.problem.as_deref().unwrap().contains("现在用不了"), "{:?}", m.problem);
    assert_eq!(mirror_status(&c.conn, &path).unwrap().unwrap()["reachable"], false);
    // Tuesday the stick is back: Monday's copy comes along with Tuesday's.
    std::fs::remove_file(&stick).unwrap();
    std::fs::create_dir_all(&usb).unwrap();
    daily(&c.conn, &path, &Clock::fixed(ymd(2026, 11, 24))).unwrap().unwrap();
    assert_eq!(names_in(&usb), ["clinic-2026-11-23.db", "clinic-2026-11-24.db"]);
    let status = mirror_status(&c.conn, &path).unwrap().unwrap();
    assert_eq!(status["reachable"], true);
    assert_eq!(status["newest"], "clinic-2026-11-24.db");
    // Nothing is copied twice.
    assert_eq!(mirror(&c.conn, &path, &Clock::fixed(ymd(2026, 11, 24))).unwrap().unwrap().copied, 0);
}

#[test]
fn the_second_folder_catches_up_one_week_and_no_further() {
    let dir = tempfile::tempdir().unwrap();
    let (path, c) = clinic_file(dir.path());
    for day in [10, 16, 17, 23] {
        daily(&c.conn, &path, &Clock::fixed(ymd(2026, 11, day))).unwrap().unwrap();
    }
    let usb = dir.path().join("usb");
    crate::store::settings::set(&c.conn, "backup_mirror", usb.to_str().unwrap()).unwrap();
    let m = mirror(&c.conn, &path, &Clock::fixed(ymd(2026, 11, 23))).unwrap().unwrap();
    // 23 − 7 = the 16th is the first day caught up.
    assert_eq!(m.copied, 3);
    assert_eq!(names_in(&usb), ["clinic-2026-11-16.db", "clinic-2026-11-17.db", "clinic-2026-11-23.db"]);
}

#[test]
fn a_copy_cut_short_never_looks_like_a_whole_backup() {
    let dir = tempfile::tempdir().unwrap();
    let (path, c) = clinic_file(dir.path());
    let usb = dir.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    crate::store::settings::set(&c.conn, "backup_mirror", usb.to_str().unwrap()).unwrap();
    // Yesterday's copy was cut short when the stick was pulled out.
    let b = daily(&c.conn, &path, &Clock::fixed(ymd(2026, 11, 23))).unwrap().unwrap();
    let copy = usb.join("clinic-2026-11-23.db");
    std::fs::write(&copy, &std::fs::read(&b.path).unwrap()[..1000]).unwrap();
    let m = mirror(&c.conn, &path, &Clock::fixed(ymd(2026, 11, 23))).unwrap().unwrap();
    assert_eq!(m.copied, 1, "the short copy is made whole");
    assert_eq!(verify(&copy).unwrap().customers, 1);
    assert_eq!(names_in(&usb), ["clinic-2026-11-23.db"], "no temporary file left");
}

#[test]
fn restoring_keeps_what_the_log_still_held_in_the_copy_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut c) = clinic_file(dir.path());
    let backup = dir.path().join("older.db");
    write(&c.conn, &backup).unwrap();
    // The window was killed: its last customer is only in the write-ahead log.
    c.conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    c.customer("李思思", "13800000002");
    let wal = with_suffix(&path, "-wal");
    let (main_file, log) = (std::fs::read(&path).unwrap(), std::fs::read(&wal).unwrap());
    drop(c);
    std::fs::write(&path, main_file).unwrap();
    std::fs::write(&wal, log).unwrap();
    let clock = Clock::fixed(ymd(2026, 11, 24));
    restore(&path, &backup, &clock).unwrap();
    let kept: Vec<String> = names_in(dir.path()).into_iter().filter(|n| n.contains("before-restore")).collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    let set_aside = Connection::open(dir.path().join(&kept[0])).unwrap();
    let n: i64 = set_aside.query_row("SELECT count(*) FROM customers WHERE name = '李思思'", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1, "the customer only the log held is in the copy set aside");
}

#[test]
fn two_restores_in_one_second_keep_both_copies_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    let (path, c) = clinic_file(dir.path());
    let backup = dir.path().join("older.db");
    write(&c.conn, &backup).unwrap();
    drop(c);
    let clock = Clock::fixed(ymd(2026, 11, 24));
    restore(&path, &backup, &clock).unwrap();
    restore(&path, &backup, &clock).unwrap();
    let kept: Vec<String> = names_in(dir.path()).into_iter().filter(|n| n.contains("before-restore")).collect();
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(!names_in(dir.path()).iter().any(|n| n.ends_with("-wal") || n.ends_with("-shm") || n.contains("partial")), "{:?}", names_in(dir.path()));
}

#[test]
fn a_restore_is_refused_while_another_window_has_the_database_open() {
    let dir = tempfile::tempdir().unwrap();
    let (path, c) = clinic_file(dir.path());
    let backup = dir.path().join("older.db");
    write(&c.conn, &backup).unwrap();
    let before = dump(&path);
    let e = restore(&path, &backup, &Clock::fixed(ymd(2026, 11, 24))).unwrap_err();
    assert!(e.to_string().contains("正在别处打开"), "{e}");
    drop(c);
    assert_eq!(dump(&path), before, "nothing changed");
    assert!(!names_in(dir.path()).iter().any(|n| n.contains("before-restore")));
}

/// A second folder on a drive letter that does not exist (the USB stick is
/// out): the day's backup stands and the owner is told; the cross-platform
/// test above shows the catching up once the folder is back.
#[cfg(windows)]
#[test]
fn a_second_folder_on_an_absent_drive_letter_leaves_the_local_backup_standing() {
    let dir = tempfile::tempdir().unwrap();
    let (path, c) = clinic_file(dir.path());
    let letter = ('M'..='Y').rev().find(|l| !Path::new(&format!("{l}:\\")).exists()).expect("a free drive letter");
    let usb = format!("{letter}:\\留客备份");
    crate::store::settings::set(&c.conn, "backup_mirror", &usb).unwrap();
    let b = daily(&c.conn, &path, &Clock::fixed(ymd(2026, 11, 23))).unwrap().unwrap();
    assert!(b.path.exists() && verify(&b.path).unwrap().customers == 1, "the local backup stands");
    let m = mirror(&c.conn, &path, &Clock::fixed(ymd(2026, 11, 23))).unwrap().unwrap();
    assert!(!m.reachable && m.copied == 0, "{m:?}");
    assert!(m.problem.as_deref().unwrap().contains(&usb), "{m:?}");
    assert_eq!(mirror_status(&c.conn, &path).unwrap().unwrap()["reachable"], false);
}

#[test]
fn two_backups_by_hand_in_one_second_are_both_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (path, c) = clinic_file(dir.path());
    let clock = Clock::fixed(ymd(2026, 11, 23));
    let first = write(&c.conn, &manual_path(&path, &clock)).unwrap();
    let second = write(&c.conn, &manual_path(&path, &clock)).unwrap();
    assert_ne!(first.path, second.path);
    assert!(first.path.exists() && second.path.exists());
}

#[test]
fn from_the_window_the_second_folder_is_filled_beside_the_desks_work() {
    let dir = tempfile::tempdir().unwrap();
    let (path, c) = clinic_file(dir.path());
    let usb = dir.path().join("usb");
    crate::store::settings::set(&c.conn, "backup_mirror", usb.to_str().unwrap()).unwrap();
    let clock = Clock::fixed(ymd(2026, 11, 23));
    write(&c.conn, &manual_path(&path, &clock)).unwrap();
    let m = mirror_in_background(&c.conn, &path, &clock).unwrap().unwrap();
    assert!(m.reachable && m.underway, "{m:?}");
    let copied = || names_in(&usb).iter().filter(|n| n.ends_with(".db")).count();
    for _ in 0..100 {
        if copied() == 1 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(copied(), 1);
}
