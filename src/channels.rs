//! The clinic's list of channels (来源渠道), so that reception picks 小红书
//! rather than typing 小红书 / 红书 / xhs, which the analyses would count as
//! three channels. The owner keeps the list; until she has saved one, it is
//! the channels customers already came through, most used first.

use rusqlite::Connection;
use serde::Serialize;

use crate::error::{Error, Problem, Result};
use crate::store::settings;

const KEY: &str = "channels";
const MAX_CHANNELS: usize = 60;
const MAX_CHARS: usize = 20;

/// One channel as the pick list shows it: what may be typed to find it, and
/// how many customers came through it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Channel {
    pub name: String,
    pub keys: Vec<String>,
    pub customers: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Channels {
    pub channels: Vec<Channel>,
    /// Whether the owner has saved the list (otherwise it is the channels in use).
    pub kept: bool,
}

fn customers_by_channel(conn: &Connection) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare(
        "SELECT trim(channel) AS ch, count(*) FROM customers WHERE trim(coalesce(channel, '')) <> '' GROUP BY ch ORDER BY count(*) DESC, ch",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The pick list: the owner's, or the channels in use.
pub fn list(conn: &Connection) -> Result<Channels> {
    let used = customers_by_channel(conn)?;
    let count = |name: &str| used.iter().find(|(n, _)| n == name).map_or(0, |(_, c)| *c);
    let kept: Option<Vec<String>> = settings::get(conn, KEY)?.map(|_| settings::get_json(conn, KEY, "来源渠道列表")).transpose()?;
    let names: Vec<String> = match &kept {
        Some(list) => list.clone(),
        None => used.iter().take(MAX_CHANNELS).map(|(n, _)| n.clone()).collect(),
    };
    let channels = names.into_iter().map(|name| Channel { keys: crate::search_keys::typing_keys(&name), customers: count(&name), name }).collect();
    Ok(Channels { channels, kept: kept.is_some() })
}

/// Saves the owner's list, in her order; a blank line is dropped, a name
/// twice or too long is refused with its line, and nothing is saved.
pub fn save(conn: &Connection, names: &[String]) -> Result<Channels> {
    let mut kept: Vec<String> = Vec::new();
    let mut problems = Vec::new();
    for (i, raw) in names.iter().enumerate() {
        let name = raw.trim();
        if name.is_empty() {
            continue;
        }
        if name.chars().count() > MAX_CHARS {
            problems.push(Problem::field("channels", format!("第 {} 个渠道「{name}」太长，请用 {MAX_CHARS} 个字以内", i + 1)));
        } else if kept.iter().any(|k| k == name) {
            problems.push(Problem::field("channels", format!("第 {} 个渠道「{name}」前面已经有了", i + 1)));
        } else {
            kept.push(name.to_string());
        }
    }
    if kept.len() > MAX_CHANNELS {
        problems.push(Problem::field("channels", format!("渠道最多 {MAX_CHANNELS} 个，请合并相近的渠道")));
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    settings::set_json(conn, KEY, &kept)?;
    list(conn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customers::{self, CustomerDraft};
    use crate::staff::SYSTEM_STAFF;
    use crate::testing::{ymd, Clinic};

    fn clinic() -> Clinic {
        Clinic::on(ymd(2026, 11, 23))
    }

    fn came_through(c: &mut Clinic, phone: &str, channel: &str) {
        let draft = CustomerDraft { name: "客户".into(), phone: phone.into(), channel: Some(channel.into()), ..Default::default() };
        customers::create(&mut c.conn, &c.clock, SYSTEM_STAFF, &draft).unwrap();
    }

    fn names(c: &Channels) -> Vec<&str> {
        c.channels.iter().map(|ch| ch.name.as_str()).collect()
    }

    #[test]
    fn until_the_owner_keeps_a_list_it_is_the_channels_in_use_most_used_first() {
        let mut c = clinic();
        came_through(&mut c, "13800000001", "美团");
        came_through(&mut c, "13800000002", "小红书");
        came_through(&mut c, "13800000003", " 小红书 ");
        came_through(&mut c, "13800000004", "");
        let list = list(&c.conn).unwrap();
        assert_eq!(names(&list), ["小红书", "美团"]);
        assert!(!list.kept);
        assert_eq!(list.channels[0].customers, 2);
        assert!(list.channels[0].keys.contains(&"xhs".to_string()));
    }

    #[test]
    fn the_owners_list_is_kept_in_her_order_with_counts() {
        let mut c = clinic();
        came_through(&mut c, "13800000001", "美团");
        let saved = save(&c.conn, &["抖音".into(), " 美团 ".into(), "".into(), "老带新".into()]).unwrap();
        assert_eq!(names(&saved), ["抖音", "美团", "老带新"]);
        assert!(saved.kept);
        assert_eq!(saved.channels[1].customers, 1);
        assert_eq!(list(&c.conn).unwrap(), saved);
    }

    #[test]
    fn a_name_twice_or_too_long_is_refused_and_nothing_is_saved() {
        let c = clinic();
        save(&c.conn, &["美团".into()]).unwrap();
        let e = save(&c.conn, &["小红书".into(), "小红书".into(), "一".repeat(21)]).unwrap_err();
        let Error::Invalid(problems) = e else { panic!("{e:?}") };
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].reason.starts_with("第 2 个渠道"), "{problems:?}");
        assert!(problems[1].reason.starts_with("第 3 个渠道"), "{problems:?}");
        assert_eq!(names(&list(&c.conn).unwrap()), ["美团"]);
    }
}
