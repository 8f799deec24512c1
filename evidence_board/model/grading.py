"""The 6x6 "Admiralty" evaluation grading used by intelligence analysts.

Source reliability is a letter A-F, information credibility a digit 1-6; an
"A1" card is a confirmed report from a completely reliable source.
"""

from __future__ import annotations

RELIABILITY: dict[str, str] = {
    "A": "Completely reliable",
    "B": "Usually reliable",
    "C": "Fairly reliable",
    "D": "Not usually reliable",
    "E": "Unreliable",
    "F": "Reliability cannot be judged",
}

CREDIBILITY: dict[int, str] = {
    1: "Confirmed by other sources",
    2: "Probably true",
    3: "Possibly true",
    4: "Doubtful",
    5: "Improbable",
    6: "Truth cannot be judged",
}


def validate_reliability(value: str | None) -> str | None:
    """Return the normalised reliability letter, or raise ValueError."""
    if value is None or value == "":
        return None
    letter = str(value).strip().upper()
    if letter not in RELIABILITY:
        raise ValueError(f"source reliability must be one of A-F, not {value!r}")
    return letter


def validate_credibility(value: int | str | None) -> int | None:
    """Return the credibility digit as an int, or raise ValueError."""
    if value is None or value == "":
        return None
    try:
        digit = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"information credibility must be 1-6, not {value!r}") from None
    if digit not in CREDIBILITY:
        raise ValueError(f"information credibility must be 1-6, not {value!r}")
    return digit


def grade_label(reliability: str | None, credibility: int | None) -> str:
    """The short form analysts write on a card, e.g. 'B2', 'C?' or ''."""
    if reliability is None and credibility is None:
        return ""
    return f"{reliability or '?'}{credibility if credibility is not None else '?'}"
