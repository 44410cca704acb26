//! Triggers across runbooks: the precedence that routes an alert matched by several, and the
//! findings lint draws from it. Findings are proven by example: a trigger never matches when
//! no value of some label can satisfy its matchers; it is shadowed when another trigger matches
//! every alert it matches and wins; two runbooks' triggers overlap ambiguously when an example
//! alert matches both and only severity or the runbook id decides where it goes.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use regex_syntax::hir::{Class, Hir, HirKind};

use super::matcher::{self, Matcher, Op};
use crate::domain::runbook::Runbook;

/// One trigger of one runbook, its matchers parsed.
#[derive(Clone, Debug)]
pub struct Rule {
    pub runbook: String,
    /// Its position in the runbook's `triggers`.
    pub index: usize,
    pub severity: String,
    /// Its severity's position in the runbook's levels (0 is the most severe).
    pub severity_rank: usize,
    pub matchers: Vec<Matcher>,
}

impl Rule {
    pub fn matches(&self, label: impl Fn(&str) -> Option<String>) -> bool {
        self.matchers.iter().all(|m| m.matches(label(&m.label).as_deref()))
    }

    fn name(&self) -> String {
        format!("runbook {:?} trigger {}", self.runbook, self.index + 1)
    }
}

/// Every trigger whose matchers parse (lint reports the others).
pub fn rules(runbooks: &[Runbook]) -> Vec<Rule> {
    let mut rules = Vec::new();
    for runbook in runbooks {
        for (index, trigger) in runbook.triggers.iter().enumerate() {
            let Ok(matchers) = trigger.matchers.iter().map(|m| matcher::parse(m)).collect::<Result<Vec<_>, _>>() else {
                continue;
            };
            let severity_rank =
                runbook.severity.levels.iter().position(|l| l.id == trigger.severity).unwrap_or(usize::MAX);
            rules.push(Rule {
                runbook: runbook.id.clone(),
                index,
                severity: trigger.severity.clone(),
                severity_rank,
                matchers,
            });
        }
    }
    rules
}

/// Which of two matching triggers routes the alert (`Less`: `a` does): the most matchers, then
/// the higher severity, then the runbook id in alphabetical order.
pub fn precedence(a: &Rule, b: &Rule) -> Ordering {
    b.matchers
        .len()
        .cmp(&a.matchers.len())
        .then(a.severity_rank.cmp(&b.severity_rank))
        .then(a.runbook.cmp(&b.runbook))
        .then(a.index.cmp(&b.index))
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// No value of `label` satisfies the trigger's matchers on it.
    NeverMatches { runbook: String, index: usize, label: String },
    /// Every alert the trigger matches, `by` matches too and wins.
    Shadowed { runbook: String, index: usize, by: String },
    /// An example alert matches both; `winner` gets it on severity or runbook order alone.
    Overlap { runbook: String, index: usize, other: String, example: String, winner: String, why: &'static str },
}

impl Finding {
    pub fn place(&self) -> (&str, usize) {
        match self {
            Self::NeverMatches { runbook, index, .. }
            | Self::Shadowed { runbook, index, .. }
            | Self::Overlap { runbook, index, .. } => (runbook, *index),
        }
    }

    pub const fn is_error(&self) -> bool {
        !matches!(self, Self::Overlap { .. })
    }

    pub fn message(&self) -> String {
        match self {
            Self::NeverMatches { label, .. } => {
                format!("this trigger can never match: no value of label {label:?} satisfies all its matchers")
            }
            Self::Shadowed { by, .. } => {
                format!("this trigger is unreachable: {by} matches every alert it matches and takes precedence")
            }
            Self::Overlap { other, example, winner, why, .. } => {
                format!("this trigger overlaps {other}: an alert {example} matches both and goes to {winner:?} ({why})")
            }
        }
    }
}

pub fn analyse(rules: &[Rule]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut dead = BTreeSet::new();
    for (i, rule) in rules.iter().enumerate() {
        if let Some(label) = impossible_label(&rule.matchers) {
            findings.push(Finding::NeverMatches { runbook: rule.runbook.clone(), index: rule.index, label });
            dead.insert(i);
        }
    }
    for (i, a) in rules.iter().enumerate() {
        for (j, b) in rules.iter().enumerate().skip(i + 1) {
            if dead.contains(&i) || dead.contains(&j) {
                continue;
            }
            let (winner, loser) = if precedence(a, b) == Ordering::Less { (a, b) } else { (b, a) };
            if implies(&loser.matchers, &winner.matchers) {
                findings.push(Finding::Shadowed {
                    runbook: loser.runbook.clone(),
                    index: loser.index,
                    by: winner.name(),
                });
                continue;
            }
            if a.runbook == b.runbook || a.matchers.len() != b.matchers.len() {
                continue;
            }
            if let Some(example) = example(a, b) {
                let why = if winner.severity_rank == loser.severity_rank {
                    "runbook ids in alphabetical order break the tie"
                } else {
                    "its severity is higher"
                };
                findings.push(Finding::Overlap {
                    runbook: loser.runbook.clone(),
                    index: loser.index,
                    other: winner.name(),
                    example,
                    winner: winner.runbook.clone(),
                    why,
                });
            }
        }
    }
    findings
}

/// A label none of whose possible values passes all of `matchers` on it (provable only when a
/// positive matcher limits the label to a finite set of values).
fn impossible_label(matchers: &[Matcher]) -> Option<String> {
    let labels: BTreeSet<&str> = matchers.iter().map(|m| m.label.as_str()).collect();
    labels.into_iter().find_map(|label| {
        let on: Vec<&Matcher> = matchers.iter().filter(|m| m.label == label).collect();
        let finite = on.iter().find_map(|m| finite_values(m))?;
        (!finite.iter().any(|v| on.iter().all(|m| m.matches(Some(v.as_str()))))).then(|| label.to_owned())
    })
}

/// Whether every alert `narrow` matches is matched by `broad`: each of `broad`'s matchers is
/// one of `narrow`'s, or is satisfied by every value `narrow` allows for its label.
fn implies(narrow: &[Matcher], broad: &[Matcher]) -> bool {
    broad.iter().all(|b| {
        narrow.iter().any(|n| n.label == b.label && n.op == b.op && n.value == b.value)
            || narrow
                .iter()
                .filter(|n| n.label == b.label)
                .find_map(finite_values)
                .is_some_and(|values| values.iter().all(|v| b.matches(Some(v))))
    })
}

/// The only values a positive matcher allows, when they are finitely many: `="v"`, or a regex
/// that is an alternation of literals.
fn finite_values(m: &Matcher) -> Option<Vec<String>> {
    match m.op {
        Op::Equal => Some(vec![m.value.clone()]),
        Op::Matches => {
            let hir = regex_syntax::Parser::new().parse(&m.value).ok()?;
            literals(&hir)
        }
        Op::NotEqual | Op::NotMatches => None,
    }
}

fn literals(hir: &Hir) -> Option<Vec<String>> {
    match hir.kind() {
        HirKind::Empty => Some(vec![String::new()]),
        HirKind::Literal(literal) => Some(vec![String::from_utf8(literal.0.to_vec()).ok()?]),
        HirKind::Capture(capture) => literals(&capture.sub),
        HirKind::Alternation(branches) => branches.iter().map(literals).collect::<Option<Vec<_>>>().map(|v| v.concat()),
        HirKind::Concat(parts) => parts.iter().try_fold(vec![String::new()], |prefixes, part| {
            let tails = literals(part)?;
            (prefixes.len() * tails.len() <= MANY_LITERALS)
                .then(|| prefixes.iter().flat_map(|p| tails.iter().map(move |t| format!("{p}{t}"))).collect())
        }),
        HirKind::Class(Class::Unicode(class)) => {
            let size: u32 = class.ranges().iter().map(|r| u32::from(r.end()) - u32::from(r.start()) + 1).sum();
            (size <= SMALL_CLASS)
                .then(|| class.ranges().iter().flat_map(|r| r.start()..=r.end()).map(String::from).collect())
        }
        HirKind::Class(Class::Bytes(class)) => {
            let size: u32 = class.ranges().iter().map(|r| u32::from(r.end()) - u32::from(r.start()) + 1).sum();
            (size <= SMALL_CLASS && class.is_ascii()).then(|| {
                class.ranges().iter().flat_map(|r| r.start()..=r.end()).map(|b| char::from(b).to_string()).collect()
            })
        }
        HirKind::Look(_) | HirKind::Repetition(_) => None,
    }
}

/// More literals than this and a regex counts as open-ended.
const MANY_LITERALS: usize = 1024;

/// A class this small (`x|y` parses as `[xy]`) is enumerated as literals.
const SMALL_CLASS: u32 = 64;

/// A value some string matching `hir` takes: the first branch, the fewest repetitions, the
/// first character of a class.
fn sample(hir: &Hir) -> Option<String> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(String::new()),
        HirKind::Literal(literal) => String::from_utf8(literal.0.to_vec()).ok(),
        HirKind::Class(Class::Unicode(class)) => class.ranges().first().map(|r| r.start().to_string()),
        HirKind::Class(Class::Bytes(class)) => {
            class.ranges().first().and_then(|r| r.start().is_ascii().then(|| char::from(r.start()).to_string()))
        }
        HirKind::Repetition(repetition) => {
            let one = sample(&repetition.sub)?;
            Some(one.repeat(usize::try_from(repetition.min).ok()?))
        }
        HirKind::Capture(capture) => sample(&capture.sub),
        HirKind::Concat(parts) => parts.iter().map(sample).collect(),
        HirKind::Alternation(branches) => branches.first().and_then(sample),
    }
}

/// Values worth trying for a label: what its matchers name, samples of its regexes (each
/// top-level branch), the empty value (a missing label) and one no matcher names.
fn candidates(on: &[&Matcher]) -> Vec<String> {
    let mut values = vec![String::new(), "\u{1}unnamed".to_owned()];
    for m in on {
        values.push(m.value.clone());
        if matches!(m.op, Op::Matches | Op::NotMatches)
            && let Ok(hir) = regex_syntax::Parser::new().parse(&m.value)
        {
            match hir.kind() {
                HirKind::Alternation(branches) => values.extend(branches.iter().filter_map(sample)),
                _ => values.extend(sample(&hir)),
            }
        }
    }
    values
}

/// Labels of an alert that both rules match, shown as `{a="x", b="y"}`, if one can be found.
fn example(a: &Rule, b: &Rule) -> Option<String> {
    let all: Vec<&Matcher> = a.matchers.iter().chain(&b.matchers).collect();
    let labels: BTreeSet<&str> = all.iter().map(|m| m.label.as_str()).collect();
    let mut chosen = BTreeMap::new();
    for label in labels {
        let on: Vec<&Matcher> = all.iter().copied().filter(|m| m.label == label).collect();
        let value = candidates(&on).into_iter().find(|v| on.iter().all(|m| m.matches(Some(v.as_str()))))?;
        if !value.is_empty() {
            chosen.insert(label, value);
        }
    }
    let shown: Vec<String> = chosen.iter().map(|(label, value)| format!("{label}={value:?}")).collect();
    Some(format!("{{{}}}", shown.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(runbook: &str, severity_rank: usize, matchers: &[&str]) -> Rule {
        Rule {
            runbook: runbook.into(),
            index: 0,
            severity: format!("SEV{}", severity_rank + 1),
            severity_rank,
            matchers: matchers.iter().map(|m| matcher::parse(m).expect("matcher")).collect(),
        }
    }

    #[test]
    fn contradictions_are_proven_never_matching() {
        let never = |m: &[&str]| impossible_label(&rule("r", 0, m).matchers);
        assert_eq!(never(&[r#"a="x""#, r#"a="y""#]), Some("a".into()));
        assert_eq!(never(&[r#"a="x""#, r#"a!="x""#]), Some("a".into()));
        assert_eq!(never(&[r#"a=~"x|y""#, r#"a!~"x|y""#]), Some("a".into()));
        assert_eq!(never(&[r#"a="x""#, r#"a=~"planner-.*""#]), Some("a".into()));
        assert_eq!(never(&[r#"a=~"x|y""#, r#"a!="x""#]), None);
        assert_eq!(never(&[r#"a=~"planner-.*""#, r#"a!~"mailer-.*""#]), None, "unprovable: not reported");
    }

    #[test]
    fn a_duplicate_or_narrower_trigger_that_loses_is_shadowed() {
        let first = rule("alpha", 0, &[r#"alertname="X""#, r#"env="production""#]);
        let same = rule("beta", 1, &[r#"env="production""#, r#"alertname="X""#]);
        let findings = analyse(&[first.clone(), same]);
        assert!(matches!(&findings[..], [Finding::Shadowed { runbook, .. }] if runbook == "beta"), "{findings:?}");
        let regex = rule("alpha", 0, &[r#"alertname=~"X|Y""#]);
        let literal = rule("beta", 0, &[r#"alertname="Y""#]);
        assert!(matches!(&analyse(&[regex, literal])[..], [Finding::Shadowed { runbook, .. }] if runbook == "beta"));
        let specific = rule("beta", 1, &[r#"alertname="X""#, r#"env="production""#, r#"tenant!="""#]);
        assert_eq!(analyse(&[first, specific]), vec![], "the more specific trigger wins its alerts");
    }

    #[test]
    fn ties_between_runbooks_are_overlaps_shown_by_example() {
        let a = rule("alpha", 1, &[r#"alertname=~"Agent.*""#, r#"env="production""#]);
        let b = rule("beta", 0, &[r#"alertname="AgentLoop""#, r#"tier!="free""#]);
        let findings = analyse(&[a, b]);
        let [Finding::Overlap { runbook, winner, example, why, .. }] = &findings[..] else { panic!("{findings:?}") };
        assert_eq!((runbook.as_str(), winner.as_str(), *why), ("alpha", "beta", "its severity is higher"));
        assert!(example.contains(r#"alertname="AgentLoop""#) && example.contains(r#"env="production""#), "{example}");
        let disjoint = rule("gamma", 0, &[r#"alertname="Other""#, r#"env="production""#]);
        let mine = rule("delta", 0, &[r#"alertname="Mine""#, r#"env="production""#]);
        assert_eq!(analyse(&[disjoint, mine]), vec![]);
    }
}
