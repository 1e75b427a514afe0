//! How clinics write things by hand or in Excel: dates as `2026-10-05`,
//! `2026/10/5` or `2026.10.5`; yes/no as 是/否/yes/no/1/0; gender as 女/男/F/M;
//! tag lists split on any of ; ； , ， 、. Each parser returns a Chinese reason
//! on failure so forms and imports report the same words.

use chrono::NaiveDate;

/// Parses a date in any of the accepted forms.
pub fn date(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    let parts: Vec<&str> = t.split(['-', '/', '.']).collect();
    let bad = || format!("日期「{t}」无法识别，请写成 2026-10-05、2026/10/5 或 2026.10.5");
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit())) {
        return Err(bad());
    }
    let separators: Vec<char> = t.chars().filter(|c| matches!(c, '-' | '/' | '.')).collect();
    if separators[0] != separators[1] || parts[0].len() != 4 || parts[1].len() > 2 || parts[2].len() > 2 {
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
        assert!(date("2026年10月5日").is_err());
        assert!(date("").is_err());
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
