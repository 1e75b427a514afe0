//! Finding a customer as reception types: by full phone, any leading digits,
//! the last four digits, the name or given name, and pinyin initials or full
//! pinyin. Each search is one bounded prefix range over the key index, so its
//! cost does not grow with the archive; exact matches rank first.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::Serialize;

use crate::customers::{self, Customer, CustomerId};
use crate::error::Result;
use crate::phone::PhoneView;
use crate::search_keys::{normalize_query, KeyKind};

/// How many index rows one search reads at most before ranking.
const SCAN_LIMIT: usize = 400;
/// The most results a search returns.
pub const MAX_RESULTS: usize = 50;

/// A search result: the customer, and how the query matched.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    #[serde(flatten)]
    pub customer: Customer,
    pub matched: String,
    pub memory_points: Vec<String>,
}

/// Turns what was typed into the form keys are stored in: phones lose their
/// separators and country code, text is lower-cased without blanks.
fn query_key(text: &str) -> String {
    let compact = normalize_query(text);
    let phone_like = !compact.is_empty()
        && compact.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '(' | ')'));
    if phone_like {
        if let Ok(p) = crate::phone::normalize(&compact) {
            return p;
        }
        return compact.chars().filter(char::is_ascii_digit).collect();
    }
    compact
}

/// The customers matching `text`, best first, at most `limit` (≤ 50), with
/// phones as `view` may see them. A masked viewer finds a phone only by the
/// whole number or its last four digits: a prefix of the middle digits would
/// let customer service read each number off a few dozen searches.
pub fn search(conn: &Connection, text: &str, limit: usize, view: PhoneView) -> Result<Vec<Hit>> {
    let key = query_key(text);
    if key.is_empty() {
        return Ok(Vec::new());
    }
    let ranked = ranked_ids(conn, &key, limit.clamp(1, MAX_RESULTS), view)?;
    let ids: Vec<CustomerId> = ranked.iter().map(|(id, _)| *id).collect();
    let mut by_id: HashMap<CustomerId, Customer> =
        customers::get_many(conn, &ids)?.into_iter().map(|c| (c.id, c)).collect();
    let mut hits = Vec::with_capacity(ids.len());
    for (id, matched) in ranked {
        if let Some(customer) = by_id.remove(&id) {
            let memory_points = customers::memory_points(conn, id)?.into_iter().map(|m| m.text).collect();
            let mut customer = customer;
            if view == PhoneView::Masked {
                customer.phone = view.show(&customer.phone);
                customer.referrer_phone = customer.referrer_phone.map(|p| view.show(&p));
            }
            let matched = if view == PhoneView::Masked { crate::phone::mask_within(&matched) } else { matched };
            hits.push(Hit { customer, matched, memory_points });
        }
    }
    Ok(hits)
}

/// Ids matching the key, ranked: exact key first, then by kind of key, then
/// shorter keys (closer matches), then key order.
fn ranked_ids(conn: &Connection, key: &str, limit: usize, view: PhoneView) -> Result<Vec<(CustomerId, String)>> {
    let upper = format!("{key}\u{10FFFF}");
    let mut stmt = conn.prepare_cached(
        "SELECT key, customer_id, kind FROM customer_search WHERE key >= ?1 AND key < ?2 ORDER BY key LIMIT ?3",
    )?;
    let rows = stmt
        .query_map(rusqlite::params![key, upper, SCAN_LIMIT as i64], |r| {
            Ok((r.get::<_, String>(0)?, CustomerId(r.get(1)?), r.get::<_, i64>(2)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut best: HashMap<CustomerId, (bool, i64, usize, String)> = HashMap::new();
    let phone_kind = KeyKind::Phone as i64;
    for (k, id, kind) in rows {
        if view == PhoneView::Masked && kind == phone_kind && k != key {
            continue;
        }
        let rank = (k != key, kind, k.chars().count(), k);
        best.entry(id).and_modify(|b| {
            if rank < *b {
                *b = rank.clone();
            }
        }).or_insert(rank);
    }
    let mut ranked: Vec<(CustomerId, (bool, i64, usize, String))> = best.into_iter().collect();
    ranked.sort_by(|a, b| a.1.cmp(&b.1).then(a.0 .0.cmp(&b.0 .0)));
    ranked.truncate(limit);
    Ok(ranked.into_iter().map(|(id, (_, _, _, k))| (id, k)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::customers::CustomerDraft;
    use crate::staff::SYSTEM_STAFF;
    use chrono::NaiveDate;

    fn archive(people: &[(&str, &str)]) -> Connection {
        let mut conn = crate::store::open_in_memory().unwrap();
        let clock = Clock::fixed(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        for (name, phone) in people {
            let d = CustomerDraft { name: name.to_string(), phone: phone.to_string(), ..Default::default() };
            customers::create(&mut conn, &clock, SYSTEM_STAFF, &d).unwrap();
        }
        conn
    }

    fn names(hits: &[Hit]) -> Vec<String> {
        hits.iter().map(|h| h.customer.name.clone()).collect()
    }

    fn sample() -> Connection {
        archive(&[("张小美", "13812345678"), ("赵晓梅", "13998765678"), ("王芳", "15011112222"), ("张敏", "18600001234")])
    }

    #[test]
    fn finds_by_full_phone_even_written_with_separators() {
        let conn = sample();
        assert_eq!(names(&search(&conn, "138-1234-5678", 10, PhoneView::Full).unwrap()), ["张小美"]);
        assert_eq!(names(&search(&conn, "+86 150 1111 2222", 10, PhoneView::Full).unwrap()), ["王芳"]);
    }

    #[test]
    fn finds_by_last_four_digits() {
        let conn = sample();
        let mut found = names(&search(&conn, "5678", 10, PhoneView::Full).unwrap());
        found.sort();
        assert_eq!(found, ["张小美", "赵晓梅"]);
    }

    #[test]
    fn finds_by_leading_digits() {
        let conn = sample();
        assert_eq!(names(&search(&conn, "1860", 10, PhoneView::Full).unwrap()), ["张敏"]);
    }

    #[test]
    fn finds_by_pinyin_initials_in_any_case() {
        let conn = sample();
        let hits = search(&conn, "ZXM", 10, PhoneView::Full).unwrap();
        let mut found = names(&hits);
        found.sort();
        assert_eq!(found, ["张小美", "赵晓梅"], "zxm is both 张小美 and 赵晓梅");
    }

    #[test]
    fn finds_by_full_pinyin_and_its_prefix() {
        let conn = sample();
        assert_eq!(names(&search(&conn, "zhangxiaomei", 10, PhoneView::Full).unwrap()), ["张小美"]);
        let mut found = names(&search(&conn, "zhang", 10, PhoneView::Full).unwrap());
        found.sort();
        assert_eq!(found, ["张小美", "张敏"]);
    }

    #[test]
    fn finds_by_name_and_given_name() {
        let conn = sample();
        assert_eq!(names(&search(&conn, "王芳", 10, PhoneView::Full).unwrap()), ["王芳"]);
        assert_eq!(names(&search(&conn, "小美", 10, PhoneView::Full).unwrap()), ["张小美"]);
        let mut found = names(&search(&conn, "张", 10, PhoneView::Full).unwrap());
        found.sort();
        assert_eq!(found, ["张小美", "张敏"]);
    }

    #[test]
    fn an_exact_match_ranks_before_a_prefix_match() {
        let conn = archive(&[("张敏", "13800000001"), ("张敏华", "13800000002")]);
        assert_eq!(names(&search(&conn, "zm", 10, PhoneView::Full).unwrap())[0], "张敏");
        assert_eq!(names(&search(&conn, "张敏", 10, PhoneView::Full).unwrap()), ["张敏", "张敏华"]);
    }

    #[test]
    fn blank_queries_find_nothing_and_unknown_ones_too() {
        let conn = sample();
        assert!(search(&conn, "  ", 10, PhoneView::Full).unwrap().is_empty());
        assert!(search(&conn, "qqq", 10, PhoneView::Full).unwrap().is_empty());
    }

    #[test]
    fn an_edited_name_is_found_by_its_new_pinyin_only() {
        let mut conn = sample();
        let clock = Clock::fixed(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        let id = search(&conn, "王芳", 1, PhoneView::Full).unwrap()[0].customer.id;
        let d = CustomerDraft { name: "李芳".into(), phone: "15011112222".into(), ..Default::default() };
        crate::desk::update_customer(&mut conn, &clock, SYSTEM_STAFF, id, &d).unwrap();
        assert!(search(&conn, "wf", 10, PhoneView::Full).unwrap().is_empty());
        assert_eq!(names(&search(&conn, "lf", 10, PhoneView::Full).unwrap()), ["李芳"]);
    }

    #[test]
    fn a_masked_viewer_finds_a_phone_only_whole_or_by_its_last_four_and_never_reads_it() {
        let conn = sample();
        let masked = |q: &str| search(&conn, q, 10, PhoneView::Masked).unwrap();
        assert!(masked("1381").is_empty(), "leading digits would reveal the middle ones");
        assert!(masked("1381234").is_empty());
        let whole = masked("13812345678");
        assert_eq!(names(&whole), ["张小美"]);
        assert_eq!(whole[0].customer.phone, "138****5678");
        assert_eq!(whole[0].matched, "138****5678");
        let mut last4 = names(&masked("5678"));
        last4.sort();
        assert_eq!(last4, ["张小美", "赵晓梅"]);
        assert_eq!(names(&search(&conn, "1381", 10, PhoneView::Full).unwrap()), ["张小美"], "reception still types leading digits");
    }
}
