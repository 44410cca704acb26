//! What each receiver is sent: the JSON bodies and the webhook signature. Pure, so the bytes a
//! receiver checks can be computed in tests.

use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;

use crate::domain::outbound::{Outbound, Purpose};

/// PagerDuty's limit on a summary.
const SUMMARY_LIMIT: usize = 1024;

/// The webhook body: the message as the log records it, with its incident.
pub fn webhook(incident: &str, message: &Outbound) -> Vec<u8> {
    let value = json!({
        "key": message.key,
        "incident": incident,
        "purpose": message.purpose,
        "to": message.to,
        "subject": message.subject,
        "body": message.body,
        "drill": message.subject.starts_with("DRILL"),
    });
    value.to_string().into_bytes()
}

/// `sha256=<hex HMAC-SHA256 of body under key>`, the `X-Warroom-Signature` header's value.
pub fn signature(key: &[u8], body: &[u8]) -> String {
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(key) else {
        return String::from("sha256=");
    };
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    format!("sha256={}", digest.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// A Slack incoming-webhook body: the subject in bold, then the text, escaped as Slack asks.
pub fn slack(message: &Outbound) -> Vec<u8> {
    let text = format!("*{}*\n{}", slack_escape(&message.subject), slack_escape(&message.body));
    json!({ "text": text }).to_string().into_bytes()
}

fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A PagerDuty Events API v2 event: a page triggers, a settlement acknowledges or resolves.
/// The `dedup_key` is per incident and role, so every rung of one role's page is one PagerDuty
/// alert, acknowledged or resolved as one.
pub fn pagerduty_event(incident: &str, message: &Outbound, routing_key: &str) -> Vec<u8> {
    let (role, rung, rotation, urgency) = match &message.purpose {
        Purpose::Page { role, rung, rotation, urgency } => (role, rung, rotation, urgency),
        Purpose::Update { .. } => {
            // Refused when queued (a pager does not carry updates); a summary if one slips by.
            let summary: String = message.subject.chars().take(SUMMARY_LIMIT).collect();
            return json!({ "routing_key": routing_key, "event_action": "trigger", "payload": {
                "summary": summary, "source": "warroom", "severity": "info" } })
            .to_string()
            .into_bytes();
        }
        Purpose::Settle { role, action } => {
            let event = json!({
                "routing_key": routing_key,
                "event_action": action.name(),
                "dedup_key": dedup_key(&message.key, role),
            });
            return event.to_string().into_bytes();
        }
    };
    let summary: String = message.subject.chars().take(SUMMARY_LIMIT).collect();
    json!({
        "routing_key": routing_key,
        "event_action": "trigger",
        "dedup_key": dedup_key(&message.key, role),
        "payload": {
            "summary": summary,
            "source": "warroom",
            // A page queued before pages had an urgency was sent as critical, and still is.
            "severity": urgency.map_or("critical", crate::domain::outbound::Urgency::name),
            "custom_details": {
                "incident": incident,
                "role": role,
                "rung": rung,
                "rotation": rotation,
                "message": message.key,
                "text": message.body,
            },
        },
    })
    .to_string()
    .into_bytes()
}

/// The PagerDuty alert a role's pages on an incident share: the incident's reference, as its
/// messages' keys begin (`INC.TAG/m3` → `INC.TAG/ROLE`; an incident paged before references
/// had tags keeps `INC/ROLE`).
pub fn dedup_key(message_key: &str, role: &str) -> String {
    let reference = message_key.rsplit_once('/').map_or(message_key, |(reference, _)| reference);
    format!("{reference}/{role}")
}
