//! Starting the console: theme, keymap, the `:` command line, and the demo on first start.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Parser;

use super::context::{CliError, Context};
use super::{Cli, HostListener, Request, demo, request};
use crate::domain::sanitize;
use crate::tui::keymap::Keymap;
use crate::tui::theme::Theme;
use crate::tui::view::Ui;
use crate::tui::{Parsed, Session};

/// `warroom` with no subcommand: the console on a terminal (declaring a demo drill first in an
/// empty default workspace, or with `--demo`); a status summary when output is not a terminal.
pub fn main_command(ctx: Context, theme: Option<String>, demo: bool, host: &HostListener) -> Result<(), CliError> {
    if (demo || ctx.default_workspace) && ctx.workspace.all_ids()?.is_empty() {
        let id = demo::declare_demo(&ctx)?;
        eprintln!("Declared demo incident {id} (a drill) in the empty workspace {}.", ctx.workspace.root().display());
    }
    if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() {
        return run(ctx, theme, host);
    }
    if host.listen.is_some() {
        return Err(CliError::new(2, "--listen needs the console on a terminal; use `warroom listen` as a service"));
    }
    demo::print_summary(&ctx)
}

pub fn run(ctx: Context, theme: Option<String>, host: &HostListener) -> Result<(), CliError> {
    let listen = match &host.listen {
        Some(addr) => Some(super::alerts::listener(&ctx, addr, host.listen_token_file.as_deref())?),
        None => None,
    };
    let config = config_dir();
    let ui = Ui { theme: load_theme(theme.as_deref(), config.as_ref())?, keymap: load_keymap(config.as_ref())? };
    let runbooks = ctx.runbooks().runbooks.clone();
    let runbook_list = super::drill::flagged_titles(&ctx);
    let clocks = ctx.clocks().clocks.clone();
    let defs = clocks.clone();
    let parse_command: crate::tui::CommandParser = Box::new(move |line, selected, now| {
        let mut words = split_words(line)?;
        if let Some(selected) = selected {
            for word in &mut words {
                if word == "." {
                    selected.clone_into(word);
                }
            }
        }
        words.insert(0, "warroom".to_owned());
        let cli = Cli::try_parse_from(&words).map_err(|e| first_line(&e.to_string()))?;
        let command = cli.command.ok_or("type a command, e.g. note . \"text\"")?;
        let clock_def = |id: &str| {
            defs.iter()
                .find(|d| d.id == id)
                .cloned()
                .ok_or_else(|| CliError::new(1, format!("no clock {:?}", sanitize::line(id))))
        };
        match request(command, now, &clock_def).map_err(|e| e.message)? {
            Request::Record { incident, command } => Ok(Parsed::Execute { incident: incident.to_uppercase(), command }),
            Request::Declare { runbook, .. } => Ok(Parsed::Declare { runbook }),
            Request::Other(super::Cmd::Drill { runbook, speed, micro, alert: None }) => {
                Ok(Parsed::Drill { runbook, speed, micro })
            }
            Request::Other(_) => {
                Err("only recording commands run here; views are the panes (status, verify and lint run in a shell)"
                    .to_owned())
            }
        }
    });
    let session = Session {
        workspace: ctx.workspace,
        actor: ctx.actor,
        tz: ctx.tz,
        runbooks,
        clocks,
        ui,
        clock: ctx.clock,
        parse_command,
        listen,
        runbook_list,
    };
    crate::tui::run(session).map_err(|e| CliError::new(4, e))
}

fn config_dir() -> Option<PathBuf> {
    std::env::var_os("WARROOM_CONFIG")
        .map(PathBuf::from)
        .or_else(|| directories::ProjectDirs::from("", "", "warroom").map(|d| d.config_dir().to_owned()))
}

fn load_theme(name: Option<&str>, config: Option<&PathBuf>) -> Result<Theme, CliError> {
    let name = name.unwrap_or("default");
    let user = config.map(|c| c.join("themes").join(format!("{name}.yaml"))).filter(|p| p.is_file());
    let theme = match user {
        Some(path) => {
            let text =
                std::fs::read_to_string(&path).map_err(|e| CliError::new(1, format!("{}: {e}", path.display())))?;
            Theme::parse(&text).map_err(|e| CliError::new(1, format!("{}: {}", path.display(), first_line(&e))))?
        }
        None => Theme::shipped(name).ok_or_else(|| {
            CliError::new(
                2,
                format!("no theme {:?}: use default, light, high-contrast or colour-blind", sanitize::line(name)),
            )
        })?,
    };
    let no_colour = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    Ok(if no_colour { theme.without_colour() } else { theme })
}

fn load_keymap(config: Option<&PathBuf>) -> Result<Keymap, CliError> {
    let user = config.map(|c| c.join("keymap.yaml")).filter(|p| p.is_file());
    let text = match &user {
        Some(path) => {
            Some(std::fs::read_to_string(path).map_err(|e| CliError::new(1, format!("{}: {e}", path.display())))?)
        }
        None => None,
    };
    let shipped = include_str!("../../assets/keymap.yaml");
    Keymap::from_yaml(shipped, text.as_deref()).map_err(|e| CliError::new(1, first_line(&e)))
}

fn first_line(text: &str) -> String {
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
    use super::split_words;

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
}
