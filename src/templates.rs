//! The owner's message templates (SPEC §9): holiday greetings and care
//! messages with the §5 placeholders. The seeds below are what a clinic starts
//! with; a saved template replaces its seed, and the owner may add her own.
//! A campaign that uses one makes message tasks (copy the text, tick off as sent).

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::staff::StaffId;

/// The placeholders a script may use (SPEC §5), filled per customer.
pub const PLACEHOLDERS: [&str; 6] = ["{姓名}", "{项目}", "{天数}", "{日期}", "{活动}", "{剩余}"];

/// (key, title, text) of the templates every clinic starts with.
const SEEDS: [(&str, &str, &str); 6] = [
    ("spring_festival", "春节", "{姓名}您好，新春快乐！留客诊所全体医护给您拜年，祝您新的一年平安喜乐、越来越美。节后到院有新春礼遇，欢迎回来看看。"),
    ("womens_day", "三八妇女节", "{姓名}您好，女神节快乐！愿您被温柔以待。本周到院护理有专属礼遇，期待见到您。"),
    ("mothers_day", "母亲节", "{姓名}您好，母亲节快乐！也别忘了照顾好自己。带妈妈一起来院做皮肤检测，我们为您们准备了小礼物。"),
    ("mid_autumn", "中秋", "{姓名}您好，中秋快乐！月圆人团圆，留客诊所祝您和家人幸福安康。"),
    ("birthday", "生日", "{姓名}您好，今天是您的生日，留客诊所祝您生日快乐！生日月到院消费积分双倍。"),
    ("aftercare", "术后关怀", "{姓名}您好，{项目}后这几天要注意保湿防晒，别去桑拿和剧烈运动；有任何不适随时联系我们。附护理视频，请查看。"),
];

/// A template as the owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Template {
    pub key: String,
    pub title: String,
    pub text: String,
    /// Whether the owner has saved it (else it is the seed).
    pub edited: bool,
}

/// Every template: the seeds (as saved, if saved) then the owner's own.
pub fn list(conn: &Connection) -> Result<Vec<Template>> {
    let stored: Vec<(String, String, String)> = conn
        .prepare_cached("SELECT key, title, text FROM message_templates ORDER BY updated_at, key")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out: Vec<Template> = SEEDS
        .iter()
        .map(|(key, title, text)| match stored.iter().find(|(k, _, _)| k == key) {
            Some((k, t, x)) => Template { key: k.clone(), title: t.clone(), text: x.clone(), edited: true },
            None => Template { key: (*key).into(), title: (*title).into(), text: (*text).into(), edited: false },
        })
        .collect();
    out.extend(
        stored
            .into_iter()
            .filter(|(k, _, _)| !SEEDS.iter().any(|(s, _, _)| s == k))
            .map(|(key, title, text)| Template { key, title, text, edited: true }),
    );
    Ok(out)
}

/// One template by key.
pub fn get(conn: &Connection, key: &str) -> Result<Template> {
    list(conn)?.into_iter().find(|t| t.key == key).ok_or_else(|| Error::NotFound(format!("找不到消息模板「{key}」。")))
}

/// The birthday template's text, if the owner changed it (birthday calls read it).
pub fn edited_text(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.prepare_cached("SELECT text FROM message_templates WHERE key = ?1")?.query_row([key], |r| r.get(0)).optional()?)
}

/// A placeholder in `text` that Liuke cannot fill, if any.
pub fn unknown_placeholder(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open..];
        let close = after.find('}')?;
        let token = &after[..=close];
        if !PLACEHOLDERS.contains(&token) {
            return Some(token.to_string());
        }
        rest = &after[close + 1..];
    }
    None
}

/// Saves a template; without a key, adds a new one of the owner's.
pub fn save(conn: &Connection, clock: &Clock, by: StaffId, key: Option<&str>, title: &str, text: &str) -> Result<Template> {
    let (title, text) = (title.trim(), text.trim());
    if title.is_empty() {
        return Err(Error::invalid("title", "请填写模板名称，如 春节"));
    }
    if text.is_empty() {
        return Err(Error::invalid("text", "请填写消息内容"));
    }
    if text.chars().count() > 500 {
        return Err(Error::invalid("text", "消息内容请控制在 500 字以内"));
    }
    if let Some(bad) = unknown_placeholder(text) {
        return Err(Error::invalid("text", format!("「{bad}」不是可用的占位符；可用：{}", PLACEHOLDERS.join(" "))));
    }
    let key = match key.map(str::trim).filter(|k| !k.is_empty()) {
        Some(k) => {
            get(conn, k)?;
            k.to_string()
        }
        None => format!("own:{}", crate::store::new_uid()),
    };
    conn.execute(
        "INSERT INTO message_templates (key, title, text, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (key) DO UPDATE SET title = excluded.title, text = excluded.text, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        params![key, title, text, clock.now_utc(), by.0],
    )?;
    get(conn, &key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::staff::SYSTEM_STAFF;
    use crate::testing::{ymd, Clinic};

    #[test]
    fn a_clinic_starts_with_the_six_seed_templates() {
        let c = Clinic::on(ymd(2026, 11, 2));
        let titles: Vec<String> = list(&c.conn).unwrap().into_iter().map(|t| t.title).collect();
        assert_eq!(titles, ["春节", "三八妇女节", "母亲节", "中秋", "生日", "术后关怀"]);
    }

    #[test]
    fn the_owner_edits_a_seed_and_adds_her_own() {
        let c = Clinic::on(ymd(2026, 11, 2));
        save(&c.conn, &c.clock, SYSTEM_STAFF, Some("mid_autumn"), "中秋", "{姓名}您好，中秋快乐！").unwrap();
        let own = save(&c.conn, &c.clock, SYSTEM_STAFF, None, "店庆", "{姓名}您好，本院十周年店庆。").unwrap();
        let all = list(&c.conn).unwrap();
        assert_eq!(all.len(), 7);
        assert_eq!(all[3].text, "{姓名}您好，中秋快乐！");
        assert!(all[3].edited);
        assert_eq!(all[6], own);
    }

    #[test]
    fn an_unknown_placeholder_or_an_empty_text_is_refused() {
        let c = Clinic::on(ymd(2026, 11, 2));
        let e = save(&c.conn, &c.clock, SYSTEM_STAFF, Some("mid_autumn"), "中秋", "{名字}您好").unwrap_err();
        assert!(e.to_string().contains("{名字}"), "{e}");
        assert!(save(&c.conn, &c.clock, SYSTEM_STAFF, Some("mid_autumn"), "中秋", "  ").is_err());
        assert!(save(&c.conn, &c.clock, SYSTEM_STAFF, Some("nope"), "x", "y").is_err());
        assert!(!list(&c.conn).unwrap()[3].edited, "nothing saved");
    }
}
