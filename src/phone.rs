//! Mainland mobile numbers: how reception finds a returning customer. A phone
//! is normalised to 11 digits (spaces, dashes and `+86`/`0086` stripped) and
//! must match `1[3-9]\d{9}`.

/// Normalises a written phone number, or says why it is not a mobile number.
pub fn normalize(text: &str) -> Result<String, String> {
    let compact: String = text.chars().filter(|c| !matches!(c, ' ' | '-' | '\u{3000}' | '(' | ')')).collect();
    let digits = compact
        .strip_prefix("+86")
        .or_else(|| compact.strip_prefix("0086"))
        .or_else(|| if compact.len() == 13 { compact.strip_prefix("86") } else { None })
        .unwrap_or(&compact);
    if digits.is_empty() {
        return Err("手机号不能为空".to_string());
    }
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("手机号「{}」含有非数字字符", text.trim()));
    }
    if digits.len() != 11 {
        return Err(format!("手机号「{}」应为 11 位（现为 {} 位）", text.trim(), digits.len()));
    }
    let bytes = digits.as_bytes();
    if bytes[0] != b'1' || !(b'3'..=b'9').contains(&bytes[1]) {
        return Err(format!("手机号「{}」不是有效的大陆手机号（应以 13–19 开头）", text.trim()));
    }
    Ok(digits.to_string())
}

/// The phone as customer service sees it without dialing: `138****5678`.
pub fn masked(phone: &str) -> String {
    if phone.len() == 11 && phone.is_ascii() {
        format!("{}****{}", &phone[..3], &phone[7..])
    } else {
        phone.to_string()
    }
}

/// How phones are shown to whoever asked: in full, or masked for customer
/// service outside the lists it dials from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneView {
    Full,
    Masked,
}

impl PhoneView {
    /// A stored phone as this viewer may see it.
    pub fn show(self, phone: &str) -> String {
        match self {
            PhoneView::Full => phone.to_string(),
            PhoneView::Masked => masked(phone),
        }
    }
}

/// Masks every mainland mobile number written anywhere in `text` (a note, a
/// matched search key, a file name), not only fields named for phones.
pub fn mask_within(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let run = &text[start..i];
            if run.len() == 11 && normalize(run).is_ok() {
                out.push_str(&masked(run));
            } else {
                out.push_str(run);
            }
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8().max(1);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_and_country_codes_are_stripped() {
        assert_eq!(normalize("138 1234 5678").unwrap(), "13812345678");
        assert_eq!(normalize("138-1234-5678").unwrap(), "13812345678");
        assert_eq!(normalize("+86 138 1234 5678").unwrap(), "13812345678");
        assert_eq!(normalize("0086-13812345678").unwrap(), "13812345678");
        assert_eq!(normalize("8613812345678").unwrap(), "13812345678");
    }

    #[test]
    fn only_mainland_mobile_prefixes_are_valid() {
        assert!(normalize("13912345678").is_ok());
        assert!(normalize("19912345678").is_ok());
        assert!(normalize("12812345678").unwrap_err().contains("13–19"));
        assert!(normalize("23812345678").is_err());
    }

    #[test]
    fn wrong_length_and_letters_are_refused_with_a_reason() {
        assert!(normalize("1381234567").unwrap_err().contains("10 位"));
        assert!(normalize("138123456789").unwrap_err().contains("12 位"));
        assert!(normalize("1381234567a").unwrap_err().contains("非数字"));
        assert!(normalize("  ").unwrap_err().contains("不能为空"));
    }

    #[test]
    fn masking_keeps_the_first_three_and_last_four() {
        assert_eq!(masked("13812345678"), "138****5678");
    }

    #[test]
    fn a_phone_written_inside_any_text_is_masked_and_other_numbers_are_not() {
        assert_eq!(mask_within("丈夫电话13812345678，周末来"), "丈夫电话138****5678，周末来");
        assert_eq!(mask_within("13812345678"), "138****5678");
        assert_eq!(mask_within("单号 20261005001 与 138123456789"), "单号 20261005001 与 138123456789");
        assert_eq!(mask_within("5678"), "5678");
    }
}
