//! Alertmanager-style label matchers, as runbook triggers write them:
//! `alertname="CrossTenantRead"`, `service!="batch"`, `agent=~"planner-.*"`, `env!~"dev|test"`.

use regex::Regex;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Equal,
    NotEqual,
    Matches,
    NotMatches,
}

#[derive(Clone, Debug)]
pub struct Matcher {
    pub label: String,
    pub op: Op,
    pub value: String,
    regex: Option<Regex>,
}

impl Matcher {
    pub fn matches(&self, value: Option<&str>) -> bool {
        let value = value.unwrap_or("");
        match (self.op, &self.regex) {
            (Op::Equal, _) => value == self.value,
            (Op::NotEqual, _) => value != self.value,
            (Op::Matches, Some(re)) => re.is_match(value),
            (Op::NotMatches, Some(re)) => !re.is_match(value),
            (_, None) => false,
        }
    }
}

pub fn parse(text: &str) -> Result<Matcher, String> {
    let text = text.trim();
    let name_end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .ok_or_else(|| format!("matcher {text:?} has no operator (use =, !=, =~ or !~)"))?;
    let (label, rest) = text.split_at(name_end);
    if label.is_empty() || label.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(format!("matcher {text:?} must start with a label name"));
    }
    let (op, rest) = [("!~", Op::NotMatches), ("=~", Op::Matches), ("!=", Op::NotEqual), ("=", Op::Equal)]
        .into_iter()
        .find_map(|(token, op)| rest.strip_prefix(token).map(|r| (op, r)))
        .ok_or_else(|| format!("matcher {text:?} has no operator after {label:?} (use =, !=, =~ or !~)"))?;
    let value = unquote(rest.trim()).ok_or_else(|| format!("matcher {text:?} has an unterminated quoted value"))?;
    let regex = match op {
        Op::Matches | Op::NotMatches => Some(Regex::new(&format!("^(?:{value})$")).map_err(|e| {
            format!("matcher {text:?} has an invalid regular expression: {}", first_line(&e.to_string()))
        })?),
        Op::Equal | Op::NotEqual => None,
    };
    Ok(Matcher { label: label.to_owned(), op, value, regex })
}

fn unquote(text: &str) -> Option<String> {
    let Some(inner) = text.strip_prefix('"') else {
        return Some(text.to_owned());
    };
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return chars.as_str().is_empty().then_some(out),
            '\\' => out.push(chars.next()?),
            c => out.push(c),
        }
    }
    None
}

fn first_line(text: &str) -> String {
    text.lines().rfind(|l| !l.trim().is_empty()).unwrap_or(text).trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_four_operators() {
        let m = parse(r#"alertname="CrossTenantRead""#).expect("eq");
        assert!(m.matches(Some("CrossTenantRead")) && !m.matches(Some("Other")));
        assert!(parse(r#"env!="dev""#).expect("ne").matches(None));
        let re = parse(r#"agent=~"planner-.*""#).expect("re");
        assert!(re.matches(Some("planner-7")) && !re.matches(Some("xplanner-7")));
        assert!(!parse(r#"env!~"dev|test""#).expect("nre").matches(Some("test")));
        assert!(parse("severity=critical").expect("bare").matches(Some("critical")));
    }

    #[test]
    fn bad_matchers_say_why() {
        assert!(parse("alertname").expect_err("no op").contains("no operator"));
        assert!(parse(r#"a=~"(""#).expect_err("bad re").contains("invalid regular expression"));
        assert!(parse(r#"a="open"#).expect_err("quote").contains("unterminated"));
        assert!(parse(r#"="x""#).expect_err("name").contains("label name"));
    }
}
