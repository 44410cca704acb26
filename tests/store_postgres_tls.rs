//! The PostgreSQL store over TLS, against a real server that refuses unencrypted TCP, with
//! certificates made by the openssl command: libpq's sslmode, sslrootcert, and what each refuses.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::Workspace;
use common::postgres::Server;

/// A certificate authority named `name` in `dir`: its certificate and key.
fn authority(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let (certificate, key) = (dir.join(format!("{name}.pem")), dir.join(format!("{name}.key")));
    openssl(&["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "3650"])
        .args(["-subj", &format!("/CN={name}"), "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&certificate)
        .status()
        .map(|s| assert!(s.success(), "openssl req -x509"))
        .expect("openssl");
    (certificate, key)
}

/// A server certificate for `localhost` issued by the authority: its certificate and key.
fn server_certificate(dir: &Path, authority: &(PathBuf, PathBuf)) -> (PathBuf, PathBuf) {
    let (certificate, key, request) = (dir.join("server.pem"), dir.join("server.key"), dir.join("server.csr"));
    let extensions = dir.join("server.ext");
    std::fs::write(
        &extensions,
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .expect("extensions");
    let made = openssl(&["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"])
        .args(["-subj", "/CN=localhost", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&request)
        .status();
    assert!(made.expect("openssl").success(), "openssl req");
    let signed = openssl(&["x509", "-req", "-days", "3650", "-in"])
        .arg(&request)
        .arg("-CA")
        .arg(&authority.0)
        .arg("-CAkey")
        .arg(&authority.1)
        .args(["-CAcreateserial", "-extfile"])
        .arg(&extensions)
        .arg("-out")
        .arg(&certificate)
        .status();
    assert!(signed.expect("openssl").success(), "openssl x509");
    (certificate, key)
}

fn openssl(args: &[&str]) -> Command {
    let mut command = Command::new("openssl");
    command.args(args).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
    command
}

#[test]
fn tls_is_used_as_libpq_sslmode_says_and_a_server_it_cannot_trust_is_refused() {
    let certificates = tempfile::tempdir().expect("dir");
    let ours = authority(certificates.path(), "warroom-test-ca");
    let theirs = authority(certificates.path(), "someone-else");
    let (certificate, key) = server_certificate(certificates.path(), &ours);
    let server = Server::start_tls(&certificate, &key);
    let database = server.create_database().rsplit("dbname=").next().expect("dbname").to_owned();
    let root = |authority: &(PathBuf, PathBuf)| format!("sslrootcert={}", authority.0.display());
    let on = |host: &str, options: &str| Workspace {
        store: Some(server.tcp_url(&database, host, options)),
        ..Workspace::new()
    };

    let full = on("localhost", &format!("sslmode=verify-full {}", root(&ours)));
    full.ok("dba", &["store", "init"]);
    let id = full.declare("alice", "cross-tenant-pii-leak");
    full.ok("alice", &["note", &id, "over verify-full"]);

    let by_address = on("127.0.0.1", &format!("sslmode=verify-ca {}", root(&ours)));
    by_address.ok("bob", &["note", &id, "verify-ca checks the issuer, not the name"]);
    on("127.0.0.1", "").ok("bob", &["note", &id, "prefer, the default: encrypted when offered"]);
    on("127.0.0.1", "sslmode=require").ok("bob", &["note", &id, "require: encrypted, certificate unchecked"]);

    let wrong_name = on("127.0.0.1", &format!("sslmode=verify-full {}", root(&ours)));
    let refused = wrong_name.refused("bob", &["note", &id, "not written"], 4);
    assert!(refused.contains("certificate") && refused.lines().count() == 1, "{refused}");
    let stranger = on("localhost", &format!("sslmode=verify-ca {}", root(&theirs)));
    let refused = stranger.refused("bob", &["note", &id, "not written"], 4);
    assert!(refused.contains("UnknownIssuer") || refused.contains("issuer"), "{refused}");
    let require_with_root = on("localhost", &format!("sslmode=require {}", root(&theirs)));
    require_with_root.refused("bob", &["note", &id, "require with a root certificate checks it, as libpq"], 4);
    let plain = on("localhost", "sslmode=disable");
    let refused = plain.refused("bob", &["note", &id, "not written"], 4);
    assert!(refused.contains("no encryption"), "the server refuses plain TCP: {refused}");

    let no_root = on("localhost", "sslmode=verify-full");
    let refused = no_root.refused("bob", &["status"], 2);
    assert!(refused.contains("needs the certificate authority: sslrootcert=FILE"), "{refused}");
    let garbled = on("localhost", "sslmode=verify");
    let refused = garbled.refused("bob", &["status"], 2);
    assert!(refused.contains("sslmode \"verify\" is not one of"), "{refused}");

    use std::os::unix::fs::PermissionsExt;
    let client = format!("sslcert={} sslkey={}", certificate.display(), key.display());
    let with_client = on("localhost", &format!("sslmode=verify-full {} {client}", root(&ours)));
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let refused = with_client.refused("bob", &["status"], 2);
    assert!(refused.contains("others may read it: chmod 600"), "{refused}");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    with_client.ok("bob", &["status"]);
    let half = on("localhost", &format!("sslcert={}", certificate.display()));
    let refused = half.refused("bob", &["status"], 2);
    assert!(refused.contains("sslcert and sslkey are given together"), "{refused}");

    let notes = full.ok("auditor", &["search", "encrypted"]);
    assert_eq!(notes.lines().filter(|l| l.contains("note #")).count(), 2, "{notes}");
    let refused_notes = full.ok("auditor", &["search", "not written"]);
    assert!(!refused_notes.contains("note #"), "nothing refused was written: {refused_notes}");
}
