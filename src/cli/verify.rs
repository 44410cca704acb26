//! `warroom verify [INCIDENT|PATH]`: re-checks every line, the chain and the sequence, the
//! signatures when the workspace requires them, and every log against the checkpoints its
//! witnesses and export bundles hold.

use std::collections::BTreeMap;
use std::path::Path;

use super::context::{CliError, Context};
use crate::app::witnessed;
use crate::domain::sanitize;
use crate::store::line::hex;
use crate::store::port::{LogName, Verified, VerifyFailure};
use crate::store::signature_check::SignatureReport;
use crate::store::verify::verify_file;

pub fn run(ctx: &Context, target: Option<&str>) -> Result<(), CliError> {
    if let Some(dir) = target.map(Path::new).filter(|t| t.join(crate::app::bundle::SUMS).is_file()) {
        return super::export::verify(dir, &*ctx.store);
    }
    let mut found = witnessed::gather(ctx.store.witnesses(), &ctx.dir);
    let checked: Vec<(String, Result<Verified, VerifyFailure>)> = match target {
        Some(t) if Path::new(t).is_file() => {
            vec![(t.to_owned(), verify_file(Path::new(t), ctx.store.allowed_signers()))]
        }
        // A log deleted with its incident: only its checkpoints still know it.
        Some(t) if found.iter().any(|f| f.checkpoint.log == t) && ctx.incident_id(t).is_err() => Vec::new(),
        Some(t) => {
            let log = LogName::Incident(ctx.incident_id(t)?);
            vec![(log.to_string(), ctx.store.verify(&log))]
        }
        None => ctx.store.logs()?.into_iter().map(|log| (log.to_string(), ctx.store.verify(&log))).collect(),
    };
    let events: BTreeMap<String, Option<u64>> = checked
        .iter()
        .map(|(name, outcome)| {
            let intact = outcome.as_ref().map_or_else(VerifyFailure::intact_events, |v| Some(v.events));
            (name.clone(), intact)
        })
        .collect();
    if let Some(t) = target {
        found.retain(|f| events.contains_key(&f.checkpoint.log) || f.checkpoint.log == t);
    }
    let problems = witnessed::compare(&*ctx.store, &found, &events);
    let disagree: std::collections::BTreeSet<&str> = problems.iter().map(|(log, _)| log.as_str()).collect();
    let mut failed = 0;
    let limit = ctx.now + chrono::Duration::seconds(crate::store::verify::TIME_TOLERANCE_SECONDS);
    for (name, outcome) in &checked {
        let mark = if disagree.contains(name.as_str()) { "✗" } else { "✓" };
        if let Ok(Verified { latest: Some((seq, at)), .. }) = outcome
            && *at > limit
        {
            failed += 1;
            println!(
                "✗ {name}: seq {seq} was recorded at {}, later than now ({}): a time written by hand or a clock set ahead",
                at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                ctx.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
            continue;
        }
        match outcome {
            Ok(v) => println!(
                "{mark} {name}: {} events, {} bytes, chain head {}{}; {}{}",
                v.events,
                v.bytes,
                v.head.map_or_else(|| "(empty)".to_owned(), |h| hex(&h)),
                v.repaired.as_deref().map(|r| format!(" ({r})")).unwrap_or_default(),
                signed_by(v.signatures.as_ref()),
                match v.fixed_clock {
                    0 => String::new(),
                    n => format!("; {n} event(s) timed by a test build's fixed clock, not the system's"),
                }
            ),
            Err(VerifyFailure::Signatures { problems, events }) => {
                failed += 1;
                println!("✗ {name}: {events} events, the chain whole; {} problem(s):", problems.len());
                for (first, last, why) in problems {
                    let seqs = if first == last { format!("seq {first}") } else { format!("seq {first}-{last}") };
                    println!("    {seqs}: {why}");
                }
            }
            Err(why) => {
                failed += 1;
                println!("✗ {name}: {why}");
            }
        }
    }
    for why in witnessed::unreadable(ctx.store.witnesses()) {
        failed += 1;
        println!("✗ {}", sanitize::line(&why));
    }
    for (log, problem) in &problems {
        println!("✗ {log}: {problem}");
    }
    failed += checked.iter().filter(|(name, outcome)| outcome.is_ok() && disagree.contains(name.as_str())).count();
    failed += disagree.iter().filter(|log| !checked.iter().any(|(name, _)| name == *log)).count();
    if !found.is_empty() {
        println!("compared with {} checkpoint(s)", found.len());
    }
    match failed {
        0 if checked.is_empty() => {
            println!("no incidents in {}", ctx.store.location());
            Ok(())
        }
        0 => Ok(()),
        n => Err(CliError::damaged(format!("{n} log(s) failed verification"))),
    }
}

/// Who signed the log, for people.
fn signed_by(report: Option<&SignatureReport>) -> String {
    let Some(report) = report else {
        return "unsigned (the workspace has no allowed_signers)".to_owned();
    };
    if report.by_principal.is_empty() {
        return "no signatures".to_owned();
    }
    let each: Vec<String> = report
        .by_principal
        .iter()
        .map(|(who, (signatures, lines))| {
            format!("{} ({signatures} signature(s), {lines} event(s))", sanitize::line(who))
        })
        .collect();
    format!("every event signed: {}", each.join(", "))
}
