//! The password from a libpq password file (`PGPASSFILE`, else `~/.pgpass`), as libpq reads
//! it: `host:port:database:user:password` lines, `*` matching anything, `\` escaping, and a
//! file others can read ignored.

use std::path::PathBuf;

use postgres::Config;
use postgres::config::Host;

pub fn password(config: &Config) -> Option<Vec<u8>> {
    let path = std::env::var_os("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".pgpass")))?;
    let text = read_private(&path)?;
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(name)) => name.clone(),
        Some(Host::Unix(_)) | None => "localhost".to_owned(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432).to_string();
    let user = config.get_user().map(str::to_owned).or_else(|| std::env::var("USER").ok()).unwrap_or_default();
    let dbname = config.get_dbname().map_or_else(|| user.clone(), str::to_owned);
    let wanted = [host.as_str(), port.as_str(), dbname.as_str(), user.as_str()];
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .map(fields)
        .find(|fields| {
            fields.len() == 5 && fields.iter().zip(wanted).all(|(field, want)| field == "*" || field == want)
        })
        .map(|fields| fields[4].clone().into_bytes())
}

fn read_private(path: &std::path::Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).ok()?;
    if meta.permissions().mode() & 0o077 != 0 {
        tracing::warn!(file = %path.display(), "the password file is readable by others and is ignored (chmod 600)");
        return None;
    }
    std::fs::read_to_string(path).ok()
}

/// A line's fields, split at unescaped `:`.
fn fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => fields.last_mut().into_iter().for_each(|f| f.extend(chars.next())),
            ':' => fields.push(String::new()),
            c => fields.last_mut().into_iter().for_each(|f| f.push(c)),
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    #[test]
    fn fields_split_at_unescaped_colons() {
        assert_eq!(super::fields(r"db\:1:5432:*:alice:pa\\ss:word"), ["db:1", "5432", "*", "alice", r"pa\ss", "word"]);
    }
}
