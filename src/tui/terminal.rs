//! Entering and leaving the full-screen terminal. `ratatui::try_init` also installs a panic
//! hook that restores the terminal before the panic message is printed.

use ratatui::DefaultTerminal;

/// Full screen, with bracketed paste (a paste arrives as one event, not a key per character).
pub fn enter() -> Result<DefaultTerminal, String> {
    let terminal = ratatui::try_init().map_err(|e| format!("cannot use this terminal: {e}"))?;
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::EnableBracketedPaste);
    Ok(terminal)
}

pub fn leave() {
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableBracketedPaste);
    ratatui::restore();
}
