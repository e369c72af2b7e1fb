"""Persistence: SQLAlchemy 2 and Alembic; the only package that talks SQL."""
