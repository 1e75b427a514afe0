//! `liuke demo`: a believable demo clinic for a first look and for benchmarks.
//! The same seed and size always give the same clinic: staff, customers with
//! Chinese names and valid phones, channels, referrals, tags, skin profiles and
//! memory points. It only writes into an empty archive.

use std::collections::HashSet;

use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::{params, Connection};

use crate::clock::Clock;
use crate::customers::{self, CustomerId, CustomerValues};
use crate::error::{Error, Result};
use crate::staff::{self, Role, StaffDraft, StaffId, SYSTEM_STAFF};
use crate::store::{new_uid, write_tx};

mod history;

/// What a demo run created.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DemoReport {
    pub staff: usize,
    pub customers: usize,
    pub orders: i64,
    pub seed: u64,
}

const SURNAMES: &[(&str, u32)] = &[
    ("王", 70), ("李", 70), ("张", 65), ("刘", 55), ("陈", 50), ("杨", 35), ("黄", 30), ("赵", 30),
    ("吴", 25), ("周", 25), ("徐", 20), ("孙", 20), ("马", 18), ("朱", 18), ("胡", 16), ("郭", 16),
    ("何", 14), ("林", 14), ("罗", 12), ("高", 12), ("郑", 11), ("梁", 11), ("谢", 10), ("宋", 10),
    ("唐", 9), ("许", 9), ("韩", 8), ("冯", 8), ("邓", 8), ("曹", 7), ("彭", 7), ("曾", 7),
    ("肖", 7), ("田", 6), ("董", 6), ("袁", 6), ("潘", 5), ("蒋", 5), ("蔡", 5), ("余", 5),
    ("杜", 4), ("叶", 4), ("程", 4), ("苏", 4), ("魏", 4), ("吕", 4), ("丁", 3), ("任", 3),
    ("沈", 3), ("姚", 3), ("卢", 3), ("姜", 3), ("崔", 3), ("钟", 3), ("谭", 3), ("陆", 3),
    ("欧阳", 1), ("上官", 1),
];

const FEMALE_CHARS: &[&str] = &[
    "美", "丽", "婷", "静", "敏", "芳", "娜", "雪", "琳", "晓", "欣", "怡", "雅", "佳", "慧", "玲",
    "颖", "璐", "倩", "薇", "婧", "悦", "萱", "涵", "诗", "梦", "思", "琪", "瑶", "晨", "月", "小",
    "雨", "心", "彤", "蕾", "燕", "红", "霞", "丹", "珊", "露", "洁", "宁", "文", "秀", "嘉", "可",
];

const MALE_CHARS: &[&str] = &[
    "伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "浩",
    "宇", "俊", "峰", "建", "志", "文", "博", "晨",
];

const PHONE_PREFIXES: &[&str] = &[
    "138", "139", "137", "136", "135", "134", "150", "151", "152", "157", "158", "159", "182", "183",
    "187", "188", "130", "131", "132", "155", "156", "185", "186", "133", "153", "180", "181", "189",
    "177", "199", "166", "176", "173", "191",
];

const CHANNELS: &[(&str, u32)] = &[
    ("美团/大众点评", 22), ("抖音", 18), ("小红书", 16), ("朋友圈", 8), ("新氧", 8), ("百度", 5),
    ("路过进店", 6), ("地推活动", 4), ("企业团购", 3),
];

const TAGS: &[&str] = &[
    "怕疼", "敏感肌", "上班族", "宝妈", "学生", "价格敏感", "注重效果", "高复购", "爱拍照", "商务人士",
    "术后恢复慢", "喜欢新项目",
];

const MEMORY_POINTS: &[&str] = &[
    "超级怕疼，打针前务必先敷麻", "喜欢玫瑰花茶", "只接受下午两点后来电", "周末才有空到院",
    "对酒精过敏，消毒换碘伏", "女儿在读高三，聊天别提学习", "怕冷，治疗室空调调高", "喜欢安静，不爱聊天",
    "老公不知道她做医美，不要寄东西到家", "喜欢王医生的手法", "上次等位太久不太满意", "说话喜欢直接，不要绕弯",
    "下个月结婚，想在婚前做完疗程", "有晕针史，操作前先躺下", "喜欢喝无糖豆浆", "怕晒，每次提醒防晒",
];

const SKIN_TYPES: &[&str] = &["干性", "油性", "混合性", "混合偏油", "敏感肌", "中性"];
const ALLERGIES: &[&str] = &["利多卡因", "酒精", "青霉素", "海鲜", "芒果", "花粉"];
const CARE_PREFERENCES: &[&str] = &["偏好温和项目", "喜欢见效快的项目", "希望疗程少次数", "重视术后护理", "喜欢精油香味"];
const NOTES: &[&str] = &["老客介绍来的，比较信任", "之前在别家做过玻尿酸", "对价格比较在意", "关注抗衰项目", "想改善黑眼圈"];

const DEMO_STAFF: &[(&str, Role)] = &[
    ("周院长", Role::Owner),
    ("王晓燕", Role::Reception),
    ("陈丽", Role::Reception),
    ("李咨询", Role::Consultant),
    ("赵敏", Role::Consultant),
    ("孙悦", Role::Consultant),
    ("刘医生", Role::Doctor),
    ("王医生", Role::Doctor),
    ("林护士", Role::Nurse),
    ("黄护士", Role::Nurse),
    ("吴客服", Role::Service),
    ("郑客服", Role::Service),
];

pub(crate) fn pick<'a, T>(rng: &mut fastrand::Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(..items.len())]
}

fn pick_weighted<'a>(rng: &mut fastrand::Rng, items: &'a [(&'a str, u32)]) -> &'a str {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut n = rng.u32(..total);
    for (item, w) in items {
        if n < *w {
            return item;
        }
        n -= w;
    }
    items[0].0
}

fn demo_name(rng: &mut fastrand::Rng, female: bool) -> String {
    let chars = if female { FEMALE_CHARS } else { MALE_CHARS };
    let mut name = pick_weighted(rng, SURNAMES).to_string();
    let given_len = if rng.u32(..100) < 70 { 2 } else { 1 };
    for _ in 0..given_len {
        name.push_str(*pick(rng, chars));
    }
    name
}

fn demo_phone(rng: &mut fastrand::Rng, taken: &mut HashSet<String>) -> String {
    loop {
        let phone = format!("{}{:08}", pick(rng, PHONE_PREFIXES), rng.u32(..100_000_000));
        if taken.insert(phone.clone()) {
            return phone;
        }
    }
}

fn demo_birthday(rng: &mut fastrand::Rng, today: NaiveDate) -> Option<NaiveDate> {
    if rng.u32(..100) >= 82 {
        return None;
    }
    let age = 19 + rng.i32(0..38);
    let start = NaiveDate::from_ymd_opt(today.year() - age, 1, 1)?;
    Some(start + Duration::days(rng.i64(0..365)))
}

/// The demo clinic's name, in its booking settings and so in the window's title.
pub const DEMO_CLINIC: &str = "留客演示诊所";

/// Fills an empty archive with a demo clinic of `customers` customers.
pub fn seed(conn: &mut Connection, clock: &Clock, customers: usize, seed: u64) -> Result<DemoReport> {
    if customers::count(conn)? > 0 {
        return Err(Error::Conflict(
            "数据库里已有客户档案，演示数据只写入空数据库。请用 --db 指定一个新文件，例如 liuke --db demo.db demo。".into(),
        ));
    }
    let mut rng = fastrand::Rng::with_seed(seed);
    let tx = write_tx(conn)?;
    let mut consultants = Vec::new();
    let mut staff_count = 0;
    for (name, role) in DEMO_STAFF {
        if staff::list(&tx)?.iter().any(|s| s.name == *name) {
            continue;
        }
        let s = staff::create(&tx, clock, SYSTEM_STAFF, &StaffDraft { name: name.to_string(), role: *role, active: true })?;
        staff_count += 1;
        if *role == Role::Consultant {
            consultants.push(s.name);
        }
    }
    let all_staff = staff::list(&tx)?;
    let receptionists: Vec<StaffId> = all_staff.iter().filter(|s| s.role == Role::Reception).map(|s| s.id).collect();
    let actors = history::Actors {
        reception: if receptionists.is_empty() { vec![SYSTEM_STAFF] } else { receptionists.clone() },
        carers: all_staff.iter().filter(|s| matches!(s.role, Role::Consultant | Role::Doctor)).map(|s| s.id).collect(),
        performers: all_staff.iter().filter(|s| matches!(s.role, Role::Doctor | Role::Nurse)).map(|s| s.name.clone()).collect(),
    };
    let catalogue = history::catalogue(&tx, clock, SYSTEM_STAFF)?;
    let mut taken = HashSet::new();
    let mut ids: Vec<(CustomerId, String)> = Vec::with_capacity(customers);
    let today = clock.today();
    for i in 0..customers {
        let female = rng.u32(..100) < 88;
        let referrer = if i > 20 && rng.u32(..100) < 12 { Some(pick(&mut rng, &ids).clone()) } else { None };
        let channel = if referrer.is_some() { "老带新".to_string() } else { pick_weighted(&mut rng, CHANNELS).to_string() };
        let mut tags: Vec<String> = (0..rng.usize(..4)).map(|_| pick(&mut rng, TAGS).to_string()).collect();
        tags.sort();
        tags.dedup();
        let values = CustomerValues {
            name: demo_name(&mut rng, female),
            phone: demo_phone(&mut rng, &mut taken),
            gender: Some(if female { "F" } else { "M" }),
            birthday: demo_birthday(&mut rng, today),
            channel: Some(channel),
            referrer_phone: referrer.as_ref().map(|(_, p)| p.clone()),
            consultant: if consultants.is_empty() { None } else { Some(pick(&mut rng, &consultants).clone()) },
            tags,
            marketing_opt_out: rng.u32(..100) < 5,
            notes: (rng.u32(..100) < 20).then(|| pick(&mut rng, NOTES).to_string()),
            skin_type: (rng.u32(..100) < 70).then(|| pick(&mut rng, SKIN_TYPES).to_string()),
            allergies: (rng.u32(..100) < 6).then(|| pick(&mut rng, ALLERGIES).to_string()),
            care_preferences: (rng.u32(..100) < 30).then(|| pick(&mut rng, CARE_PREFERENCES).to_string()),
        };
        let by = if receptionists.is_empty() { SYSTEM_STAFF } else { *pick(&mut rng, &receptionists) };
        let id = customers::insert_tx(&tx, clock, by, &values, referrer.map(|(id, _)| id))?;
        if rng.u32(..100) < 30 {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO memory_points (uid, customer_id, text, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for _ in 0..(1 + rng.usize(..2)) {
                stmt.execute(params![new_uid(), id.0, pick(&mut rng, MEMORY_POINTS), clock.now_utc(), by.0])?;
            }
        }
        if !actors.carers.is_empty() && !actors.performers.is_empty() {
            history::customer_history(&tx, clock, &mut rng, &actors, &catalogue, id)?;
        }
        ids.push((id, values.phone));
    }
    if !actors.carers.is_empty() {
        let everyone: Vec<CustomerId> = ids.iter().map(|(id, _)| *id).collect();
        history::todays_board(&tx, clock, &mut rng, &actors, &catalogue, &everyone)?;
        history::appointments(&tx, clock, &mut rng, &actors, &everyone)?;
    }
    history::some_voids(&tx, clock, SYSTEM_STAFF)?;
    let callers: Vec<StaffId> = all_staff.iter().filter(|s| s.role == Role::Service).map(|s| s.id).collect();
    history::worked_calls(&tx, clock, &mut rng, &callers)?;
    let owner = all_staff.iter().find(|s| s.role == Role::Owner).map_or(SYSTEM_STAFF, |s| s.id);
    history::acquisition_costs(&tx, clock, &mut rng, owner)?;
    // The window's title names the clinic: a first look says plainly that this is the demo.
    let booking = crate::appointments::BookingSettings { clinic_name: DEMO_CLINIC.into(), ..crate::appointments::settings(&tx)? };
    crate::appointments::save_settings(&tx, &booking)?;
    let orders: i64 = tx.query_row("SELECT count(*) FROM orders", [], |r| r.get(0))?;
    tx.commit()?;
    Ok(DemoReport { staff: staff_count, customers, orders, seed })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo(n: usize, seed_value: u64) -> Vec<(String, String)> {
        let mut conn = crate::store::open_in_memory().unwrap();
        let clock = Clock::fixed(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        seed(&mut conn, &clock, n, seed_value).unwrap();
        customers::list_all(&conn).unwrap().into_iter().map(|c| (c.phone, c.name)).collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_clinic() {
        assert_eq!(demo(200, 7), demo(200, 7));
        assert_ne!(demo(200, 7), demo(200, 8));
    }

    #[test]
    fn every_demo_phone_is_a_valid_unique_mobile() {
        let people = demo(500, 1);
        assert_eq!(people.len(), 500);
        for (phone, name) in &people {
            assert_eq!(crate::phone::normalize(phone).as_deref(), Ok(phone.as_str()), "{name}");
        }
    }

    #[test]
    fn the_demo_clinic_has_worked_its_calls_so_the_report_has_a_completion_rate() {
        let mut conn = crate::store::open_in_memory().unwrap();
        let clock = Clock::fixed(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        seed(&mut conn, &clock, 1200, 7).unwrap();
        let q = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        // October's calls: due, done, mostly on the day, some late.
        let due = q("SELECT count(*) FROM tasks WHERE due BETWEEN '2026-10-01' AND '2026-10-31' AND status NOT IN ('historical', 'cancelled')");
        let done = q("SELECT count(*) FROM tasks WHERE due BETWEEN '2026-10-01' AND '2026-10-31' AND status IN ('reached', 'sent', 'unreachable')");
        let on_time = q("SELECT count(*) FROM tasks WHERE due BETWEEN '2026-10-01' AND '2026-10-31' AND status IN ('reached', 'sent', 'unreachable') AND closed_on <= due");
        assert!(due > 0 && done == due, "{done} of {due}");
        assert!(on_time < done && on_time * 10 > done * 7, "{on_time} of {done} on time");
        // Every closed call has its attempts, by customer service, none today or later.
        assert_eq!(q("SELECT count(*) FROM tasks t WHERE status IN ('reached', 'unreachable', 'sent') AND NOT EXISTS (SELECT 1 FROM live_attempts a WHERE a.task_id = t.id)"), 0);
        assert_eq!(q("SELECT count(*) FROM task_attempts WHERE on_date >= '2026-11-23'"), 0);
        assert_eq!(q("SELECT count(*) FROM task_attempts a JOIN staff s ON s.id = a.by_staff WHERE s.role <> 'service'"), 0);
        // Three no-answers close a call as unreachable, as the rule does.
        assert_eq!(q("SELECT count(*) FROM tasks t WHERE status = 'unreachable' AND (SELECT count(*) FROM task_attempts a WHERE a.task_id = t.id) <> 3"), 0);
        // A low score raised its flag.
        assert_eq!(q("SELECT count(*) FROM task_attempts WHERE score <= 2"), q("SELECT count(*) FROM customer_flags WHERE note LIKE '回访满意度%'"));
        // A few of the last days' calls are still on today's list, none older.
        let backlog = q("SELECT count(*) FROM tasks WHERE status = 'open' AND due < '2026-11-23'");
        let last_days = q("SELECT count(*) FROM tasks WHERE due BETWEEN '2026-11-20' AND '2026-11-22' AND status NOT IN ('historical', 'cancelled')");
        assert!(backlog > 0 && backlog * 3 < last_days, "{backlog} of {last_days}");
        assert_eq!(q("SELECT count(*) FROM tasks WHERE status = 'open' AND due < '2026-11-20'"), 0);
    }

    #[test]
    fn the_demo_owner_has_entered_what_the_paid_channels_cost_up_to_last_month() {
        let mut conn = crate::store::open_in_memory().unwrap();
        let clock = Clock::fixed(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        seed(&mut conn, &clock, 10, 1).unwrap();
        let costs = crate::costs::list(&conn).unwrap();
        assert_eq!(costs.len(), 6 * 18);
        assert_eq!(costs.first().map(|c| c.month.as_str()), Some("2026-10"));
        assert_eq!(costs.last().map(|c| c.month.as_str()), Some("2025-05"));
        assert!(costs.iter().all(|c| c.amount.fen() > 0 && c.amount.fen() % 10_000 == 0), "round hundreds of yuan");
        assert!(!costs.iter().any(|c| ["老带新", "朋友圈", "路过进店"].contains(&c.channel.as_str())), "word of mouth costs nothing");
    }

    #[test]
    fn a_demo_only_goes_into_an_empty_archive() {
        let mut conn = crate::store::open_in_memory().unwrap();
        let clock = Clock::fixed(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        seed(&mut conn, &clock, 10, 1).unwrap();
        assert_eq!(seed(&mut conn, &clock, 10, 1).unwrap_err().code(), "conflict");
    }
}
