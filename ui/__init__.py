"""PySide6 user interface: windows, the wizard, dialogs.  No business rules."""
