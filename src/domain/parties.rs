//! Who the war room speaks for: the workspace's own contact points (the DPO first) and the
//! parties its filings name. A filing states them as they are: they are never redacted.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Deserialize;

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

impl Contact {
    /// `Priya Raman, dpo@ourco.example, +44 20 7946 0000`.
    pub fn line(&self) -> String {
        [Some(&self.name), self.email.as_ref(), self.phone.as_ref()]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parties {
    /// The company running the AI system: the controller of its own data, the processor of its
    /// tenants'.
    #[serde(default)]
    pub company: Option<String>,
    /// The controller of each tenant's data, by tenant.
    #[serde(default)]
    pub controllers: BTreeMap<String, String>,
    /// The lead supervisory authority (GDPR Art. 56), for cross-border processing.
    #[serde(default)]
    pub lead_authority: Option<String>,
    /// Whether the company processes personal data across EU member states (GDPR Art. 4(23)).
    #[serde(default)]
    pub cross_border: Option<bool>,
}

/// Changes the workspace makes to its member state's public holidays.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayEdits {
    #[serde(default)]
    pub add: Vec<NaiveDate>,
    #[serde(default)]
    pub remove: Vec<NaiveDate>,
}

/// The workspace's `warroom.yaml`: its contact points by role (`dpo` at least), parties, and
/// the law its EU clocks follow.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceParties {
    #[serde(default)]
    pub contacts: BTreeMap<String, Contact>,
    #[serde(default)]
    pub parties: Parties,
    /// The EU/EEA member state (ISO 3166 code) whose holidays and zone EU periods follow.
    #[serde(default)]
    pub member_state: Option<String>,
    #[serde(default)]
    pub holidays: HolidayEdits,
    /// Days the US federal government closed beyond its holidays (SEC filings).
    #[serde(default)]
    pub us_federal_closures: Vec<NaiveDate>,
    /// The registrant's zone: the date of an SEC determination is its date there.
    #[serde(default)]
    pub registrant_zone: Option<super::clock::zone::Zone>,
    /// What kind of entity the company is, where a rule depends on it (`[]`: none of them).
    /// Not stated: the stricter reading of every such rule.
    #[serde(default)]
    pub entity: Option<Vec<String>>,
    /// The ways out for pages and updates, by name.
    #[serde(default)]
    pub notifiers: BTreeMap<String, super::outbound::Notifier>,
    /// Each rotation a runbook's on-call path names, mapped to whom it reaches.
    #[serde(default)]
    pub rotations: BTreeMap<String, Vec<super::outbound::Target>>,
    /// Each audience a runbook's `updates:` names, mapped to where its updates go.
    #[serde(default)]
    pub audiences: BTreeMap<String, Vec<super::outbound::Target>>,
    /// Notifiers that cannot send as configured, with why: what is paged through them is
    /// given up at once (and escalates), while every other notifier keeps paging.
    #[serde(skip)]
    pub broken: BTreeMap<String, String>,
}

/// The entity kinds rules depend on (DORA RTS 2025/301 Art. 5(5): no weekend relief for the
/// initial and intermediate reports of these).
pub const ENTITY_KINDS: &[&str] =
    &["credit-institution", "central-counterparty", "trading-venue", "nis2-essential", "nis2-important"];

impl WorkspaceParties {
    pub fn dpo(&self) -> Option<&Contact> {
        self.contacts.get("dpo")
    }

    /// Every value a filing states as given: names, addresses and numbers of the contact
    /// points, and the parties' names.
    pub fn stated(&self) -> Vec<String> {
        let contacts = self.contacts.values().flat_map(|c| [Some(&c.name), c.email.as_ref(), c.phone.as_ref()]);
        let parties = [self.parties.company.as_ref(), self.parties.lead_authority.as_ref()]
            .into_iter()
            .chain(self.parties.controllers.values().map(Some));
        contacts.chain(parties).flatten().filter(|v| !v.trim().is_empty()).cloned().collect()
    }

    /// Each of `targets` whose notifier is configured, with its kind and drill safety.
    pub fn reachable(
        &self,
        targets: Option<&Vec<super::outbound::Target>>,
    ) -> Vec<(super::outbound::Target, super::outbound::NotifierKind, bool)> {
        targets
            .into_iter()
            .flatten()
            .filter_map(|target| {
                let notifier = self.notifiers.get(&target.notifier)?;
                Some((target.clone(), notifier.kind, notifier.drill_safe))
            })
            .collect()
    }
}
