"""Pure domain logic: no Textual, no SQLAlchemy, no I/O."""
