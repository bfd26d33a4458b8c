"""The Textual TUI. Only `reviewbot tui` and `reviewbot demo` import it, and only when they
open it: the core, the CLI's other commands and the plugins never import Textual."""
