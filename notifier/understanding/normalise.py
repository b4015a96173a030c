"""SMS normalisation: the text as the rules read it.

Two layers, because two kinds of reader depend on them:

* :func:`surface` - case, Unicode compatibility forms, accents, curly apostrophes, dashes,
  whitespace, punctuation and emoji at the edges. Exactly what the opt-out / confirm / score
  contract was specified against, so those answers do not move when the word tables grow.
* :func:`normalise` - the surface form plus what SMS writers do to words: meaningful emoji
  become words ("💊" -> "pills"), repeated letters are squeezed ("sooo" -> "so", keeping real
  double letters: "killlll" -> "kill"), abbreviations and misspellings are written out per
  language ("u" -> "you", "kiero" -> "quiero"). Number words are left alone: the score parser
  reads them (a "one" is not always a score).

The expansion tables are data in ``lexicons/<lang>.toml``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cache

from notifier.understanding.lexicon import Language, load

# Applied before *and* after NFKC: "´" must become "'" before NFKC turns it into a space plus a
# combining accent, and NFKC itself produces U+2010 from U+2011.
_PUNCT_MAP = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "`": "'",
        "\u00b4": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\ufe63": "-",
        "\uff0d": "-",
    }
)
# Whitespace runs: what surface() collapses (it does so with split/join, the same in C; the tests
# compare against this).
_WS = re.compile(r"\s+")
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# The same words as split points: split() hands back the text between them and the words
# themselves in turn, so expansion is a loop over a list instead of a callback per word.
_WORD_SPLIT = re.compile(f"({_WORD.pattern})")
_TOKEN = re.compile(r"[^\W_]+")
_REPEAT = re.compile(r"([^\W\d_])\1{2,}")


class _FoldTable(dict[int, str]):
    """``str.translate`` table filled on first sight of each character: per-character work
    happens once per process, not once per message."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        cat = unicodedata.category(ch)
        if cat in ("Mn", "Me", "Cf", "Cs"):
            # Accents, variation selectors, zero-width joiners/spaces, lone surrogates: a
            # zero-width space inside "S\u200bTOP" must not hide the keyword.
            out = ""
        elif cat == "Cc":
            out = " " if ch.isspace() else ""
        else:
            out = ch
        self[code] = out
        return out


_FOLD = _FoldTable()


def _no_controls(text: str) -> str:
    """_ASCII_CONTROL.sub("", text) on ASCII text; a printable text (no control character,
    tab and newline included) is returned as it is without the regex scan."""
    return text if text.isprintable() else _ASCII_CONTROL.sub("", text)


def _fold_marks(text: str) -> str:
    """Drop combining marks (accents), invisible format characters and stray controls."""
    if text.isascii():
        return _no_controls(text)
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", text).translate(_FOLD))


def _strip_edges(text: str) -> str:
    """Strip anything that is not a letter or digit from both ends (punctuation, emoji), but
    keep a minus sign that starts a number: "-3" must stay an out-of-range score, not a 3."""
    n = len(text)
    start = 0
    while start < n and not text[start].isalnum():
        if text[start] == "-" and start + 1 < n and text[start + 1].isdigit():
            break
        start += 1
    end = n
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return text[start:end]


def _surface_steps(body: str) -> str:
    """surface() before whitespace and edges, for any text."""
    text = body.translate(_PUNCT_MAP)
    text = unicodedata.normalize("NFKC", text).translate(_PUNCT_MAP)
    return _fold_marks(text.casefold())


# Accented Latin letters and the punctuation phones type, beside printable ASCII and the
# whitespace controls. On these the steps act on each character alone (none has a
# compatibility form, none combines with a neighbour, tab and newline end up as whitespace
# either way), so a text made only of them is one str.translate through a table the steps
# themselves computed. tests/unit/understanding/test_normalise.py checks every pair.
LATIN = (
    "\t\n\r"
    + "".join(chr(c) for c in range(0x20, 0x7F))
    + "áéíóúüñÁÉÍÓÚÜÑàèìòùÀÈÌÒÙâêîôûÂÊÎÔÛäëïöÄËÏÖçÇ¿¡‘’“”´–—…"
)
_LATIN_TABLE = {ord(c): _surface_steps(c) for c in LATIN}
_NOT_LATIN = re.compile("[^" + re.escape(LATIN) + "]")


def surface(body: str) -> str:
    """Lower-case (casefold), NFKC (fullwidth/stylised letters become plain ones), accents
    folded (every combining mark: "sí"->"si", "ñ"->"n" - many phones have no Spanish keyboard,
    so clients write "dano" anyway), curly apostrophes and dashes made ASCII, whitespace
    collapsed, punctuation and emoji stripped from both ends. Inner punctuation is kept
    ("7/10", "can't", "opt-out")."""
    if body.isascii():
        # The same steps on ASCII, where NFKC changes nothing, casefold() is lower(), the only
        # mapped character is the backtick and no mark can occur: most texts take this path.
        text = _no_controls(body.replace("`", "'").lower())
    elif _NOT_LATIN.search(body) is None:
        text = body.translate(_LATIN_TABLE)  # most Spanish texts
    else:
        text = _surface_steps(body)
    # The same as _WS.sub(" ", text) once the edges are stripped (whitespace is never
    # alnum): split() breaks on exactly the characters \s matches (both Py_UNICODE_ISSPACE),
    # in C, without a regex step per character.
    return _strip_edges(" ".join(text.split()))


def detect_language(text: str, tokens: Sequence[str] | None = None) -> str:
    """ "es" when more words are Spanish markers than English ones, else "en". Crude on purpose:
    it only picks the abbreviation table; every rule of both languages still runs. ``tokens``:
    the text's words when the caller has them (``prompts.tokens(text)``, the same split)."""
    languages = load().languages
    if tokens is None:
        tokens = _TOKEN.findall(text.replace("'", ""))
    # map() over the set's own membership test: counted without a Python frame per word.
    en = sum(map(languages["en"].markers.__contains__, tokens))
    es = sum(map(languages["es"].markers.__contains__, tokens))
    return "es" if es > en else "en"


@cache
def _emoji_table(code: str) -> dict[int, str]:
    return {ord(k): f" {v} " for k, v in load().languages[code].emoji.items() if len(k) == 1}


@cache
def _phrase_regex(code: str) -> re.Pattern[str] | None:
    phrases = load().languages[code].phrases
    if not phrases:
        return None
    alternation = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![\w/])(?:{alternation})(?![\w/])")


def _squeeze(word: str) -> str:
    """ "sooo" -> "so", "killlll" -> "kill", "goood" -> "good": a run of three or more letters
    becomes two when that is a word the lexicons know, else one (most elongations are vowels
    in short words: "nooo", "pleeease")."""
    known = load().vocabulary
    double = _REPEAT.sub(r"\1\1", word)
    if double in known:
        return double
    return _REPEAT.sub(r"\1", word)


@cache
def _abbreviations(code: str) -> dict[str, str]:
    """The language's own table, with the other languages' ``everywhere`` entries under it
    ("q" and "xq" in a Spanglish text read as English)."""
    languages = load().languages
    table: dict[str, str] = {}
    for other in languages.values():
        if other.code != code:
            table.update({w: other.abbreviations[w] for w in other.everywhere})
    table.update(languages[code].abbreviations)
    return table


def _expand_word(word: str, lang: Language) -> str:
    if _REPEAT.search(word):
        word = _squeeze(word)
    table = _abbreviations(lang.code)
    if word in table:
        return table[word]
    bare = word.replace("'", "")
    if bare in table:
        return table[bare]
    # "killin", "usin", "drinkin": a dropped g. A word of five letters or more ending in "in"
    # whose "-ing" the lexicons know is that word, even where a pattern also spells the
    # dropped form ("holdin", "bleedin"): writing it there once kept every other pattern's
    # "holding" from matching it (the eleventh round). Shorter ones are read so only when no
    # pattern spells them and they are not words of their own ("thin" is not "thing").
    vocabulary = load().vocabulary
    if (
        bare.endswith("in")
        and bare + "g" in vocabulary
        and (len(bare) >= 5 or (bare not in vocabulary and bare not in _WORDS_IN_IN))
    ):
        return bare + "g"
    return word


# Short English words ending in "in" that are not a dropped g ("thin", "skin", "win").
_WORDS_IN_IN = frozenset(
    {"in", "sin", "win", "kin", "pin", "tin", "fin", "bin", "din", "thin", "skin", "spin"}
    | {"chin", "twin", "grin", "shin"}
)


# Expanded forms already computed, per language: SMS vocabulary repeats, so most words of a
# message were seen before. Bounded: cleared when full (a flood of unique words costs only time).
_EXPANDED: dict[str, dict[str, str]] = {}
_EXPANDED_MAX = 50_000
# Per language, the words seen so far that expansion leaves as they are (most of them).
_KEPT: dict[str, set[str]] = {}
# ASCII letters and digits stay, every other ASCII character becomes a space: on an ASCII text
# without an apostrophe, splitting the result gives exactly _WORD's words.
_ASCII_WORDS = str.maketrans(
    {c: " " for c in map(chr, range(128)) if not (c.isascii() and c.isalnum())}
)


def _expanded(word: str, lang: Language) -> str:
    seen = _EXPANDED.setdefault(lang.code, {})
    kept = _KEPT.setdefault(lang.code, set())
    out = seen.get(word)
    if out is None:
        if len(seen) >= _EXPANDED_MAX:
            seen.clear()
            kept.clear()
        out = seen[word] = _expand_word(word, lang)
        if out == word and word not in lang.shorthand:
            kept.add(word)
    return out


def _unchanged(text: str, code: str) -> bool:
    """True when no word of an ASCII text without apostrophes would change (only words seen
    before are known to stay): then the text is its own expansion, found without a regex."""
    if not text.isascii() or "'" in text:
        return False
    kept = _KEPT.get(code)
    return kept is not None and kept.issuperset(text.translate(_ASCII_WORDS).split())


def expand(text: str, code: str) -> str:
    """Word-level expansion of a surface-normalised text in language ``code``."""
    lang = load().languages[code]
    # Phrases first: "w/o" must not become "with/o".
    phrases = _phrase_regex(code)
    # A phrase can only match where it occurs as a substring: a few C-level searches spare the
    # regex's try at every character of most texts.
    if phrases is not None and any(map(text.__contains__, lang.phrases)):
        text = phrases.sub(lambda m: lang.phrases[m.group(0)], text)
    if _unchanged(text, code):
        return text
    parts = _WORD_SPLIT.split(text)  # [between, word, between, word, ..., between]
    seen = _EXPANDED.get(code, {})
    shorthand = False
    for i in range(1, len(parts), 2):
        word = parts[i]
        out = seen.get(word)
        parts[i] = _expanded(word, lang) if out is None else out
        shorthand = shorthand or parts[i] in lang.shorthand
    if shorthand:
        _read_shorthand(parts, lang)
    return "".join(parts)


def _read_shorthand(parts: list[str], lang: Language) -> None:
    """Digits and letters standing for a word ("wud b done", "go 2 sleep", "me n him"), read
    as that word only beside the words their entry lists: a "2" after "took" stays a count.
    Neighbours are the words next to it with nothing but spaces between."""
    last = len(parts) - 2
    for i in range(1, len(parts), 2):
        entry = lang.shorthand.get(parts[i])
        if entry is None:
            continue
        prev = parts[i - 2] if i >= 3 and parts[i - 1].isspace() else ""
        nxt = parts[i + 2] if i <= last - 2 and parts[i + 1].isspace() else ""
        if entry.between:
            hit = prev.isalpha() and nxt.isalpha()
        else:
            hit = prev in entry.after or nxt in entry.before
        if hit:
            parts[i] = entry.word


def full(raw: str, code: str, surfaced: str | None = None) -> str:
    """Meaningful emoji as words, then :func:`surface`, then :func:`expand`. ``surfaced`` is
    ``surface(raw)`` when the caller has it (reused when there is no meaningful emoji)."""
    # Every meaningful emoji is outside ASCII, so an ASCII text has none.
    with_words = raw if raw.isascii() else raw.translate(_emoji_table(code))
    if surfaced is None or with_words != raw:
        surfaced = surface(with_words)
    if " ." in surfaced or surfaced.startswith("."):
        surfaced = _CALIBRE.sub("", surfaced)
    return expand(surfaced, code)


# A calibre written with its dot ("my .38", ".45 in my lap"): the dot is part of the name, not
# the end of a sentence (the ninth round). "0.5" keeps its dot: a digit stands before it.
_CALIBRE = re.compile(r"(?<!\S)\.(?=\d)")


def normalise(body: str) -> str:
    """The text as the rules read it: :func:`surface` normalisation, meaningful emoji as words,
    repeated letters squeezed, abbreviations and misspellings written out for the message's
    language. Inner punctuation is kept ("7/10", "can't")."""
    return full(body, detect_language(surface(body)))
