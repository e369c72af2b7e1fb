"""Shared test setup.

- Qt runs offscreen unless QT_QPA_PLATFORM is already set (pytest-qt has no setting for it).
- ANNOTATOR_BLOCK_PYSIDE6=1 makes PySide6 and shiboken6 impossible to import, to prove that the
  non-GUI code never needs Qt. scripts/test runs everything outside tests/gui that way (and with
  ``-p no:pytest-qt``, since pytest-qt imports Qt when it starts).
- ``database_url`` runs a test on SQLite and on PostgreSQL; ``postgres_url`` on PostgreSQL only.
  PostgreSQL comes from ANNOTATOR_TEST_POSTGRES_URL (scripts/test starts a throwaway server);
  without it those cases are skipped, except under CI=true where they fail.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import importlib.abc
import re
import secrets
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

BLOCK_ENV = "ANNOTATOR_BLOCK_PYSIDE6"
POSTGRES_ENV = "ANNOTATOR_TEST_POSTGRES_URL"
BLOCKED_TOP_LEVEL = frozenset({"PySide6", "shiboken6"})


def pyside6_blocked() -> bool:
    return os.environ.get(BLOCK_ENV) == "1"


class _BlockPySide6(importlib.abc.MetaPathFinder):
    """Refuses PySide6, shiboken6 and their submodules."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> None:
        if fullname.partition(".")[0] in BLOCKED_TOP_LEVEL:
            raise ImportError(
                f"{fullname} is blocked ({BLOCK_ENV}=1): non-GUI code must not import Qt",
                name=fullname,
            )


def install_pyside6_blocker() -> None:
    if not any(isinstance(finder, _BlockPySide6) for finder in sys.meta_path):
        sys.meta_path.insert(0, _BlockPySide6())


if pyside6_blocked():
    already = sorted(name for name in sys.modules if name.partition(".")[0] in BLOCKED_TOP_LEVEL)
    if "pytestqt.plugin" in sys.modules or already:
        raise pytest.UsageError(
            f"{BLOCK_ENV}=1 but Qt is already loaded ({already or 'by pytest-qt'}): "
            "run pytest with `-p no:pytest-qt` (scripts/test does)"
        )
    install_pyside6_blocker()


# --------------------------------------------------------------------------- databases


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _psycopg_conninfo(sqlalchemy_url: str) -> str:
    """postgresql+psycopg://... -> postgresql://... (what libpq understands)."""
    return re.sub(r"^postgres(?:ql)?(?:\+\w+)?://", "postgresql://", sqlalchemy_url)


def _with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    for key, value in params.items():
        if key == "options" and query.get("options"):
            value = f"{query['options']} {value}"
        query[key] = value
    return urlunsplit(parts._replace(query=urlencode(query)))


def _postgres_base_url() -> str:
    url = os.environ.get(POSTGRES_ENV, "")
    if not url:
        message = f"PostgreSQL not available: {POSTGRES_ENV} is not set (scripts/test sets it)"
        if _in_ci():
            pytest.fail(message + " -- CI=true, so this is an error, not a skip", pytrace=False)
        pytest.skip(message)
    return url


def _postgres_schema_url() -> Iterator[str]:
    """A fresh schema for one test; the URL's search_path points at it; dropped afterwards."""
    import psycopg  # lazily: only PostgreSQL cases need it

    base = _postgres_base_url()
    conninfo = _psycopg_conninfo(base)
    schema = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        # application_name lets the teardown find connections a test forgot to close.
        yield _with_query(base, options=f"-csearch_path={schema}", application_name=schema)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = %s AND pid <> pg_backend_pid()",
                (schema,),
            )
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """SQLAlchemy URL of an empty database: a SQLite file, then a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'annotations.sqlite'}"
    else:
        yield from _postgres_schema_url()


@pytest.fixture(params=[pytest.param("postgres", id="postgres", marks=pytest.mark.postgres)])
def postgres_url() -> Iterator[str]:
    """SQLAlchemy URL of a fresh, empty PostgreSQL schema (search_path set in the URL)."""
    yield from _postgres_schema_url()
