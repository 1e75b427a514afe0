//! `liuke vouchers` on a hand-worked history: three vouchers issued by the
//! owner on 2026-11-23 (the default last valid day is issue + 89 = 2027-02-20),
//! one voided, one with its own short validity; their statuses as of a date.

use serde_json::{json, Value};

use super::probe::{api, fingerprint, ok, serve_with, staffed};
use crate::util::Clinic;

fn customer_id(s: &super::probe::Server, token: &str, phone: &str) -> i64 {
    ok(api(s, "customers.search", Some(token), json!({"q": phone})))[0]["id"].as_i64().unwrap()
}

#[test]
fn every_voucher_has_the_spec_shape_and_its_status_as_of_the_date() {
    let c = Clinic::new();
    {
        let s = serve_with(&c, &[]);
        let (owner, service, _) = staffed(&s);
        let (zhang, li, wang) = (customer_id(&s, &owner, "13812345678"), customer_id(&s, &owner, "13900001111"), customer_id(&s, &owner, "15011112222"));
        ok(api(&s, "vouchers.issue", Some(&owner), json!({"customer_id": zhang, "face": "500"})));
        ok(api(&s, "vouchers.issue", Some(&owner), json!({"customer_id": li, "face": "200", "threshold": "2000", "valid_through": "2026-11-30"})));
        let third = ok(api(&s, "vouchers.issue", Some(&owner), json!({"customer_id": wang, "face": "100"})))["id"].as_i64().unwrap();
        ok(api(&s, "vouchers.void", Some(&owner), json!({"id": third, "reason": "发错了客户"})));
        // Customer service may not hand out money's worth.
        let refused = api(&s, "vouchers.issue", Some(&service), json!({"customer_id": zhang, "face": "9999"}));
        assert_eq!(refused.json()["ok"], false, "{}", refused.body);
    }
    let listed: Value = serde_json::from_str(&c.run("2026-12-01", &["vouchers", "--as-of", "2026-12-01"]).ok().stdout).unwrap();
    assert_eq!(
        listed,
        json!([
            {"phone": "13812345678", "face": "500.00", "threshold": null, "issued": "2026-11-23", "valid_through": "2027-02-20", "source": "manual", "status": "open"},
            {"phone": "13900001111", "face": "200.00", "threshold": "2000.00", "issued": "2026-11-23", "valid_through": "2026-11-30", "source": "manual", "status": "expired"},
            {"phone": "15011112222", "face": "100.00", "threshold": null, "issued": "2026-11-23", "valid_through": "2027-02-20", "source": "manual", "status": "voided"},
        ])
    );
    // On its last valid day 李娜's voucher was still open; before the 23rd nothing was issued.
    let on_30th: Value = serde_json::from_str(&c.run("2026-12-01", &["vouchers", "--as-of", "2026-11-30"]).ok().stdout).unwrap();
    assert_eq!(on_30th[1]["status"], "open");
    let before: Value = serde_json::from_str(&c.run("2026-12-01", &["vouchers", "--as-of", "2026-11-22"]).ok().stdout).unwrap();
    assert_eq!(before, json!([]));
    let csv = c.run("2026-12-01", &["vouchers", "--format", "csv"]).ok().stdout;
    assert!(csv.starts_with("\u{feff}手机号,姓名,面额,使用门槛,发放日期,有效期至,来源,状态"), "{csv}");
    assert!(csv.contains("13900001111,李娜,200.00,2000.00,2026-11-23,2026-11-30,院长发放,已过期"), "{csv}");
}

#[test]
fn customer_service_may_not_hand_out_benefits_and_sees_voucher_phones_masked() {
    let c = Clinic::new();
    let s = serve_with(&c, &[]);
    let (owner, service, _) = staffed(&s);
    let zhang = customer_id(&s, &owner, "13812345678");
    let wang = customer_id(&s, &owner, "15011112222");
    let id = ok(api(&s, "vouchers.issue", Some(&owner), json!({"customer_id": zhang, "face": "500"})))["id"].as_i64().unwrap();
    let item = ok(api(&s, "items.create", Some(&owner), json!({"name": "水光针", "category": "注射", "list_price": "980"})))["id"].as_i64().unwrap();
    let before = fingerprint(&c);
    let settings = ok(api(&s, "benefits.settings", Some(&service), json!({})))["settings"].clone();
    for (cmd, args) in [
        ("benefits.save", json!({"settings": settings})),
        ("benefits.preview", json!({"settings": settings})),
        ("vouchers.issue", json!({"customer_id": zhang, "face": "9999"})),
        ("vouchers.void", json!({"id": id, "reason": "不想要"})),
        ("customers.set_family", json!({"customer_id": wang, "head_id": zhang})),
        ("vouchers.rows", json!({})),
        ("entitlements.use", json!({"customer_id": zhang, "item": "免费皮肤检测"})),
        ("orders.create", json!({"customer_id": zhang, "lines": [], "credits": {"vouchers": [id]}})),
    ] {
        let a = api(&s, cmd, Some(&service), args);
        assert_eq!(a.json()["error"]["code"], "forbidden", "{cmd}: {}", a.body);
    }
    let theirs = ok(api(&s, "vouchers.of_customer", Some(&service), json!({"id": zhang})));
    assert_eq!(theirs[0]["phone"], "138****5678", "{theirs}");
    let wallet = ok(api(&s, "wallet.of_customer", Some(&service), json!({"customer_id": zhang})));
    assert_eq!(wallet["vouchers"][0]["phone"], "138****5678", "{wallet}");
    // Another customer's voucher, or points as a fraction, pay nothing.
    for credits in [json!({"vouchers": [id]}), json!({"points": 0.5}), json!({"points": -1000})] {
        let a = api(&s, "orders.create", Some(&owner), json!({"customer_id": wang, "lines": [{"item_id": item, "sessions": 1, "price": "980"}], "credits": credits}));
        assert_eq!(a.json()["ok"], false, "{credits}: {}", a.body);
    }
    // Money and rates as numbers a form never sends are refused in Chinese.
    for args in [json!({"customer_id": zhang, "face": 1e30}), json!({"customer_id": zhang, "face": 184467440737095517_i64})] {
        let a = api(&s, "vouchers.issue", Some(&owner), args);
        assert_eq!(a.json()["ok"], false, "{}", a.body);
    }
    let mut numeric = settings.clone();
    numeric["discount_gold"] = json!(0.9);
    let a = api(&s, "benefits.save", Some(&owner), json!({"settings": numeric}));
    let message = a.json()["error"]["message"].as_str().unwrap_or_default().to_string();
    assert!(message.contains("请求参数不正确"), "{}", a.body);
    assert_eq!(fingerprint(&c), before, "nothing changed");
}

/// The report's voucher keys on a hand-worked history:
/// - imported: 陈静 paid ¥30,000 on 09-01 (黄金 from 09-02); 林悦, whom she
///   referred, first paid on 10-15, so 陈静 got the ¥500 referral voucher
///   dated 10-15 (valid through 10-15 + 89 = 2027-01-12);
/// - on 11-23 the owner issued 张小美 ¥300 (A) and ¥200 (B), 李娜 ¥100 满
///   ¥2,000 valid through 11-30 (C), and 王芳 ¥50 (D), voided at once;
/// - on 11-23 张小美 used A on an order, B on an order voided as a mistake
///   (so B is open again and its use never counts), and 陈静 used hers.
#[test]
fn the_report_counts_vouchers_issued_redeemed_and_outstanding() {
    let c = Clinic::new();
    let customers = c.file("customers.csv", "姓名,手机号,推荐人手机号\n陈静,13700000001,\n林悦,13700000002,13700000001\n".as_bytes());
    let history = c.file("consumption.csv", "手机号,日期,项目,实收金额,单号\n13700000001,2026-09-01,热玛吉,30000,H1\n13700000002,2026-10-15,水光针,1000,H2\n".as_bytes());
    c.import("2026-11-23", "customers", &customers, &[]).ok();
    c.import("2026-11-23", "consumption", &history, &[]).ok();
    {
        let s = serve_with(&c, &[]);
        let (owner, _, _) = staffed(&s);
        let (zhang, li, wang, chen) =
            (customer_id(&s, &owner, "13812345678"), customer_id(&s, &owner, "13900001111"), customer_id(&s, &owner, "15011112222"), customer_id(&s, &owner, "13700000001"));
        let issue = |args: Value| ok(api(&s, "vouchers.issue", Some(&owner), args))["id"].as_i64().unwrap();
        let a = issue(json!({"customer_id": zhang, "face": "300"}));
        let b = issue(json!({"customer_id": zhang, "face": "200"}));
        issue(json!({"customer_id": li, "face": "100", "threshold": "2000", "valid_through": "2026-11-30"}));
        let d = issue(json!({"customer_id": wang, "face": "50"}));
        ok(api(&s, "vouchers.void", Some(&owner), json!({"id": d, "reason": "发错了客户"})));
        let item = ok(api(&s, "items.create", Some(&owner), json!({"name": "光子嫩肤", "category": "光电", "list_price": "800"})))["id"].as_i64().unwrap();
        let order = |customer: i64, price: &str, paid: &str, voucher: i64| {
            ok(api(&s, "orders.create", Some(&owner), json!({
                "customer_id": customer, "lines": [{"item_id": item, "sessions": 1, "price": price}],
                "payment": {"amount": paid, "method": "微信"}, "credits": {"vouchers": [voucher]},
            })))["order_id"]
                .as_i64()
                .unwrap()
        };
        order(zhang, "800", "500", a);
        let mistake = order(zhang, "1000", "800", b);
        ok(api(&s, "records.void", Some(&owner), json!({"what": "order", "id": mistake, "reason": "开错单"})));
        let referral = ok(api(&s, "wallet.of_customer", Some(&owner), json!({"customer_id": chen})))["vouchers"][0]["id"].as_i64().unwrap();
        order(chen, "2000", "1500", referral);
    }
    let keys = |today: &str, month: &str| {
        let r = c.run(today, &["report", "monthly", "--month", month]).ok().json();
        json!([r["vouchers_issued"], r["vouchers_redeemed"], r["voucher_value_redeemed"], r["vouchers_outstanding"]])
    };
    // October: the referral voucher, open at 10-31.
    assert_eq!(keys("2026-12-01", "2026-10"), json!([1, 0, "0.00", "500.00"]));
    // November: A, B, C, D issued; A (¥300) and 陈静's (¥500) used; at 11-30 B (¥200) and C (¥100, its last day) are open, D void.
    assert_eq!(keys("2026-12-01", "2026-11"), json!([4, 2, "800.00", "300.00"]));
    // December: C lapsed after 11-30; B is open until 2027-02-20.
    assert_eq!(keys("2027-01-05", "2026-12"), json!([0, 0, "0.00", "200.00"]));
    let listed: Value = serde_json::from_str(&c.run("2026-12-01", &["vouchers", "--as-of", "2026-11-30"]).ok().stdout).unwrap();
    assert_eq!(
        listed[0],
        json!({"phone": "13700000001", "face": "500.00", "threshold": null, "issued": "2026-10-15", "valid_through": "2027-01-12", "source": "referral", "status": "redeemed"})
    );
    let csv = c.run("2026-12-01", &["report", "monthly", "--month", "2026-11", "--format", "csv"]).ok().stdout;
    assert!(csv.lines().next().unwrap_or_default().ends_with("发券数,用券数,用券面额,月末未用券面额"), "{csv}");
    assert!(csv.lines().last().unwrap_or_default().ends_with(",4,2,800.00,300.00"), "{csv}");
}
