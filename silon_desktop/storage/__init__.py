"""The local store: SQLAlchemy models, migrations, the outbox and backups (no Qt)."""
