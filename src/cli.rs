//! Argument parsing and dispatch: recording commands go to the application's use cases, views
//! are rendered here. Errors become one line and an exit code in `main`.

mod alerts;
mod approve;
mod args;
mod args_global;
mod args_sub;
mod clock_view;
mod clocks;
mod command_line;
mod console;
mod context;
mod demo;
mod done;
mod drill;
mod export;
mod generate;
mod lint;
mod oplog;
mod outbox;
mod request;
mod run;
mod search;
mod status;
mod status_containment;
mod status_paging;
mod store;
mod time_arg;
mod verify;

use clap::Parser;

pub use args::Cli;
pub use context::{CliError, Context};
use request::{Request, View, request};

pub fn main() -> i32 {
    context::install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match run(cli) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("warroom: {}", crate::domain::sanitize::line(&e.message));
            e.failure.exit_code()
        }
    }
}

fn run(cli: Cli) -> Result<(), CliError> {
    if let Ok(program) = std::env::current_exe() {
        crate::action::orphan::watch_with(program);
    }
    let Some(command) = cli.command else {
        let ctx = Context::new(&cli.globals)?;
        oplog::init(&ctx.dir);
        return console::main_command(ctx, cli.globals.theme, cli.demo, &cli.host);
    };
    if let args::Cmd::WatchAction { group, parent, seconds } = command {
        let time_left = std::time::Duration::from_secs(seconds);
        crate::action::orphan::watch(group, parent, time_left, crate::action::run::GRACE);
        return Ok(());
    }
    if let args::Cmd::Lint { path } = &command {
        return lint::run(path.as_deref(), cli.globals.runbooks.as_deref(), cli.globals.dir.as_deref());
    }
    if let args::Cmd::Store { action } = command {
        return store::run(action, &cli.globals);
    }
    let mut ctx = Context::new(&cli.globals)?;
    ctx.in_stead = cli.globals.in_stead.clone();
    oplog::init(&ctx.dir);
    let clock_def = |id: &str, member_state: Option<&str>| {
        let mut def = ctx.clock_def(id)?.clone();
        if let Some(code) = member_state {
            ctx.jurisdiction(Some(code))?.apply(&mut def, ctx.now.date_naive());
        }
        Ok(def)
    };
    match request(command, ctx.now, &clock_def)? {
        Request::Call(call) => {
            let done = crate::app::perform(&ctx.app(), call)?;
            done::print(&ctx, &done)
        }
        Request::View(view) => match view {
            View::Console(host) => console::run(ctx, cli.globals.theme, &host),
            View::Listen { addr, token_file, log_file, max_body_mib } => {
                let _outbox = outbox::host(&ctx, "warroom listen");
                let listener = alerts::listener(&ctx, &addr, token_file.as_deref(), max_body_mib, &ctx.actor.name)?;
                alerts::listen(listener, log_file.as_deref())
            }
            View::Ingest(alerts) => alerts::ingest(ctx, alerts),
            View::Inbox { json } => alerts::inbox(&ctx, json),
            View::Status { incident, json, all } => status::run(&ctx, incident.as_deref(), json, all),
            View::Verify(target) => verify::run(&ctx, target.as_deref()),
            View::Lint(path) => lint::run(path.as_deref(), None, Some(&ctx.dir)),
            View::Run { incident, step, yes, undo, options } => run::run(&ctx, &incident, &step, yes, undo, &options),
            View::Approve { incident, step, request, yes } => approve::run(&ctx, &incident, &step, request, yes),
            View::Runbooks { json } => drill::runbooks(&ctx, json),
            View::Drills { json } => drill::reports(&ctx, json),
            View::Search { text, json } => search::run(&ctx, &text, json),
            View::Generate(what) => generate::run(&ctx, what),
            View::ClockList { incident, json } => clocks::list(&ctx, incident.as_deref(), json),
            View::OutboxRun { once } => outbox::run(&ctx, once),
            View::OutboxStatus { incident } => outbox::status(&ctx, incident.as_deref()),
            View::UpdateDraft { incident, audience } => {
                let draft = crate::app::updates::draft(&ctx.app(), &incident, &audience)?;
                println!("{}", crate::domain::sanitize::block(&draft));
                Ok(())
            }
        },
    }
}
