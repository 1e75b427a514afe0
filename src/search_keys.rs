//! The keys reception can type to find a customer: the phone (any leading
//! part), its last four digits, the name and the given name, and the pinyin of
//! both as initials (张小美 → zxm, xm) and in full (zhangxiaomei, xiaomei).
//! Polyphonic characters contribute each of their readings (曾 → zeng/ceng), so
//! a surname read either way is found. Keys are lower-case and space-free, and
//! each search is one prefix range over an index of them.

use pinyin::ToPinyinMulti;

/// At most this many reading combinations per name, so a name of many
/// polyphonic characters cannot flood the index.
const MAX_READINGS: usize = 8;

/// How a key was derived; exact matches of better kinds rank first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyKind {
    Phone = 0,
    Last4 = 1,
    Name = 2,
    Initials = 3,
    FullPinyin = 4,
    GivenName = 5,
}

/// Every search key of a customer, without repeats.
pub fn keys_for(name: &str, phone: &str) -> Vec<(String, KeyKind)> {
    let mut keys: Vec<(String, KeyKind)> = Vec::new();
    let mut push = |k: String, kind: KeyKind| {
        if !k.is_empty() && !keys.iter().any(|(have, _)| *have == k) {
            keys.push((k, kind));
        }
    };
    push(phone.to_string(), KeyKind::Phone);
    if phone.len() == 11 {
        push(phone[7..].to_string(), KeyKind::Last4);
    }
    let name = normalize_query(name);
    push(name.clone(), KeyKind::Name);
    let given: String = name.chars().skip(1).collect();
    if given.chars().count() >= 1 && name.chars().next().is_some_and(is_han) {
        push(given.clone(), KeyKind::GivenName);
    }
    for (initials, full) in readings(&name) {
        push(initials, KeyKind::Initials);
        push(full, KeyKind::FullPinyin);
    }
    if name.chars().next().is_some_and(is_han) {
        for (initials, full) in readings(&given) {
            push(initials, KeyKind::GivenName);
            push(full, KeyKind::GivenName);
        }
    }
    keys
}

/// Lower-cases a typed query and removes blanks, as keys are stored.
pub fn normalize_query(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

/// What staff may type to pick a name from a short list (an item, a
/// channel): its pinyin initials and full pinyin, each reading.
pub fn typing_keys(name: &str) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for (initials, full) in readings(&normalize_query(name)) {
        for k in [initials, full] {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    keys
}

fn is_han(c: char) -> bool {
    c.to_pinyin_multi().is_some()
}

/// (initials, full pinyin) for each combination of readings of the name;
/// characters without pinyin (latin letters, digits) are kept as they are.
fn readings(name: &str) -> Vec<(String, String)> {
    let mut combos: Vec<(String, String)> = vec![(String::new(), String::new())];
    for c in name.chars() {
        let options: Vec<(String, String)> = match c.to_pinyin_multi() {
            Some(multi) => {
                let mut opts: Vec<(String, String)> = Vec::new();
                for p in multi {
                    let full = p.plain().to_string();
                    let first = p.first_letter().to_string();
                    if !opts.iter().any(|(_, f)| *f == full) {
                        opts.push((first, full));
                    }
                }
                opts
            }
            None => vec![(c.to_string(), c.to_string())],
        };
        let mut next = Vec::new();
        for (ini, full) in &combos {
            for (oi, of) in &options {
                if next.len() < MAX_READINGS {
                    next.push((format!("{ini}{oi}"), format!("{full}{of}")));
                }
            }
        }
        combos = next;
    }
    combos.retain(|(i, _)| !i.is_empty());
    combos
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(keys: &[(String, KeyKind)], k: &str) -> bool {
        keys.iter().any(|(have, _)| have == k)
    }

    #[test]
    fn an_item_is_typed_by_its_initials_or_its_pinyin() {
        let keys = typing_keys("水光针");
        assert!(keys.contains(&"sgz".to_string()), "{keys:?}");
        assert!(keys.contains(&"shuiguangzhen".to_string()), "{keys:?}");
        assert!(typing_keys("小红书").contains(&"xhs".to_string()));
        assert_eq!(typing_keys("CO2点阵"), typing_keys("co2 点阵"));
    }

    #[test]
    fn a_name_yields_initials_and_full_pinyin() {
        let keys = keys_for("张小美", "13812345678");
        for k in ["张小美", "小美", "zxm", "zhangxiaomei", "xm", "xiaomei", "13812345678", "5678"] {
            assert!(has(&keys, k), "missing key {k}: {keys:?}");
        }
    }

    #[test]
    fn polyphonic_surnames_are_found_by_either_reading() {
        let keys = keys_for("曾丽", "13912345678");
        assert!(has(&keys, "zl") && has(&keys, "zengli"), "{keys:?}");
        assert!(has(&keys, "cengli"), "{keys:?}");
    }

    #[test]
    fn latin_names_are_lower_cased_and_kept() {
        let keys = keys_for("Amy Li", "13912345678");
        assert!(has(&keys, "amyli"), "{keys:?}");
    }

    #[test]
    fn queries_are_normalised_like_keys() {
        assert_eq!(normalize_query(" ZXM "), "zxm");
        assert_eq!(normalize_query("张 小美"), "张小美");
    }

    #[test]
    fn readings_are_capped() {
        // 行 and 长 and 重 have several readings each; the cap holds.
        let r = readings("行长重行长重");
        assert!(r.len() <= MAX_READINGS);
    }
}
