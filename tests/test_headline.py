"""The headline detector on real articles, with the bundled models; report section against its schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from spinscope.analyzer import Analyzer
from spinscope.article import Article
from spinscope.config import Options
from spinscope.detectors import Context, Resources
from spinscope.detectors.headline import HeadlineDetector, unsupported_terms
from spinscope.ingest import article_from_text
from spinscope.spans import Region

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "src/spinscope/resources/schema/headline.schema.json").read_text()
)

ARTICLE = (
    "You Won't Believe What Scientists Found Under Antarctic Ice\n\n"
    "Scientists drilling through the Antarctic ice sheet found a lake teeming with microbes, the team said on "
    "Monday. The lake lies 800 metres below the surface and has been sealed off for thousands of years.\n\n"
    "The researchers said the microbes survive without sunlight by feeding on minerals in the rock. "
    "Samples will be analysed in laboratories over the coming months.\n"
)


# The evidence roles each stance label may show: a role never points against the label.
ROLES_FOR = {
    "agree": {"supports", "mentions"},
    "disagree": {"contradicts", "mentions"},
    "discuss": {"reports", "mentions"},
    "unrelated": {"mentions"},
}


@pytest.fixture(scope="module")
def detector() -> HeadlineDetector:
    return HeadlineDetector()


def _run(detector: HeadlineDetector, article: Article) -> dict:
    section = detector.detect(article, Context(resources=Resources())).sections["headline"]
    jsonschema.validate(section, SCHEMA)
    return section


def test_headline_section(detector: HeadlineDetector) -> None:
    article = article_from_text(ARTICLE)
    h = _run(detector, article)
    assert h["available"] and h["text"] == article.text[h["start"] : h["end"]]
    assert h["clickbait"]["probability"] > 0.5
    cues = {c["cue"]: article.text[c["start"] : c["end"]] for c in h["clickbait"]["cues"]}
    assert cues["teaser"] == "You Won't Believe" and cues["second_person"] == "You"
    st = h["stance"]
    assert st["label"] in ("agree", "discuss")
    assert abs(sum(st["probabilities"].values()) - 1) < 1e-3
    assert st["evidence"], "the first body sentence restates the headline"
    first = st["evidence"][0]
    assert "lake teeming with microbes" in article.text[first["start"] : first["end"]]
    assert all(e["start"] >= h["end"] for e in st["evidence"])
    terms = {t["term"] for t in h["unsupported_terms"]}
    assert "Scientists" not in terms and "Antarctic" not in terms and "Believe" in terms
    assert all(article.text[t["start"] : t["end"]] == t["term"] for t in h["unsupported_terms"])


def test_unrelated_body(detector: HeadlineDetector) -> None:
    text = (
        "Apple unveils a new iPhone with a folding screen\n\n"
        "Heavy rain flooded several villages in northern Italy on Sunday, and rescuers evacuated hundreds of "
        "residents. The regional government declared a state of emergency.\n\n"
        "Forecasters expect more storms this week across the Alps.\n"
    )
    h = _run(detector, article_from_text(text))
    assert h["stance"]["label"] == "unrelated"
    terms = {t["term"] for t in h["unsupported_terms"]}
    assert {"Apple", "iPhone", "folding", "screen"} <= terms


def test_refuting_body_evidence(detector: HeadlineDetector) -> None:
    text = (
        "ISIS beheads American photojournalist in Syria\n\n"
        "Reports that ISIS beheaded an American photojournalist in Syria are false, officials said. "
        "The photographer is alive and well, and the video circulating online is a hoax, his family said.\n\n"
        "The State Department denied the claims and said the journalist had contacted them on Friday.\n"
    )
    h = _run(detector, article_from_text(text))
    assert h["stance"]["probabilities"]["unrelated"] < 0.5
    evidence = h["stance"]["evidence"]
    # the role follows the label shown (the model says discuss here, p 0.60): never "supports" a refuted claim
    assert evidence and all(e["role"] in ROLES_FOR[h["stance"]["label"]] for e in evidence)
    assert all(e["role"] != "supports" for e in evidence)
    # the reader sees why: how much of the headline each sentence holds, and its refuting words
    first = evidence[0]
    assert first["coverage"] >= 0.5 and "false" in first["cues"]
    assert first["score"] == max(first["similarity"] or 0.0, first["coverage"])


def test_evidence_role_follows_the_stance_shown() -> None:
    from spinscope.detectors.headline import _role
    from spinscope.evaluation.fnc1 import tokens

    restating = set(tokens("Reports said ISIS had beheaded an American photojournalist in Syria."))
    refuting = set(tokens("The video circulating online is a hoax, his family said."))
    # the flaw this replaces: a sentence without a refuting word was "supports" beside a "disagree" label
    assert _role(restating, "disagree") == "mentions"
    assert _role(refuting, "disagree") == "contradicts"
    assert _role(restating, "agree") == "supports"
    assert _role(refuting, "agree") == "mentions"  # a refuting word under agree: the reader checks the cues
    assert _role(restating, "discuss") == "reports"
    assert _role(refuting, "discuss") == "mentions"  # "hoax" is a denial, not a report
    assert _role(set(tokens("Rumors say the singer has died, according to fans.")), "discuss") == "reports"
    assert _role(restating, "unrelated") == "mentions"
    for label, allowed in ROLES_FOR.items():
        assert {_role(w, label) for w in (restating, refuting, set())} <= allowed


def test_evidence_roles_on_news_articles_match_the_label(detector: HeadlineDetector, data_dir: Path) -> None:
    """Every evidence role on real PTC articles (with headlines) agrees with the stance label shown."""
    from spinscope.ingest import read_source

    files = sorted((data_dir / "ptc" / "train-articles").glob("article*.txt"))[:40]
    if not files:
        pytest.skip("no PTC train articles in the data folder")
    labels = set()
    for f in files:
        h = _run(detector, read_source(str(f)))
        if h["stance"] is None:
            continue
        labels.add(h["stance"]["label"])
        assert all(e["role"] in ROLES_FOR[h["stance"]["label"]] for e in h["stance"]["evidence"]), f.name
    assert len(labels) >= 2


def test_no_title_and_no_body(detector: HeadlineDetector) -> None:
    text = "Just one paragraph of text without any headline line at all, and nothing else here."
    article = Article(id="x", text=text, sentences=(Region(0, len(text)),))
    h = _run(detector, article)
    assert h["available"] is False and "no headline" in h["reason"]
    title_only = Article(
        id="y", text="A lone headline", title="A lone headline", title_region=Region(0, 15), sentences=(Region(0, 15),)
    )
    h = _run(detector, title_only)
    assert h["available"] and h["stance"] is None and "no body" in h["reason"]
    assert 0.0 <= h["clickbait"]["probability"] <= 1.0


def test_unsupported_terms_offsets() -> None:
    title = "Pope endorses Trump, sources say"
    terms = unsupported_terms(title, 10, ["The pope said nothing about the election."])
    assert [(t["term"], t["start"]) for t in terms] == [("endorses", 15), ("Trump", 24), ("sources", 31)]


def test_analyzer_fills_headline() -> None:
    report = Analyzer(Options(detectors=("headline",))).analyze(article_from_text(ARTICLE))
    d = report.to_dict()
    assert d["headline"]["available"] and "headline_clickbait" in d["scores"]
    assert not any("failed" in w for w in d["warnings"])


def test_focus_selection_keeps_lead_and_best_matches() -> None:
    from spinscope.evaluation.fnc1 import content_stems, select_sentences

    sentences = [
        "The council met on Tuesday.",
        "It discussed the budget.",
        "Residents complained about parking.",
        "A spokesperson confirmed the mayor will resign next month.",
        "The weather was mild.",
        "Asked about it, the mayor declined to comment.",
    ]
    stems = [content_stems(s) for s in sentences]
    chosen = select_sentences("Mayor to resign next month", stems, {}, 1.0, k=4, lead=2)
    assert chosen == [0, 1, 3, 5]
    assert select_sentences("x", stems[:1], {}, 1.0, k=4, lead=2) == [0]
    assert select_sentences("x", [], {}, 1.0) == []


def test_long_body_embeds_only_focus_sentences_and_maps_evidence(detector: HeadlineDetector) -> None:
    """A 60-sentence body: the encoder sees the headline and FOCUS_SENTENCES sentences, and the evidence
    points at the body sentence that matches the headline, wherever it is."""
    from spinscope.evaluation.fnc1 import FOCUS_SENTENCES
    from spinscope.evaluation.fnc1 import MAX_TOKENS as STANCE_MAX_TOKENS

    filler = " ".join(f"Item {i} of the agenda concerned road maintenance in district {i}." for i in range(60))
    text = (
        "Volcano erupts on remote Pacific island, forcing evacuation\n\n"
        + filler
        + " Late on Sunday a volcano erupted on a remote Pacific island, and officials ordered an evacuation.\n"
    )
    article = article_from_text(text)

    class CountingEncoder:
        def __init__(self) -> None:
            from spinscope.inference.sentence_encoder import SentenceEncoder

            self.inner = SentenceEncoder()
            self.seen: list[str] = []

        def encode(self, texts: list[str], max_tokens: int | None = None):  # type: ignore[no-untyped-def]
            self.seen.extend(texts)
            self.max_tokens = max_tokens
            return self.inner.encode(texts, max_tokens=max_tokens)

    enc = CountingEncoder()
    resources = Resources()
    resources.get("sentence_encoder", lambda: enc)
    h = detector.detect(article, Context(resources=resources)).sections["headline"]
    assert len(enc.seen) == 1 + FOCUS_SENTENCES
    assert enc.max_tokens == STANCE_MAX_TOKENS  # the same cap as training and `spinscope eval fnc1`
    ev = h["stance"]["evidence"]
    assert ev and "volcano erupted" in article.text[ev[0]["start"] : ev[0]["end"]]


def test_encoder_token_cap_matches_encoding_a_truncated_text() -> None:
    """``max_tokens`` embeds the first max_tokens - 1 wordpieces plus [SEP]; short texts are untouched."""
    import numpy as np

    from spinscope.inference.sentence_encoder import SentenceEncoder

    enc = SentenceEncoder()
    long = " ".join(["The committee postponed the vote on the budget again."] * 12)
    short = "The committee postponed the vote."
    full = enc.encode([long, short])
    capped = enc.encode([long, short], max_tokens=16)
    assert np.allclose(full[1], capped[1], atol=1e-5)
    assert float(full[0] @ capped[0]) < 0.9999
    enc._load()
    ids = enc._tokenizer.encode(long).ids
    first = enc._tokenizer.decode(ids[1:15])
    again = enc.encode([first], max_tokens=16)[0]
    assert float(again @ capped[0]) > 0.999


def test_thread_budget_reaches_the_shared_sentence_encoder() -> None:
    """``ptc_threads`` caps every onnxruntime session of an analysis, the headline's encoder included: batch
    workers and the web server size their thread budgets with it, and an uncapped session oversubscribes."""
    an = Analyzer(Options(detectors=("headline",), extra={"ptc_threads": "1"}))
    an.analyze_article(article_from_text(ARTICLE))
    encoder = an.resources.get("sentence_encoder", lambda: None)
    assert encoder is not None and encoder.threads == 1
    assert encoder._session.get_session_options().intra_op_num_threads == 1


def test_stance_probabilities_shown_are_calibrated_and_the_label_is_the_decision(detector: HeadlineDetector) -> None:
    """The label is the decision rule's (trees x class scale, tuned for the rare classes); the probabilities a
    reader sees go through the matrix scaling fitted on out-of-fold predictions, whose cross-fitted ECE the
    card records next to the scaled probabilities' (shown until session 9)."""
    from importlib import resources

    import numpy as np

    from spinscope.evaluation.fnc1 import LABELS, MAX_TOKENS, StanceModel, body_info, content_stems
    from spinscope.inference.ptc_heads import softmax

    card = json.loads((resources.files("spinscope.resources") / "models" / "stance" / "card.json").read_text())
    shown = card["probabilities_shown"]
    assert shown["calibrated"]["top_label_ECE"] <= 0.01 < shown["scaled_renormalised"]["top_label_ECE"]
    assert card["untouched_fold"]["calibrated_top_label_ECE"] < card["untouched_fold"]["scaled_top_label_ECE"]
    # the calibrated mean probability of each label shown is close to how often that label was right
    for stats in shown["calibrated"]["by_label_shown"].values():
        assert abs(stats["mean_probability"] - stats["right"]) < 0.05

    class Recording(StanceModel):
        """The bundled model, keeping the feature rows it is asked for."""

        rows: list[np.ndarray] = []

        def features(self, headline: str, h_emb: np.ndarray, body: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            out = super().features(headline, h_emb, body)  # type: ignore[arg-type]
            self.rows.append(out[0])
            return out

    model = Recording()
    assert model.calibration is not None and model.class_share is not None
    article = article_from_text(ARTICLE)
    st = _run(detector, article)["stance"]
    # the detector's stance step, with the recording model: the same section, and its feature row
    region = article.title_region
    assert region is not None
    title = article.text[region.start : region.end]
    body = [s for s in article.analysable_sentences() if s.start >= region.end]
    sentences = [article.text[s.start : s.end] for s in body]
    stems = [content_stems(s) for s in sentences]
    chosen = model.select(title, stems)
    encoder = detector._models(Context(resources=Resources()))[0]
    emb = encoder.encode([title] + [sentences[i] for i in chosen], max_tokens=MAX_TOKENS)
    again = HeadlineDetector._stance_section(model, title, emb[0], body, body_info(sentences, emb[1:], chosen, stems))
    assert again["label"] == st["label"] and again["probabilities"] == pytest.approx(st["probabilities"], abs=2e-4)
    x = model.rows[-1]
    coef, intercept = model.calibration
    expected = softmax(np.log(np.clip(model.trees.predict_proba(x[None, :]), 1e-9, 1.0)) @ coef.T + intercept)[0]
    assert [again["probabilities"][lab] for lab in LABELS] == pytest.approx(expected.tolist(), abs=1e-4)
    assert again["label"] == LABELS[int(model.predict_proba(x).argmax())]


def test_terminal_says_why_the_label_is_not_the_likeliest_class() -> None:
    """When the decision rule (which leans towards the rare classes) differs from the calibrated argmax, the
    terminal says so instead of showing a label next to a larger probability without comment."""
    from spinscope.render.common import headline_lines
    from spinscope.report import Report

    text = "Title here\nBody text follows here."
    stance = {"label": "agree", "probabilities": {"agree": 0.41, "disagree": 0.14, "discuss": 0.44, "unrelated": 0.01}}
    def report() -> Report:
        return Report(id="x", title="Title here", text=text, language="en", headline={"stance": stance})

    lines = headline_lines(report())
    assert lines[0].startswith("Body vs headline: agree")
    assert "agree although discuss is likelier" in lines[1]
    stance["probabilities"] = {"agree": 0.5, "disagree": 0.1, "discuss": 0.39, "unrelated": 0.01}
    assert not any("likelier" in line for line in headline_lines(report()))
