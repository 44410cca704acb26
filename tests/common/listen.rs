//! `warroom listen` on a loopback port for a test, and raw HTTP/1.1 posts to it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};

use super::Workspace;

pub struct Server {
    pub child: Child,
    pub addr: String,
}

impl Server {
    /// Starts the listener on a free port, as the alertmanager service, with `args`.
    pub fn start(ws: &Workspace, args: &[&str]) -> Self {
        let mut child = ws
            .command("alertmanager")
            .args(["listen", "--addr", "127.0.0.1:0"])
            .args(args)
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn listener");
        let mut first = String::new();
        BufReader::new(child.stderr.as_mut().expect("stderr")).read_line(&mut first).expect("first line");
        let addr = first.split("http://").nth(1).and_then(|rest| rest.split('/').next()).expect("address").to_owned();
        Self { child, addr }
    }

    /// A raw HTTP/1.1 POST; returns the status code and the body.
    pub fn post(&self, headers: &[(&str, &str)], body: &[u8]) -> (u16, String) {
        self.post_to("/alerts", headers, body)
    }

    /// A raw HTTP/1.1 POST to `path`; returns the status code and the body.
    pub fn post_to(&self, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.addr).expect("connect");
        let mut request = format!("POST {path} HTTP/1.1\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            request.push_str(&format!("Host: {}\r\n", self.addr));
        }
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).expect("write head");
        let _ = stream.write_all(body);
        let mut response = String::new();
        let _ = stream.read_to_string(&mut response);
        let status = response.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let body = response.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
        (status, body)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
