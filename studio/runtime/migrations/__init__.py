"""Alembic migrations of the runtime database (run with `studio.runtime.store.migrate.upgrade`)."""
