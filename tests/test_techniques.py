"""The trained techniques layer: windowing (never truncation), heads on the shared int8 encoder, the detector."""

from __future__ import annotations

import numpy as np
import pytest

from spinscope.analyzer import Analyzer
from spinscope.article import Article
from spinscope.config import Options
from spinscope.detectors import REGISTRY, load_detector
from spinscope.detectors.base import Context, Resources
from spinscope.detectors.techniques import TechniquesDetector, analysable_segments
from spinscope.inference.ptc_model import PTCModel
from spinscope.inference.sentence_encoder import DEFAULT_DIR as ENCODER_DIR
from spinscope.inference.windows import best_window, load_tokenizer, tokenize, window_starts
from spinscope.spans import Region
from spinscope.techniques import PTC_TECHNIQUES, definition

TEXT = (
    "Traitors Sell Out Our Great Nation\n\n"
    "The corrupt, lying elites in Washington have betrayed every single patriot in this country. "
    "These radical leftist thugs want to destroy America and everything we hold dear. "
    "Make America Great Again! Only a fool would believe their disgusting lies. "
    "If we do nothing now, our children will live in a nightmare of crime and chaos. "
    "The so-called experts are clueless, and the fake news media is the enemy of the people.\n"
)


@pytest.fixture(scope="module")
def model() -> PTCModel:
    m = PTCModel(threads=1)
    m.load()
    return m


def test_registry_order() -> None:
    names = list(REGISTRY)
    assert names.index("techniques") > names.index("rhetoric") > names.index("lexical")
    assert isinstance(load_detector("techniques"), TechniquesDetector)


@pytest.mark.parametrize("n", [0, 1, 253, 254, 255, 700, 5000])
def test_windows_cover_every_token(n: int) -> None:
    wins = window_starts(n, 256, 32)
    covered = np.zeros(n, bool)
    for a, b in wins:
        assert 0 <= a < b <= n and b - a <= 254
        covered[a:b] = True
    assert covered.all()
    for (_a1, b1), (a2, _) in zip(wins, wins[1:], strict=False):
        assert a2 < b1  # consecutive windows overlap
    best, pos = best_window(n, wins)
    assert (best >= 0).all() and (pos >= 1).all() and (pos <= 254).all()


def test_long_article_is_not_truncated(model: PTCModel) -> None:
    text = " ".join([TEXT.replace("\n", " ")] * 40)  # ~3,000 tokens
    enc = model.encode(text)
    assert len(enc.tokens) > 2000
    assert enc.tokens.offsets[-1, 1] >= len(text.rstrip()) - 1
    assert enc.hidden.shape == (len(enc.tokens), 2 * int(model.config["width"])) and np.isfinite(enc.hidden).all()
    tok = load_tokenizer(ENCODER_DIR / "tokenizer.json")
    assert len(tokenize(tok, text)) == len(enc.tokens)


def test_model_finds_and_labels_propaganda(model: PTCModel) -> None:
    preds = model.predict(TEXT)
    assert preds, "no span found in an obviously loaded text"
    for p in preds:
        assert 0 <= p.start < p.end <= len(TEXT)
        assert p.technique_probs.shape == (14,) and abs(float(p.technique_probs.sum()) - 1) < 1e-4
        assert 0.0 <= p.score <= 1.0
    labels = {model.techniques[int(p.technique_probs.argmax())] for p in preds}
    assert labels & {"Loaded_Language", "Name_Calling,Labeling", "Slogans", "Appeal_to_fear-prejudice",
                     "Flag-Waving", "Exaggeration,Minimisation"}
    # spans stay inside sentences: at least four of the six loaded body sentences are found
    body = [s.strip() + "." for s in TEXT.split("\n")[2].split(". ") if s.strip()]
    hits = sum(any(p.start <= TEXT.index(b[:20]) < p.end for p in preds) for b in body)
    assert hits >= 4, hits
    # a neutral sentence gets (almost) nothing
    neutral = model.predict("The meeting is scheduled for Tuesday at 10 a.m. in the town hall.\n")
    assert len(neutral) <= 1


def test_detector_spans_explanations_and_excluded_regions() -> None:
    clutter_start = TEXT.index("The corrupt")
    clutter_end = TEXT.index("Make America")
    article = Article(id="t", text=TEXT, excluded=(Region(clutter_start, clutter_end, "test clutter"),))
    det = TechniquesDetector()
    det.configure(Options())
    found = det.detect(article, Context(resources=Resources()))
    assert found.spans
    for s in found.spans:
        assert s.technique in PTC_TECHNIQUES and s.detector == "techniques"
        assert s.explanation.startswith(definition(s.technique))
        assert "Model: span confidence" in s.explanation
        assert not (s.start < clutter_end and clutter_start < s.end), "span inside an excluded region"
    assert analysable_segments(article) == [(0, clutter_start), (clutter_end, len(TEXT))]
    assert det._model is not None and det.model is det._model  # loaded once, cached on the detector


def test_in_the_analyzer_report() -> None:
    report = Analyzer(Options(detectors=("techniques",))).analyze(TEXT)
    d = report.to_dict()
    spans = [s for s in d["spans"] if s["detector"] == "techniques"]
    assert spans and all(s["technique"] in PTC_TECHNIQUES and s["explanation"] for s in spans)
    assert not [w for w in d["warnings"] if "techniques" in w]


def test_missing_model_is_a_model_error(tmp_path: object) -> None:
    from spinscope.errors import ModelError

    with pytest.raises(ModelError, match="missing"):
        PTCModel(str(tmp_path)).load()


@pytest.mark.parametrize(
    ("text", "start", "end", "want"),
    [
        ("Well, it's a dangerous plan.", 9, 25, "a dangerous plan"),  # starts on the clitic of "it's"
        ("Well, it’s a dangerous plan.", 9, 25, "a dangerous plan"),  # typographic apostrophe
        ("The howl at Trump’s anger", 4, 17, "howl at Trump’s"),  # ends before "’s": the word is kept whole
        ("Those radicals lie", 8, 18, "radicals lie"),  # starts inside a word: back to its first letter
        ("that's", 5, 6, "that's"),  # nothing after the clitic: the whole word
        ("'quoted' words", 1, 14, "quoted' words"),  # an apostrophe used as a quote mark is not inside a word
    ],
)
def test_spans_are_whole_words(text: str, start: int, end: int, want: str) -> None:
    from spinscope.inference.ptc_model import _word_end, _word_start

    assert text[_word_start(text, start, end) : _word_end(text, end)] == want


@pytest.mark.parametrize(
    ("text", "start", "end", "want"),
    [
        ('The so-called "historic" deal', 4, 23, 'so-called "historic"'),  # takes the closing mark
        ("the “historic” deal", 4, 13, "“historic”"),
        ('"Never again, he said', 0, 12, "Never again"),  # a lone opening mark with nothing to pair
        ('a "quoted" word', 2, 10, '"quoted"'),  # balanced: unchanged
    ],
)
def test_spans_keep_quote_marks_paired(text: str, start: int, end: int, want: str) -> None:
    from spinscope.inference.ptc_model import _balance_quotes

    s, e = _balance_quotes(text, start, end)
    assert text[s:e] == want


def test_explanation_cues_are_content_words_in_text_order() -> None:
    """The 'strongest cues' of a span: whole words, once each, no function words or bare quote marks."""
    from spinscope.inference.ptc_model import Encoded
    from spinscope.inference.windows import load_tokenizer, tokenize

    text = 'it is obviously a gross “miscarriage” of justice, the hard-working “miscarriage”'
    toks = tokenize(load_tokenizer(ENCODER_DIR / "tokenizer.json"), text)
    words = [text[a:b] for a, b in toks.offsets]
    # made-up tagger output: function words, quote marks and hyphens score highest
    p_in = np.array([0.99 if w in {"a", "of", "“", "”", "-", "the"} else 0.2 for w in words])
    for w, score in (("obviously", 0.9), ("gross", 0.8), ("carriage", 0.85), ("justice", 0.7)):
        p_in[words.index(w)] = score  # "carriage" is a word piece: the cue is the whole word
    enc = Encoded(text, toks, np.zeros((len(words), 4), np.float32), np.zeros((len(words), 3), np.float32),
                  np.zeros((len(words), 2, 384), np.float32))
    assert PTCModel._cues(enc, 0, p_in) == ("obviously", "gross", "miscarriage")
