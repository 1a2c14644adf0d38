"""The Textual app: screens as modes, dialogs as modal screens, widgets."""
