"""Whether a secret someone typed is random enough: the staff token and the session secret.

Length alone let ``aaaa...`` and ``0123456789...`` through. A value must pass two estimates:

- character statistics: its length times the Shannon entropy of its characters is at least
  :data:`MIN_BITS` (a 32-character hex token from ``secrets`` has about 115; repeats have far
  less);
- patterns: zxcvbn (the maintained Python port of Dropbox's estimator, also used for staff
  passwords) needs at least 10^:data:`MIN_GUESSES_LOG10` guesses, which catches keyboard runs,
  sequences and words (``abcdef...``, ``qwerty...``, ``passwordpassword``). Random tokens
  from ``secrets`` score 28 and more.
"""

from __future__ import annotations

import math
from collections import Counter

MIN_BITS = 96.0
MIN_GUESSES_LOG10 = 20.0
# zxcvbn's work grows quickly with length; the first 100 characters decide.
ZXCVBN_LIMIT = 100


def shannon_bits(value: str) -> float:
    if not value:
        return 0.0
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values()) * n


def guessable(value: str) -> bool:
    """True when ``value`` is not random enough to be a secret."""
    from zxcvbn import zxcvbn

    if shannon_bits(value) < MIN_BITS:
        return True
    return float(zxcvbn(value[:ZXCVBN_LIMIT])["guesses_log10"]) < MIN_GUESSES_LOG10
