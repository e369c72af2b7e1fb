"""JSON and CSV records to drafts: field detection, overrides, dotted paths, rest as metadata."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, NamedTuple

from annotator.core.document import DocumentDraft, RawSource
from annotator.ingest.clean import clean_scraped_text
from annotator.ingest.dates import parse_date
from annotator.ingest.html import extract_article
from annotator.ingest.items import FailureCode, RefusedError
from annotator.ingest.normalize import normalize_text
from annotator.ingest.options import IngestOptions

ROLES = ("text", "html", "title", "url", "date", "id", "source")

CANDIDATES: Mapping[str, tuple[str, ...]] = {
    "text": (
        "text",
        "body",
        "content",
        "article",
        "maintext",
        "articletext",
        "articlebody",
        "fulltext",
        "bodytext",
        "story",
        "storytext",
        "contenttext",
        "plaintext",
        "document",
    ),
    "html": (
        "html",
        "rawhtml",
        "contenthtml",
        "bodyhtml",
        "articlehtml",
        "pagehtml",
        "htmlcontent",
    ),
    "title": ("title", "headline", "heading", "articletitle", "pagetitle", "head"),
    "url": (
        "url",
        "link",
        "href",
        "sourceurl",
        "articleurl",
        "canonicalurl",
        "canonical",
        "uri",
        "permalink",
        "webpageurl",
        "webpage",
    ),
    "date": (
        "date",
        "published",
        "publishdate",
        "publishedat",
        "pubdate",
        "datepublished",
        "publicationdate",
        "datepublish",
        "publishedtime",
        "publishedon",
        "createdat",
        "created",
        "timestamp",
        "datetime",
        "time",
    ),
    "id": ("id", "docid", "documentid", "articleid", "guid", "uuid", "externalid", "key", "uid"),
    "source": (
        "source",
        "outlet",
        "site",
        "sitename",
        "publisher",
        "domain",
        "sourcedomain",
        "sourcename",
        "publication",
        "newspaper",
        "media",
        "feed",
    ),
}
"""Field names recognised for each role, compared lower-case without punctuation, best first."""

METADATA_MAX_CHARS = 10_000
"""Longer string fields stay out of ``metadata`` (the raw record keeps them)."""

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_WS = re.compile(r"\s+")


def _norm(name: str) -> str:
    return _NOT_ALNUM.sub("", name.lower())


@lru_cache(maxsize=256)
def _ranked(keys: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """For each role, the keys of a record that may play it, best first (dumps repeat the
    same keys record after record, hence the cache)."""
    by_norm: dict[str, str] = {}
    for key in keys:
        by_norm.setdefault(_norm(key), key)
    return {
        role: tuple(by_norm[name] for name in CANDIDATES[role] if name in by_norm) for role in ROLES
    }


class _Found(NamedTuple):  # a tuple: made five times a record, cheaper than a dataclass
    key: str
    """Top-level key consumed (kept out of metadata; the head of a dotted path)."""
    value: Any
    path: str
    """The field as the user would name it (dotted when nested), for messages."""


_new_found = tuple.__new__
"""``_Found`` made without the named tuple's Python-level ``__new__`` (five times a record)."""


def _lookup(record: Mapping[str, Any], path: str) -> _Found | None:
    """A field by exact name, else by dotted path into nested objects."""
    if path in record:
        return _Found(path, record[path], path)
    head, _, rest = path.partition(".")
    value: Any = record.get(head)
    if not rest or value is None:
        return None
    for part in rest.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return _Found(head, value, path)


def _overrides(options: IngestOptions) -> dict[str, str | None]:
    return {
        "text": options.text_field,
        "html": None,
        "title": options.title_field,
        "url": options.url_field,
        "date": options.date_field,
        "id": options.id_field,
        "source": options.source_field,
    }


def resolve_fields(record: Mapping[str, Any], options: IngestOptions) -> dict[str, _Found]:
    """Which field plays which role; raises ``RefusedError`` when an overridden field is missing."""
    ranked = _ranked(tuple(record))
    found: dict[str, _Found] = {}
    used: set[str] = set()
    overrides = _overrides(options)
    for role in ROLES:
        wanted = overrides[role]
        if wanted is not None:
            hit = _lookup(record, wanted)
            if hit is None:
                raise RefusedError(
                    f"field '{wanted}' (set for {role}) is missing", FailureCode.NO_TEXT
                )
            found[role] = hit
            continue
        if role == "html" and "text" in found:
            continue
        for name in ranked[role]:
            if name not in used and not _empty(value := record[name]):
                found[role] = _new_found(_Found, (name, value, name))
                used.add(name)
                break
    return found


_SCALARS = frozenset({int, float, bool, type(None)})


def _empty(value: Any) -> bool:
    kind = type(value)  # the usual types first: comparing a str with [] and {} costs more
    if kind is str or kind is list or kind is dict:
        return not value
    if kind in _SCALARS:
        return value is None
    return value is None or value == "" or value == [] or value == {}


def _as_text(found: _Found) -> str:
    value = found.value
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "\n".join(value)
    raise RefusedError(_not_text(found.path, value), FailureCode.NO_TEXT)


def _not_text(path: str, value: Any) -> str:
    """Why a field cannot be the text, naming the nested text fields to choose instead."""
    if not isinstance(value, Mapping):
        kind = {list: "a list", bool: "true/false", int: "a number", float: "a number"}
        return f"field '{path}' holds {kind.get(type(value), type(value).__name__)}, not text"
    inside = [f"{path}.{key}" for key, item in value.items() if isinstance(item, str) and item]
    if not inside:
        return f"field '{path}' holds an object with no text in it"
    return (
        f"field '{path}' holds an object, not text (text inside it: {', '.join(inside[:6])}; "
        "set the text field option to one of these)"
    )


def _as_label(value: Any) -> str:
    """A short string from a scalar or from a nested ``{"name": ...}`` / ``{"$oid": ...}``."""
    kind = type(value)
    if kind is str or kind is int:  # the usual values: no abstract-class checks
        return _label_text(str(value))
    if isinstance(value, Mapping):
        for key in ("name", "title", "$oid", "$date", "id", "url", "href"):
            if key in value and not isinstance(value[key], Mapping | list):
                return _as_label(value[key])
        return ""
    if isinstance(value, list):
        return ", ".join(filter(None, (_as_label(item) for item in value)))
    if value is None or isinstance(value, bool):
        return ""
    return _label_text(str(value))


def _label_text(text: str) -> str:
    if text.isascii() and text.isprintable() and "  " not in text:
        return text.strip()
    return _WS.sub(" ", normalize_text(text)).strip()


def _metadata(record: Mapping[str, Any], consumed: set[str]) -> dict[str, Any]:
    metadata: dict[str, Any] = {}
    for key, value in record.items():
        if key in consumed or _empty(value):
            continue
        if isinstance(value, str) and len(value) > METADATA_MAX_CHARS:
            continue
        metadata[key] = value
    return metadata


def record_to_draft(
    record: Mapping[str, Any], options: IngestOptions, *, name: str, raw: bytes, media_type: str
) -> DocumentDraft:
    """Map one record to a draft; raises ``RefusedError`` when it has no usable text."""
    found = resolve_fields(record, options)
    consumed = {hit.key for hit in found.values()}
    metadata = _metadata(record, consumed)
    title = _as_label(found["title"].value) if "title" in found else ""
    url = _as_label(found["url"].value) if "url" in found else ""
    source = _as_label(found["source"].value) if "source" in found else ""
    external_id = _as_label(found["id"].value) if "id" in found else ""
    published = None
    if "date" in found:
        date_value = found["date"].value
        if isinstance(date_value, Mapping):
            date_value = _as_label(date_value)
        published = parse_date(date_value)
        if published is None:
            metadata[found["date"].key] = record[found["date"].key]
    if "text" in found:
        text = normalize_text(_as_text(found["text"]), nbsp=options.nbsp)
        if options.clean:
            cleaned = clean_scraped_text(text, find_title=not title, find_header=True)
            text = cleaned.text
            title = title or cleaned.title
            published = published or cleaned.published
            source = source or cleaned.source
            if cleaned.author:
                metadata.setdefault("author", cleaned.author)
    elif "html" in found:
        article = extract_article(_as_text(found["html"]), url=url, nbsp=options.nbsp)
        text = article.text
        title, url, source = title or article.title, url or article.url, source or article.source
        published = published or article.published
        for key, value in (("author", article.author), ("language", article.language)):
            if value:
                metadata.setdefault(key, value)
    else:
        fields = ", ".join(list(record)[:12]) or "none"
        raise RefusedError(
            "no text field (looked for text, body, content, article, html ...; set the text "
            f"field option); fields present: {fields}",
            FailureCode.NO_TEXT,
        )
    text = text.strip()
    if not text:
        raise RefusedError("the text field is empty", FailureCode.NO_TEXT)
    return DocumentDraft(
        text=text,
        title=title,
        source=source,
        url=url,
        published=published,
        metadata=metadata,
        external_id=external_id,
        raw=RawSource(name, raw, media_type) if options.keep_raw else None,
    )
