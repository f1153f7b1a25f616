"""Grouped folds keep related articles (same story, same crawl batch) on one side."""

from __future__ import annotations

from collections import Counter

from spinscope.evaluation.ptc_folds import article_groups, cross_fold_similarity, grouped_folds

STORY = ("The senate voted on the border wall funding bill after a long debate about immigration enforcement, "
         "customs officers, asylum seekers and the president's emergency declaration in Texas.")


def _corpus() -> dict[str, str]:
    topics = ["volcano eruption lava island evacuation ash", "football league champions trophy striker goal",
              "central bank interest rates inflation bonds", "vaccine trial patients hospital doctors virus",
              "election ballots county recount voters", "hurricane coast flooding wind rain storm",
              "smartphone chip battery launch software update", "museum painting exhibition artist gallery"]
    texts = {f"{500_000_000 + 1_000_000 * i:09d}": f"Title {i}\n\n" + " ".join([t] * 5) for i, t in enumerate(topics)}
    texts["811111111"] = "Wall vote\n\n" + STORY
    texts["822222222"] = "Senate passes wall money\n\n" + STORY.replace("long", "heated")  # same story
    texts["500000001"] = "Other\n\n" + "tennis racket serve court match umpire " * 5  # same id batch as 500000000
    return texts


def test_same_story_and_same_id_batch_share_a_group() -> None:
    texts = _corpus()
    g = article_groups(texts)
    assert g["811111111"] == g["822222222"]
    assert g["500000000"] == g["500000001"]
    assert len(set(g.values())) == len(texts) - 2


def test_folds_keep_groups_whole_are_balanced_and_deterministic() -> None:
    texts = _corpus()
    folds = grouped_folds(texts, 3)
    assert folds == grouped_folds(dict(reversed(list(texts.items()))), 3)
    assert folds["811111111"] == folds["822222222"] and folds["500000000"] == folds["500000001"]
    sizes = Counter(folds.values())
    assert set(sizes) == {0, 1, 2} and max(sizes.values()) - min(sizes.values()) <= 2
    assert cross_fold_similarity(texts, folds) == 0.0
    split_story = {k: (1 if k == "822222222" else 0) for k in texts}
    assert cross_fold_similarity(texts, split_story) > 0.0
