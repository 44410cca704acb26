//! Key bindings as data (assets/keymap.yaml, with a user file on top). The help screen is
//! generated from the same list, so it cannot drift from the keys.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Tick,
    TickNote,
    ForceTick,
    Skip,
    Reopen,
    OverrideHold,
    Note,
    Fact,
    Severity,
    Assign,
    Acknowledge,
    StakeholderUpdate,
    Decide,
    Notify,
    Waive,
    Declare,
    Resolve,
    Close,
    Archive,
    Inbox,
    Detail,
    Alerts,
    Roles,
    AcceptCommand,
    AttachAlert,
    Message,
    DismissAlert,
    RunAction,
    Undo,
    Approve,
    Effects,
    Drafts,
    SwitchResponder,
    Search,
    History,
    CommandLine,
    ToggleTimes,
    FocusNext,
    FocusPrev,
    FocusIncidents,
    FocusClocks,
    FocusChecklist,
    FocusLog,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Help,
    Quit,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Binding {
    pub action: Action,
    pub keys: Vec<String>,
    #[serde(default)]
    pub desc: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeymapFile {
    bindings: Vec<Binding>,
}

#[derive(Clone, Debug)]
pub struct Keymap {
    pub bindings: Vec<Binding>,
    parsed: Vec<(KeyCode, KeyModifiers, Action)>,
}

const SHIPPED: &str = include_str!("../../assets/keymap.yaml");

impl Keymap {
    pub fn shipped() -> Result<Self, String> {
        Self::from_yaml(SHIPPED, None)
    }

    /// The shipped keymap with `user` (a keymap file's text) on top: each action the user
    /// names gets the user's keys instead, and no other action keeps a key the user gave.
    pub fn from_yaml(shipped: &str, user: Option<&str>) -> Result<Self, String> {
        let mut bindings = serde_saphyr::from_str::<KeymapFile>(shipped)
            .map_err(|e| format!("the shipped keymap is invalid: {e}"))?
            .bindings;
        if let Some(user) = user {
            let overrides =
                serde_saphyr::from_str::<KeymapFile>(user).map_err(|e| format!("keymap.yaml: {e}"))?.bindings;
            let claimed: Vec<String> = overrides.iter().flat_map(|o| o.keys.iter().cloned()).collect();
            for binding in bindings.iter_mut().filter(|b| !overrides.iter().any(|o| o.action == b.action)) {
                binding.keys.retain(|key| !claimed.contains(key));
            }
            for over in overrides {
                match bindings.iter_mut().find(|b| b.action == over.action) {
                    Some(existing) => {
                        existing.keys = over.keys;
                        if !over.desc.is_empty() {
                            existing.desc = over.desc;
                        }
                    }
                    None => bindings.push(over),
                }
            }
        }
        let mut parsed = Vec::new();
        for binding in &bindings {
            for key in &binding.keys {
                let (code, modifiers) = parse_key(key).ok_or_else(|| format!("keymap: cannot read the key {key:?}"))?;
                parsed.push((code, modifiers, binding.action));
            }
        }
        Ok(Self { bindings, parsed })
    }

    pub fn action(&self, key: &KeyEvent) -> Option<Action> {
        let modifiers = key.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
        self.parsed.iter().find(|(c, m, _)| *c == key.code && *m == modifiers).map(|(_, _, a)| *a)
    }

    /// The first key bound to `action`, for hints.
    pub fn key_for(&self, action: Action) -> String {
        self.bindings.iter().find(|b| b.action == action).and_then(|b| b.keys.first()).cloned().unwrap_or_default()
    }
}

fn parse_key(text: &str) -> Option<(KeyCode, KeyModifiers)> {
    let (modifiers, rest) = if let Some(rest) = text.strip_prefix("ctrl-") {
        (KeyModifiers::CONTROL, rest)
    } else if let Some(rest) = text.strip_prefix("alt-") {
        (KeyModifiers::ALT, rest)
    } else {
        (KeyModifiers::NONE, text)
    };
    let code = match rest {
        "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "space" => KeyCode::Char(' '),
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pgup" => KeyCode::PageUp,
        "pgdn" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        single => {
            let mut chars = single.chars();
            let c = chars.next()?;
            if chars.next().is_some() {
                return None;
            }
            KeyCode::Char(c)
        }
    };
    Some((code, modifiers))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn the_shipped_keymap_binds_every_action_once_per_key() {
        let keymap = Keymap::shipped().expect("keymap");
        assert_eq!(keymap.action(&key(KeyCode::Char('x'), KeyModifiers::NONE)), Some(Action::Tick));
        assert_eq!(keymap.action(&key(KeyCode::Char('S'), KeyModifiers::SHIFT)), Some(Action::Severity));
        assert_eq!(keymap.action(&key(KeyCode::Char('c'), KeyModifiers::CONTROL)), Some(Action::Quit));
        assert_eq!(keymap.action(&key(KeyCode::BackTab, KeyModifiers::SHIFT)), Some(Action::FocusPrev));
        let mut seen = std::collections::BTreeSet::new();
        for (code, modifiers, _) in &keymap.parsed {
            assert!(seen.insert(format!("{code:?}{modifiers:?}")), "{code:?} bound twice");
        }
    }

    #[test]
    fn a_user_file_replaces_the_keys_of_the_actions_it_names() {
        let user = "bindings:\n  - { action: tick, keys: [enter] }\n";
        let keymap = Keymap::from_yaml(SHIPPED, Some(user)).expect("keymap");
        assert_eq!(keymap.action(&key(KeyCode::Enter, KeyModifiers::NONE)), Some(Action::Tick));
        assert_eq!(keymap.action(&key(KeyCode::Char('x'), KeyModifiers::NONE)), None);
        assert!(Keymap::from_yaml(SHIPPED, Some("bindings:\n  - { action: fly, keys: [f] }\n")).is_err());
    }
}
