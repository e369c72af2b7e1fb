"""The fast tokenizer against the frozen reference on real and awkward texts, token for token."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.formats.tokenize import scan, sentence_breaks, sentences, tokenize, word_indices
from tests.formats import tokenize_reference as reference

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "seeds" / "000_834ed04eaa9d6ad7.txt"

AWKWARD = [
    "Family 👩‍👩‍👧‍👦 and firefighter 👩🏽‍🚒, flags 🇸🇾🇺🇦🇫🇷, keycaps 1️⃣ #️⃣ and ❤️‍🔥 too.",
    "北京市人民政府今天宣布。东京：晴れ！ 서울에서 회의가 열렸다. 中文 English混合 text.",
    "قال المتحدث باسم الوزارة إن 12 شخصاً قتلوا. נאמר כי הפגיעה אירעה בבוקר. \u200fRTL mark\u200e.",
    "See https://example.org/a/b?c=1&d=2#frag, www.example.com. and mail press@un.org now.",
    "Figures: 3,000.50 and 1.5 million; 12,345; 0.75%; -4.2°C; 10/11/2026; 1.000.000,00 €.",
    "Mr. and Mrs. Smith met Dr. J. K. Rowling, Gen. Ali and Sen. O'Brien (Dept. of State) "
    "at No. 5 St. James Ave. e.g. U.S. vs. U.K. etc. Then no. 7 left. It was Jan. 3.",
    "“He said ‘no.’ Then left.” «Quoi?» «Rien!» \"Done.\" (Yes.) [No!] 'Maybe...' ¿Qué? ¡Sí!",
    "Line one\nLine two\r\nLine three\u2028four\u2029five\x85six\x0bseven\x0ceight",
    "Tabs\tand  double  spaces\u00a0nbsp\u3000ideographic \u2009thin end ",
    "  leading spaces, trailing\n\n\n",
    "Clitics: don't can't won't I'm you're we've they'll she'd Aleppo’s rock'n'roll O'Neil's.",
    "Dashes -- and — and – and self-driving well-known ---- ... …. ?! !? ?? !!",
    "Combining: cafe\u0301 nai\u0308ve Z\u0351\u0352a\u0353l\u0354g\u0355o. Devanagari: हिन्दी ने.",
    "#Aleppo @UN_Office #2026 @ # a@b _under_score_ __init__ x_y.",
    "",
    " ",
    "\n",
    ".",
    "A.B.C. a.b. x.y.z.w I. U.S.A. Ph.D. e.g., i.e.;",
]


def _corpus() -> list[str]:
    out = list(AWKWARD)
    with (ROOT / "projects" / "news-events" / "articles.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            article = json.loads(line)
            out += [article["title"], article["text"]]
    if SEED.exists():
        seed = SEED.read_text(encoding="utf-8")
        out += [seed, *seed.split("\n\n")]
    return out


@pytest.mark.parametrize("text", _corpus())
def test_corpus_text_is_tokenized_and_split_as_the_reference_does(text: str) -> None:
    expected = reference.tokenize(text)
    tokens = tokenize(text)
    assert tokens == expected
    texts, starts, ends, ws = scan(text)
    assert list(zip(starts, ends, texts, ws, strict=True)) == expected
    assert sentences(text, tokens) == reference.sentences(text, expected)
    # the path the token formats take: non-space tokens only, then the sentence breaks
    index = word_indices(text, texts)
    if index is not None:
        texts = [texts[i] for i in index]
        starts = [starts[i] for i in index]
        ends = [ends[i] for i in index]
    word_index = reference.words(expected)
    assert texts == [expected[i].text for i in word_index]
    ranges = reference.sentences(text, expected)
    firsts = [word_index.index(next(i for i in r if i in set(word_index))) for r in ranges]
    assert sentence_breaks(text, texts, starts, ends) == firsts[1:]


# every character the scanner's shortcuts look at, next to words, digits and marks
EDGES = st.sampled_from(
    [
        *"ab3Z ,;:()[]{}\"“”«»….-'’@_+#*/\n\t\u00a0",
        *("\u0301", "\U0001d167", "\U000e0100", "ℹ", "❶", "\u20e3", "\ufe0f", "\u200d", "👍"),
        *("n", "t", "Mr", "Mrs", "No", "approx", "www", "http", "e.g", "U.S", "3,0", "1.5"),
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(EDGES, max_size=40).map("".join))
def test_shortcut_edges_are_tokenized_as_the_reference_does(text: str) -> None:
    expected = reference.tokenize(text)
    assert tokenize(text) == expected
    assert sentences(text) == reference.sentences(text, expected)
