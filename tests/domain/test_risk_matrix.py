"""The risk matrix: the default, an override file, and matrices that cannot be used."""

from __future__ import annotations

import json

import pytest

from hms_core.risk.matrix import (
    MEASURE,
    MEASURE_OR_JUSTIFICATION,
    NOTHING,
    RiskMatrixError,
    default_matrix,
    load_matrix,
    parse_matrix,
)


def matrix_json(*levels: tuple[str, int, int, str], **extra) -> str:
    return json.dumps(
        {
            "name": "Test",
            "levels": [
                {"code": c, "label": c.title(), "min_score": lo, "max_score": hi, "requires": r}
                for c, lo, hi, r in levels
            ],
            **extra,
        }
    )


FOUR_LEVELS = matrix_json(
    ("low", 1, 3, NOTHING),
    ("medium", 4, 7, MEASURE_OR_JUSTIFICATION),
    ("high", 8, 14, MEASURE),
    ("critical", 15, 25, MEASURE),
)


@pytest.mark.parametrize(
    ("score", "code"),
    [
        (1, "green"),
        (4, "green"),
        (5, "yellow"),
        (9, "yellow"),
        (10, "red"),
        (16, "red"),
        (25, "red"),
    ],
)
def test_the_default_matrix_grades_1_to_4_green_5_to_9_yellow_10_to_25_red(score, code):
    assert default_matrix().level_for(score).code == code


def test_the_default_matrix_says_what_each_level_requires_and_labels_the_axes():
    matrix = default_matrix()
    assert [level.requires for level in matrix.levels] == [
        NOTHING,
        MEASURE_OR_JUSTIFICATION,
        MEASURE,
    ]
    assert matrix.level("red").label == "Ikke akseptabel"
    assert len(matrix.probability_labels) == len(matrix.consequence_labels) == 5


def test_an_override_file_replaces_the_default(tmp_path):
    path = tmp_path / "matrix.json"
    path.write_text(FOUR_LEVELS, encoding="utf-8")
    matrix = load_matrix(path)
    assert matrix.codes == ("low", "medium", "high", "critical")
    assert matrix.level_for(16).code == "critical"
    assert matrix.level_for(4).code == "medium"
    assert load_matrix(None) is default_matrix()


def test_levels_may_come_in_any_order_and_are_sorted():
    shuffled = matrix_json(("red", 10, 25, MEASURE), ("green", 1, 9, NOTHING))
    assert parse_matrix(shuffled).codes == ("green", "red")


@pytest.mark.parametrize(
    ("levels", "complaint"),
    [
        ((("a", 1, 4, NOTHING), ("b", 6, 25, MEASURE)), "covers the score 5$"),
        ((("a", 1, 4, NOTHING), ("b", 4, 25, MEASURE)), "overlaps"),
        ((("a", 2, 25, NOTHING),), "covers the score 1$"),
        ((("a", 1, 20, NOTHING),), "covers the scores 21–25"),
        ((("a", 1, 9, NOTHING), ("a", 10, 25, MEASURE)), "used twice"),
        ((("A b", 1, 25, NOTHING),), "use a-z"),
        ((("a", 1, 9, MEASURE), ("b", 10, 25, NOTHING)), "requires less"),
        ((), "at least one level"),
    ],
)
def test_a_matrix_that_does_not_cover_1_to_25_exactly_once_is_refused(levels, complaint):
    with pytest.raises(RiskMatrixError, match=complaint):
        parse_matrix(matrix_json(*levels))


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        '{"name": "x"}',
        matrix_json(("a", 0, 25, NOTHING)),
        matrix_json(("a", 1, 25, "maybe")),
        matrix_json(("a", 1, 25, NOTHING), probability_labels=["1", "2"]),
        matrix_json(("a", 1, 25, NOTHING), colour="red"),
    ],
)
def test_a_malformed_matrix_file_is_refused(text):
    with pytest.raises(RiskMatrixError):
        parse_matrix(text)


def test_a_missing_file_is_refused_naming_it(tmp_path):
    with pytest.raises(RiskMatrixError, match=r"nowhere\.json"):
        load_matrix(tmp_path / "nowhere.json")
