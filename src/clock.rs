//! The one clock. Every rule reads "today" from here, never from the system
//! directly, so `--today` / `LIUKE_TODAY` pins a whole run and tests never
//! depend on the real date. Today is the clinic's local date, in the clinic's
//! time zone (a setting, default Asia/Shanghai).

use chrono::{NaiveDate, SecondsFormat, Utc};
use chrono_tz::Tz;

use crate::error::{Error, Result};

/// The clinic's default time zone.
pub const DEFAULT_TIME_ZONE: &str = "Asia/Shanghai";

/// Where "today" comes from for one run.
#[derive(Debug, Clone)]
pub struct Clock {
    today: NaiveDate,
    tz: Tz,
}

impl Clock {
    /// Today in the clinic's time zone, or the pinned date when one is given.
    pub fn new(time_zone: &str, pinned: Option<NaiveDate>) -> Result<Clock> {
        let tz: Tz = time_zone
            .parse()
            .map_err(|_| Error::Config(format!("时区设置「{time_zone}」无法识别，请在设置中改为如 Asia/Shanghai 的时区名。")))?;
        let today = pinned.unwrap_or_else(|| Utc::now().with_timezone(&tz).date_naive());
        Ok(Clock { today, tz })
    }

    /// A clock pinned to a date in the default time zone (tests, `--today`).
    pub fn fixed(today: NaiveDate) -> Clock {
        Clock { today, tz: chrono_tz::Asia::Shanghai }
    }

    /// The clinic's local date for this run.
    pub fn today(&self) -> NaiveDate {
        self.today
    }

    /// The clinic's time zone.
    pub fn time_zone(&self) -> Tz {
        self.tz
    }

    /// A stored timestamp as staff read it: `今天 10:32`, or `11月22日 18:05`
    /// for another day, in the clinic's time zone.
    pub fn local_stamp(&self, utc: &str) -> String {
        let Ok(at) = chrono::DateTime::parse_from_rfc3339(utc) else { return utc.to_string() };
        let local = at.with_timezone(&self.tz);
        if local.date_naive() == Utc::now().with_timezone(&self.tz).date_naive() {
            local.format("今天 %H:%M").to_string()
        } else {
            local.format("%-m月%-d日 %H:%M").to_string()
        }
    }

    /// A stored timestamp's time of day in the clinic's time zone (`09:05`),
    /// whatever zone the PC showing it is set to.
    pub fn local_time(&self, utc: &str) -> String {
        chrono::DateTime::parse_from_rfc3339(utc).map_or_else(|_| String::new(), |at| at.with_timezone(&self.tz).format("%H:%M").to_string())
    }

    /// The current instant in UTC, as stored in timestamps (RFC 3339).
    pub fn now_utc(&self) -> String {
        Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
    }
}

/// Reads a `--today` value: `YYYY-MM-DD`.
pub fn parse_today(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| Error::Config(format!("--today 的日期「{text}」格式不对，应为 YYYY-MM-DD，例如 2026-11-23。")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pinned_date_is_today() {
        let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(Clock::new("Asia/Shanghai", Some(d)).unwrap().today(), d);
    }

    #[test]
    fn an_unknown_time_zone_is_a_clear_error() {
        let err = Clock::new("Mars/Olympus", None).unwrap_err();
        assert!(err.to_string().contains("时区"));
    }

    #[test]
    fn a_time_of_day_is_the_clinics_whatever_the_pc_says() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(Clock::new("Asia/Shanghai", Some(d)).unwrap().local_time("2026-11-23T01:05:00Z"), "09:05");
        assert_eq!(Clock::new("Asia/Urumqi", Some(d)).unwrap().local_time("2026-11-23T01:05:00Z"), "07:05");
        assert_eq!(Clock::fixed(d).local_time("不是时间"), "");
    }

    #[test]
    fn today_option_must_be_iso() {
        assert!(parse_today("2026-11-23").is_ok());
        assert!(parse_today("2026/11/23").is_err());
    }
}
