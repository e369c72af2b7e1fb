"""Alembic migrations of the project database, applied on open."""
