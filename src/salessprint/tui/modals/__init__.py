"""Dialogs: one ModalScreen per file."""
