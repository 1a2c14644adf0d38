"""Dialogs: one ModalScreen subclass per file."""
