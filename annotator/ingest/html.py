"""HTML pages to article text and metadata: hardened lxml parse, box pruning, trafilatura."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lxml import etree
from lxml.html import HtmlElement, HTMLParser, document_fromstring

from annotator.ingest.clean import clean_scraped_text
from annotator.ingest.dates import parse_date
from annotator.ingest.items import FailureCode, RefusedError
from annotator.ingest.normalize import normalize_text
from annotator.ingest.options import NbspPolicy

for _name in ("trafilatura", "htmldate", "courlan", "justext"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

_ENTITY_DECLARATION = re.compile(r"<!\s*ENTITY|<!DOCTYPE[^>\[]*\[", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_BOX_PATTERN = (
    "paywall|regwall|pay-wall|subscri|signup|sign-up|newsletter|piano|tp-modal|tp-container"
    "|email-capture|inline-cta|promo|video-list|video-playlist|related|recommend"
)
"""Class or id words of boxes trafilatura keeps (it drops share, social, ad and cookie boxes)."""
_BOX_XPATH = etree.XPath(
    "//body//*[self::div or self::section or self::aside or self::p or self::span or self::ul"
    " or self::figure][@class or @id][re:test(concat(@class, ' ', @id), $pattern, 'i')]"
    "[string-length(.) <= $most]",
    namespaces={"re": "http://exslt.org/regular-expressions"},
)
_ALWAYS_XPATH = etree.XPath(
    "//form|//button|//input|//select|//textarea|//iframe|//dialog|//svg|//noscript"
    "|//nav|//footer[not(ancestor::article)]"
)
"""Never article text. Site navigation and footers go early: their many links make
trafilatura's category, tag and licence scans the slowest part of its metadata."""
_BOX_MAX_CHARS = 1200
_BODY_LENGTH = etree.XPath("string-length(//body)")
_WS = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class HtmlArticle:
    """The main text of a page and the metadata found in it."""

    text: str
    title: str = ""
    author: str = ""
    url: str = ""
    source: str = ""
    published: date | None = None
    language: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def check_markup(text: str) -> None:
    """Refuse markup that declares entities: they would be expanded or resolved elsewhere."""
    if _ENTITY_DECLARATION.search(text):
        raise RefusedError(
            "refused: the markup declares entities (<!ENTITY> or a DTD subset); "
            "entities are never expanded",
            FailureCode.HOSTILE,
        )


def parse_html(text: str) -> HtmlElement:
    """Parse with lxml's HTML parser: no network, no DTD loading, comments and PIs dropped."""
    parser = HTMLParser(
        remove_comments=True,
        remove_pis=True,
        no_network=True,
        collect_ids=False,
        default_doctype=False,
        huge_tree=False,
    )
    try:
        tree = document_fromstring(_XML_DECLARATION.sub("", text, count=1), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise RefusedError(f"cannot parse the HTML: {exc}", FailureCode.MALFORMED) from exc
    if not isinstance(tree, HtmlElement):
        raise RefusedError("cannot parse the HTML", FailureCode.MALFORMED)
    return tree


def _remove(element: HtmlElement) -> None:
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail and tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def prune_boxes(tree: HtmlElement) -> None:
    """Remove forms, navigation, the site footer, and small paywall, newsletter, promo,
    related and share boxes."""
    for element in _ALWAYS_XPATH(tree):
        _remove(element)
    boxes = _BOX_XPATH(tree, pattern=_BOX_PATTERN, most=_BOX_MAX_CHARS)
    if not boxes:
        return
    half = float(_BODY_LENGTH(tree)) / 2
    for element in boxes:
        if element.getparent() is not None and len(element.text_content()) < half:
            _remove(element)


def _language(tree: HtmlElement) -> str:
    lang = str(tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or "")
    if not lang:
        found = tree.xpath(
            "//meta[translate(@http-equiv,'CONTENTLAG','contentlag')='content-language']/@content"
            "|//meta[@property='og:locale']/@content"
        )
        lang = str(found[0]) if found else ""
    return lang.strip().replace("_", "-")


def _extract(tree: HtmlElement, url: str) -> Any:
    """trafilatura's extraction (imported here: it takes a fifth of a second to import)."""
    from trafilatura import bare_extraction
    from trafilatura.settings import Extractor

    dates: dict[str, Any] = {"original_date": True, "extensive_search": False}
    options = Extractor(
        output_format="python",
        comments=False,
        tables=True,
        images=False,
        links=False,
        dedup=False,
        url=url or None,
        with_metadata=True,
        fast=True,
        date_params=dates,
    )
    return bare_extraction(tree, options=options)


def _drop_title_line(text: str, title: str) -> str:
    first, _, rest = text.partition("\n")
    if title and _WS.sub(" ", first).strip().casefold() == _WS.sub(" ", title).strip().casefold():
        return rest
    return text


def extract_article(markup: str, *, url: str = "", nbsp: NbspPolicy = "keep") -> HtmlArticle:
    """The article in ``markup`` (a decoded page). Raises ``RefusedError`` when there is none.

    Nothing is rendered or fetched. Markup that declares entities (``<!ENTITY``, an internal DTD
    subset) is refused before parsing; the parser itself never loads DTDs or touches the network,
    and the HTML parser leaves undeclared entity references as text. Paywall, newsletter, promo and
    share boxes are pruned from the tree before trafilatura sees it (only when they are small, so a
    body wrapped in a ``paywall`` class is kept); trafilatura removes navigation, ads, footers and
    comments; the scraped-text cleaner then drops remaining prompt, credit and promo lines.
    """
    check_markup(markup)
    tree = parse_html(markup)
    language = _language(tree)
    prune_boxes(tree)
    document = _extract(tree, url)
    if document is None or isinstance(document, dict) or not document.text:
        raise RefusedError("no article text found in the page", FailureCode.NO_TEXT)
    title = _WS.sub(" ", document.title or "").strip()
    text = _drop_title_line(normalize_text(document.text, nbsp=nbsp), title)
    cleaned = clean_scraped_text(text, find_title=False, find_header=True)
    if not cleaned.text.strip():
        raise RefusedError("no article text left after removing boilerplate", FailureCode.NO_TEXT)
    extra: dict[str, Any] = {}
    for key in ("description", "categories", "tags", "image"):
        value = getattr(document, key, None)
        if value:
            extra[key] = value
    if cleaned.author_bio:
        extra["author_bio"] = cleaned.author_bio
    return HtmlArticle(
        text=cleaned.text,
        title=title,
        author=(document.author or cleaned.author or "").strip(),
        url=(document.url or url or "").strip(),
        source=(document.sitename or document.hostname or cleaned.source or "").strip(),
        published=parse_date(document.date) or cleaned.published,
        language=language,
        extra=extra,
    )
