//! What the app exports comes back in unchanged wherever it is an import
//! format: the customer export (as written, and after a spreadsheet program
//! opened and re-saved it), and the lists that name customers (tiers, the
//! call list) read as customer files. The monthly report's CSV and workbook
//! are figures, not lists of records, and are not import formats.

use std::path::PathBuf;

use crate::util::Clinic;

const D: &str = "2026-11-23";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/first-day").join(name)
}

/// The first-day clinic of tests/cli/first_day.rs: six customers with
/// birthdays, tags, a referrer, an opt-out and notes.
fn clinic() -> Clinic {
    let c = Clinic::new();
    c.run(D, &["init"]).ok();
    for (kind, sheet) in [("customers", "客户"), ("consumption", "消费"), ("executions", "划扣"), ("arrivals", "到院")] {
        c.import(D, kind, &fixture("clinic.xlsx"), &["--sheet", sheet]).ok();
    }
    c
}

fn unchanged(c: &Clinic, file: &std::path::Path, rows: usize) {
    let before = c.customers();
    let run = c.import(D, "customers", file, &[]).ok();
    assert!(run.stdout.contains(&format!("共 {rows} 行，新增 0，更新 0，未变 {rows}")), "{}", run.stdout);
    assert_eq!(c.customers(), before);
}

#[test]
fn the_customer_export_imports_back_unchanged() {
    let c = clinic();
    let csv = c.run(D, &["customers", "--format", "csv"]).ok().stdout;
    unchanged(&c, &c.file("export.csv", csv.as_bytes()), 6);
}

#[test]
fn the_customer_export_resaved_by_a_spreadsheet_program_imports_back_unchanged() {
    // LibreOffice opened the export and saved it as .xlsx: phones became
    // numbers and birthdays date cells (tests/fixtures/first-day/make.py).
    let c = clinic();
    unchanged(&c, &fixture("customers-export-resaved.xlsx"), 6);
}

#[test]
fn lists_that_name_customers_read_as_customer_files_change_nothing() {
    let c = clinic();
    let tiers = c.run(D, &["tiers", "--format", "csv"]).ok().stdout;
    unchanged(&c, &c.file("tiers.csv", tiers.as_bytes()), 6);
    // A call list has a row per call: 王芳's 沉睡唤醒 and 疗程邀约 are both due on D.
    // Read as a customer file it is refused, naming the second row, and changes nothing.
    let calls = c.run(D, &["callbacks", "due", "--date", D, "--format", "csv"]).ok().stdout;
    let before = c.customers();
    let r = c.import(D, "customers", &c.file("calls.csv", calls.as_bytes()), &[]).failed();
    assert!(r.stderr.contains("手机号 13800000002 与第 3 行重复"), "{}", r.stderr);
    assert_eq!(c.customers(), before);
    // Without the second call, the list reads back unchanged.
    let one_each: String = calls.lines().filter(|l| !l.contains("疗程邀约")).map(|l| format!("{l}\n")).collect();
    unchanged(&c, &c.file("calls-one-each.csv", one_each.as_bytes()), 3);
}
