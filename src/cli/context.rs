//! What every subcommand needs: the workspace, the acting responder, the time, the runbooks.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use chrono_tz::Tz;

use crate::catalog::clocks::ClockCatalog;
use crate::catalog::{self, Loaded, Origin};
use crate::clock::Clock;
use crate::domain::clock::ClockDef;
use crate::domain::event::Actor;
use crate::domain::incident::{Incident, IncidentState};
use crate::domain::runbook::Runbook;
use crate::domain::sanitize;
use crate::domain::suggest::did_you_mean;
use crate::store::keyring::Keyring;
use crate::store::signing::Proofs;
use crate::store::{Failure, PgStore, Store, StoreError, Workspace};

/// A one-line error for the user, and the kind of failure that picks the exit code.
#[derive(Debug)]
pub struct CliError {
    pub message: String,
    pub failure: Failure,
}

impl CliError {
    pub fn new(failure: Failure, message: impl Into<String>) -> Self {
        Self { message: message.into(), failure }
    }

    pub fn refused(message: impl Into<String>) -> Self {
        Self::new(Failure::Refused, message)
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Failure::Usage, message)
    }

    pub fn damaged(message: impl Into<String>) -> Self {
        Self::new(Failure::Damaged, message)
    }

    pub fn not_saved(message: impl Into<String>) -> Self {
        Self::new(Failure::NotSaved, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(Failure::Internal, message)
    }
}

impl From<crate::app::AppError> for CliError {
    fn from(e: crate::app::AppError) -> Self {
        Self::new(e.failure(), e.to_string())
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        Self::new(e.failure(), e.to_string())
    }
}

/// Incidents as listed, and beside them each one whose log could not be read, with why.
#[derive(Default)]
pub struct Listing {
    pub incidents: Vec<Incident>,
    pub unreadable: Vec<(String, StoreError)>,
}

impl Listing {
    /// Refuses (exit 3 for damage) once the readable incidents were shown, naming each
    /// unreadable one.
    pub fn ensure_whole(&self) -> Result<(), CliError> {
        let Some((_, first)) = self.unreadable.first() else { return Ok(()) };
        let ids: Vec<&str> = self.unreadable.iter().map(|(id, _)| id.as_str()).collect();
        Err(CliError::new(
            first.failure(),
            format!("{} incident log(s) could not be read: {} (run `warroom verify`)", ids.len(), ids.join(", ")),
        ))
    }
}

pub struct Context {
    pub store: Arc<dyn Store>,
    /// The workspace directory on this host: configuration, actions, bundles, operational log.
    pub dir: PathBuf,
    pub actor: Actor,
    /// The time this command acts at, read once from `clock`.
    pub now: DateTime<Utc>,
    pub clock: Clock,
    /// The responder's zone, for display beside UTC.
    pub tz: Tz,
    /// No --dir / WARROOM_DIR: the platform data directory.
    pub default_workspace: bool,
    /// `--in-stead`: the responder acts in the commander's stead for this command, and why.
    pub in_stead: Option<String>,
    origin: Origin,
    runbooks: OnceCell<Loaded>,
    clocks: OnceCell<ClockCatalog>,
    origin_text: OnceCell<String>,
}

impl Context {
    /// The application over this workspace, clock, responder and the runbooks and clocks in
    /// effect.
    pub fn app(&self) -> crate::app::App<'_> {
        crate::app::App::new(&*self.store, &self.dir, self.clock, &self.actor, self.catalog())
            .in_commanders_stead(self.in_stead.as_deref())
    }

    pub fn catalog(&self) -> crate::app::Catalog<'_> {
        let (runbooks, clocks) = (self.runbooks(), self.clocks());
        crate::app::Catalog {
            runbooks: &runbooks.runbooks,
            clocks: &clocks.clocks,
            origin: self.origin_text.get_or_init(|| self.origin.describe()),
            runbooks_broken: runbooks.errors() > 0,
            unusable_clocks: &clocks.unusable,
        }
    }

    pub fn new(globals: &super::args_global::Globals) -> Result<Self, CliError> {
        let default = globals.dir.is_none();
        let root = match &globals.dir {
            Some(dir) => dir.clone(),
            None => default_workspace()?,
        };
        let agent = std::env::var_os("SSH_AUTH_SOCK").map(PathBuf::from);
        let keyring = Keyring::new(&globals.keys, agent).map_err(CliError::usage)?;
        let proofs = Proofs { keyring: Arc::new(keyring), witnesses: globals.witnesses.clone() };
        let store: Arc<dyn Store> = match &globals.store {
            Some(url) => Arc::new(PgStore::open(url, &root, proofs)?),
            None => Arc::new(Workspace::open_with(&root, proofs)?),
        };
        let origin = runbook_origin(globals.runbooks.clone(), &root);
        let clock = Clock::for_process().map_err(CliError::usage)?;
        Ok(Self {
            store,
            dir: root,
            actor: acting(globals.actor.clone(), clock.is_fixed())?,
            now: clock.now(),
            clock,
            tz: zone(globals.tz.clone())?,
            default_workspace: default,
            in_stead: None,
            origin,
            runbooks: OnceCell::new(),
            clocks: OnceCell::new(),
            origin_text: OnceCell::new(),
        })
    }

    pub fn runbooks(&self) -> &Loaded {
        self.runbooks
            .get_or_init(|| catalog::load::load_with_clocks(&self.origin, self.now.date_naive(), &self.clock_ids()))
    }

    /// Every clock id a runbook may name: the usable ones and those left out for errors in
    /// their file (a runbook naming one is sound; declaring it is refused, naming the file).
    fn clock_ids(&self) -> std::collections::BTreeSet<String> {
        let catalog = self.clocks();
        catalog.ids().into_iter().chain(catalog.unusable.keys().cloned()).collect()
    }

    /// The shipped clock catalog with the workspace's `clocks/*.yaml` on top.
    pub fn clocks(&self) -> &ClockCatalog {
        self.clocks.get_or_init(|| {
            let mut catalog = catalog::clocks::load(Some(&self.dir.join("clocks")));
            let jurisdiction = self.jurisdiction(None).unwrap_or_default();
            let today = self.clock.now().date_naive();
            for def in &mut catalog.clocks {
                jurisdiction.apply(def, today);
            }
            catalog
        })
    }

    /// The law the workspace's clocks follow (`warroom.yaml`), with `code` as the member state
    /// when given. A broken `warroom.yaml` gives the conservative reading.
    pub fn jurisdiction(&self, code: Option<&str>) -> Result<catalog::member_states::Jurisdiction, CliError> {
        let parties = catalog::workspace_config::load(&self.dir).unwrap_or_default();
        catalog::member_states::Jurisdiction::of(&parties, code).map_err(CliError::refused)
    }

    pub fn clock_def(&self, id: &str) -> Result<&ClockDef, CliError> {
        let catalog = self.clocks();
        catalog.get(id).ok_or_else(|| match catalog.unusable.get(id) {
            Some(file) => CliError::refused(format!(
                "clock {:?} cannot be used: its catalog file {} has errors (run `warroom lint`)",
                sanitize::line(id),
                sanitize::line(file)
            )),
            None => {
                let hint = did_you_mean(id, catalog.clocks.iter().map(|c| c.id.as_str()));
                CliError::refused(format!("no clock {:?} in the catalog{hint}", sanitize::line(id)))
            }
        })
    }

    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    pub fn runbook(&self, id: &str) -> Result<&Runbook, CliError> {
        let loaded = self.runbooks();
        if let Some(runbook) = loaded.get(id) {
            return Ok(runbook);
        }
        let known: Vec<&str> = loaded.runbooks.iter().map(|r| r.id.as_str()).collect();
        let broken = loaded.errors() > 0;
        Err(CliError::refused(format!(
            "no runbook {:?} in {}{}{}",
            sanitize::line(id),
            self.origin.describe(),
            did_you_mean(id, known.iter().copied()),
            if broken { " (some runbooks there have errors: run `warroom lint`)" } else { "" }
        )))
    }

    /// Every incident declared here, oldest first (an empty log left by a crash while
    /// declaring is not one), and those whose log cannot be read.
    pub fn history(&self) -> Result<Listing, CliError> {
        self.listing(self.store.all_ids()?, |_| true)
    }

    /// The incidents open now, by id, and those whose log cannot be read.
    pub fn open_incidents(&self) -> Result<Listing, CliError> {
        self.listing(self.store.open_ids()?, |i| i.state != IncidentState::Archived)
    }

    fn listing(&self, ids: Vec<String>, keep: impl Fn(&Incident) -> bool) -> Result<Listing, CliError> {
        let mut listing = Listing::default();
        for id in ids {
            match self.store.incident(&id) {
                Ok(incident) if keep(&incident) => listing.incidents.push(incident),
                Ok(_) | Err(StoreError::Undeclared { .. }) => {}
                Err(e) => listing.unreadable.push((id, e)),
            }
        }
        Ok(listing)
    }

    /// The incident an argument names: its exact id, or a tail of one (`001`).
    pub fn incident_id(&self, wanted: &str) -> Result<String, CliError> {
        Ok(self.store.resolve_id(wanted)?)
    }
}

/// `--tz`, else `TZ` when it names an IANA zone, else UTC.
fn zone(flag: Option<String>) -> Result<Tz, CliError> {
    if let Some(name) = flag {
        return name.parse().map_err(|_| {
            CliError::usage(format!(
                "unknown time zone {:?}: use an IANA name like Europe/Paris",
                sanitize::line(&name)
            ))
        });
    }
    let from_env = std::env::var("TZ").ok().map(|tz| tz.trim_start_matches(':').to_owned());
    Ok(from_env.and_then(|tz| tz.parse().ok()).unwrap_or(Tz::UTC))
}

pub(super) fn default_workspace() -> Result<PathBuf, CliError> {
    directories::ProjectDirs::from("", "", "warroom")
        .map(|dirs| dirs.data_dir().to_owned())
        .ok_or_else(|| CliError::usage("no home directory to hold the workspace: pass --dir DIR or set WARROOM_DIR"))
}

pub(super) fn runbook_origin(flag: Option<PathBuf>, root: &Path) -> Origin {
    if let Some(path) = flag {
        return Origin::Path(path);
    }
    let local = root.join("runbooks");
    if local.is_dir() { Origin::Path(local) } else { Origin::Embedded }
}

/// Who acts: the responder named (`--as`, else the login name), and the login as the operating
/// system knows this process's user (not `USER`, which anyone can set).
fn acting(flag: Option<String>, fixed_clock: bool) -> Result<Actor, CliError> {
    let login = login_from_passwd().unwrap_or_else(|| "unknown".to_owned());
    let name = flag.unwrap_or_else(|| login.clone());
    Actor::check_name(&name).map_err(|why| CliError::usage(format!("--as: {why}")))?;
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "unknown".to_owned());
    Ok(Actor { name, login, host, pid: std::process::id(), fixed_clock, service: false })
}

/// The login name of this process's user, from its uid.
fn login_from_passwd() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let uid = status.lines().find_map(|l| l.strip_prefix("Uid:"))?.split_whitespace().next()?.to_owned();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|l| {
        let mut fields = l.split(':');
        let name = fields.next()?;
        (fields.nth(1)? == uid).then(|| name.to_owned())
    })
}

/// A panic prints one sanitised line, no backtrace. Every acknowledged event was already durable.
/// Output cut short by its reader (a closed pipe) ends the process quietly.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        if what.starts_with("failed printing to stdout") && what.contains("Broken pipe") {
            // The reader went away (`| head`): nothing more to say to it, and nothing went wrong.
            std::process::exit(0);
        }
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!(
            "warroom: internal error{at}: {} (a bug; every acknowledged event is already on disk)",
            sanitize::line(&what)
        );
    }));
}
