//! PagerDuty's v3 webhooks, read for one thing: a person answering one of warroom's pages in
//! PagerDuty (acknowledging or resolving the alert whose `incident_key` is the page's dedup_key,
//! `INC.TAG/ROLE`). Everything else a subscription sends is named and set aside.

use serde_json::Value;

/// A person's answer, in PagerDuty, to the pages for one role of one incident.
#[derive(Debug, PartialEq, Eq)]
pub struct PageAnswer {
    /// The incident's reference, as the page's dedup_key named it (`INC.TAG`, or a bare `INC`
    /// for an incident paged before references had tags).
    pub incident: String,
    pub role: String,
    /// The PagerDuty user who answered, by their display name there.
    pub who: String,
    /// What they did there: `acknowledged` or `resolved`.
    pub how: &'static str,
}

/// What one delivery says.
#[derive(Debug, PartialEq, Eq)]
pub enum Delivery {
    Answer(PageAnswer),
    /// Not an answer to a page, and why (a ping, another event type, an integration's own
    /// acknowledgement, an alert warroom did not raise).
    Other(String),
}

/// The longest user name taken: a name, not a document.
const NAME_LIMIT: usize = 128;

/// Reads a v3 webhook's body (its signature checked before).
pub fn read(body: &[u8]) -> Result<Delivery, String> {
    let json: Value = serde_json::from_slice(body).map_err(|e| format!("not a PagerDuty v3 webhook: {e}"))?;
    let event = json
        .get("event")
        .filter(|e| e.is_object())
        .ok_or_else(|| "not a PagerDuty v3 webhook: no event object".to_owned())?;
    let kind = event
        .get("event_type")
        .and_then(Value::as_str)
        .ok_or_else(|| "not a PagerDuty v3 webhook: no event.event_type".to_owned())?;
    let how = match kind {
        "incident.acknowledged" => "acknowledged",
        "incident.resolved" => "resolved",
        other => return Ok(Delivery::Other(format!("{other}: not an answer to a page"))),
    };
    let agent = event.get("agent").filter(|a| a.is_object());
    let person = agent.and_then(|a| a.get("type")).and_then(Value::as_str) == Some("user_reference");
    if !person {
        return Ok(Delivery::Other(format!("{kind} by no person (an integration, or PagerDuty itself)")));
    }
    let Some(who) = agent.and_then(|a| a.get("summary")).and_then(Value::as_str).filter(|s| !s.trim().is_empty())
    else {
        return Ok(Delivery::Other(format!("{kind} by a user PagerDuty does not name")));
    };
    if who.chars().count() > NAME_LIMIT {
        return Ok(Delivery::Other(format!("{kind} by a user whose name is over {NAME_LIMIT} characters")));
    }
    let key = event.get("data").and_then(|d| d.get("incident_key")).and_then(Value::as_str);
    let Some((incident, role)) = key.and_then(|k| k.rsplit_once('/')).filter(|(i, r)| !i.is_empty() && !r.is_empty())
    else {
        return Ok(Delivery::Other(format!("{kind} of an alert warroom did not raise (no INC.TAG/ROLE incident_key)")));
    };
    Ok(Delivery::Answer(PageAnswer { incident: incident.to_owned(), role: role.to_owned(), who: who.to_owned(), how }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn webhook(kind: &str, agent: &str, key: &str) -> Vec<u8> {
        format!(
            r#"{{"event":{{"id":"01","event_type":"{kind}","resource_type":"incident","occurred_at":"2026-12-03T10:00:00Z","agent":{agent},"data":{{"id":"PGR0VU2","type":"incident","incident_key":"{key}"}}}}}}"#
        )
        .into_bytes()
    }

    const ADA: &str = r#"{"id":"PLH1HKV","summary":"Ada Lovelace","type":"user_reference"}"#;

    #[test]
    fn a_person_acknowledging_a_page_is_an_answer_for_its_incident_and_role() {
        let read = read(&webhook("incident.acknowledged", ADA, "INC-20261203-001/privacy")).expect("read");
        let answer = PageAnswer {
            incident: "INC-20261203-001".into(),
            role: "privacy".into(),
            who: "Ada Lovelace".into(),
            how: "acknowledged",
        };
        assert_eq!(read, Delivery::Answer(answer));
    }

    #[test]
    fn what_is_not_a_persons_answer_to_a_warroom_page_is_set_aside_with_why() {
        let integration = r#"{"id":"PF9KMXH","summary":"warroom","type":"service_reference"}"#;
        let cases = [
            (webhook("incident.acknowledged", integration, "INC-1/commander"), "by no person"),
            (webhook("incident.acknowledged", "null", "INC-1/commander"), "by no person"),
            (webhook("incident.triggered", ADA, "INC-1/commander"), "not an answer"),
            (webhook("incident.acknowledged", ADA, "d3640fbd41094207"), "did not raise"),
            (webhook("incident.resolved", r#"{"type":"user_reference","summary":" "}"#, "INC-1/x"), "does not name"),
            (br#"{"event":{"event_type":"pagey.ping","agent":null,"data":{}}}"#.to_vec(), "not an answer"),
        ];
        for (body, why) in cases {
            let Ok(Delivery::Other(said)) = read(&body) else { panic!("{}", String::from_utf8_lossy(&body)) };
            assert!(said.contains(why), "{said}");
        }
    }

    #[test]
    fn a_body_that_is_no_v3_webhook_is_refused_in_one_line() {
        for body in [&b"{"[..], b"[]", br#"{"event":{}}"#, br#"{"messages":[]}"#] {
            let why = read(body).expect_err("refused");
            assert!(why.starts_with("not a PagerDuty v3 webhook") && !why.contains('\n'), "{why}");
        }
    }
}
