"""Varied scraped texts for differential tests of the cleaner: body and junk lines mixed."""

from __future__ import annotations

import random

BODY_WORDS = (
    "the council said on monday that it would spend more money on roads schools and hospitals "
    "after residents complained about delays officials expect the plan to cost million over five "
    "years while critics argue budget ignores rural towns subscribe email photo sign account "
    "limit access newsletter cookies reading continue already trial register journalism"
).split()
JUNK = (
    "Advertisement",
    "Story continues below advertisement",
    "Share this article",
    "Share | Tweet | Email",
    "Read more: The council votes on the budget",
    "Related stories",
    "Sign up for our newsletter to get the news in your inbox",
    "Please enter your email address to continue",
    "Thanks for reading The Daily Example",
    "Subscribe now",
    "Already a subscriber? Log in",
    "You have reached your limit of free articles this month.",
    "We use cookies to improve your experience on our site.",
    "© 2023 The Daily Example. All rights reserved.",
    "Photo: Jane Doe/Getty Images",
    "Anna Berg/Reuters",
    "(AP Photo)",
    "01:43",
    "(1:02:03)",
    "Storm hits the coast 01:43",
    "Watch: storm hits the coast",
    "Click here to read more",
    "Follow us on Twitter",
    "By Anna Berg and Luis Ortega",
    "By Mei Chen, Reuters",
    "Updated on: June 28, 2021 / 7:05 PM / CBS News",
    "Published Monday, March 14, 2023",
    "Anna Berg",
    "Anna Berg is a reporter who covers the council.",
    "Recommended for you",
    "Most popular",
)
GLUE = ('Erbil."We assess', 'said."Iraq', "buildings.A defense", "U.S.Army", "2021.The", "“Yes,”he")
SPACES = (" ", " ", " ", " ", "  ", "   ", "\t", "\u00a0", "\u00a0 ", "\u2003", " \u00a0 ")


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(BODY_WORDS) for _ in range(rng.randint(low, high))]
    words[0] = words[0].capitalize() if rng.random() < 0.9 else words[0]
    if rng.random() < 0.1:
        words.insert(rng.randrange(len(words)), rng.choice(GLUE))
    text = " ".join(words)
    end = rng.choice((".", ".", ".", "!", "?", "", ":", '."', "...", "…", ".”"))
    if rng.random() < 0.15:
        return f'"{text}," said {rng.choice(("Anna Berg", "the minister"))}.'
    return text + end


def _line(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.3:
        return rng.choice(JUNK)
    if roll < 0.35:
        return rng.choice(JUNK) + rng.choice(SPACES) + _sentence(rng, 3, 12)
    count = rng.choice((1, 1, 2, 3, 4, 6))
    sentences = [
        _sentence(rng, *rng.choice(((1, 5), (5, 12), (8, 24), (30, 60)))) for _ in range(count)
    ]
    if rng.random() < 0.2:
        sentences.insert(rng.randrange(len(sentences) + 1), rng.choice(JUNK))
    return rng.choice(SPACES[:6]).join(sentences)


def scraped_texts(seed: int, count: int) -> list[str]:
    """``count`` texts of 1-25 lines: body, junk, repeats, blank lines, runs of spaces."""
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        lines: list[str] = []
        for _ in range(rng.randint(1, 25)):
            roll = rng.random()
            if lines and roll < 0.08:
                lines.append(rng.choice(lines))
            elif roll < 0.15:
                lines.append(rng.choice(("", " ", "\t")))
            else:
                lines.append(_line(rng))
        texts.append("\n".join(lines))
    return texts
