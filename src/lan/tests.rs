use super::*;

#[test]
fn the_pairing_code_is_twelve_unmistakable_letters_from_the_fingerprint() {
    let f = "ffffffffffffffff00";
    assert_eq!(pairing_code(f), "ZZZZ-ZZZZ-ZZZZ");
    let zero = "0000000000000000ff";
    assert_eq!(pairing_code(zero), "0000-0000-0000");
    // 0x123456789abcdef0 >> 4 = 0x0123456789abcdef: its twelve low groups of five bits.
    let code = pairing_code("123456789abcdef0");
    assert_eq!(code.len(), 14);
    assert!(!code.contains(['I', 'L', 'O', 'U']), "{code}");
    assert_ne!(code, pairing_code("123456789abcdef1"[..16].replace('f', "e").as_str()));
}

#[test]
fn the_certificate_is_made_once_and_kept_beside_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("诊所.db");
    let first = identity(&db).unwrap();
    let again = identity(&db).unwrap();
    assert_eq!(first.fingerprint(), again.fingerprint());
    assert_eq!(first.fingerprint().len(), 64);
    assert!(dir.path().join("诊所-lan-cert.pem").exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("诊所-lan-key.pem")).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the key is the owner's only");
    }
    let other = tempfile::tempdir().unwrap();
    assert_ne!(identity(&other.path().join("诊所.db")).unwrap().fingerprint(), first.fingerprint(), "every host its own");
}

#[test]
fn a_typed_host_address_gets_the_default_port() {
    assert_eq!(link::normalise("192.168.1.10").unwrap(), "192.168.1.10:47480");
    assert_eq!(link::normalise(" https://192.168.1.10:9000/ ").unwrap(), "192.168.1.10:9000");
    assert!(link::normalise("evil.com/x").is_err());
    assert!(link::normalise("").is_err());
}

#[test]
fn network_settings_default_to_off_on_the_default_port() {
    let conn = crate::store::open_in_memory().unwrap();
    assert_eq!(settings(&conn).unwrap(), Settings { enabled: false, port: DEFAULT_PORT });
    save_settings(&conn, Settings { enabled: true, port: 9443 }).unwrap();
    assert_eq!(settings(&conn).unwrap(), Settings { enabled: true, port: 9443 });
    assert!(save_settings(&conn, Settings { enabled: true, port: 80 }).is_err());
}
