//! How clinics write things by hand or in Excel: dates as `2026-10-05`,
//! `2026/10/5` or `2026.10.5`; yes/no as 是/否/yes/no/1/0; gender as 女/男/F/M;
//! tag lists split on any of ; ； , ， 、. Each parser returns a Chinese reason
//! on failure so forms and imports report the same words.

use chrono::NaiveDate;

/// Parses a date in any of the accepted forms: `2026-10-05`, `2026/10/5`,
/// `2026.10.5`, `2026年10月5日`, and any of them followed by a time of day as
/// spreadsheet programs add it (`2026-10-05 00:00:00`, `2026/10/5 14:30`);
/// the clinic's records are dated by the day, so the time is not kept.
pub fn date(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    let bad = || format!("日期「{t}」无法识别，请写成 2026-10-05、2026/10/5、2026.10.5 或 2026年10月5日");
    let (day, time) = match t.split_once([' ', 'T', '\u{a0}']) {
        Some((d, time)) => (d, Some(time.trim())),
        None => (t, None),
    };
    if time.is_some_and(|time| !is_time_of_day(time)) {
        return Err(bad());
    }
    let (parts, separators): (Vec<&str>, Vec<char>) = match day.strip_suffix('日') {
        Some(chinese) => {
            let (y, md) = chinese.split_once('年').ok_or_else(bad)?;
            let (m, d) = md.split_once('月').ok_or_else(bad)?;
            (vec![y, m, d], vec!['年', '月'])
        }
        None => (day.split(['-', '/', '.']).collect(), day.chars().filter(|c| matches!(c, '-' | '/' | '.')).collect()),
    };
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit())) {
        return Err(bad());
    }
    let same_separator = separators[0] == separators[1] || separators == ['年', '月'];
    if !same_separator || parts[0].len() != 4 || parts[1].len() > 2 || parts[2].len() > 2 {
        return Err(bad());
    }
    let (y, m, d) = (parts[0].parse::<i32>(), parts[1].parse::<u32>(), parts[2].parse::<u32>());
    match (y, m, d) {
        (Ok(y), Ok(m), Ok(d)) => {
            NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("日期「{t}」不存在（请检查月份和日子）"))
        }
        _ => Err(bad()),
    }
}

/// `H:MM`, `HH:MM:SS` or `HH:MM:SS.fff`: a real time of day.
fn is_time_of_day(text: &str) -> bool {
    let (hms, fraction) = text.split_once('.').map_or((text, None), |(a, b)| (a, Some(b)));
    let parts: Vec<&str> = hms.split(':').collect();
    let numbers: Vec<Option<u32>> = parts
        .iter()
        .map(|p| (!p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok()).flatten())
        .collect();
    let in_range = match numbers.as_slice() {
        [Some(h), Some(m)] => *h < 24 && *m < 60 && parts[1].len() == 2,
        [Some(h), Some(m), Some(s)] => *h < 24 && *m < 60 && *s < 60 && parts[1].len() == 2 && parts[2].len() == 2,
        _ => false,
    };
    in_range && fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) && numbers.len() == 3)
}

/// Parses a yes/no cell.
pub fn yes_no(text: &str) -> Result<bool, String> {
    match text.trim().to_lowercase().as_str() {
        "是" | "yes" | "y" | "1" | "true" => Ok(true),
        "否" | "no" | "n" | "0" | "false" => Ok(false),
        other => Err(format!("「{other}」不是是/否，请填 是、否、yes、no、1 或 0")),
    }
}

/// A customer's gender as stored: `F` or `M`.
pub fn gender(text: &str) -> Result<&'static str, String> {
    match text.trim().to_lowercase().as_str() {
        "女" | "f" | "female" => Ok("F"),
        "男" | "m" | "male" => Ok("M"),
        other => Err(format!("性别「{other}」无法识别，请填 女、男、F 或 M")),
    }
}

/// Splits a tag list, trimming blanks and dropping repeats (order kept).
pub fn tags(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in text.split([';', '；', ',', '，', '、']) {
        let tag = tag.trim();
        if !tag.is_empty() && !out.iter().any(|t| t == tag) {
            out.push(tag.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_are_read_in_the_three_written_forms() {
        assert_eq!(date("2026-10-05"), Ok(ymd(2026, 10, 5)));
        assert_eq!(date("2026/10/5"), Ok(ymd(2026, 10, 5)));
        assert_eq!(date("2026.10.5"), Ok(ymd(2026, 10, 5)));
        assert_eq!(date(" 2024/2/29 "), Ok(ymd(2024, 2, 29)));
    }

    #[test]
    fn impossible_or_malformed_dates_are_refused() {
        assert!(date("2025-02-29").unwrap_err().contains("不存在"));
        assert!(date("2026-13-01").is_err());
        assert!(date("26/10/5").is_err());
        assert!(date("2026-10/5").is_err());
        assert!(date("").is_err());
    }

    #[test]
    fn dates_are_read_as_chinese_excel_writes_them() {
        assert_eq!(date("2026年10月5日"), Ok(ymd(2026, 10, 5)));
        assert_eq!(date("2026年1月05日"), Ok(ymd(2026, 1, 5)));
        assert_eq!(date("2026-10-05 00:00:00"), Ok(ymd(2026, 10, 5)));
        assert_eq!(date("2026/10/5 14:30"), Ok(ymd(2026, 10, 5)));
        assert_eq!(date("2026-10-05T09:05:07"), Ok(ymd(2026, 10, 5)));
        assert_eq!(date("2026-10-05 00:00:00.000"), Ok(ymd(2026, 10, 5)));
        assert_eq!(date("2024年2月29日"), Ok(ymd(2024, 2, 29)));
    }

    #[test]
    fn chinese_and_timed_dates_that_cannot_be_read_are_refused_with_the_forms() {
        for bad in ["2026年10月5", "10月5日", "2026年10-5日", "2026-10-05 25:00", "2026-10-05 9:5", "2026-10-05 午夜", "2026-10-05 00:00:00 extra"] {
            let reason = date(bad).unwrap_err();
            assert!(reason.contains("2026年10月5日"), "{bad}: {reason}");
        }
        assert_eq!(date("2025年2月29日").unwrap_err(), "日期「2025年2月29日」不存在（请检查月份和日子）");
    }

    #[test]
    fn yes_no_accepts_chinese_english_and_digits() {
        for t in ["是", "yes", "YES", "1", "true"] {
            assert_eq!(yes_no(t), Ok(true), "{t}");
        }
        for t in ["否", "no", "No", "0"] {
            assert_eq!(yes_no(t), Ok(false), "{t}");
        }
        assert!(yes_no("可能").is_err());
    }

    #[test]
    fn gender_reads_chinese_and_letters() {
        assert_eq!(gender("女"), Ok("F"));
        assert_eq!(gender("m"), Ok("M"));
        assert!(gender("未知").is_err());
    }

    #[test]
    fn tags_split_on_every_listed_separator() {
        assert_eq!(tags("怕疼;VIP；敏感肌,学生，宝妈、怕疼"), vec!["怕疼", "VIP", "敏感肌", "学生", "宝妈"]);
        assert!(tags(" ; ，").is_empty());
    }
}
