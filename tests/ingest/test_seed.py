"""The cleaner on the real scraped article in ../shared/seeds (skipped where shared/ is absent)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from annotator.ingest import IngestedDocument, iter_records

SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds" / "000_834ed04eaa9d6ad7.txt"

BODY = [
    "The U.S. military on Sunday conducted airstrikes on facilities used by Iran-backed militia "
    "groups in the Iraq-Syria border region,",
    "Video released by the Pentagon, taken from aboard the aircraft used in the strikes, showed "
    "the attacks on multiple buildings.\u00a0A defense official told CBS News",  # NBSP kept
    'One drone strike hit a hangar used by the CIA in Erbil. "We assess each strike hit the '
    "intended targets,",
    'designed to limit the risk of escalation." "Through these and other means," McNulty said,',
    "attack our people.\" Iraq's Ministry of Defense, however, condemned the strikes",
    "No Americans have been killed since then, although one American died of a heart attack "
    "during a rocket attack.",
    "Rasool said Iraq's military would \"carry out the necessary investigations,",
    "\"With God's help, we will make the enemy taste the bitterness of revenge. And if the enemy "
    'repeats its aggression, it will see what will not please them."',
]
JUNK = [
    "01:43",
    "07:47",
    "U.S. authorities shut down Iranian websites",
    "Rockets hit Iraqi air base hosting U.S. troop",
    "Thanks for reading",
    "Create your free account",
    "Please enter email address to continue",
    "Please enter valid email address",
    "EMERGENCY COMPONENT",
    "U.S. Department of Defense/handout",
    "Updated on",
    "National Security Correspondent",
    "  ",
]

pytestmark = pytest.mark.skipif(not SEED.exists(), reason="../shared/seeds is not here")


@pytest.fixture(scope="module")
def seed() -> IngestedDocument:
    (item,) = list(iter_records([SEED]))
    assert isinstance(item, IngestedDocument)
    return item


def test_body_sentences_survive(seed: IngestedDocument) -> None:
    assert [part for part in BODY if part not in seed.draft.text] == []


def test_junk_is_gone(seed: IngestedDocument) -> None:
    assert [junk for junk in JUNK if junk in seed.draft.text] == []


def test_metadata_found(seed: IngestedDocument) -> None:
    assert seed.draft.published == date(2021, 6, 28)
    assert seed.draft.source == "CBS News"
    assert seed.draft.metadata["author"] == "David Martin"
    assert seed.draft.raw is not None
    assert seed.draft.raw.content == SEED.read_bytes()
