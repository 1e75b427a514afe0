//! Liuke 留客: the core of an offline-first app for one medical-aesthetics
//! clinic. Every rule lives here; the CLI (`main.rs`), `liuke serve` and the
//! Tauri shell only present it, all through the one command dispatcher in
//! [`commands`].

pub mod accounts;
pub mod analysis;
pub mod appointments;
pub mod catch_up;
pub mod backup;
pub mod benefits;
pub mod clock;
pub mod commands;
pub mod consumption;
pub mod channels;
pub mod costs;
pub mod credits;
pub mod customers;
pub mod demo;
pub mod desk;
pub mod error;
pub mod export;
pub mod followups;
pub mod host;
pub mod import;
pub mod items;
pub mod lan;
pub mod money;
pub mod parse;
pub mod phone;
pub mod report;
pub mod points;
pub mod prepaid;
pub mod search;
pub mod search_keys;
pub mod serve;
pub mod staff;
pub mod templates;
#[cfg(test)]
pub mod testing;
pub mod tiers;
pub mod triage;
pub mod store;
pub mod ui_assets;
pub mod visits;
pub mod vouchers;
pub mod wallet;

pub use clock::Clock;
pub use error::{ApiError, Error, Problem, Result};
