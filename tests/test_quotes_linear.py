"""The quotes and sources detectors stay linear in article length (reliability issue: 1 MB of prose took
216 s in the quotes detector, a 99,000-character text full of quotes 19.8 s).

Each check compares CPU time on a 200 KB text with a 20 KB text of the same make-up: linear code gives a
ratio near 10, the quadratic code it replaces gave over 100 on quote-dense text. The bound (30) leaves
room for a loaded machine without letting a quadratic step back in.
"""

from __future__ import annotations

import random
import time

import pytest

from spinscope.config import Options
from spinscope.detectors import Context, Resources, load_detector
from spinscope.ingest import article_from_text

WORDS = (
    "council budget river school market report minister police village doctor contract election harbour "
    "museum storm railway hospital farmer union court bridge festival tax plan vote water energy road"
).split()
FIRST = "Anna Mark Lucy John Maria David Sarah Peter Olga James".split()
LAST = "Okafor Lindqvist Moreau Tanaka Kowalski Brennan Haddad Silva Novak Adeyemi".split()


def _sentence(rng: random.Random, i: int) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14)))
    who = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    return rng.choice(
        [
            f"The {words} was discussed on day {i}.",
            f"“The {words} matters,” {who} said.",
            f"{who}, a spokesman for the {rng.choice(WORDS)} board, said the {words} would change.",
            f"She said: “We expect the {words} to hold.” He added that {i} people came.",
            f"Critics called the {words} a “disgrace” and the “{rng.choice(WORDS)} plan” a failure.",
        ]
    )


def _text(n_chars: int, seed: int, dense: bool | str) -> str:
    rng = random.Random(seed)
    parts: list[str] = ["Headline about the council\n\n"]
    size, i = 0, 0
    while size < n_chars:
        para = " ".join(_sentence(rng, i + k) for k in range(1 if dense else 3))
        if dense == "pronouns":  # every cue a pronoun resolved to a name just before it
            who = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            para = f"{who} spoke. “We will do it,” he said. “It is too late,” she said. “The plan is late,” he added."
        elif dense == "parsed":  # every sentence sent to the dependency parser (unsettled cue, intro, ambiguity)
            who, other = (f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(2))
            para = (
                f"A neighbour who heard {who} said the plan was late. The headline taunted, “Plan {i} is late.” "
                f"{who} met {other} on day {i}. “We agreed on nothing,” he said."
            )
        elif dense:
            para = f"“Quote {i} is here,” {rng.choice(FIRST)} {rng.choice(LAST)} said. “{para}”"
        parts.append(para + "\n\n")
        size += len(para) + 2
        i += 1
    return "".join(parts)


@pytest.fixture(scope="module")
def run() -> object:
    resources = Resources()
    detectors = [load_detector(n) for n in ("quotes", "sources")]

    def cpu(text: str) -> float:
        article = article_from_text(text, options=Options(max_bytes=10**8))
        best = float("inf")
        for _ in range(2):  # the faster of two runs: less noise from other jobs on the machine
            ctx = Context(resources=resources)
            t0 = time.process_time()
            for d in detectors:
                ctx.findings[d.name] = d.detect(article, ctx)
            best = min(best, time.process_time() - t0)
        return best

    cpu(_text(5_000, 0, False))  # loads spaCy and the outlet table
    return cpu


@pytest.mark.parametrize(
    "dense", [False, True, "pronouns", "parsed"], ids=["prose", "quote-dense", "pronoun-dense", "parse-dense"]
)
def test_detectors_are_linear_in_length(run: object, dense: bool | str) -> None:
    small = run(_text(20_000, 1, dense))  # type: ignore[operator]
    large = run(_text(200_000, 1, dense))  # type: ignore[operator]
    assert large / max(small, 1e-3) < 30, f"20 KB: {small:.3f} s, 200 KB: {large:.3f} s"


class _CountingList(list):  # type: ignore[type-arg]
    """A list that counts how often it is walked through."""

    walks = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        type(self).walks += 1
        return super().__iter__()


def test_sources_walk_the_cues_a_bounded_number_of_times() -> None:
    """The sources detector looks cues up by span, not by a scan per pronoun (that was O(cues²): 5.1 s on
    780 KB of quote-heavy text in the reliability benchmark, too small at 200 KB for a time ratio to see)."""
    from spinscope.nlp import attributions_in

    article = article_from_text(_text(40_000, 3, "pronouns"))
    ctx = Context(resources=Resources())
    cues = _CountingList(attributions_in(article, ctx))
    resolved = sum(1 for a in cues if a.antecedent is not None)
    assert resolved > 200
    ctx.memo["attribution.cues"] = cues
    _CountingList.walks = 0
    load_detector("sources").detect(article, ctx)
    assert _CountingList.walks <= 10, f"{_CountingList.walks} walks over {len(cues)} cues"
