"""Text in the one normal form search compares: for indexing and for querying.

Typeset PDFs put ligatures (U+FB01 "ﬁ") and soft hyphens in their text layer
and break words across lines ("manip-" / "ulation"); people type "Raul" for
"Raúl" and "profile" in any case. The full-text index is given ``index_text``
of every page and card, the query is made of ``query_terms`` of what was
typed, and the reader highlights words with ``term_spans``, all through
``fold``, so the case-wide search and the reader's find agree.

Only the index holds folded text; the case keeps every original character,
and a snippet shows the source's own words (``display_text`` only drops what
would draw as a missing-glyph box).
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from evidence_board.errors import InvalidInput

# Characters dropped before comparing: soft hyphen, zero-width space and joiners,
# word joiner, byte order mark. Letters whose stroke is no combining mark, so
# NFD keeps them whole (FTS5's own remove_diacritics folds ł but not ø).
_FOLD_TABLE = str.maketrans({
    "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None,
    "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "ł": "l", "ŀ": "l", "ŧ": "t",
})
# Combining diacritics of Latin, Greek and Cyrillic letters; the marks of
# scripts that write vowels with them (Devanagari, Hebrew, Arabic) are kept.
_DIACRITICS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# A word as FTS5's unicode61 tokenizer sees one: letters, digits, private-use characters.
_WORD = re.compile("(?:[^\\W_]|[\ue000-\uf8ff])+")
# A hyphen at a line end and the word after it: "manip-\nulation". (Found from
# the hyphen, the first half looked up backwards: a pattern starting with the
# first half tries every letter of the page and cost 250 µs a page.)
_BROKEN = re.compile("([-\u2010\u2011\u00ad])[ \t]*\r?\n[ \t]*(\\w+)")


def _join_broken(text: str, halves: list[str] | None = None, compound: str = "") -> str:
    """``text`` with each word broken across a line end joined: always after
    a soft hyphen, after a hard one if the next line goes on in small
    letters (a hard hyphen before a capital, "North-" / "Korean", is a
    compound, joined by ``compound`` + hyphen, or left as it is if None).
    The halves of hard-hyphen joins are added to ``halves``."""
    out: list[str] = []
    at = 0
    for match in _BROKEN.finditer(text):
        start = first = match.start()
        while first > 0 and (text[first - 1].isalnum() or text[first - 1] == "_"):
            first -= 1
        if first == start or first < at:
            continue  # no word before the hyphen
        hyphen, second = match.groups()
        if hyphen == "\u00ad" or second[0].islower():
            if halves is not None and hyphen != "\u00ad":
                halves.append(f"{text[first:start]} {second}")
            out += [text[at:start], second]
        elif compound is not None:
            out += [text[at:start], compound, hyphen, second]
        else:
            continue
        at = match.end()
    if not out:
        return text
    out.append(text[at:])
    return "".join(out)


def fold(text: str) -> str:
    """NFKC (ligatures, full-width forms), no soft hyphens, case- and
    diacritic-insensitive: "Ｒａúｌ" and "ﬁ" fold to "raul" and "fi"."""
    if text.isascii():
        return text.lower()  # most text: str.lower is casefold for ASCII, 40x faster than the rest
    text = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD_TABLE)
    return unicodedata.normalize("NFC", _DIACRITICS.sub("", unicodedata.normalize("NFD", text)))


def words(folded: str) -> list[str]:
    """The words of folded text, as the index splits them."""
    return _WORD.findall(folded)


def index_text(text: str) -> str:
    """What the full-text index is given for ``text``: folded, with words
    broken across a line end joined. A hard hyphen before a capital
    ("North-" / "Korean") is a compound and stays; a joined one ("well-" /
    "known") also keeps its halves, after the text, so "well known" finds it."""
    halves: list[str] = []
    joined = _join_broken(text, halves, compound=None) if "\n" in text else text
    folded = fold(joined)
    return folded + "\n" + fold("\n".join(halves)) if halves else folded


# -- queries -----------------------------------------------------------

_TYPED = re.compile(r'"([^"]*)"|(\S+)')
MAX_TERMS = 16  # words and phrases a search may AND together
MAX_WORDS = 32  # words in all, phrases counted word by word
MIN_PREFIX = 3  # a last word shorter than this is searched whole, not as a prefix
MAX_QUERY_CHARS = 1000


class QueryTooLong(InvalidInput):
    """A search asks for more than the index can answer in good time."""


@dataclass(frozen=True, slots=True)
class Term:
    """One word or quoted phrase of a search, folded; a search matches a text
    that has every term. ``prefix``: the last word matches as a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


def query_terms(text: str) -> list[Term]:
    """The terms of ``text`` as typed (``"a phrase" word other``), bounded:
    at most MAX_TERMS terms and MAX_WORDS words, else QueryTooLong. A word
    with hyphens or dots ("US$1.2", "well-known") is a phrase of its parts.
    The last bare word is a prefix (search as you type) if it is at least
    MIN_PREFIX characters: "a*" would expand to every word of the case."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryTooLong(f"the search is {len(text):,} characters long; at most {MAX_QUERY_CHARS:,} are searched")
    terms: list[Term] = []
    last_bare = False
    for match in _TYPED.finditer(text):
        phrase, bare = match.groups()
        found = tuple(words(fold(phrase if phrase is not None else bare)))
        if found:
            terms.append(Term(found))
            last_bare = phrase is None
    if len(terms) > MAX_TERMS:
        raise QueryTooLong(f"the search has {len(terms)} words or phrases; at most {MAX_TERMS} are searched together")
    total = sum(len(t.words) for t in terms)
    if total > MAX_WORDS:
        raise QueryTooLong(f"the search has {total} words; at most {MAX_WORDS} are searched together")
    if terms and last_bare and len(terms[-1].words[-1]) >= _min_prefix(terms[-1].words[-1]):
        terms[-1] = Term(terms[-1].words, prefix=True)
    return terms


def _min_prefix(word: str) -> int:
    # One CJK character is a word's worth of meaning (and the index keeps a run
    # of them as one word), so two are a fair prefix there.
    return 2 if word[0] >= "\u2e80" else MIN_PREFIX


# -- finding terms in original text ---------------------------------------

# A word of original text: letters (with combining marks), digits, private-use characters.
_PLAIN_WORD = re.compile("(?:[^\\W_]|[\ue000-\uf8ff])(?:[^\\W_]|[\ue000-\uf8ff\u0300-\u036f])*")
# Between two halves of one word: a soft hyphen (anywhere), or a hyphen at a line end.
_SOFT_GAP = re.compile("\u00ad[ \t]*(?:\r?\n[ \t]*)?")
_HARD_GAP = re.compile("[-\u2010\u2011][ \t]*\r?\n[ \t]*")


def word_bounds(text: str, join: bool = True) -> list[tuple[int, int]]:
    """(start, end) of each word of original ``text``, the halves of a word
    broken by a soft hyphen or across a line end joined as index_text joins
    them (``join`` False: every half a word of its own)."""
    plain = [(m.start(), m.end()) for m in _PLAIN_WORD.finditer(text)]
    if not join or ("\n" not in text and "\u00ad" not in text):
        return plain
    out: list[tuple[int, int]] = []
    for start, end in plain:
        if out:
            gap = text[out[-1][1]:start]
            if _SOFT_GAP.fullmatch(gap) or (_HARD_GAP.fullmatch(gap) and text[start].islower()):
                out[-1] = (out[-1][0], end)
                continue
        out.append((start, end))
    return out


def _folded_words(text: str, bounds: Sequence[tuple[int, int]]) -> tuple[list[str], list[int]]:
    """The folded words of each bounded word, and which bound each came from
    (one original word may fold to several: "½" to "1", "2")."""
    flat: list[str] = []
    owner: list[int] = []
    for i, (start, end) in enumerate(bounds):
        original = text[start:end]
        if end - start > 1 and not original.isalnum():
            original = _HARD_GAP.sub("", _SOFT_GAP.sub("", original))
        for word in words(fold(original)):
            flat.append(word)
            owner.append(i)
    return flat, owner


def term_spans(text: str, terms: Sequence[Term],
               bounds: Sequence[tuple[int, int]] | None = None) -> list[tuple[int, int, int]]:
    """Where the terms occur in original ``text``: (start, end, term index)
    in text order, each a run of whole words. A term not found with broken
    words joined is looked for in their halves (as the index keeps them
    too). ``bounds``: word_bounds(text) if already found."""
    if not terms:
        return []
    if bounds is None and text.isascii():
        return _ascii_spans(text, terms)
    joined = word_bounds(text) if bounds is None else list(bounds)
    spans = _spans(text, terms, joined)
    missing = set(range(len(terms))) - {n for _s, _e, n in spans}
    if missing and ("\n" in text or "\u00ad" in text):
        spans += [span for span in _spans(text, terms, word_bounds(text, join=False)) if span[2] in missing]
        spans.sort()
    return spans


# ASCII text (most of it) by regular expression, in C, to the same effect:
# a word's letters may be split by a hyphen at a line end before a small letter.
_ASCII_GAP = "(?:-[ \t]*\r?\n[ \t]*(?=(?-i:[a-z])))?"


@functools.lru_cache(maxsize=256)
def _ascii_pattern(term: Term) -> re.Pattern[str] | None:
    if not all(w.isascii() for w in term.words):
        return None  # folds to letters no ASCII text has
    spelled = ["".join(re.escape(c) + _ASCII_GAP for c in w[:-1]) + re.escape(w[-1]) for w in term.words]
    tail = "[A-Za-z0-9]*" if term.prefix else ""
    return re.compile("(?<![A-Za-z0-9])" + "[^A-Za-z0-9]+".join(spelled) + tail + "(?![A-Za-z0-9])",
                      re.IGNORECASE)


def _ascii_spans(text: str, terms: Sequence[Term]) -> list[tuple[int, int, int]]:
    spans = []
    for n, term in enumerate(terms):
        pattern = _ascii_pattern(term)
        if pattern is not None:
            spans += [(m.start(), m.end(), n) for m in pattern.finditer(text)]
    spans.sort()
    return spans


def _spans(text: str, terms: Sequence[Term], bounds: Sequence[tuple[int, int]]) -> list[tuple[int, int, int]]:
    flat, owner = _folded_words(text, bounds)
    spans: list[tuple[int, int, int]] = []
    for n, term in enumerate(terms):
        head, size = term.words[0], len(term.words)
        if size == 1 and term.prefix:
            found = [at for at, w in enumerate(flat) if w.startswith(head)]
        elif size == 1:
            found = [at for at, w in enumerate(flat) if w == head]
        else:
            found = [at for at, w in enumerate(flat) if w == head and _matches(term, flat[at:at + size])]
        spans += [(bounds[owner[at]][0], bounds[owner[at + size - 1]][1], n) for at in found]
    spans.sort()
    return spans


def find_spans(text: str, terms: Sequence[Term]) -> list[tuple[int, int, int]]:
    """What the reader highlights: a search of several terms where the text
    has them one after the other as a phrase, else each term's words."""
    if len(terms) > 1:
        together = Term(tuple(w for t in terms for w in t.words), terms[-1].prefix)
        spans = term_spans(text, [together])
        if spans:
            return spans
    return term_spans(text, terms)


def _matches(term: Term, found: list[str]) -> bool:
    if len(found) != len(term.words):
        return False
    *whole, last = term.words
    if found[:-1] != whole:
        return False
    return found[-1].startswith(last) if term.prefix else found[-1] == last


# -- showing text --------------------------------------------------------

# Drawn as a box or nothing by most fonts: C0/C1 controls (except newlines and
# tabs, made spaces), format characters, private-use characters, U+FFFD.
_UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e"
                         "\u2060-\u206f\ufeff\ufff9-\ufffd\ue000-\uf8ff\U000f0000-\U0010ffff]")
_LIGATURES = re.compile("[\ufb00-\ufb06]")


def display_text(text: str) -> str:
    """Text fit to show in a one-line preview: the source's characters, but
    ligatures written out, words broken across a line end joined, control,
    format and private-use characters dropped, whitespace one space."""
    return _clean(text).strip()


def _clean(text: str) -> str:
    """display_text keeping one space where the text starts or ends with some."""
    text = _LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    if "\n" in text:
        text = _join_broken(text)
    return _SPACES.sub(" ", _UNSHOWABLE.sub("", text))


_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Snippet:
    """A short passage around the hits: its text and where the hits are in it."""

    text: str
    hits: tuple[tuple[int, int], ...] = ()


def snippet(text: str, terms: Sequence[Term], words_around: int = 12) -> Snippet:
    """The passage of ``text`` of about ``words_around`` words holding the
    most different terms (a few words before the first of them), cleaned by
    display_text, its hits marked."""
    spans = term_spans(text, terms)
    anchor = _best_hit(text, spans, words_around - 3) if spans else 0
    # A few words before the hit, more if the text ends soon after it.
    following = sum(1 for _ in itertools.islice(_PLAIN_WORD.finditer(text, anchor), words_around))
    wanted = max(3, words_around - following)
    before = [m.start() for m in _PLAIN_WORD.finditer(text, max(anchor - 16 * wanted, 0), anchor)][-wanted:]
    start = before[0] if before else anchor
    after = list(itertools.islice(_PLAIN_WORD.finditer(text, start), words_around + 1))
    if not after:
        return Snippet(display_text(text[:200]))
    end = after[min(words_around, len(after)) - 1].end()
    # Whole words with the punctuation that clings to them ('"North', 'Cuba".').
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    shown, hits, at = "… " if _PLAIN_WORD.search(text, 0, start) else "", [], start
    for s, e, _n in spans:
        if s < at or e > end:
            continue
        shown += _clean(text[at:s])
        hit = _clean(text[s:e])
        hits.append((len(shown), len(shown) + len(hit)))
        shown += hit
        at = e
    shown = (shown + _clean(text[at:end])).rstrip()
    if len(after) > words_around:
        shown += " …"
    return Snippet(shown, tuple(hits))


def _best_hit(text: str, spans: list[tuple[int, int, int]], words: int) -> int:
    """Where the hit starts whose next ``words`` words hold the most different
    terms (the earliest of equals). Only as many hits are tried as can
    differ: after a window holding every term, none can do better."""
    best, best_count = spans[0][0], 0
    wanted = len({n for _s, _e, n in spans})
    for s, _e, _n in spans:
        reach = s
        for reach_match in itertools.islice(_PLAIN_WORD.finditer(text, s), words):
            reach = reach_match.end()
        count = len({n for s2, _e2, n in spans if s <= s2 < reach})
        if count > best_count:
            best, best_count = s, count
            if count == wanted:
                break
    return best
