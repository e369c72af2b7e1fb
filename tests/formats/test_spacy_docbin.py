"""The spaCy DocBin format: written and read back by spaCy itself."""

from __future__ import annotations

import itertools
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.core.annotation import AnnotatedDocument
from annotator.core.document import DocumentStatus
from annotator.core.errors import UserError
from annotator.core.interchange import AnnotatedDraft
from annotator.core.reports import Failure
from annotator.core.schema import LabelSchema
from annotator.formats import registry
from annotator.formats.base import ExportOptions, ImportOptions, Loss, OverlapPolicy
from annotator.formats.spacy_docbin import EXPORTER, IMPORTER, USER_DATA_KEY
from tests.formats.conftest import (
    ROUND_TRIP_TEXT,
    Export,
    draft_keys,
    draft_relations,
    make_document,
    original_keys,
    original_relations,
    renumbered,
    round_trip_document,
)

spacy = pytest.importorskip("spacy")
from spacy.tokens import DocBin  # noqa: E402


def read_docs(path: Path) -> list[object]:
    """The documents of a .spacy file, or of every shard of an export folder in order."""
    nlp = spacy.blank("en")
    files = sorted(path.glob("*.spacy")) if path.is_dir() else [path]
    return [doc for file in files for doc in DocBin().from_disk(file).get_docs(nlp.vocab)]


def imported(path: Path, schema: LabelSchema) -> list[AnnotatedDraft | Failure]:
    return list(IMPORTER.read(path, schema, ImportOptions()))


def test_registry_finds_the_module() -> None:
    assert registry.exporter("spacy") is EXPORTER
    assert registry.importer("spacy") is IMPORTER


def test_spacy_reads_the_file(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    path, losses = export(EXPORTER, [document], "train.spacy", schema)
    (doc,) = read_docs(path)
    assert doc.text == ROUND_TRIP_TEXT
    assert "\n" in [token.text for token in doc]  # the line break is a token of its own
    group = doc.spans["sc"]
    assert sorted((s.label_, s.start_char, s.end_char) for s in group) == sorted(
        (s.label, s.start, s.end) for s in document.spans
    )
    for span in list(group) + list(doc.ents):
        assert span.text == ROUND_TRIP_TEXT[span.start_char : span.end_char]
    ents = list(doc.ents)
    assert all(a.end <= b.start for a, b in itertools.pairwise(ents))
    # schema order: LOCATION 78-84 beats CLAIM, which contains it; CASUALTY_FIGURE stays
    assert [(e.label_, e.text) for e in ents] == [
        ("ACTOR", "Rebels"),
        ("LOCATION", "Aleppo"),
        ("ACTOR", "The ministry"),
        ("CASUALTY_FIGURE", "12 civilians"),
        ("LOCATION", "Aleppo"),
    ]
    ours = doc.user_data[USER_DATA_KEY]
    assert len(ours["spans"]) == 6
    assert len(ours["relations"]) == 2
    assert ours["document"]["title"] == "Document 1"
    assert losses.counts == {Loss.OVERLAPS: 1}
    assert losses.examples[Loss.OVERLAPS][0].startswith("doc-1: ")  # the document, first
    assert "CLAIM 57-91" in losses.examples[Loss.OVERLAPS][0]


def test_round_trip_is_identical(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    item = replace(
        document,
        document=replace(
            document.document,
            status=DocumentStatus.DONE,
            external_id="afp-17",
            source="AFP",
            metadata={"section": "world", "words": 18},
        ),
    )
    path, _ = export(EXPORTER, [item], "train.spacy", schema)
    (draft,) = imported(path, schema)
    assert isinstance(draft, AnnotatedDraft)
    assert draft.draft.text == ROUND_TRIP_TEXT
    assert draft_keys(draft) == original_keys(item)
    assert draft_relations(draft) == original_relations(item)
    assert draft.status is DocumentStatus.DONE
    assert (draft.draft.title, draft.draft.external_id, draft.draft.source) == (
        "Document 1",
        "afp-17",
        "AFP",
    )
    assert draft.draft.metadata == {"section": "world", "words": 18}


def test_many_documents_stream_through(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    items = [renumbered(document, n) for n in range(1, 51)]
    path, losses = export(EXPORTER, items, "many.spacy", schema)
    assert len(read_docs(path)) == 50
    assert losses.counts[Loss.OVERLAPS] == 50
    drafts = imported(path, schema)
    assert len(drafts) == 50
    assert all(isinstance(d, AnnotatedDraft) and len(d.spans) == 6 for d in drafts)


def test_losses_match_what_write_reports(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    _, written = export(EXPORTER, [document], "a.spacy", schema)
    previewed = EXPORTER.losses(iter([document]), schema)
    assert previewed.counts == written.counts


def test_priority_and_drop_policies(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    claim_first = ExportOptions(label_priority=("CLAIM",))
    path, losses = export(EXPORTER, [document], "p.spacy", schema, claim_first)
    (doc,) = read_docs(path)
    assert "CLAIM" in [e.label_ for e in doc.ents]
    assert losses.counts[Loss.OVERLAPS] == 2  # CASUALTY_FIGURE and LOCATION inside the claim
    drop = ExportOptions(overlap_policy=OverlapPolicy.DROP)
    path, losses = export(EXPORTER, [document], "d.spacy", schema, drop)
    (doc,) = read_docs(path)
    assert [e.text for e in doc.ents] == ["Rebels", "Aleppo", "The ministry"]
    assert losses.counts[Loss.OVERLAPS] == 3
    assert len(doc.spans["sc"]) == 6  # all spans stay in the span group


def test_unaligned_spans_are_widened_and_reported(export: Export, schema: LabelSchema) -> None:
    text = "Rebels shelled Aleppo."
    item = make_document(text, [("LOCATION", 15, 19, {}), ("ACTOR", 6, 7, {})])
    path, losses = export(EXPORTER, [item], "u.spacy", schema)
    assert losses.counts[Loss.UNALIGNED] == 1
    assert losses.examples[Loss.UNALIGNED] == ["doc-1: LOCATION 'Alep' widened to 'Aleppo'"]
    assert losses.counts[Loss.DROPPED] == 1
    assert losses.examples[Loss.DROPPED] == ["doc-1: ACTOR ' ' is on no token (kept in user data)"]
    (doc,) = read_docs(path)
    assert [(s.text, s.label_) for s in doc.spans["sc"]] == [("Aleppo", "LOCATION")]
    (draft,) = imported(path, schema)
    assert isinstance(draft, AnnotatedDraft)
    # the exact extents come back from the user data
    assert draft_keys(draft) == [("ACTOR", 6, 7, ()), ("LOCATION", 15, 19, ())]


def test_spans_sharing_an_extent_keep_their_own_attributes(
    export: Export, schema: LabelSchema
) -> None:
    text = "The ministry said so."
    item = make_document(
        text,
        [
            ("ACTOR", 0, 12, {"kind": "official"}),
            ("ACTOR", 0, 12, {"kind": "state"}),
            ("CLAIM", 13, 20, {"certainty": "asserted"}),
        ],
        [("ATTRIBUTED_TO", 3, 2)],
    )
    path, _ = export(EXPORTER, [item], "same.spacy", schema)
    (draft,) = imported(path, schema)
    assert isinstance(draft, AnnotatedDraft)
    assert draft_keys(draft) == original_keys(item)
    (relation,) = draft.relations
    target = next(s for s in draft.spans if s.key == relation.target)
    assert target.attributes == {"kind": "state"}


def test_a_docbin_from_elsewhere_imports_its_spans_and_ents(
    tmp_path: Path, schema: LabelSchema
) -> None:
    nlp = spacy.blank("en")
    doc = nlp("Rebels shelled Aleppo and Homs.")
    doc.ents = [doc.char_span(0, 6, label="ACTOR"), doc.char_span(15, 21, label="LOCATION")]
    doc.spans["sc"] = [doc.char_span(15, 21, label="LOCATION"), doc.char_span(26, 30, "LOC")]
    doc.spans["other"] = [doc.char_span(0, 14, label="CLAIM")]
    path = tmp_path / "foreign.spacy"
    DocBin(docs=[doc]).to_disk(path)
    (draft,) = imported(path, schema)
    assert isinstance(draft, AnnotatedDraft)
    assert draft_keys(draft) == [
        ("ACTOR", 0, 6, ()),
        ("CLAIM", 0, 14, ()),
        ("LOC", 26, 30, ()),
        ("LOCATION", 15, 21, ()),
    ]
    assert draft.relations == ()


def test_not_a_docbin_is_a_failure(tmp_path: Path, schema: LabelSchema) -> None:
    path = tmp_path / "broken.spacy"
    path.write_bytes(b"this is not msgpack")
    (failure,) = imported(path, schema)
    assert isinstance(failure, Failure)
    assert failure.file == str(path)
    assert "not a spaCy DocBin" in failure.reason
    (missing,) = imported(tmp_path / "absent.spacy", schema)
    assert isinstance(missing, Failure)


def test_user_data_with_bad_offsets_fails_that_document_only(
    export: Export, document: AnnotatedDocument, schema: LabelSchema, tmp_path: Path
) -> None:
    path, _ = export(EXPORTER, [document, renumbered(document, 2)], "b.spacy", schema)
    docs = read_docs(path)
    docs[0].user_data[USER_DATA_KEY]["spans"][0]["start"] = 1  # "ebels" != "Rebels"
    broken = tmp_path / "edited.spacy"
    DocBin(docs=docs, store_user_data=True).to_disk(broken)
    first, second = imported(broken, schema)
    assert isinstance(first, Failure)
    assert first.reason.startswith("document 1: text 'Rebels' is not at offsets 1-6")
    assert isinstance(second, AnnotatedDraft)


def test_without_spacy_the_user_is_told_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    document: AnnotatedDocument,
    schema: LabelSchema,
    export: Export,
) -> None:
    monkeypatch.setitem(sys.modules, "spacy", None)
    with pytest.raises(UserError, match=r"pip install 'annotator\[spacy\]'"):
        export(EXPORTER, [document], "x.spacy", schema)
    assert not (tmp_path / "x.spacy").exists()
    assert list(tmp_path.iterdir()) == []  # the aborted sink left nothing behind
    with pytest.raises(UserError, match="spaCy"):
        imported(tmp_path / "x.spacy", schema)


def test_msgpack_extensions_are_looked_up_once_and_restored() -> None:
    from srsly.msgpack import msgpack_decoders, msgpack_encoders

    from annotator.formats.spacy_support import cached_msgpack_extensions

    before = (msgpack_encoders.get_all(), msgpack_decoders.get_all())
    with cached_msgpack_extensions():
        assert "get_all" in vars(msgpack_encoders)
        assert (msgpack_encoders.get_all(), msgpack_decoders.get_all()) == before
    assert "get_all" not in vars(msgpack_encoders)
    assert "get_all" not in vars(msgpack_decoders)
    assert (msgpack_encoders.get_all(), msgpack_decoders.get_all()) == before


@pytest.mark.parametrize("name", ["shards", "shards.zip"])
def test_large_exports_are_shards_that_spacy_train_reads_as_one_corpus(
    export: Export, document: AnnotatedDocument, schema: LabelSchema, name: str
) -> None:
    items = [round_trip_document(n, f"afp-{n}") for n in range(1, 6)]
    options = ExportOptions(extra={"shard_documents": "2", "workers": "1"})
    path, losses = export(EXPORTER, items, name, schema, options)
    assert losses.counts[Loss.OVERLAPS] == 5
    drafts = imported(path, schema)
    assert [d.draft.external_id for d in drafts if isinstance(d, AnnotatedDraft)] == [
        f"afp-{n}" for n in range(1, 6)
    ]
    if name.endswith(".zip"):
        names = zipfile.ZipFile(path).namelist()
        assert sorted(names) == ["part-0001.spacy", "part-0002.spacy", "part-0003.spacy"]
        return
    assert sorted(p.name for p in path.iterdir()) == [
        "part-0001.spacy",
        "part-0002.spacy",
        "part-0003.spacy",
    ]
    from spacy.training import Corpus

    nlp = spacy.blank("en")
    examples = list(Corpus(path, shuffle=False)(nlp))  # what `spacy train` reads a folder with
    assert len(examples) == 5
    assert all(e.reference.text == ROUND_TRIP_TEXT for e in examples)
    assert [len(e.reference.ents) for e in examples] == [5] * 5


def test_shards_built_in_worker_processes_are_the_shards_built_here(
    export: Export, schema: LabelSchema
) -> None:
    items = [round_trip_document(n, f"afp-{n}") for n in range(1, 6)]
    items[3] = replace(items[3], spans=items[3].spans[:2])
    here, here_losses = export(
        EXPORTER,
        items,
        "here",
        schema,
        ExportOptions(extra={"shard_documents": "2", "workers": "1"}),
    )
    there, there_losses = export(
        EXPORTER,
        items,
        "there",
        schema,
        ExportOptions(extra={"shard_documents": "2", "workers": "2"}),
    )
    names = sorted(p.name for p in here.iterdir())
    assert names == ["part-0001.spacy", "part-0002.spacy", "part-0003.spacy"]
    assert sorted(p.name for p in there.iterdir()) == names
    assert all((here / n).read_bytes() == (there / n).read_bytes() for n in names)
    assert there_losses == here_losses
    assert there_losses.counts[Loss.OVERLAPS] == 4


def test_an_empty_export_is_one_empty_shard(export: Export, schema: LabelSchema) -> None:
    path, _ = export(EXPORTER, [], "empty", schema)
    assert [p.name for p in path.iterdir()] == ["part-0001.spacy"]
    assert read_docs(path) == []
    assert imported(path, schema) == []


TRICKY_TEXTS = [
    ROUND_TRIP_TEXT,
    "",
    " ",
    "x",
    "  Don't  GO!\n\n\tU.S. 🏛 £5 ",
    "Ünïcödé café, naïve.",
    'He said: "(well)..." -- and left!!  ',
    "e-mail: a.b@c.org, https://x.y/z?q=1 :-) 10km 5.5% $3",
]
MANY_WORDS = " ".join(["word"] * 2_000)


def test_expand_finds_the_tokens_char_span_finds() -> None:
    from spacy.attrs import IDX, LENGTH, SPACY

    from annotator.formats.spacy_project import Tokens

    nlp = spacy.blank("en")
    for text in TRICKY_TEXTS:
        doc = nlp.make_doc(text)
        array = doc.to_array([IDX, LENGTH, SPACY])
        tokens = Tokens(array[:, 0].tolist(), array[:, 1].tolist(), array[:, 2].tolist())
        for start in range(len(text) + 1):
            for end in range(start, len(text) + 1):
                theirs = doc.char_span(start, end, label="X", alignment_mode="expand")
                ours = tokens.expand(start, end, "X")
                if theirs is None or len(theirs) == 0:
                    assert ours is None, (text, start, end)
                    continue
                assert ours is not None, (text, start, end)
                assert (ours.start, ours.end, ours.start_char, ours.end_char) == (
                    theirs.start,
                    theirs.end,
                    theirs.start_char,
                    theirs.end_char,
                ), (text, start, end)


def test_shard_builder_builds_the_docbin_docbin_add_builds() -> None:
    """The shard equals, byte for byte, spaCy's own ``doc.ents``, ``doc.spans`` and
    ``DocBin.add`` for the same documents (both compressed by :func:`docbin_compression`)."""
    import srsly
    from spacy.attrs import IDX, LENGTH, SPACY
    from spacy.tokens import Span

    from annotator.formats.base import LossReport, OverlapPolicy
    from annotator.formats.spacy_project import SpanExtent, Tokens, project_spans
    from annotator.formats.spacy_shard import (
        DOCBIN_ATTRS,
        ShardBuilder,
        ShardSettings,
        docbin_compression,
    )

    nlp = spacy.blank("en")
    for policy in (OverlapPolicy.PRIORITY, OverlapPolicy.DROP):
        settings = ShardSettings(("ACTOR", "LOCATION", "CLAIM"), policy)
        ours = ShardBuilder(nlp, settings)
        theirs = DocBin(attrs=list(DOCBIN_ATTRS), store_user_data=True)
        report = LossReport()
        for n, text in enumerate([*TRICKY_TEXTS, MANY_WORDS, "", MANY_WORDS]):
            spans = [(0, 2, "ACTOR"), (1, len(text), "CLAIM"), (len(text) - 1, len(text), "")]
            spans += [(3, 9, "LOCATION"), (4, 4, "ACTOR"), (0, len(text), "OTHER")]
            spans = [(a, b, label) for a, b, label in spans if 0 <= a <= b <= len(text)]
            if text == MANY_WORDS:  # more than 15 spans, groups of more than 255 bytes
                starts = [0] + [i + 1 for i, c in enumerate(text) if c == " "]
                spans = [(a, a + 4, ("ACTOR", "CLAIM")[a % 2]) for a in starts[: 40 + n]]
            user_data = {USER_DATA_KEY: {"n": n, "text": text}}
            ours.add(text, spans, srsly.msgpack_dumps(user_data))
            doc = nlp.make_doc(text)
            array = doc.to_array([IDX, LENGTH, SPACY])
            tokens = Tokens(array[:, 0].tolist(), array[:, 1].tolist(), array[:, 2].tolist())
            extents = [SpanExtent(*span) for span in spans]
            projection = project_spans(tokens, text, extents, settings.priority, policy)
            report.merge(projection.report)
            doc.spans["sc"] = [Span(doc, s.start, s.end, s.label) for s in projection.group]
            doc.ents = [Span(doc, s.start, s.end, s.label) for s in projection.ents]
            doc.user_data.update(user_data)
            theirs.add(doc)
        with docbin_compression():
            expected = theirs.to_bytes()
        assert ours.to_bytes() == expected
        assert ours.report == report
        assert report.counts[Loss.UNALIGNED]
        assert report.counts[Loss.OVERLAPS]


def test_a_shard_decompresses_to_the_bytes_spacy_writes_and_spacy_reads_it() -> None:
    """zlib-ng at a faster level than spaCy's compresses the same bytes differently:
    ``zlib.decompress`` gives spaCy's own, and ``DocBin.from_bytes`` reads the shard."""
    import zlib

    from annotator.formats.spacy_shard import DOCBIN_ATTRS, docbin_compression

    nlp = spacy.blank("en")
    texts = [*TRICKY_TEXTS, MANY_WORDS, ""]
    docbin = DocBin(attrs=list(DOCBIN_ATTRS), store_user_data=True)
    for n, text in enumerate(texts):
        doc = nlp.make_doc(text)
        doc.user_data[USER_DATA_KEY] = {"n": n}
        docbin.add(doc)
    theirs = docbin.to_bytes()
    with docbin_compression():
        ours = docbin.to_bytes()
    assert zlib.decompress(ours) == zlib.decompress(theirs)
    docs = list(DocBin().from_bytes(ours).get_docs(nlp.vocab))
    assert [doc.text for doc in docs] == texts
    assert [doc.user_data[USER_DATA_KEY]["n"] for doc in docs] == list(range(len(texts)))


def test_our_documents_read_the_same_with_and_without_spacy_docs(
    export: Export, schema: LabelSchema, tmp_path: Path
) -> None:
    """A file of ours is read without making Docs (texts from the tokens' strings); from a
    document from elsewhere on, the documents go through ``DocBin.get_docs``: the drafts of
    ours are the same either way."""
    items = [round_trip_document(1, "afp-1")]
    items += [
        renumbered(make_document(text, [("ACTOR", 0, 1, {"kind": "state"})]), n)
        for n, text in enumerate(TRICKY_TEXTS, 2)
        if text.strip()
    ]
    items.append(renumbered(make_document("", []), 99))
    path, _ = export(EXPORTER, items, "ours", schema)
    fast = imported(path, schema)
    assert [d.draft.text for d in fast if isinstance(d, AnnotatedDraft)] == [
        i.document.text for i in items
    ]
    ours = read_docs(path)
    foreign = spacy.blank("en")("Rebels shelled Aleppo.")
    expected = [replace(d, origin="") for d in fast]
    for at in (0, 3):  # all through get_docs; through it from the fourth document on
        mixed = tmp_path / f"mixed-{at}.spacy"
        DocBin(docs=[*ours[:at], foreign, *ours[at:]], store_user_data=True).to_disk(mixed)
        drafts = [replace(d, origin="") for d in imported(mixed, schema)]
        assert isinstance(drafts[at], AnnotatedDraft)
        assert drafts[at].draft.text == "Rebels shelled Aleppo."
        assert drafts[:at] + drafts[at + 1 :] == expected


def test_a_worker_imports_spacy_without_its_command_line() -> None:
    import subprocess

    script = (
        "import sys\n"
        "from annotator.formats.spacy_shard import import_spacy_without_cli\n"
        "spacy = import_spacy_without_cli()\n"
        "assert not any(name.startswith(('typer', 'weasel', 'httpx')) for name in sys.modules)\n"
        "assert [t.text for t in spacy.blank('en')(\"Don't go!\")] == ['Do', \"n't\", 'go', '!']\n"
        "assert 'spacy.cli' not in sys.modules\n"
        "import spacy.cli\n"
        "assert spacy.cli.info.__module__ == 'spacy.cli.info'\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_shard_builder_on_random_documents_builds_what_spacy_builds() -> None:
    """Random texts and spans (overlapping, unaligned, empty, in whitespace), many documents in
    one shard: the same bytes and report as spaCy's own Docs and ``DocBin.add``."""
    import random

    import srsly
    from spacy.attrs import IDX, LENGTH, SPACY
    from spacy.tokens import Span

    from annotator.formats.base import LossReport, OverlapPolicy
    from annotator.formats.spacy_project import SpanExtent, Tokens, project_spans
    from annotator.formats.spacy_shard import (
        DOCBIN_ATTRS,
        ShardBuilder,
        ShardSettings,
        docbin_compression,
    )

    rng = random.Random(5)
    pieces = ["ab", "Cd", " ", "  ", "\n", ".", ",", "'s", "n't", "U.S.", "🏛", "-", "(", ")", "x"]
    nlp = spacy.blank("en")
    for policy in (OverlapPolicy.PRIORITY, OverlapPolicy.DROP):
        settings = ShardSettings(("B", "A"), policy)
        ours = ShardBuilder(nlp, settings)
        theirs = DocBin(attrs=list(DOCBIN_ATTRS), store_user_data=True)
        report = LossReport()
        for n in range(80):
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
            spans = []
            for _ in range(rng.randint(0, 25)):
                start = rng.randint(0, len(text))
                end = rng.randint(start, min(len(text), start + 12))
                spans.append((start, end, rng.choice(["A", "B", "C", ""])))
            packed = srsly.msgpack_dumps({USER_DATA_KEY: {"n": n}})
            ours.add(text, spans, packed)
            doc = nlp.make_doc(text)
            array = doc.to_array([IDX, LENGTH, SPACY])
            tokens = Tokens(array[:, 0].tolist(), array[:, 1].tolist(), array[:, 2].tolist())
            extents = [SpanExtent(*span) for span in spans]
            projection = project_spans(tokens, text, extents, settings.priority, policy)
            report.merge(projection.report)
            doc.spans["sc"] = [Span(doc, s.start, s.end, s.label) for s in projection.group]
            doc.ents = [Span(doc, s.start, s.end, s.label) for s in projection.ents]
            doc.user_data[USER_DATA_KEY] = {"n": n}
            theirs.add(doc)
        with docbin_compression():
            expected = theirs.to_bytes()
        assert ours.to_bytes() == expected
        assert ours.report == report


def test_ents_are_chosen_as_the_policies_say() -> None:
    """``choose_ents_columns`` (what the shards and the loss preview use) on random groups:
    with DROP every span that overlaps another on tokens is left out; with PRIORITY spans are
    taken by label rank, then start, then length, unless they overlap one already taken."""
    import random

    from annotator.formats.base import OverlapPolicy
    from annotator.formats.spacy_project import choose_ents_columns, label_ranks

    rng = random.Random(7)
    ranks = label_ranks(["B", "A"])
    for _ in range(300):
        count = rng.randint(0, 12)
        starts = [rng.randint(0, 20) for _ in range(count)]
        ends = [start + rng.randint(1, 5) for start in starts]
        labels = [rng.choice("ABC") for _ in range(count)]
        spans = list(zip(starts, ends, strict=True))
        others = [[j for j in range(count) if j != i] for i in range(count)]
        alone = {i for i in range(count) if not any(_overlap(spans, i, j) for j in others[i])}
        assert choose_ents_columns(starts, ends, labels, ranks, OverlapPolicy.DROP) == alone
        taken: list[int] = []
        for i in sorted(range(count), key=lambda i: ("BAC".index(labels[i]), starts[i], -ends[i])):
            if not any(_overlap(spans, i, j) for j in taken):
                taken.append(i)
        assert choose_ents_columns(starts, ends, labels, ranks, OverlapPolicy.PRIORITY) == set(
            taken
        )


def _overlap(spans: list[tuple[int, int]], i: int, j: int) -> bool:
    return spans[i][0] < spans[j][1] and spans[j][0] < spans[i][1]
