//! Session certificates judged as `ssh-keygen -Y verify` judges them.

use chrono::{DateTime, Duration, Utc};

use super::session::{LASTS, RENEW_BEFORE, Session};
use crate::store::allowed_signers::{AllowedSigners, Refused};
use crate::store::signature::{check, from_line, names_certificate, to_line, to_line_without_certificate};

fn key(seed: u8) -> ssh_key::PrivateKey {
    ssh_key::PrivateKey::from(ssh_key::private::Ed25519Keypair::from_seed(&[seed; 32]))
}

fn listed(text: &str, ca: &ssh_key::PrivateKey) -> AllowedSigners {
    let public = ca.public_key().to_openssh().expect("openssh");
    AllowedSigners::parse(&text.replace("KEY", &public), "allowed_signers").expect("parse")
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("time").with_timezone(&Utc)
}

#[test]
fn a_session_key_signs_for_whom_a_cert_authority_line_allows_and_only_then() {
    let ca = key(1);
    let start = at("2026-03-01T02:00:00Z");
    let session = Session::new("alice", &ca, start).expect("session");
    let sig = from_line(to_line(&session.sign(b"line").expect("sign")).expect("encode").as_bytes()).expect("decode");
    check(&sig, b"line").expect("the session key's own signature");
    assert!(names_certificate(to_line(&sig).expect("encode").as_bytes()));
    assert!(!names_certificate(to_line_without_certificate(&sig).expect("encode").as_bytes()));
    assert!(check(&sig, b"another line").is_err());
    assert_eq!(sig.authority(), ca.public_key().key_data(), "allowed_signers judges the certifying key");

    let authority = listed("alice cert-authority KEY\n", &ca);
    assert_eq!(authority.check_sig("alice", &sig, start), Ok(()));
    assert_eq!(authority.check_sig("alice", &sig, start + Duration::hours(11)), Ok(()));
    let refused = |signers: &AllowedSigners, who: &str, when: DateTime<Utc>| {
        signers.check_sig(who, &sig, when).expect_err("refused").to_string()
    };
    assert_eq!(refused(&authority, "alice", start + LASTS), "its session certificate expired at 2026-03-01T14:00:00Z");
    assert_eq!(
        refused(&authority, "alice", start - Duration::minutes(6)),
        "its session certificate is not valid before 2026-03-01T01:55:00Z"
    );
    assert_eq!(
        refused(&listed("* cert-authority KEY\n", &ca), "bob", start),
        "its session certificate does not name bob"
    );
    assert_eq!(
        Err(Refused::NotListed),
        listed("alice KEY\n", &ca).check_sig("alice", &sig, start),
        "a plain line does not certify"
    );
    assert_eq!(Err(Refused::NotListed), listed("bob cert-authority KEY\n", &ca).check_sig("alice", &sig, start));
    assert_eq!(
        Err(Refused::Revoked),
        listed("alice cert-authority KEY\n@revoked KEY\n", &ca).check_sig("alice", &sig, start)
    );
}

#[test]
fn a_certificate_changed_after_signing_is_not_vouched_for() {
    use base64ct::{Base64, Encoding};
    let ca = key(2);
    let start = at("2026-03-01T02:00:00Z");
    let sig = Session::new("alice", &ca, start).expect("session").sign(b"line").expect("sign");
    let mut bytes = Base64::decode_vec(&to_line(&sig).expect("encode")).expect("base64");
    let name = b"warroom ";
    let offset = bytes.windows(name.len()).position(|w| w == name).expect("the key id");
    bytes[offset] = b'W';
    let forged = from_line(Base64::encode_string(&bytes).as_bytes()).expect("still readable");
    let authority = listed("alice cert-authority KEY\n", &ca);
    assert_eq!(
        authority.check_sig("alice", &forged, start).expect_err("forged").to_string(),
        "its session certificate is not signed by the key it names"
    );
}

#[test]
fn a_session_is_renewed_an_hour_before_its_certificate_ends_and_for_another_authority() {
    let ca = key(3);
    let start = at("2026-03-01T02:00:00Z");
    let session = Session::new("alice", &ca, start).expect("session");
    let authority = ca.public_key().key_data();
    assert!(session.covers(authority, start + Duration::hours(10)));
    assert!(!session.covers(authority, start + LASTS - RENEW_BEFORE));
    assert!(!session.covers(authority, start - Duration::minutes(10)));
    assert!(!session.covers(key(4).public_key().key_data(), start));
}
