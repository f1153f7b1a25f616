"""Readers: plain text (news/PTC convention), HTML files, encodings and mojibake, corpora."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinscope.config import Options
from spinscope.errors import InputError
from spinscope.ingest import article_from_text, iter_records, read_file, read_source
from spinscope.ingest.decode import decode_bytes

from .conftest import FIXTURES

ARTICLE = (
    "Officials Warn of Storm Damage\n\n"
    "The storm reached the coast on Monday. Mr. Jones said the U.S. agency was ready.\n\n"
    "Residents were told to stay indoors until the evening.\n"
)


def test_plain_text_title_paragraphs_sentences_index_the_text() -> None:
    a = article_from_text(ARTICLE)
    assert a.title == "Officials Warn of Storm Damage"
    assert a.text == ARTICLE  # never rewritten
    assert a.title_region is not None and a.text[a.title_region.start : a.title_region.end] == a.title
    assert [a.text[p.start : p.end] for p in a.paragraphs][1].startswith("The storm")
    sents = [a.text[s.start : s.end] for s in a.sentences]
    assert sents == [
        "Officials Warn of Storm Damage",
        "The storm reached the coast on Monday.",
        "Mr. Jones said the U.S. agency was ready.",
        "Residents were told to stay indoors until the evening.",
    ]


def test_html_and_plain_text_versions_give_the_same_article() -> None:
    html = read_file(FIXTURES / "html" / "news_page.html")
    txt = read_file(FIXTURES / "html" / "news_page.txt")
    assert html.title == txt.title == "Council Rejects Harbour Lease After Months of Talks"
    assert html.text == txt.text
    assert "cookie" not in html.text.lower()
    assert "riddance" not in html.text  # reader comments left out
    assert "Subscribe" not in html.text and "bakery" not in html.text
    assert html.metadata.author == "Dana Whitfield"


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-16"])
def test_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    text = "Café owners protest\n\nThe café owners of São Paulo said the new tax was “unfair” and would hurt trade."
    if encoding != "cp1252":
        text = text.replace("“", '"').replace("”", '"')
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode(encoding))
    a = read_file(path)
    assert "Café owners" in a.text and "São Paulo" in a.text


def test_mojibake_is_repaired_before_analysis() -> None:
    broken = "The minister’s plan\n\nThe minister’s plan was praised by the café owners.".encode().decode("cp1252")
    assert "â€™" in broken
    text, warnings = decode_bytes(broken.encode("utf-8"))
    assert "minister’s plan" in text and "café" in text
    assert any("mojibake" in w for w in warnings)


def test_read_source_treats_a_multiline_string_as_text() -> None:
    a = read_source(ARTICLE)
    assert a.title == "Officials Warn of Storm Damage"


def test_binary_and_empty_inputs_are_refused(tmp_path: Path) -> None:
    png = tmp_path / "x.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with pytest.raises(InputError, match="binary"):
        read_file(png)
    empty = tmp_path / "e.txt"
    empty.write_text("   \n\n", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        read_file(empty)


def test_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("Title\n\n" + "word " * 1000, encoding="utf-8")
    with pytest.raises(InputError, match="limit"):
        read_file(big, Options(max_bytes=1000))


def test_non_english_is_refused_unless_allowed() -> None:
    german = (
        "Die Regierung plant neue Steuern\n\nDie Regierung hat am Montag erklärt, dass sie die Steuern für die "
        "Unternehmen nicht erhöhen will, und der Minister sagte, es sei eine gute Nachricht für das Land."
    )
    with pytest.raises(InputError, match="German"):
        article_from_text(german)
    a = article_from_text(german, options=Options(require_english=False))
    assert any("German" in w for w in a.warnings)


def test_corpus_readers(tmp_path: Path) -> None:
    jl = tmp_path / "c.jsonl"
    rows = [{"id": "a", "title": "T1", "text": "Body one is here."}, {"title": "T2", "text": "Body two."}]
    jl.write_text("\n".join(json.dumps(r) for r in rows) + "\n{broken\n", encoding="utf-8")
    recs = list(iter_records(jl))
    assert [r.id for r in recs][0] == "a" and len(recs) == 3
    assert recs[1].id and recs[1].id == list(iter_records(jl))[1].id  # stable content-hash id
    assert recs[2].error and "invalid JSON" in recs[2].error
    csvf = tmp_path / "c.csv"
    csvf.write_text('id,title,text,source\nx,"A, title","Text, with comma",Example Times\n', encoding="utf-8")
    (r,) = list(iter_records(csvf))
    assert (r.id, r.title, r.text, r.source) == ("x", "A, title", "Text, with comma", "Example Times")
    d = tmp_path / "dir"
    d.mkdir()
    (d / "one.txt").write_text(ARTICLE, encoding="utf-8")
    (d / "skip.bin").write_bytes(b"\x00")
    assert [r.id for r in iter_records(d)] == ["one"]


def test_mostly_utf8_with_a_bad_byte_is_utf8_with_a_replacement(tmp_path: Path) -> None:
    good = ("The minister’s plan\n\nThe café owners said the minister’s plan was “unfair” — twice. " * 5).encode()
    path = tmp_path / "a.txt"
    path.write_bytes(good[:70] + b"\xff" + good[70:])  # one stray byte, as in a spliced download
    a = read_file(path)
    assert "café owners" in a.text and "minister’s" in a.text and "\ufffd" in a.text
    assert "caf√©" not in a.text and "â€" not in a.text  # not mac-roman / cp1252 mojibake
    assert any("1 invalid byte" in w for w in a.warnings)
    legacy = "Café owners protest\n\nThe café owners of São Paulo said the new tax was “unfair” and would hurt trade."
    text, warnings = decode_bytes(legacy.encode("cp1252"))
    assert "São Paulo" in text and any("not UTF-8" in w for w in warnings)  # a legacy file is still detected


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark(tmp_path: Path, codec: str) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(ARTICLE.replace("Jones", "Jönes").encode(codec))
    a = read_file(path)
    assert a.title == "Officials Warn of Storm Damage" and "Mr. Jönes said" in a.text
    assert any("without a byte order mark" in w for w in a.warnings)


@pytest.mark.parametrize("depth", [300, 3000])
def test_text_below_deeply_nested_elements_is_kept(tmp_path: Path, depth: int) -> None:
    paras = "".join(f"<p>{s}</p>" for s in ARTICLE.split("\n\n")[1:])
    html = (
        "<html><head><title>Officials Warn of Storm Damage</title></head><body>"
        + "<div>" * depth
        + paras
        + "<p>The deepest paragraph says the roads reopened by the evening.</p>"
        + "</div>" * depth
        + "</body></html>"
    )
    path = tmp_path / "deep.html"
    path.write_text(html, encoding="utf-8")
    a = read_file(path)
    assert "The storm reached the coast" in a.text and "roads reopened by the evening" in a.text


def test_a_fifo_is_refused_not_read(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="FIFO"):
        read_file(fifo)  # reading it would block until a writer came


def test_text_over_the_character_limit_is_refused_before_any_work() -> None:
    text = "A headline\n\n" + "The plan was reviewed by the committee on Monday. " * 40
    assert article_from_text(text, options=Options(max_chars=len(text)))
    with pytest.raises(InputError, match="character limit"):
        article_from_text(text, options=Options(max_chars=len(text) - 1))
    assert Options().max_chars * 4 <= Options().max_bytes  # raw pages may be larger than their text


def test_unpaired_surrogates_in_a_corpus_record_are_repaired_at_the_door(tmp_path: Path) -> None:
    from spinscope.batch import iter_results, run_batch
    from spinscope.ingest import Record, article_from_record

    body = "The storm \ud800 reached the coast; a \ud83d\ude00 followed."
    rec = Record(id="s", title="Storm \ud800 warning", text=body)
    a = article_from_record(rec)
    a.text.encode("utf-8")  # encodable: no detector meets a lone surrogate
    assert a.title == "Storm \ufffd warning" and "storm \ufffd reached" in a.text and "a \U0001f600 followed" in a.text
    assert any("2 unpaired surrogate" in w for w in a.warnings)
    corpus = tmp_path / "c.jsonl"  # JSON escapes, as a scraper may write them
    corpus.write_text('{"id": "s", "text": "Storm warning\\n\\nThe storm \\ud800 reached the coast on Monday."}\n')
    run_batch([corpus], tmp_path / "r.jsonl", options=Options(detectors=("lexical", "rhetoric")), workers=0)
    (result,) = list(iter_results(tmp_path / "r.jsonl"))
    assert result["status"] == "ok" and "\ufffd" in result["report"]["text"]
    assert result["report"]["degraded"] == []
