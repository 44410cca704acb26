//! Starting the console: theme, keymap, the `:` command line, and the demo on first start.

use std::io::IsTerminal;
use std::path::PathBuf;

use super::args::HostListener;
use super::command_line::first_line;
use super::context::{CliError, Context};
use super::demo;
use crate::domain::sanitize;
use crate::tui::Session;
use crate::tui::keymap::Keymap;
use crate::tui::theme::Theme;
use crate::tui::view::Ui;

/// `warroom` with no subcommand: the console on a terminal (declaring a demo drill first in an
/// empty default workspace, or with `--demo`); a status summary when output is not a terminal.
pub fn main_command(ctx: Context, theme: Option<String>, demo: bool, host: &HostListener) -> Result<(), CliError> {
    if (demo || ctx.default_workspace) && ctx.store.all_ids()?.is_empty() {
        let id = demo::declare_demo(&ctx)?;
        eprintln!("Declared demo incident {id} (a drill) in the empty workspace {}.", ctx.store.location());
    }
    if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() {
        return run(ctx, theme, host);
    }
    if host.listen.is_some() {
        return Err(CliError::usage("--listen needs the console on a terminal; use `warroom listen` as a service"));
    }
    demo::print_summary(&ctx)
}

pub fn run(ctx: Context, theme: Option<String>, host: &HostListener) -> Result<(), CliError> {
    let listen = match &host.listen {
        Some(addr) => {
            crate::domain::Actor::check_name(&host.listen_as)
                .map_err(|why| CliError::usage(format!("--listen-as: {why}")))?;
            // Alerts are the service's doing, not the responder's at this keyboard.
            let listener = super::alerts::listener(
                &ctx,
                addr,
                host.listen_token_file.as_deref(),
                host.listen_max_body_mib,
                &host.listen_as,
            )?;
            Some(listener)
        }
        None => None,
    };
    let _outbox = super::outbox::host(&ctx, "warroom console");
    let config = config_dir();
    let ui = Ui { theme: load_theme(theme.as_deref(), config.as_ref())?, keymap: load_keymap(config.as_ref())? };
    let runbooks = ctx.runbooks().runbooks.clone();
    let (listed, lister_store, clock) = (runbooks.clone(), ctx.store.clone(), ctx.clock);
    let runbook_list: crate::tui::RunbookLister =
        Box::new(move || super::drill::flagged_titles(&listed, &*lister_store, clock.now()));
    let clocks = ctx.clocks().clocks.clone();
    let defs = clocks.clone();
    let parties = crate::catalog::workspace_config::load(&ctx.dir).unwrap_or_default();
    let parse_command: crate::tui::CommandParser =
        Box::new(move |line, selected, now| super::command_line::parse(line, selected, now, &defs, &parties));
    let mut startup_notices = ctx.store.reconcile();
    startup_notices.extend(ctx.clocks().warnings());
    let unusable_clocks = ctx.clocks().unusable.clone();
    let session = Session {
        store: ctx.store,
        dir: ctx.dir,
        actor: ctx.actor,
        tz: ctx.tz,
        runbooks,
        clocks,
        unusable_clocks,
        startup_notices,
        ui,
        clock: ctx.clock,
        parse_command,
        service: host.listen.as_ref().map(|_| host.listen_as.clone()),
        listen,
        runbook_list,
    };
    crate::tui::run(session).map_err(CliError::internal)
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
                std::fs::read_to_string(&path).map_err(|e| CliError::refused(format!("{}: {e}", path.display())))?;
            Theme::parse(&text).map_err(|e| CliError::refused(format!("{}: {}", path.display(), first_line(&e))))?
        }
        None => Theme::shipped(name).ok_or_else(|| {
            CliError::usage(format!(
                "no theme {:?}: use default, light, high-contrast or colour-blind",
                sanitize::line(name)
            ))
        })?,
    };
    let no_colour = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    Ok(if no_colour { theme.without_colour() } else { theme })
}

fn load_keymap(config: Option<&PathBuf>) -> Result<Keymap, CliError> {
    let user = config.map(|c| c.join("keymap.yaml")).filter(|p| p.is_file());
    let text = match &user {
        Some(path) => {
            Some(std::fs::read_to_string(path).map_err(|e| CliError::refused(format!("{}: {e}", path.display())))?)
        }
        None => None,
    };
    let shipped = include_str!("../../assets/keymap.yaml");
    Keymap::from_yaml(shipped, text.as_deref()).map_err(|e| CliError::refused(first_line(&e)))
}
