"""Pydantic models of the HTTP API: they document the OpenAPI schema and validate JSON bodies."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class AnalyzeRequest(BaseModel):
    """One article: ``text`` (optionally with a separate ``title``) or ``url``; ``outlet`` and ``date`` (and
    ``url`` beside ``text``) describe it."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(default=None, description="The article text (headline on the first line).")
    title: str | None = Field(default=None, description="Headline, when it is not the first line of text.")
    url: str | None = Field(
        default=None,
        description="An http(s) URL: fetched when given alone; beside 'text' it only names the article's address.",
    )
    outlet: str | None = Field(default=None, description="The publisher: a domain (bbc.co.uk) or a name (BBC).")
    date: str | None = Field(default=None, description="The publication date, ISO 8601 (2024-05-01).")


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    articles: list[AnalyzeRequest] = Field(
        min_length=1, description="The articles, at most the server's batch limit (16 by default)."
    )


class ErrorOut(BaseModel):
    error: str = Field(description="What went wrong, in one line.")


class RegionOut(BaseModel):
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    reason: str = ""


class SpanOut(BaseModel):
    start: int = Field(ge=0)
    end: int = Field(ge=1)
    technique: str
    score: float = Field(ge=0.0, le=1.0)
    explanation: str
    detector: str
    text: str


class ReportOut(BaseModel):
    """The "spinscope/1" report (see docs/SCHEMA.md); sections other detectors fill are open objects."""

    model_config = ConfigDict(extra="allow")

    schema_: Literal["spinscope/1"] = Field(alias="schema", description='Always "spinscope/1".')
    id: str
    title: str
    text: str
    language: str | None
    excluded: list[RegionOut]
    spans: list[SpanOut]
    quotes: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    claims: list[dict[str, Any]]
    headline: dict[str, Any]
    outlet: dict[str, Any]
    scores: dict[str, float]
    metadata: dict[str, Any]
    sentences: list[tuple[int, int]]
    warnings: list[str]
    detectors: list[str]
    timings_ms: dict[str, float]


class BatchItemOut(BaseModel):
    index: int
    report: ReportOut | None = None
    error: str | None = None
    status: int = Field(description="The HTTP status this article alone would have had.")
    retry_after: int | None = Field(
        default=None, description="For a refusal (503 busy, 429 over the rate limit): seconds before retrying."
    )


class BatchOut(BaseModel):
    results: list[BatchItemOut]


class TechniqueOut(BaseModel):
    name: str
    short: str
    ptc: bool = Field(description="True for the 14 PTC (SemEval-2020 Task 11) techniques.")
    colour: str
    letter: str = Field(description="A letter shown with each highlight, so colour is never the only cue.")
    pattern: str = Field(description="Underline style: solid, dashed, dotted, double or wavy.")
    definition: str


class TechniquesOut(BaseModel):
    techniques: list[TechniqueOut]


class HealthOut(BaseModel):
    status: str
    version: str
    ready: bool = Field(description="True once the models are loaded.")
    detectors: list[str]
    saturated: bool = Field(description="True while a new analysis would be refused (every slot and the queue taken).")
    running: int = Field(description="Analyses running in this worker process now.")
    queued: int = Field(description="Requests waiting for an analysis slot in this worker.")
    slots: int = Field(description="Analyses this worker runs at once (its analysis threads).")
    queue_size: int = Field(description="Most requests that may wait for a slot.")
    expected_wait_s: float = Field(description="Seconds a request arriving now would wait before it starts.")
    mean_analysis_s: float = Field(description="Recent mean time of one analysis in this worker, in seconds.")
    refused: int = Field(description="Requests refused as busy (503) since the worker started.")
    cancelled: int = Field(description="Analyses stopped because their time ran out or their client went away.")
