//! A real SMTP server on loopback (tests/fixtures/smtp/sink.py, on Debian's python3-aiosmtpd):
//! each mail it accepted, headed by the session's recipients, login and TLS; a private CA and
//! a certificate for `localhost` made with openssl, for STARTTLS.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The Python with aiosmtpd: Debian's, not whichever `python3` a developer's PATH finds first.
const PYTHON: &str = "/usr/bin/python3";
const SINK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/smtp/sink.py");

#[derive(Debug)]
pub struct Mail {
    pub raw: String,
    /// The subject, a blank line, the body: decoded.
    pub text: String,
}

pub struct Sink {
    child: Child,
    pub port: u16,
    dir: tempfile::TempDir,
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A CA and a certificate for `localhost` it signed, in `dir`: (ca.pem, cert.pem, key.pem).
pub fn certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let openssl = |args: &[&str]| {
        let out =
            Command::new("openssl").current_dir(dir).args(args).output().expect("openssl (Debian package openssl)");
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
    openssl(
        &[
            &["req", "-x509"],
            &ec[..],
            &["-days", "2", "-subj", "/CN=warroom test CA", "-keyout", "ca.key", "-out", "ca.pem"],
        ]
        .concat(),
    );
    openssl(&[&["req"], &ec[..], &["-subj", "/CN=localhost", "-keyout", "key.pem", "-out", "cert.csr"]].concat());
    std::fs::write(
        dir.join("cert.ext"),
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .expect("ext");
    openssl(&[
        "x509",
        "-req",
        "-in",
        "cert.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "cert.ext",
        "-out",
        "cert.pem",
    ]);
    (dir.join("ca.pem"), dir.join("cert.pem"), dir.join("key.pem"))
}

impl Sink {
    /// A sink; `args` as sink.py takes them (`--tls CERT KEY`, `--login USER PASS`).
    pub fn start(args: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("sink dir");
        let mut child = Command::new(PYTHON)
            .arg(SINK)
            .arg(dir.path())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (Debian package python3-aiosmtpd)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("the port");
        let port = line.trim().parse().unwrap_or_else(|_| panic!("sink.py printed {line:?}, not a port"));
        Self { child, port, dir }
    }

    /// Every RCPT is answered `code` until `None`.
    pub fn answer(&self, code: Option<u16>) {
        let path = self.dir.path().join("answer");
        match code {
            Some(code) => std::fs::write(path, code.to_string()).expect("answer"),
            None => std::fs::remove_file(path).expect("answer"),
        }
    }

    /// Each mail accepted so far, in order: as received (headed by the session), and its
    /// subject and text decoded.
    pub fn mails(&self) -> Vec<Mail> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .expect("sink dir")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| Mail {
                raw: std::fs::read_to_string(p).expect("mail"),
                text: std::fs::read_to_string(p.with_extension("txt")).expect("decoded"),
            })
            .collect()
    }

    pub fn wait_for(&self, count: usize, within: Duration) -> Vec<Mail> {
        let deadline = Instant::now() + within;
        loop {
            let mails = self.mails();
            if mails.len() >= count {
                return mails;
            }
            assert!(Instant::now() < deadline, "waited {within:?} for {count} mail(s), got {}", mails.len());
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
