"""The risk matrix: which score is which level, and what each level asks for.

Score = probability × consequence (1–5 each). The levels, their labels and what a
level requires before an assessment can be approved are configuration (DOMAIN.md):
the default ships as `matrix.json` beside this module, and an HMS officer's own
file can replace it (the entrypoints read the path from `HMS_RISK_MATRIX`).
"""

from __future__ import annotations

import os
import re
from functools import cache
from importlib.resources import files
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from hms_core import rules
from hms_core.errors import InvalidValue

SCALE = 5
MAX_SCORE = SCALE * SCALE

# What a level requires of a hazard before the assessment may be approved.
NOTHING = "nothing"
MEASURE_OR_JUSTIFICATION = "measure_or_justification"
MEASURE = "measure"
_STRICTNESS = {NOTHING: 0, MEASURE_OR_JUSTIFICATION: 1, MEASURE: 2}

Requirement = Literal["nothing", "measure_or_justification", "measure"]
ScaleLabels = Annotated[tuple[str, ...], Meta(min_length=SCALE, max_length=SCALE)]
_CODE = re.compile(r"[a-z][a-z0-9_]{0,31}")
LABEL_MAX = 100
DESCRIPTION_MAX = 2000


class RiskMatrixError(ValueError):
    """A matrix file that cannot be used; says what is wrong with it."""


class RiskLevel(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    code: str
    label: str
    min_score: Annotated[int, Meta(ge=1, le=MAX_SCORE)]
    max_score: Annotated[int, Meta(ge=1, le=MAX_SCORE)]
    requires: Requirement = NOTHING
    description: str = ""
    color: str | None = None

    def admits(self, score: int) -> bool:
        return self.min_score <= score <= self.max_score


class RiskMatrix(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Levels ordered from the lowest scores up; together they cover 1..25 exactly once."""

    name: str
    levels: tuple[RiskLevel, ...]
    probability_labels: ScaleLabels = ("1", "2", "3", "4", "5")
    consequence_labels: ScaleLabels = ("1", "2", "3", "4", "5")

    def level_for(self, score: int) -> RiskLevel:
        for level in self.levels:
            if level.admits(score):
                return level
        raise RiskMatrixError(f"no level covers the score {score}")

    def level(self, code: str) -> RiskLevel | None:
        return next((level for level in self.levels if level.code == code), None)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(level.code for level in self.levels)

    def validated(self) -> RiskMatrix:
        """This matrix, if its levels cover every score from 1 to 25 without gaps or overlaps."""
        if not self.name.strip():
            raise RiskMatrixError("the matrix needs a name")
        check_label("the matrix's name", self.name)
        for label in (*self.probability_labels, *self.consequence_labels):
            check_label("a scale label", label)
        if not self.levels:
            raise RiskMatrixError("the matrix needs at least one level")
        check_codes(self.levels)
        levels = sorted(self.levels, key=lambda level: level.min_score)
        check_coverage(levels)
        check_strictness(levels)
        return msgspec.structs.replace(self, levels=tuple(levels))


def check_codes(levels: tuple[RiskLevel, ...]) -> None:
    seen: set[str] = set()
    for level in levels:
        if not _CODE.fullmatch(level.code):
            raise RiskMatrixError(f"level code {level.code!r}: use a-z, 0-9 and _")
        if level.code in seen:
            raise RiskMatrixError(f"level code {level.code!r} is used twice")
        if not level.label.strip():
            raise RiskMatrixError(f"level {level.code!r} needs a label")
        check_label(f"level {level.code!r}'s label", level.label)
        check_label(f"level {level.code!r}'s description", level.description, multiline=True)
        if level.min_score > level.max_score:
            raise RiskMatrixError(f"level {level.code!r}: min_score is above max_score")
        seen.add(level.code)


def check_label(what: str, text: str, *, multiline: bool = False) -> None:
    """Labels are shown on every page and stored with each approval: the domain's text rules."""
    limit = DESCRIPTION_MAX if multiline else LABEL_MAX
    try:
        rules.optional_text(what, text, limit, multiline=multiline)
    except InvalidValue:
        kind = "text" if multiline else "one line of text"
        raise RiskMatrixError(
            f"{what}: use {kind} of at most {limit} characters, without control characters"
        ) from None


def check_coverage(levels: list[RiskLevel]) -> None:
    expected = 1
    for level in levels:
        if level.min_score > expected:
            raise RiskMatrixError(f"no level covers {_scores(expected, level.min_score - 1)}")
        if level.min_score < expected:
            raise RiskMatrixError(f"level {level.code!r} overlaps the level below it")
        expected = level.max_score + 1
    if expected <= MAX_SCORE:
        raise RiskMatrixError(f"no level covers {_scores(expected, MAX_SCORE)}")


def _scores(low: int, high: int) -> str:
    return f"the score {low}" if low == high else f"the scores {low}–{high}"


def check_strictness(levels: list[RiskLevel]) -> None:
    """A higher score never asks for less than a lower one."""
    for lower, higher in pairwise(levels):
        if _STRICTNESS[higher.requires] < _STRICTNESS[lower.requires]:
            raise RiskMatrixError(
                f"level {higher.code!r} requires less than the lower level {lower.code!r}"
            )


def parse_matrix(data: bytes | str) -> RiskMatrix:
    """A matrix from JSON text, validated."""
    try:
        matrix = msgspec.json.decode(data, type=RiskMatrix)
    except msgspec.DecodeError as e:
        raise RiskMatrixError(f"not a usable risk matrix: {e}") from None
    return matrix.validated()


def load_matrix(path: str | os.PathLike[str] | None = None) -> RiskMatrix:
    """The matrix in the file at `path`, or the default shipped with the product."""
    if path is None:
        return default_matrix()
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise RiskMatrixError(f"cannot read the risk matrix {path}: {e.strerror}") from None
    try:
        return parse_matrix(data)
    except RiskMatrixError as e:
        raise RiskMatrixError(f"{path}: {e}") from None


@cache
def default_matrix() -> RiskMatrix:
    """The default 5 × 5 matrix: 1–4 green, 5–9 yellow, 10–25 red."""
    return parse_matrix(files("hms_core.risk").joinpath("matrix.json").read_bytes())
