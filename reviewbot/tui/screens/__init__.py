"""The TUI's screens, one module each; `reviewbot.tui.navigation` names them."""
