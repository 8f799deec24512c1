from __future__ import annotations

import pytest

from evidence_board.model.grading import grade_label, validate_credibility, validate_reliability


def test_reliability_letters_are_normalised() -> None:
    assert validate_reliability("b") == "B"
    assert validate_reliability("") is None
    with pytest.raises(ValueError, match="A-F"):
        validate_reliability("G")


def test_credibility_digits() -> None:
    assert validate_credibility("3") == 3
    assert validate_credibility(None) is None
    for bad in (0, 7, "x"):
        with pytest.raises(ValueError, match="1-6"):
            validate_credibility(bad)


def test_grade_label_shows_unknown_half() -> None:
    assert grade_label("B", 2) == "B2"
    assert grade_label("C", None) == "C?"
    assert grade_label(None, None) == ""
