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

    /// Reads an amount as clinics write it: `1234.5`, `1,234.50`, `¥1234`,
    /// `-¥100`, `￥88`. More than two decimals is refused rather than rounded.
    pub fn parse(text: &str) -> Result<Money, String> {
        let t = text.trim();
        let bad = || format!("金额「{t}」无法识别，请写成 1234.5、1,234.50 或 ¥1234");
        let (negative, rest) = match t.strip_prefix('-') {
            Some(r) => (true, r.trim_start()),
            None => (false, t),
        };
        let rest = rest.trim_start_matches(['¥', '￥']).trim();
        let digits: String = rest.chars().filter(|c| *c != ',' && *c != '，').collect();
        if digits.is_empty() || digits.starts_with(['+', '-']) || !digits.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return Err(bad());
        }
        let value: Decimal = digits.parse().map_err(|_| bad())?;
        if value.scale() > 2 && value.normalize().scale() > 2 {
            return Err(format!("金额「{t}」超过两位小数（分），请核对"));
        }
        let fen = (value * Decimal::ONE_HUNDRED).trunc().to_i64().ok_or_else(bad)?;
        if fen > 100_000_000_000 {
            return Err(format!("金额「{t}」过大，请核对"));
        }
        Ok(Money(if negative { -fen } else { fen }))
    }
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

/// Accepts the string forms of [`Money::parse`] and, from forms, JSON numbers
/// written as text by the UI; a JSON float is refused (it may already be inexact).
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
            Raw::Int(yuan) => Ok(Money(yuan * 100)),
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
    fn amounts_that_are_not_money_are_refused() {
        for bad in ["", "abc", "12.345", "1.2.3", "--5", "¥", "1e5", "+5"] {
            assert!(Money::parse(bad).is_err(), "{bad}");
        }
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
}
