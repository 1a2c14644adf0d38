"""Persistence: SQLAlchemy models, engine and sessions, migrations, columns <-> JSON (codec), the change feed."""
