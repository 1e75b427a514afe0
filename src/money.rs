//! Money: CNY exact to the fen. Stored as INTEGER fen; read and written as
//! decimal text through `rust_decimal`, never through floating point. JSON
//! carries it as a string with two decimals, `"12345.00"`.

use std::fmt;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An amount in fen (0.01 CNY); negative for money going back to the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(pub i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn fen(self) -> i64 {
        self.0
    }

    /// Whole yuan, rounded down (what earns points).
    pub fn whole_yuan_floor(self) -> i64 {
        self.0.div_euclid(100)
    }

    pub fn as_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    /// Reads an amount as clinics and spreadsheet programs write it: `1234.5`,
    /// `1,234.50`, `¥1234`, `￥88`, `-¥100`, `¥-149` (Excel's zh-CN negative
    /// currency), `(149.00)` and `¥(149.00)` (accounting negatives),
    /// `1,234.50元`, with ordinary or non-breaking spaces around the symbols.
    /// What could be read two ways is refused rather than guessed: digit groups
    /// that are not groups of three (`1,2,3`), a minus sign and parentheses
    /// together, more than two decimals.
    pub fn parse(text: &str) -> Result<Money, String> {
        let t = text.trim();
        let bad = || format!("金额「{t}」无法识别，请写成 1234.5、1,234.50、¥1234 或 -¥149");
        let mut rest = t;
        let mut minus = false;
        let mut parens = false;
        let mut currency = false;
        // Sign, currency symbol and an opening parenthesis, in any order, each at most once.
        loop {
            rest = rest.trim_start();
            let Some(c) = rest.chars().next() else { break };
            match c {
                '-' | '－' | '−' if !minus => minus = true,
                '¥' | '￥' if !currency => currency = true,
                '(' | '（' if !parens => parens = true,
                _ => break,
            }
            rest = &rest[c.len_utf8()..];
        }
        let mut rest = rest.trim_end();
        if parens {
            match rest.strip_suffix([')', '）']) {
                Some(r) => rest = r.trim_end(),
                None => return Err(bad()),
            }
        }
        if let Some(r) = rest.strip_suffix('元') {
            rest = r.trim_end();
        }
        if parens && rest.ends_with([')', '）']) {
            return Err(bad());
        }
        if minus && parens {
            return Err(format!("金额「{t}」既有负号又有括号，无法确定是收款还是退款，请只用其中一种"));
        }
        let digits = ungrouped(rest).ok_or_else(|| {
            if rest.contains([',', '，']) {
                format!("金额「{t}」的千位分隔不对（逗号应每三位一个，如 1,234.50），请核对")
            } else {
                bad()
            }
        })?;
        let value: Decimal = digits.parse().map_err(|_| bad())?;
        let fen = Money::from_decimal(value, t)?;
        Ok(Money(if minus || parens { -fen.0 } else { fen.0 }))
    }

    /// An exact decimal amount (a number cell of a workbook, or parsed text
    /// shown to staff as `shown`): more than two decimals is refused rather
    /// than rounded.
    pub fn from_decimal(value: Decimal, shown: &str) -> Result<Money, String> {
        if value.scale() > 2 && value.normalize().scale() > 2 {
            return Err(format!("金额「{shown}」超过两位小数（分），请核对"));
        }
        let fen = (value * Decimal::ONE_HUNDRED).trunc().to_i64().filter(|f| f.abs() <= Money::LIMIT.0);
        fen.map(Money).ok_or_else(|| format!("金额「{shown}」过大，请核对"))
    }
}

impl Money {
    /// The largest amount one entry may hold: ¥1,000,000,000. Every sum the
    /// app makes of such amounts stays far inside an i64 of fen.
    pub const LIMIT: Money = Money(100_000_000_000);

    /// This amount × `part` ÷ `whole`, rounded half-up (away from zero) to the
    /// fen, exactly in integers: what is left of a line's price, a cost shared
    /// out per customer. None when `whole` is not positive.
    pub fn share(self, part: i64, whole: i64) -> Option<Money> {
        if whole <= 0 {
            return None;
        }
        let (num, den) = (i128::from(self.0) * i128::from(part), i128::from(whole));
        let rounded = if num >= 0 { (2 * num + den) / (2 * den) } else { -((-2 * num + den) / (2 * den)) };
        i64::try_from(rounded).ok().map(Money)
    }

    /// This amount `n` times (a package's list price), within the same limit.
    pub fn times(self, n: i64) -> Result<Money, String> {
        self.0.checked_mul(n).filter(|f| f.abs() <= Money::LIMIT.0).map(Money).ok_or_else(|| format!("金额 {} × {n} 过大，请核对", self.as_yuan_text()))
    }
}

/// Plain digits with an optional fraction, or digits grouped by threes with
/// commas (ASCII or full-width); the digits without their separators, or None.
fn ungrouped(text: &str) -> Option<String> {
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if frac.is_some_and(|f| !all_digits(f)) {
        return None;
    }
    let groups: Vec<&str> = int.split([',', '，']).collect();
    let grouped_by_three = groups.len() == 1
        || (groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
    let bare_fraction = frac.is_some() && groups == [""];
    if !bare_fraction && (!grouped_by_three || !groups.iter().all(|g| all_digits(g))) {
        return None;
    }
    let mut out: String = groups.concat();
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    Some(out)
}

impl Money {
    /// As staff read it: `¥32,000`, `¥1,399.51`, `-¥800`.
    pub fn as_yuan_text(self) -> String {
        let text = self.to_string();
        let (int, dec) = text.split_once('.').unwrap_or((&text, "00"));
        let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        if dec == "00" {
            format!("{sign}¥{grouped}")
        } else {
            format!("{sign}¥{grouped}.{dec}")
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl std::ops::Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money(iter.map(|m| m.0).sum())
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Accepts the string forms of [`Money::parse`] and whole JSON numbers of
/// yuan, both within the same limit; a JSON float is refused (it may already
/// be inexact).
impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Int(i64),
        }
        match Raw::deserialize(d)? {
            Raw::Text(t) => Money::parse(&t).map_err(serde::de::Error::custom),
            // The same limit as text: a number is read as the yuan it says.
            Raw::Int(yuan) => Money::from_decimal(Decimal::from(yuan), &yuan.to_string()).map_err(serde::de::Error::custom),
        }
    }
}

impl rusqlite::ToSql for Money {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.0.into())
    }
}

impl rusqlite::types::FromSql for Money {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        i64::column_result(v).map(Money)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_rounds_half_up_away_from_zero_exactly() {
        let m = Money;
        assert_eq!(m(100_000).share(1, 3), Some(m(33_333)), "333.333… → 333.33");
        assert_eq!(m(100_000).share(2, 3), Some(m(66_667)), "666.666… → 666.67");
        assert_eq!(m(5).share(1, 2), Some(m(3)), "2.5 fen → 3");
        assert_eq!(m(-5).share(1, 2), Some(m(-3)), "−2.5 fen → −3");
        assert_eq!(m(100).share(1, 0), None);
    }

    #[test]
    fn amounts_are_read_in_every_written_form() {
        assert_eq!(Money::parse("1234.5"), Ok(Money(123450)));
        assert_eq!(Money::parse("1,234.50"), Ok(Money(123450)));
        assert_eq!(Money::parse("¥1234"), Ok(Money(123400)));
        assert_eq!(Money::parse("￥88"), Ok(Money(8800)));
        assert_eq!(Money::parse("-¥100"), Ok(Money(-10000)));
        assert_eq!(Money::parse(" -20.05 "), Ok(Money(-2005)));
        assert_eq!(Money::parse("0.10"), Ok(Money(10)));
        assert_eq!(Money::parse("12.500"), Ok(Money(1250)));
    }

    #[test]
    fn amounts_are_read_as_spreadsheet_programs_write_them() {
        let cases = [
            ("¥-149", -14900),
            ("-¥149", -14900),
            ("￥149", 14900),
            ("(149.00)", -14900),
            ("¥(149.00)", -14900),
            ("(¥149.00)", -14900),
            ("（149）", -14900),
            ("1,234.50元", 123450),
            ("-1,234.50 元", -123450),
            ("¥\u{a0}1,234.50", 123450),
            ("\u{a0}¥-149.00\u{a0}", -14900),
            ("¥ 88", 8800),
            ("－88", -8800),
            ("1,234,567.8", 123456780),
            ("123", 12300),
            (".5", 50),
        ];
        for (text, fen) in cases {
            assert_eq!(Money::parse(text), Ok(Money(fen)), "{text}");
        }
    }

    #[test]
    fn amounts_that_are_not_money_are_refused() {
        for bad in ["", "abc", "1.2.3", "--5", "¥", "1e5", "+5", "()", "(149", "149)", "¥¥5", "5元元", "1 234", "12.", "1,234.5.6"] {
            assert!(Money::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn digit_groups_that_are_not_threes_are_refused_as_ambiguous() {
        for bad in ["1,2,3", "12,34", "1,2345", "1234,567", ",123", "1,,234"] {
            let reason = Money::parse(bad).unwrap_err();
            assert!(reason.contains("千位分隔"), "{bad}: {reason}");
        }
    }

    #[test]
    fn a_minus_sign_and_parentheses_together_are_refused() {
        for bad in ["-(149)", "¥-(149.00)", "(-149)"] {
            let reason = Money::parse(bad).unwrap_err();
            assert!(reason.contains("既有负号又有括号"), "{bad}: {reason}");
        }
    }

    #[test]
    fn more_than_two_decimals_are_refused_not_rounded() {
        assert_eq!(Money::parse("12.345").unwrap_err(), "金额「12.345」超过两位小数（分），请核对");
        assert_eq!(Money::parse("(0.001)").unwrap_err(), "金额「(0.001)」超过两位小数（分），请核对");
    }

    #[test]
    fn money_is_written_with_two_decimals() {
        assert_eq!(Money(1234500).to_string(), "12345.00");
        assert_eq!(Money(5).to_string(), "0.05");
        assert_eq!(Money(-2005).to_string(), "-20.05");
        assert_eq!(Money(0).to_string(), "0.00");
    }

    #[test]
    fn staff_read_money_grouped_by_thousands() {
        assert_eq!(Money(3_200_000).as_yuan_text(), "¥32,000");
        assert_eq!(Money(139_951).as_yuan_text(), "¥1,399.51");
        assert_eq!(Money(-80_000).as_yuan_text(), "-¥800");
        assert_eq!(Money(5).as_yuan_text(), "¥0.05");
        assert_eq!(Money(100_000_000).as_yuan_text(), "¥1,000,000");
    }

    #[test]
    fn whole_yuan_round_down_even_for_refunds() {
        assert_eq!(Money(12399).whole_yuan_floor(), 123);
        assert_eq!(Money(-12350).whole_yuan_floor(), -124);
    }

    #[test]
    fn sums_are_exact_where_floats_are_not() {
        let total: Money = (0..10).map(|_| Money::parse("0.10").unwrap()).sum();
        assert_eq!(total, Money(100));
        assert_eq!(total.to_string(), "1.00");
    }

    #[test]
    fn a_whole_json_number_is_read_as_yuan_within_the_same_limit_as_text() {
        let read = |j: &str| serde_json::from_str::<Money>(j);
        assert_eq!(read("149").unwrap(), Money(14900));
        assert_eq!(read("-149").unwrap(), Money(-14900));
        assert_eq!(read("1000000000").unwrap(), Money::LIMIT);
        let huge = read("184467440737095517").unwrap_err().to_string();
        assert!(huge.contains("过大"), "{huge}");
        assert!(read("1000000001").is_err());
        assert!(read("99999999999999999999999").is_err(), "beyond i64");
        assert!(read("12.5").is_err(), "a float may already be inexact");
        assert!(read("\"1000000001\"").unwrap_err().to_string().contains("过大"));
    }

    #[test]
    fn a_price_times_sessions_beyond_the_limit_is_refused_not_wrapped() {
        assert_eq!(Money(98000).times(3), Ok(Money(294000)));
        assert!(Money::LIMIT.times(2).unwrap_err().contains("过大"));
        assert!(Money(i64::MAX / 2).times(3).is_err());
    }
}
