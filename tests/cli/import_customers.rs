use serde_json::json;

use crate::util::{gbk, Clinic};

const TODAY: &str = "2026-11-23";

const GOOD: &str = "\
姓名,手机号,性别,生日,来源渠道,推荐人手机号,顾问,标签,不接受营销,备注
张小美,138 1234 5678,女,1990/3/8,小红书,,李咨询,怕疼；VIP,否,只接受下午来电
王芳,+86 150-1111-2222,F,1988.12.1,老带新,13812345678,李咨询,敏感肌,是,
赵晓梅,13998765678,女,,老带新,18600001234,,,,
刘强,18600001234,男,1985-07-15,抖音,,,,no,
";

#[test]
fn a_good_file_is_imported_whole_with_the_spec_json_shape() {
    let c = Clinic::new();
    let f = c.file("customers.csv", GOOD.as_bytes());
    let r = c.import(TODAY, "customers", &f, &[]).ok();
    assert!(r.stdout.contains("新增 4"), "{}", r.stdout);
    let list = c.customers();
    let phones: Vec<&str> = list.as_array().unwrap().iter().map(|c| c["phone"].as_str().unwrap()).collect();
    assert_eq!(phones, ["13812345678", "13998765678", "15011112222", "18600001234"], "sorted by phone");
    let wang = &list[2];
    for key in ["phone", "name", "gender", "birthday", "channel", "referrer_phone", "consultant", "tags", "marketing_opt_out", "notes"] {
        assert!(wang.get(key).is_some(), "missing key {key}");
    }
    assert_eq!(wang["name"], "王芳");
    assert_eq!(wang["birthday"], "1988-12-01");
    assert_eq!(wang["referrer_phone"], "13812345678");
    assert_eq!(wang["marketing_opt_out"], true);
    assert_eq!(wang["tags"], json!(["敏感肌"]));
    assert_eq!(list[0]["tags"], json!(["VIP", "怕疼"]));
    assert_eq!(list[0]["notes"], "只接受下午来电");
}

#[test]
fn a_referrer_later_in_the_same_file_is_linked() {
    let c = Clinic::new();
    let f = c.file("customers.csv", GOOD.as_bytes());
    c.import(TODAY, "customers", &f, &[]).ok();
    let zhao = &c.customers()[1];
    assert_eq!(zhao["name"], "赵晓梅");
    assert_eq!(zhao["referrer_phone"], "18600001234", "刘强 comes after 赵晓梅 in the file");
}

#[test]
fn a_gbk_file_from_excel_is_read() {
    let c = Clinic::new();
    let f = c.file("gbk.csv", &gbk(GOOD));
    c.import(TODAY, "customers", &f, &[]).ok();
    assert_eq!(c.customers()[0]["name"], "张小美");
}

#[test]
fn english_headers_in_any_order_and_case_work() {
    let c = Clinic::new();
    let f = c.file("en.csv", b"PHONE,Name,Marketing_Opt_Out,Tags\n13812345678,Amy Li,yes,VIP,\n");
    // A trailing empty cell past the header is not an error.
    c.import(TODAY, "customers", &f, &[]).ok();
    let amy = &c.customers()[0];
    assert_eq!(amy["name"], "Amy Li");
    assert_eq!(amy["marketing_opt_out"], true);
}

#[test]
fn a_bad_file_writes_nothing_and_reports_every_problem_with_line_and_column() {
    let c = Clinic::new();
    let bad = "\
姓名,手机号,性别,生日,推荐人手机号,不接受营销
张小美,13812345678,女,1990-03-08,,否
,13912345678,女,,,
王芳,1501111222,女,,,
赵晓梅,13998765678,未知,2027-01-01,,也许
刘强,13812345678,男,,,
李娜,13700001111,女,1990-02-30,13500000000,
";
    let f = c.file("bad.csv", bad.as_bytes());
    let r = c.import(TODAY, "customers", &f, &[]).failed();
    let expected = [
        "第 3 行，列「姓名」：姓名不能为空",
        "第 4 行，列「手机号」：手机号「1501111222」应为 11 位（现为 10 位）",
        "第 5 行，列「性别」",
        "第 5 行，列「生日」：生日 2027-01-01 晚于今天（2026-11-23）",
        "第 5 行，列「不接受营销」",
        "第 6 行，列「手机号」：手机号 13812345678 与第 2 行重复",
        "第 7 行，列「生日」",
        "第 7 行，列「推荐人手机号」：推荐人手机号 13500000000 既不在客户档案中，也不在本文件里",
    ];
    for e in expected {
        assert!(r.stderr.contains(e), "missing «{e}» in:\n{}", r.stderr);
    }
    assert!(r.stderr.contains("bad.csv"), "problems name the file");
    assert!(r.stderr.contains("未写入任何数据"));
    assert_eq!(c.customers(), json!([]), "nothing written, not even the good first row");
}

#[test]
fn a_missing_required_column_is_reported() {
    let c = Clinic::new();
    let f = c.file("nophone.csv", "姓名,性别\n张小美,女\n".as_bytes());
    let r = c.import(TODAY, "customers", &f, &[]).failed();
    assert!(r.stderr.contains("缺少必填列「手机号」"), "{}", r.stderr);
}

#[test]
fn a_dry_run_validates_but_writes_nothing() {
    let c = Clinic::new();
    let f = c.file("customers.csv", GOOD.as_bytes());
    let r = c.import(TODAY, "customers", &f, &["--dry-run"]).ok();
    assert!(r.stdout.contains("未写入"), "{}", r.stdout);
    assert!(r.stdout.contains("新增 4"));
    assert_eq!(c.customers(), json!([]));
}

#[test]
fn importing_the_same_file_twice_changes_nothing() {
    let c = Clinic::new();
    let f = c.file("customers.csv", GOOD.as_bytes());
    c.import(TODAY, "customers", &f, &[]).ok();
    let before = c.customers();
    let again = c.import(TODAY, "customers", &f, &[]).ok();
    assert!(again.stdout.contains("新增 0，更新 0，未变 4"), "{}", again.stdout);
    assert_eq!(c.customers(), before);
}

#[test]
fn a_later_file_fills_in_and_adds_tags_without_erasing() {
    let c = Clinic::new();
    let f = c.file("customers.csv", GOOD.as_bytes());
    c.import(TODAY, "customers", &f, &[]).ok();
    let update = c.file("update.csv", "手机号,姓名,标签,备注\n13812345678,张小美,老客,\n".as_bytes());
    let r = c.import(TODAY, "customers", &update, &[]).ok();
    assert!(r.stdout.contains("更新 1"), "{}", r.stdout);
    let zhang = &c.customers()[0];
    assert_eq!(zhang["tags"], json!(["VIP", "怕疼", "老客"]));
    assert_eq!(zhang["notes"], "只接受下午来电", "a blank cell leaves the field as it was");
    assert_eq!(zhang["channel"], "小红书", "an absent column leaves the field as it was");
}

#[test]
fn an_unreadable_encoding_is_a_clear_error() {
    let c = Clinic::new();
    let f = c.file("junk.csv", b"\x81\x20\xff\x80\x80");
    let r = c.import(TODAY, "customers", &f, &[]).failed();
    assert!(r.stderr.contains("编码"), "{}", r.stderr);
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let c = Clinic::new();
    let r = c.run(TODAY, &["import", "customers", "/nonexistent/x.csv"]).failed();
    assert!(r.stderr.contains("无法读取文件"), "{}", r.stderr);
}

#[test]
fn the_csv_export_imports_back_to_the_same_archive() {
    let c = Clinic::new();
    let f = c.file("customers.csv", GOOD.as_bytes());
    c.import(TODAY, "customers", &f, &[]).ok();
    let csv = c.run(TODAY, &["customers", "--format", "csv"]).ok().stdout;
    assert!(csv.starts_with('\u{feff}'), "BOM for Excel");
    let other = Clinic::new();
    let exported = other.file("export.csv", csv.as_bytes());
    other.import(TODAY, "customers", &exported, &[]).ok();
    assert_eq!(spec_fields(&other.customers()), spec_fields(&c.customers()));
}

/// The keys SPEC §7 names, without ids and timestamps that differ between databases.
fn spec_fields(list: &serde_json::Value) -> Vec<serde_json::Value> {
    let keys = ["phone", "name", "gender", "birthday", "channel", "referrer_phone", "consultant", "tags", "marketing_opt_out", "notes"];
    list.as_array().unwrap().iter().map(|c| keys.iter().map(|k| c[*k].clone()).collect()).collect()
}

#[test]
fn customers_can_be_searched_by_initials() {
    let c = Clinic::new();
    let f = c.file("customers.csv", GOOD.as_bytes());
    c.import(TODAY, "customers", &f, &[]).ok();
    let found = c.run(TODAY, &["customers", "--search", "zxm"]).ok().json();
    let names: Vec<&str> = found.as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["张小美", "赵晓梅"]);
}
