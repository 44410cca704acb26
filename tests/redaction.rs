//! Redaction recall on a corpus of valid personal data (every one caught) and precision on
//! look-alikes (left alone).

use warroom::report::redact::Redactor;

fn redacted(text: &str) -> String {
    Redactor::new(&["Jane Roe".to_owned(), "Kowalski".to_owned()]).redact(text, "test", "line 1")
}

#[test]
fn every_valid_value_of_the_corpus_is_caught() {
    let cards = [
        "4111111111111111",
        "4111 1111 1111 1111",
        "4012-8888-8888-1881",
        "5555555555554444",
        "5105 1051 0510 5100",
        "378282246310005",
        "3714 496353 98431",
        "6011111111111117",
        "3530111333300000",
        "30569309025904",
        "4000056655665556",
        "2223003122003222",
    ];
    let ibans = [
        "DE89370400440532013000",
        "DE89 3704 0044 0532 0130 00",
        "GB82WEST12345698765432",
        "GB82 WEST 1234 5698 7654 32",
        "FR1420041010050500013M02606",
        "NL91ABNA0417164300",
        "ES9121000418450200051332",
        "BE68539007547034",
        "IT60X0542811101000000123456",
        "CH9300762011623852957",
    ];
    let emails = ["jane.roe@acme.example", "j+tag@sub.globex.co.uk", "OPS_Team@Example.COM", "a.b-c@x.io"];
    let phones =
        ["+44 20 7946 0958", "+1 415 555 2671", "(415) 555-2671", "415-555-2671", "+49 30 901820", "+33 1 23 45 67 89"];
    let ips = ["10.0.3.17", "203.0.113.254", "2001:db8::8a2e:370:7334", "fe80::1"];
    let secrets = [
        "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc123DEF456",
        "sk-proj-A1b2C3d4E5f6G7h8I9j0K1l2",
        "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
        "AKIAIOSFODNN7EXAMPLE",
        "api_key=9f8e7d6c5b4a3210",
        "password: hunter2hunter2",
    ];
    let names = ["Jane Roe", "jane roe", "KOWALSKI"];
    for value in cards.iter().chain(&ibans).chain(&emails).chain(&phones).chain(&ips).chain(&names) {
        let text = format!("seen: {value}.");
        let out = redacted(&text);
        assert!(out.starts_with("seen: <") && !out.contains(&value[value.len() - 4..]), "{value:?} → {out:?}");
    }
    for value in secrets {
        let out = redacted(value);
        assert!(out.contains("<secret-1>"), "{value:?} → {out:?}");
        let tail = &value[value.len() - 6..];
        assert!(!out.contains(tail), "{value:?} → {out:?}");
    }
}

#[test]
fn look_alikes_are_left_alone() {
    let keep = [
        "card 4111 1111 1111 1112 failed Luhn",
        "order ORD-2026-000123 and order 123456789",
        "invoice 2026112400017",
        "at 2026-11-24T02:10:00Z and 2026-11-24 02:10 UTC",
        "durations 72h, 15m, 1h30m; seq #1234",
        "IBAN look-alike DE89370400440532013001",
        "version v1.2.3.4 and 1.2.3.4.5",
        "trace 7f3a9c1e2d4b5a6f, runbook cross-tenant-pii-leak v4",
        "INC-20261124-001 at 02:10:00",
        "ticket JIRA-4412, 3 records, 40 minutes",
    ];
    for text in keep {
        assert_eq!(redacted(text), text);
    }
}

#[test]
fn one_value_one_pseudonym_across_a_bundle() {
    let mut r = Redactor::new(&[]);
    let a = r.redact("card 4111 1111 1111 1111, mail jane@acme.example", "comms/a.md", "line 3");
    let b = r.redact("4111-1111-1111-1111 again; JANE@acme.example; bob@acme.example", "postmortem.md", "line 9");
    assert_eq!(a, "card <card-1>, mail <email-1>");
    assert_eq!(b, "<card-1> again; <email-1>; <email-2>");
    assert_eq!(r.removals.len(), 5);
}
