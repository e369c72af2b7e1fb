"""Whole-file articles to drafts: a plain or scraped text file, or a saved HTML page."""

from __future__ import annotations

from typing import Any, Literal

from annotator.core.document import DocumentDraft, RawSource
from annotator.ingest.clean import clean_scraped_text
from annotator.ingest.encoding import decode_document
from annotator.ingest.html import extract_article
from annotator.ingest.items import FailureCode, RefusedError
from annotator.ingest.normalize import normalize_text
from annotator.ingest.options import IngestOptions

FileKind = Literal["text", "html"]


def _raw(name: str, data: bytes, media_type: str, options: IngestOptions) -> RawSource | None:
    return RawSource(name, data, media_type) if options.keep_raw else None


def html_to_draft(data: bytes, options: IngestOptions, *, name: str) -> DocumentDraft:
    """A saved page: trafilatura's main text and metadata."""
    article = extract_article(decode_document(data, html=True), nbsp=options.nbsp)
    metadata: dict[str, Any] = dict(article.extra)
    if article.author:
        metadata["author"] = article.author
    if article.language:
        metadata["language"] = article.language
    return DocumentDraft(
        text=article.text,
        title=article.title,
        source=article.source,
        url=article.url,
        published=article.published,
        metadata=metadata,
        raw=_raw(name, data, "text/html", options),
    )


def text_to_draft(data: bytes, options: IngestOptions, *, name: str) -> DocumentDraft:
    """A text file: cleaned like scraped text unless cleaning is off."""
    text = normalize_text(decode_document(data), nbsp=options.nbsp)
    metadata: dict[str, Any] = {}
    if not options.clean:
        draft = DocumentDraft(text=text.strip(), raw=_raw(name, data, "text/plain", options))
    else:
        cleaned = clean_scraped_text(text)
        if cleaned.author:
            metadata["author"] = cleaned.author
        if cleaned.author_bio:
            metadata["author_bio"] = cleaned.author_bio
        draft = DocumentDraft(
            text=cleaned.text.strip(),
            title=cleaned.title,
            source=cleaned.source,
            published=cleaned.published,
            metadata=metadata,
            raw=_raw(name, data, "text/plain", options),
        )
    if not draft.text:
        raise RefusedError("the file holds no text", FailureCode.NO_TEXT)
    return draft


def file_to_draft(
    data: bytes, kind: FileKind, options: IngestOptions, *, name: str
) -> DocumentDraft:
    """Dispatch on the detected kind."""
    if kind == "html":
        return html_to_draft(data, options, name=name)
    return text_to_draft(data, options, name=name)
