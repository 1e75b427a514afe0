//! The month's satisfaction broken down (SPEC §9): by the doctor of the
//! calls' items (the order behind a post-treatment or package call) and by
//! the customer's consultant. A call behind two doctors' items counts for each.

use std::collections::BTreeMap;

use rusqlite::{params, Connection};
use serde::Serialize;

use super::{mean, Month};
use crate::error::Result;
use crate::followups::DISSATISFIED_AT_MOST;

/// Blank doctor or consultant.
pub const UNNAMED: &str = "未填";

/// One doctor's or consultant's scored calls.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub name: String,
    pub responses: i64,
    pub avg: Option<f64>,
    pub dissatisfied: i64,
}

/// The month's breakdown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Satisfaction {
    pub month: String,
    pub by_doctor: Vec<Group>,
    pub by_consultant: Vec<Group>,
}

#[derive(Default)]
struct Tally {
    n: i64,
    total: i64,
    low: i64,
}

impl Tally {
    fn add(&mut self, score: i64) {
        self.n += 1;
        self.total += score;
        self.low += i64::from(score <= DISSATISFIED_AT_MOST);
    }
}

fn groups(tallies: BTreeMap<String, Tally>) -> Vec<Group> {
    let mut out: Vec<Group> =
        tallies.into_iter().map(|(name, t)| Group { name, responses: t.n, avg: mean(t.total, t.n), dissatisfied: t.low }).collect();
    out.sort_by(|a, b| b.responses.cmp(&a.responses).then_with(|| a.name.cmp(&b.name)));
    out
}

/// The scored calls closed in `m`, by doctor and by consultant.
pub fn breakdown(conn: &Connection, m: Month) -> Result<Satisfaction> {
    let scored: Vec<(i64, i64, Option<String>)> = conn
        .prepare_cached(
            "SELECT a.task_id, a.score, c.consultant FROM live_attempts a JOIN tasks t ON t.id = a.task_id JOIN customers c ON c.id = t.customer_id
             WHERE a.score IS NOT NULL AND a.on_date BETWEEN ?1 AND ?2",
        )?
        .query_map(params![m.first_day().to_string(), m.last_day().to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut doctors_of = conn.prepare_cached(
        "SELECT o.doctor FROM task_sources s JOIN executions e ON e.id = CAST(substr(s.source, 11) AS INTEGER)
             JOIN order_lines l ON l.id = e.order_line_id JOIN orders o ON o.id = l.order_id
         WHERE s.task_id = ?1 AND s.voided = 0 AND substr(s.source, 1, 10) = 'execution:' AND trim(coalesce(o.doctor, '')) <> ''
         UNION
         SELECT o.doctor FROM task_sources s JOIN orders o ON o.id = CAST(substr(s.source, 9) AS INTEGER)
         WHERE s.task_id = ?1 AND s.voided = 0 AND substr(s.source, 1, 8) = 'package:' AND trim(coalesce(o.doctor, '')) <> ''",
    )?;
    let mut by_doctor: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_consultant: BTreeMap<String, Tally> = BTreeMap::new();
    for (task, score, consultant) in scored {
        let doctors: Vec<String> = doctors_of.query_map([task], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        if doctors.is_empty() {
            by_doctor.entry(UNNAMED.into()).or_default().add(score);
        }
        for d in doctors {
            by_doctor.entry(d.trim().to_string()).or_default().add(score);
        }
        let consultant = consultant.map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).unwrap_or_else(|| UNNAMED.into());
        by_consultant.entry(consultant).or_default().add(score);
    }
    Ok(Satisfaction { month: m.key(), by_doctor: groups(by_doctor), by_consultant: groups(by_consultant) })
}
