//! A large clinic's history as its old spreadsheets export it: the four
//! import files (customers, consumption, executions, arrivals) of `n`
//! customers over five years, written once into target/ and reused. Every
//! file is valid: executions are dated on or after an order of their item
//! with sessions left, in date order, and nothing is after today.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate};

use crate::common;

/// Items as a clinic sells them: name, category, price, sessions in a package.
const ITEMS: [(&str, &str, u32, u32); 10] = [
    ("水光针", "注射", 980, 3),
    ("肉毒素除皱", "注射", 2800, 1),
    ("玻尿酸填充", "注射", 6800, 1),
    ("光子嫩肤", "光电", 1200, 5),
    ("热玛吉", "光电", 16800, 1),
    ("皮秒祛斑", "光电", 3200, 3),
    ("小气泡清洁", "皮肤管理", 298, 6),
    ("果酸焕肤", "皮肤管理", 480, 4),
    ("双眼皮", "手术", 12800, 1),
    ("吸脂", "手术", 26800, 1),
];

pub struct Files {
    pub customers: PathBuf,
    pub consumption: PathBuf,
    pub executions: PathBuf,
    pub arrivals: PathBuf,
    pub rows: [usize; 4],
}

/// The four files of a clinic of `n` customers (about 5 consumption rows, 5
/// executions and 1.5 arrivals per customer), written on first use.
pub fn files(n: usize) -> Files {
    let dir = PathBuf::from(format!("target/bench-history-{n}"));
    let f = Files {
        customers: dir.join("customers.csv"),
        consumption: dir.join("consumption.csv"),
        executions: dir.join("executions.csv"),
        arrivals: dir.join("arrivals.csv"),
        rows: [0; 4],
    };
    let counts = dir.join("rows.txt");
    if let Ok(text) = std::fs::read_to_string(&counts) {
        let rows: Vec<usize> = text.split_whitespace().filter_map(|t| t.parse().ok()).collect();
        if rows.len() == 4 {
            return Files { rows: [rows[0], rows[1], rows[2], rows[3]], ..f };
        }
    }
    std::fs::create_dir_all(&dir).expect("dir");
    let rows = write(&f, n);
    std::fs::write(&counts, rows.iter().map(ToString::to_string).collect::<Vec<_>>().join(" ")).expect("counts");
    Files { rows, ..f }
}

fn day_after(d: NaiveDate, days: u64) -> NaiveDate {
    d.checked_add_days(Days::new(days)).expect("date")
}

fn write(f: &Files, n: usize) -> [usize; 4] {
    let today = common::today();
    let start = NaiveDate::from_ymd_opt(2021, 11, 24).expect("date");
    let span = (today - start).num_days() as u64;
    let mut rng = fastrand::Rng::with_seed(2026);
    let mut customers = String::from("姓名,手机号,性别,生日,来源渠道,顾问,标签,不接受营销,备注\n");
    let mut consumption = String::from("手机号,日期,项目,项目类别,次数,实收金额,已执行次数,医生,顾问,单号\n");
    let mut executions: Vec<(NaiveDate, String)> = Vec::new();
    let mut arrivals = String::from("手机号,日期,类型,渠道\n");
    let mut rows = [0usize; 4];
    let channels = ["美团", "小红书", "抖音", "老带新", "大众点评", "朋友介绍"];
    let names = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴"];
    let given = ["小美", "芳", "娜", "敏", "静", "丽", "婷", "雪", "佳怡", "梓涵"];
    let mut order_no = 0u64;
    for i in 0..n {
        let phone = format!("139{i:08}");
        let birthday = format!("19{}-{:02}-{:02}", rng.u32(60..99), rng.u32(1..=12), rng.u32(1..=28));
        let channel = channels[rng.usize(..channels.len())];
        let opt_out = if rng.u32(..20) == 0 { "是" } else { "否" };
        let _ = writeln!(customers, "{}{},{phone},女,{birthday},{channel},李咨询,水光;敏感肌,{opt_out},旧系统导入", names[i % 10], given[rng.usize(..10)]);
        rows[0] += 1;
        // Visits: a first day, then returns at uneven gaps, stopping at random.
        let mut day = day_after(start, rng.u64(..span));
        let mut first = true;
        loop {
            let k = rng.usize(..ITEMS.len());
            let (item, category, price, sessions) = ITEMS[k];
            let package = sessions > 1 && rng.u32(..10) < 6;
            let (bought, executed) = if package { (sessions, rng.u32(..2)) } else { (1, 1) };
            let amount = price * bought;
            let no = if rng.u32(..10) < 7 {
                order_no += 1;
                format!("D{order_no:08}")
            } else {
                String::new()
            };
            let _ = writeln!(consumption, "{phone},{day},{item},{category},{bought},\"¥{amount}.00\",{executed},刘医生,李咨询,{no}");
            rows[1] += 1;
            if rng.u32(..50) == 0 {
                // A partial refund, later.
                let refund_day = day_after(day, rng.u64(1..60)).min(today);
                let _ = writeln!(consumption, "{phone},{refund_day},{item},{category},1,-{},0,,,{no}", amount / 4);
                rows[1] += 1;
            }
            if first || rng.u32(..3) == 0 {
                let kind = if first { "初诊" } else { "复诊" };
                let _ = writeln!(arrivals, "{phone},{day},{kind},{}", if first { channel } else { "" });
                rows[3] += 1;
            }
            first = false;
            // The package's other sessions, every few weeks.
            let mut session_day = day;
            for _ in executed..bought {
                session_day = day_after(session_day, rng.u64(14..45));
                if session_day > today || rng.u32(..10) == 0 {
                    break;
                }
                executions.push((session_day, format!("{phone},{session_day},{item},1")));
            }
            let gap = rng.u64(20..200);
            if rng.u32(..100) < 17 {
                break;
            }
            day = day_after(day, gap);
            if day > today {
                break;
            }
        }
    }
    executions.sort_by_key(|(d, _)| *d);
    rows[2] = executions.len();
    let mut exec_text = String::from("手机号,日期,项目,次数\n");
    for (_, line) in executions {
        exec_text.push_str(&line);
        exec_text.push('\n');
    }
    for (path, text) in [(&f.customers, customers), (&f.consumption, consumption), (&f.executions, exec_text), (&f.arrivals, arrivals)] {
        std::fs::write(path, text).expect("write");
    }
    rows
}

/// The first `rows` data rows of a file (its header kept), for the
/// 100,000-row figures.
pub fn head(path: &Path, rows: usize) -> Vec<u8> {
    let text = std::fs::read_to_string(path).expect("read");
    let mut out = String::new();
    for line in text.lines().take(rows + 1) {
        out.push_str(line);
        out.push('\n');
    }
    out.into_bytes()
}
