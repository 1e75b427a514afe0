use crate::util::Clinic;

#[test]
fn init_can_run_twice() {
    let c = Clinic::new();
    c.run("2026-11-23", &["init"]).ok();
    let second = c.run("2026-11-23", &["init"]).ok();
    assert!(second.stdout.contains("结构版本"));
    assert_eq!(c.customers(), serde_json::json!([]));
}

#[test]
fn a_malformed_today_is_refused_before_anything_is_opened() {
    let c = Clinic::new();
    let r = c.run("2026/11/23", &["init"]).failed();
    assert!(r.stderr.contains("YYYY-MM-DD"), "{}", r.stderr);
    assert!(!c.db().exists());
}

#[test]
fn liuke_today_from_the_environment_pins_the_date() {
    let c = Clinic::new();
    let f = c.file("c.csv", "姓名,手机号,生日\n张小美,13812345678,2026-11-20\n".as_bytes());
    let early = c.run_env(&[("LIUKE_TODAY", "2026-11-19")], &["import", "customers", f.to_str().unwrap()]).failed();
    assert!(early.stderr.contains("晚于今天"), "{}", early.stderr);
    c.run_env(&[("LIUKE_TODAY", "2026-11-20")], &["import", "customers", f.to_str().unwrap()]).ok();
}
