//! Every regulatory clock of 1,000 open incidents, computed as one frame of the countdown
//! panel would. Run: `cargo bench --bench clocks`.

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use warroom::catalog::{self, Origin, clocks};
use warroom::domain::clock::Decision;
use warroom::domain::event::{Actor, Envelope, Event};
use warroom::domain::incident::Incident;

fn main() {
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-24T12:00:00Z").expect("now").with_timezone(&Utc);
    let runbook = catalog::load(&Origin::Embedded, now.date_naive()).get("tool-exploit").expect("runbook").clone();
    let catalog = clocks::load(None);
    let clocks: Vec<_> = runbook.clocks.iter().filter_map(|c| catalog.get(c).cloned()).collect();
    let incidents: Vec<Incident> = (0..1000i64)
        .map(|n| {
            let at = now - Duration::minutes(n * 7);
            let envelope = |seq, event| Envelope { seq, at, actor: Actor::named("alice"), event };
            let declared = Event::Declared {
                incident: format!("INC-20261124-{n:03}"),
                title: runbook.title.clone(),
                severity: "SEV1".into(),
                runbook: Box::new(runbook.clone()),
                aware_at: Some(at),
                drill: false,
                clocks: clocks.clone(),
                from_alert: false,
            };
            let mut incident = Incident::declared(&envelope(1, declared)).expect("declared");
            for (seq, decision) in [(2, Decision::ClassifiedMajor), (3, Decision::Material)] {
                let event = Event::DecisionRecorded {
                    decision,
                    at,
                    evidence: None,
                    corrects: None,
                    auto: false,
                    reason: None,
                    regime: None,
                    confirms: false,
                    moved: Vec::new(),
                };
                incident.apply(&envelope(seq, event));
            }
            incident
        })
        .collect();
    let total: usize = incidents.iter().map(|i| i.clocks.len()).sum();
    let mut samples: Vec<f64> = (0..200)
        .map(|frame| {
            let at = now + Duration::seconds(frame);
            let started = Instant::now();
            let mut urgent = 0;
            for incident in &incidents {
                let statuses = incident.clock_statuses(at);
                urgent += usize::from(statuses.first().is_some_and(|s| s.remaining_seconds.is_some()));
            }
            std::hint::black_box(urgent);
            started.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    println!(
        "workload: 1,000 open incidents × {} clocks = {total} clocks (hours, EU days and months, US business days)",
        clocks.len()
    );
    println!("every clock of every incident, one frame   median {:.3} ms   p99 {:.3} ms", samples[100], samples[198]);
    println!("per clock                                   median {:.0} ns", samples[100] * 1e6 / total as f64);
}
