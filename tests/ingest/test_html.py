"""Saved news pages: main text, metadata, and no navigation, ads, paywall, promos or footer."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from annotator.ingest import FailureCode, IngestedDocument
from annotator.ingest.html import extract_article
from annotator.ingest.items import RefusedError

from .conftest import run

BODY = [
    "Councillors in Port Wenlow voted on Tuesday to build a tidal barrier across the mouth of the "
    "Wenn estuary, ending ten years of argument over how to protect the town from winter floods.",
    "The barrier, which will cost an estimated £48 million, is due to be completed in 2027 and "
    "will close automatically when sea levels rise above a set mark.",
    '"We have watched the water come into people\'s kitchens every February for a decade," said '
    'council leader Priya Anand. "Today we finally chose to do something about it."',
    "Opponents argued that the scheme would harm the salt marshes upstream, which shelter "
    "thousands of wading birds each winter.",
    "The Wenn Estuary Trust said it would study the final design before deciding whether to "
    "challenge the decision in court.",
    "Engineers expect construction to begin next spring, once the harbour's fishing fleet has "
    "agreed a schedule for the closures.",
    "Residents will be invited to a public meeting at the town hall on 28 March to see the plans.",
]
JUNK = [
    "Home",
    "Subscribe",
    "Advertisement",
    "Get the Ledger's morning briefing",
    "Please enter email address",
    "Sign up",
    "privacy policy",
    "Storm surge",
    "02:15",
    "Wenn estuary from the air",
    "01:58",
    "Read more",
    "Flood insurance premiums",
    "Thanks for reading",
    "Create your free account",
    "All rights reserved",
    "Contact us",
    "dataLayer",
    "font-family",
    "By Maria Okafor",
]


@pytest.fixture(scope="module")
def page() -> IngestedDocument:
    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
    documents, failures = run([fixtures / "news_article.html"])
    assert failures == []
    return documents[0]


def test_paragraphs_are_lines_and_all_survive(page: IngestedDocument) -> None:
    assert page.draft.text.split("\n") == BODY


def test_no_junk(page: IngestedDocument) -> None:
    assert [junk for junk in JUNK if junk in page.draft.text] == []


def test_metadata(page: IngestedDocument) -> None:
    draft = page.draft
    assert draft.title == "Harbour council approves tidal barrier after decade of floods"
    assert draft.source == "The Riverside Ledger"
    assert draft.url == "https://ledger.example.org/news/2023/03/14/tidal-barrier"
    assert draft.published == date(2023, 3, 14)
    assert draft.metadata["author"] == "Maria Okafor"
    assert draft.metadata["language"] == "en-GB"
    assert draft.raw is not None
    assert draft.raw.media_type == "text/html"


def test_a_paywall_class_around_the_whole_body_is_kept() -> None:
    paragraphs = [
        f"Paragraph {n} of the story explains what the council decided and why it matters "
        "to the people who live along the estuary."
        for n in range(1, 9)
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    page = (
        "<html><head><title>T</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><div class='article-body paywall'>{body}</div></article></body></html>"
    )
    assert extract_article(page).text.split("\n") == paragraphs


def test_a_page_without_text_is_refused() -> None:
    with pytest.raises(RefusedError) as caught:
        extract_article("<html><head><script>var a = 1;</script></head><body> </body></html>")
    assert caught.value.code == FailureCode.NO_TEXT
