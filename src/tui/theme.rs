//! Themes as data (themes/*.yaml) with semantic role names: a pane asks for `overdue` or
//! `sev1`, never for red. `NO_COLOR` keeps the emphasis (bold, reversed) and drops colour.

use std::collections::BTreeMap;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Text,
    Muted,
    Title,
    Border,
    Focus,
    Selection,
    Sev1,
    Sev2,
    Sev3,
    Sev4,
    Drill,
    Overdue,
    DueSoon,
    Running,
    Awaiting,
    Submitted,
    NotApplicable,
    Done,
    Skipped,
    Pending,
    Current,
    Held,
    Untrusted,
    StatusBar,
    NotSaved,
    Ok,
    Error,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    underlined: bool,
    #[serde(default)]
    reversed: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: String,
    roles: BTreeMap<Role, StyleSpec>,
}

#[derive(Clone, Debug)]
pub struct Theme {
    pub name: String,
    styles: BTreeMap<Role, Style>,
}

pub const SHIPPED: [(&str, &str); 4] = [
    ("default", include_str!("../../themes/default.yaml")),
    ("light", include_str!("../../themes/light.yaml")),
    ("high-contrast", include_str!("../../themes/high-contrast.yaml")),
    ("colour-blind", include_str!("../../themes/colour-blind.yaml")),
];

impl Theme {
    pub fn parse(text: &str) -> Result<Self, String> {
        let file = serde_saphyr::from_str::<ThemeFile>(text).map_err(|e| e.to_string())?;
        let mut styles = BTreeMap::new();
        for (role, spec) in file.roles {
            styles.insert(role, to_style(&spec).map_err(|e| format!("{role:?}: {e}"))?);
        }
        Ok(Self { name: file.name, styles })
    }

    pub fn shipped(name: &str) -> Option<Self> {
        SHIPPED.iter().find(|(n, _)| *n == name).and_then(|(_, text)| Self::parse(text).ok())
    }

    pub fn style(&self, role: Role) -> Style {
        self.styles.get(&role).copied().unwrap_or_default()
    }

    /// The same emphasis without colour (`NO_COLOR`): selections and alarms stay visible.
    #[must_use]
    pub fn without_colour(mut self) -> Self {
        for (role, style) in &mut self.styles {
            let mut plain = Style::default().add_modifier(style.add_modifier);
            if matches!(role, Role::Selection | Role::Current | Role::NotSaved | Role::Sev1 | Role::StatusBar)
                || style.bg.is_some()
            {
                plain = plain.add_modifier(Modifier::REVERSED);
            }
            *style = plain;
        }
        self.name.push_str(" (no colour)");
        self
    }
}

fn to_style(spec: &StyleSpec) -> Result<Style, String> {
    let colour = |c: &Option<String>| -> Result<Option<Color>, String> {
        c.as_deref().map(|c| c.parse::<Color>().map_err(|_| format!("unknown colour {c:?}"))).transpose()
    };
    let mut style = Style::default();
    if let Some(fg) = colour(&spec.fg)? {
        style = style.fg(fg);
    }
    if let Some(bg) = colour(&spec.bg)? {
        style = style.bg(bg);
    }
    for (on, modifier) in [
        (spec.bold, Modifier::BOLD),
        (spec.italic, Modifier::ITALIC),
        (spec.underlined, Modifier::UNDERLINED),
        (spec.reversed, Modifier::REVERSED),
    ] {
        if on {
            style = style.add_modifier(modifier);
        }
    }
    Ok(style)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_theme_parses_and_styles_every_role() {
        let roles = [
            Role::Text,
            Role::Muted,
            Role::Title,
            Role::Border,
            Role::Focus,
            Role::Selection,
            Role::Sev1,
            Role::Sev2,
            Role::Sev3,
            Role::Sev4,
            Role::Drill,
            Role::Overdue,
            Role::DueSoon,
            Role::Running,
            Role::Awaiting,
            Role::Submitted,
            Role::NotApplicable,
            Role::Done,
            Role::Skipped,
            Role::Pending,
            Role::Current,
            Role::Held,
            Role::Untrusted,
            Role::StatusBar,
            Role::NotSaved,
            Role::Ok,
            Role::Error,
        ];
        for (name, text) in SHIPPED {
            let theme = Theme::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            for role in roles {
                assert!(theme.styles.contains_key(&role), "{name} has no style for {role:?}");
            }
        }
    }

    #[test]
    fn no_colour_keeps_emphasis_only() {
        let theme = Theme::shipped("default").expect("default").without_colour();
        let overdue = theme.style(Role::Overdue);
        assert_eq!((overdue.fg, overdue.bg), (None, None));
        assert!(overdue.add_modifier.contains(Modifier::BOLD));
        assert!(theme.style(Role::Selection).add_modifier.contains(Modifier::REVERSED));
    }
}
