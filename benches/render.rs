//! One console frame with 50 open incidents and a 100,000-line log, drawn at 200×60 (and
//! 80×24) on ratatui's TestBackend. Run: `cargo bench --bench render`.

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use warroom::catalog::{self, Origin, clocks};
use warroom::domain::event::{Actor, Envelope, Event};
use warroom::domain::incident::Incident;
use warroom::tui::feed::log_line;
use warroom::tui::keymap::Keymap;
use warroom::tui::model::Model;
use warroom::tui::theme::Theme;
use warroom::tui::update::{Msg, update};
use warroom::tui::view::{Ui, draw};

fn main() {
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-24T12:00:00Z").expect("now").with_timezone(&Utc);
    let runbook = catalog::load(&Origin::Embedded, now.date_naive()).get("tool-exploit").expect("runbook").clone();
    let catalog = clocks::load(None);
    let defs: Vec<_> = runbook.clocks.iter().filter_map(|c| catalog.get(c).cloned()).collect();
    let keymap = Keymap::shipped().expect("keymap");
    let mut model = Model::new("alice", "/srv/warroom", Tz::UTC, Vec::new());
    for n in 0..50i64 {
        let at = now - Duration::minutes(n * 13);
        let declared = Envelope {
            seq: 1,
            at,
            actor: Actor::named("alice"),
            event: Event::Declared {
                incident: format!("INC-20261124-{n:03}"),
                title: format!("Agent planner-{n} issued refunds from a poisoned ticket"),
                severity: ["SEV1", "SEV2", "SEV3"][n as usize % 3].to_owned(),
                runbook: Box::new(runbook.clone()),
                aware_at: Some(at),
                drill: n % 7 == 0,
                clocks: defs.clone(),
                from_alert: false,
            },
        };
        let incident = Incident::declared(&declared).expect("declared");
        let lines = if n == 0 {
            (0..100_000u64)
                .map(|i| {
                    log_line(&Envelope {
                        seq: i + 2,
                        at: at + Duration::seconds(i as i64),
                        actor: Actor::named("bob"),
                        event: Event::NoteAdded { text: format!("refund {i:06} reversed with the payment provider") },
                    })
                })
                .collect()
        } else {
            vec![log_line(&declared)]
        };
        update(&mut model, Msg::Changed { incident: Box::new(incident), appended: lines }, &keymap, now);
    }
    let ui = Ui { theme: Theme::shipped("default").expect("theme"), keymap };
    println!("workload: 50 open incidents × {} clocks, the selected one with a 100,000-line log", defs.len());
    for (width, height) in [(200u16, 60u16), (80, 24)] {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
        let mut samples: Vec<f64> = (0..300)
            .map(|frame| {
                let at = now + Duration::seconds(frame);
                let started = Instant::now();
                terminal.draw(|f| draw(f, &model, &ui, at)).expect("draw");
                started.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        samples.sort_by(f64::total_cmp);
        println!("frame at {width}×{height}   median {:.3} ms   p99 {:.3} ms", samples[150], samples[297]);
    }
}
