//! Entering and leaving the full-screen terminal. `ratatui::try_init` also installs a panic
//! hook that restores the terminal before the panic message is printed.

use ratatui::DefaultTerminal;

pub fn enter() -> Result<DefaultTerminal, String> {
    ratatui::try_init().map_err(|e| format!("cannot use this terminal: {e}"))
}

pub fn leave() {
    ratatui::restore();
}
