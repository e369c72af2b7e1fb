from annotator.core.text import either, plural, plural_word


def test_plural_reads_singular_for_one_and_plural_otherwise() -> None:
    assert plural(1, "document") == "1 document"
    assert plural(0, "document") == "0 documents"
    assert plural(2048, "hit") == "2,048 hits"
    assert plural(1, "entry") == "1 entry"
    assert plural(3, "entry") == "3 entries"
    assert plural(2, "person", "people") == "2 people"
    assert plural_word(1, "was") == "was"
    assert plural_word(4, "was") == "were"


def test_either_joins_words_with_the_conjunction() -> None:
    assert either([]) == ""
    assert either(["manager"]) == "manager"
    assert either(["manager", "curator"]) == "manager or curator"
    assert either(["a", "b", "c"], "and") == "a, b and c"
