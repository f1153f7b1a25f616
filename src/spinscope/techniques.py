"""The technique catalogue: the 14 PTC techniques (SemEval-2020 Task 11) plus spinscope's own labels."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

PTCTechnique = Literal[
    "Appeal_to_Authority",
    "Appeal_to_fear-prejudice",
    "Bandwagon,Reductio_ad_hitlerum",
    "Black-and-White_Fallacy",
    "Causal_Oversimplification",
    "Doubt",
    "Exaggeration,Minimisation",
    "Flag-Waving",
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Slogans",
    "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring",
]

PTC_TECHNIQUES: tuple[str, ...] = PTCTechnique.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Technique:
    name: str
    short: str
    ptc: bool
    colour: str
    definition: str


@cache
def catalogue() -> dict[str, Technique]:
    raw = json.loads(resources.files("spinscope").joinpath("resources/techniques.json").read_text("utf-8"))
    return {t["name"]: Technique(**t) for t in raw["techniques"]}


def is_ptc_technique(label: str) -> bool:
    return label in PTC_TECHNIQUES


def definition(label: str) -> str:
    t = catalogue().get(label)
    return t.definition if t else ""
