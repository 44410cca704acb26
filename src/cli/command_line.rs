//! The console's `:` line: the CLI's own grammar, global flags included, parsed into the same
//! application request the CLI would make. `.` stands for the selected incident.

use chrono::{DateTime, Utc};
use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};

use super::args::Cli;
use super::context::CliError;
use super::request::{Request, View, request};
use crate::app::AppError;
use crate::domain::clock::ClockDef;
use crate::domain::sanitize;
use crate::store::Failure;
use crate::tui::Invocation;

/// Global flags that pick the workspace or the console itself: fixed while it runs.
const FIXED: [(&str, &str); 9] = [
    ("dir", "--dir"),
    ("store", "--store"),
    ("runbooks", "--runbooks"),
    ("theme", "--theme"),
    ("tz", "--tz"),
    ("demo", "--demo"),
    ("listen", "--listen"),
    ("listen_token_file", "--listen-token-file"),
    ("listen_max_body_mib", "--listen-max-body-mib"),
];

pub fn parse(
    line: &str,
    selected: Option<&str>,
    now: DateTime<Utc>,
    clocks: &[ClockDef],
    parties: &crate::domain::parties::WorkspaceParties,
) -> Result<Invocation, AppError> {
    let mut words = split_words(line).map_err(AppError::Usage)?;
    if let Some(selected) = selected {
        for word in &mut words {
            if word == "." {
                selected.clone_into(word);
            }
        }
    }
    words.insert(0, "warroom".to_owned());
    let usage = |e: clap::Error| AppError::Usage(usage_line(&e.to_string()));
    let matches = Cli::command().try_get_matches_from(&words).map_err(usage)?;
    let typed = |id: &str| matches.value_source(id) == Some(ValueSource::CommandLine);
    if let Some((_, flag)) = FIXED.iter().find(|(id, _)| typed(id)) {
        return Err(AppError::Usage(format!("{flag} is fixed while the console runs; start another console for that")));
    }
    let actor = typed("actor").then(|| matches.get_one::<String>("actor").cloned()).flatten();
    if let Some(name) = &actor {
        crate::domain::event::Actor::check_name(name).map_err(|why| AppError::Usage(format!("--as: {why}")))?;
    }
    let cli = Cli::from_arg_matches(&matches).map_err(usage)?;
    let in_stead = cli.globals.in_stead.clone();
    let command = cli.command.ok_or_else(|| AppError::Usage("type a command, e.g. note . \"text\"".to_owned()))?;
    let clock_def = |id: &str, member_state: Option<&str>| {
        let mut def = clocks
            .iter()
            .find(|d| d.id == id)
            .cloned()
            .ok_or_else(|| CliError::refused(format!("no clock {:?} in the catalog", sanitize::line(id))))?;
        if let Some(code) = member_state {
            let jurisdiction = crate::catalog::member_states::Jurisdiction::of(parties, Some(code));
            jurisdiction.map_err(CliError::refused)?.apply(&mut def, now.date_naive());
        }
        Ok(def)
    };
    let request = request(command, now, &clock_def).map_err(|e| match e.failure {
        Failure::Usage => AppError::Usage(e.message),
        _ => AppError::Refused(e.message),
    })?;
    match request {
        Request::Call(call) => Ok(Invocation { actor, call, in_stead }),
        Request::View(View::Run { .. }) => Err(AppError::refused(
            "run a step's action with r on the step (U for its undo): it shows the argv and asks first",
        )),
        Request::View(View::Approve { .. }) => {
            Err(AppError::refused("approve with V on the step: it shows what is approved and asks first (r requests)"))
        }
        Request::View(_) => Err(AppError::refused(
            "only recording commands run here; views are the panes (status, verify and lint run in a shell)",
        )),
    }
}

/// A usage error in one line: its first paragraph (what is wrong, with what it lists, such as
/// the missing arguments), then the usage it states.
pub fn usage_line(text: &str) -> String {
    let paragraphs: Vec<String> = text
        .split("\n\n")
        .map(|p| p.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    let Some(what) = paragraphs.first() else { return first_line(text) };
    let what = what.trim_start_matches("error: ");
    match paragraphs.iter().find(|p| p.starts_with("Usage: ")) {
        Some(usage) => format!("{what} ({})", usage.replacen("Usage: ", "usage: ", 1)),
        None => what.to_owned(),
    }
}

pub fn first_line(text: &str) -> String {
    text.lines().find(|l| !l.trim().is_empty()).unwrap_or(text).trim().trim_start_matches("error: ").to_owned()
}

/// Splits a command line into words: spaces separate, quotes group, a backslash escapes.
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"') | None, '\\') => {
                word.push(chars.next().ok_or("a backslash ends the line")?);
                in_word = true;
            }
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err("a quote is not closed".to_owned());
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::{split_words, usage_line};

    #[test]
    fn words_quotes_and_escapes() {
        assert_eq!(
            split_words(r#"note . "two words" it\'s 'a "b"'"#).expect("split"),
            ["note", ".", "two words", "it's", "a \"b\""]
        );
        assert_eq!(split_words("  tick   INC-1  x ").expect("split"), ["tick", "INC-1", "x"]);
        assert_eq!(split_words(r#"note . """#).expect("split"), ["note", ".", ""]);
        assert!(split_words("note \"open").is_err());
    }

    #[test]
    fn a_usage_error_keeps_what_it_lists_and_the_usage() {
        let clap = "error: the following required arguments were not provided:\n  <ROLE>\n  <NAME>\n\nUsage: \
                    assign <INCIDENT> <ROLE> <NAME>\n\nFor more information, try '--help'.\n";
        assert_eq!(
            usage_line(clap),
            "the following required arguments were not provided: <ROLE> <NAME> (usage: assign <INCIDENT> <ROLE> <NAME>)"
        );
        assert_eq!(usage_line("error: unexpected argument '--x' found\n"), "unexpected argument '--x' found");
    }
}
