"""Top-level screens, one per file; each is a mode of the app."""
