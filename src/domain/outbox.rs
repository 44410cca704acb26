//! An incident's outbox as its log folds: each message queued, its attempts, and whether it
//! was delivered, given up, or (in a drill) only recorded.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::event::{Envelope, Event};
use super::outbound::{Outbound, Purpose, Settle, Target};

/// How a message stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Waiting for its next attempt at `next_at`.
    Pending {
        next_at: DateTime<Utc>,
        last_error: Option<String>,
    },
    Delivered {
        at: DateTime<Utc>,
        receipt: Option<String>,
    },
    /// Given up: the receiver refused it in a way retrying cannot mend (a 4xx, bad settings).
    Failed {
        at: DateTime<Utc>,
        why: String,
    },
    Simulated,
    /// Not sent after all: what it asked for had happened.
    Withdrawn {
        at: DateTime<Utc>,
        why: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub outbound: Outbound,
    pub queued_at: DateTime<Utc>,
    pub queued_by: String,
    pub attempts: u32,
    pub delivery: Delivery,
}

/// A stakeholder update as the log records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentUpdate {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub by: String,
    pub audience: String,
    pub text: String,
}

/// The incident's messages, in the order queued, and who answered each role's pages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outbox {
    pub messages: Vec<Message>,
    /// Every stakeholder update, in the order sent.
    pub updates: Vec<SentUpdate>,
    acknowledged: BTreeMap<String, (String, DateTime<Utc>)>,
}

impl Outbox {
    pub fn apply(&mut self, envelope: &Envelope) {
        match &envelope.event {
            Event::UpdateSent { audience, text } => self.updates.push(SentUpdate {
                seq: envelope.seq,
                at: envelope.at,
                by: envelope.actor.name.clone(),
                audience: audience.clone(),
                text: text.clone(),
            }),
            Event::MessageQueued { message } => self.messages.push(Message {
                outbound: (**message).clone(),
                queued_at: envelope.at,
                queued_by: envelope.actor.name.clone(),
                attempts: 0,
                delivery: if message.simulated {
                    Delivery::Simulated
                } else {
                    Delivery::Pending { next_at: envelope.at, last_error: None }
                },
            }),
            Event::DeliveryFailed { key, attempt, why, retry_at } => {
                if let Some(message) = self.get_mut(key) {
                    message.attempts = message.attempts.max(*attempt);
                    message.delivery = match retry_at {
                        Some(next_at) => Delivery::Pending { next_at: *next_at, last_error: Some(why.clone()) },
                        None => Delivery::Failed { at: envelope.at, why: why.clone() },
                    };
                }
            }
            Event::MessageDelivered { key, attempt, receipt } => {
                if let Some(message) = self.get_mut(key) {
                    message.attempts = message.attempts.max(*attempt);
                    message.delivery = Delivery::Delivered { at: envelope.at, receipt: receipt.clone() };
                }
            }
            Event::MessageWithdrawn { key, why } => {
                if let Some(message) = self.get_mut(key) {
                    message.delivery = Delivery::Withdrawn { at: envelope.at, why: why.clone() };
                }
            }
            Event::PageAcknowledged { role, via, answered_by } => {
                let by = match (answered_by, via) {
                    (Some(who), Some(via)) => format!("{who} ({via})"),
                    (Some(who), None) => who.clone(),
                    (None, _) => envelope.actor.name.clone(),
                };
                self.acknowledged.entry(role.clone()).or_insert((by, envelope.at));
            }
            _ => {}
        }
    }

    /// Who first answered `role`'s pages, and when.
    pub fn acknowledgement(&self, role: &str) -> Option<(&str, DateTime<Utc>)> {
        self.acknowledged.get(role).map(|(by, at)| (by.as_str(), *at))
    }

    /// The messages paging `role` at `rung`.
    fn rung_pages<'a>(&'a self, role: &'a str, rung: usize) -> impl Iterator<Item = &'a Message> + 'a {
        self.messages.iter().filter(
            move |m| matches!(&m.outbound.purpose, Purpose::Page { role: r, rung: n, .. } if r == role && *n == rung),
        )
    }

    /// Whether `role` was paged at `rung` and every such message ended as `ended` says.
    fn rung_all(&self, role: &str, rung: usize, ended: impl Fn(&Delivery) -> bool) -> bool {
        let mut messages = self.rung_pages(role, rung).peekable();
        messages.peek().is_some() && messages.all(|m| ended(&m.delivery))
    }

    /// Whether every message paging `role` at `rung` was given up: nobody was reached.
    pub fn rung_unreached(&self, role: &str, rung: usize) -> bool {
        self.rung_all(role, rung, |d| matches!(d, Delivery::Failed { .. }))
    }

    /// Whether any message paging `role` at `rung` was delivered: someone was reached.
    pub fn rung_delivered(&self, role: &str, rung: usize) -> bool {
        self.rung_pages(role, rung).any(|m| matches!(m.delivery, Delivery::Delivered { .. }))
    }

    /// Whether `role`'s page at `rung` went nowhere by design: a drill's, recorded, not sent.
    pub fn rung_simulated(&self, role: &str, rung: usize) -> bool {
        self.rung_all(role, rung, |d| matches!(d, Delivery::Simulated))
    }

    /// Why the messages paging `role` at `rung` are still waiting, when an attempt failed.
    pub fn rung_trouble(&self, role: &str, rung: usize) -> Option<String> {
        self.rung_pages(role, rung).find_map(|m| match &m.delivery {
            Delivery::Pending { last_error: Some(why), .. } => Some(why.clone()),
            _ => None,
        })
    }

    /// When `role` was first paged, at any rung.
    pub fn first_page(&self, role: &str) -> Option<DateTime<Utc>> {
        self.messages
            .iter()
            .filter(|m| matches!(&m.outbound.purpose, Purpose::Page { role: r, .. } if r == role))
            .map(|m| m.queued_at)
            .min()
    }

    /// The highest rung `role` was paged at, and when it was first paged there.
    pub fn last_page(&self, role: &str) -> Option<(usize, DateTime<Utc>)> {
        self.messages
            .iter()
            .filter_map(|m| match &m.outbound.purpose {
                Purpose::Page { role: paged, rung, .. } if paged == role => Some((*rung, m.queued_at)),
                _ => None,
            })
            .fold(None, |last: Option<(usize, DateTime<Utc>)>, (rung, at)| match last {
                Some((top, _)) if top >= rung => last,
                _ => Some((rung, at)),
            })
    }

    /// Whether `target` was told to `action` `role`'s page already.
    pub fn settled(&self, role: &str, action: Settle, target: &Target) -> bool {
        self.messages.iter().any(|m| {
            m.outbound.notifier == target.notifier
                && m.outbound.to == target.to
                && matches!(&m.outbound.purpose, Purpose::Settle { role: r, action: a } if r == role && *a == action)
        })
    }

    /// The targets that received `role`'s page, each with its notifier's kind: those told how
    /// it ended (PagerDuty's alert acknowledged or resolved; mail, webhooks and Slack a line
    /// saying nobody need answer any more).
    pub fn paged_targets(&self, role: &str) -> Vec<(Target, super::outbound::NotifierKind)> {
        let mut targets: Vec<(Target, super::outbound::NotifierKind)> = Vec::new();
        for m in &self.messages {
            let delivered = matches!(m.delivery, Delivery::Delivered { .. });
            let page = matches!(&m.outbound.purpose, Purpose::Page { role: r, .. } if r == role);
            let target = Target { notifier: m.outbound.notifier.clone(), to: m.outbound.to.clone() };
            if delivered && page && !targets.iter().any(|(t, _)| *t == target) {
                targets.push((target, m.outbound.kind));
            }
        }
        targets
    }

    pub fn get(&self, key: &str) -> Option<&Message> {
        self.messages.iter().find(|m| m.outbound.key == key)
    }

    fn get_mut(&mut self, key: &str) -> Option<&mut Message> {
        self.messages.iter_mut().find(|m| m.outbound.key == key)
    }

    /// Messages waiting to be sent whose time has come, oldest first.
    pub fn due(&self, now: DateTime<Utc>) -> impl Iterator<Item = &Message> {
        self.messages.iter().filter(move |m| matches!(m.delivery, Delivery::Pending { next_at, .. } if next_at <= now))
    }

    /// The key the next message queued gets: unique beyond the workspace, as the incident's
    /// reference is. An incident keeps the prefix its first message had (one queued before
    /// references had tags keeps the bare id), so its PagerDuty alerts stay one per role.
    pub fn next_key(&self, reference: &str, more: usize) -> String {
        format!("{}/m{}", self.reference().unwrap_or(reference), self.messages.len() + more + 1)
    }

    /// The incident's reference as its messages' keys carry it (none before the first).
    pub fn reference(&self) -> Option<&str> {
        self.messages.first().and_then(|m| m.outbound.key.rsplit_once('/')).map(|(reference, _)| reference)
    }
}
