"""Classify an inbound SMS reply: opt-out/in, help, confirm/decline, 0-10 score, crisis, free text.

This is the one place that decides what a client's text *means*, so the rules are written down
here and every grey area is a named, tested decision. Priority order (first match wins):

1. ``crisis`` - self-harm, suicide or overdose language anywhere in the text, English or Spanish,
   whatever else the text says and even from an opted-out client. A missed crisis costs far more
   than a false alarm, so the default list is broad and negation is *not* honoured
   ("I'm not suicidal" and "I don't want to die" still reach a human). ``revokes`` says whether
   the same text also asks us to stop texting, so the caller can do both.
2. ``opt_out`` - the carrier keywords (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE,
   OPTOUT, "opt out", Spanish BAJA, PARAR, CANCELAR, DETENER) as the *whole* message (polite
   words around them allowed: "STOP please", "por favor baja") or as a sentence on its own
   ("Thanks for everything. STOP"), plus plain-language revocations ("stop texting me", "no more
   texts", "ya no quiero mensajes"). Keywords only count as (nearly) the whole message because these
   clients write about stopping and quitting all the time ("I can't stop thinking about using",
   "I want to quit drinking"); silencing the program for them by accident would cut them off
   from support. Revocation phrases count anywhere, but not when negated ("please don't stop
   texting me") or said about someone else ("my dealer won't stop texting me").
3. ``opt_in`` - START, UNSTOP, YES as the whole message, and only when the client is opted out.
4. ``help`` - HELP, INFO, AYUDA as the whole message, opted out or not.
5. Answers to the prompts that are open (most recent first): ``confirm``/``decline`` for a
   session reminder, ``checkin_answer`` with a 0-10 ``score`` for a check-in. An opted-out
   client's other texts are always ``free_text``: nothing but an explicit keyword resumes texts.
6. ``free_text`` - everything else; the caller keeps the body verbatim for staff.

Grey areas, decided:

* "leave me alone" (and "déjame en paz") is an opt-out when it is the whole message or a sentence
  on its own: sent in reply to our text, it is addressed to us. Inside a longer sentence ("my
  family won't leave me alone") it is free text.
* "kill me", "want to die" are crisis even when they are probably hyperbole ("ugh kill me").
  "killing me", "dying to", "could kill for" are not: they are overwhelmingly figurative, and the
  terms are matched on word boundaries so "kill me" does not fire inside "killing me".
* A keyword sentence does not count when the rest of the message uses the same word in prose
  or asks for help ("Stop. I can't stop thinking about using", "Stop. Please help me"): silencing
  someone who may be struggling is worse than a person reading the text first.
* A partial revocation ("don't text me after 9", "how do I unsubscribe?") is an opt-out: we honour
  more than asked rather than less, and START resumes.
* "kms" (slang for "kill myself") is in the crisis list although "ran 5 kms" then alerts too.
* "running late" is not a decline (the client is coming) and on its own not a confirm either: it
  is free text so the facilitator reads it. "on my way, running late" is a confirm.
* Accent folding removes *every* combining mark, so "sí"->"si", "daño"->"dano", "mañana"->"manana".
  Folding ñ too is deliberate: many phones have no Spanish keyboard, so clients write "dano" and
  "manana" anyway, and no phrase we look for differs from another only by ñ.
* Only the first ``MAX_CHARS`` (1600) characters are read: Twilio caps an SMS body at 1600
  characters, so real traffic loses nothing and hostile input cannot make us slow.

Everything here is pure (no I/O, no clock) and every regex is compiled at import time because the
webhook runs this for every reply. The one piece of state is an ``lru_cache`` of compiled
patterns for *custom* crisis term lists; it memoises and never changes a result.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "CATEGORIES",
    "DEFAULT_CRISIS_TERMS",
    "MAX_CHARS",
    "Classification",
    "classify",
    "normalise",
    "parse_score",
]

CATEGORIES: tuple[str, ...] = (
    "opt_out",
    "opt_in",
    "help",
    "confirm",
    "decline",
    "checkin_answer",
    "crisis",
    "free_text",
)

#: Twilio's maximum message body; anything past it is not from a phone.
MAX_CHARS = 1600

# Conservative = rather a false alarm than a missed crisis. Every entry is matched on word
# boundaries against the normalised text (see ``_term_pattern``): case, accents, curly
# apostrophes and hyphen/space variants ("self-harm", "selfharm") do not matter, and a
# contraction matches with or without its apostrophe ("can't" also finds "cant").
DEFAULT_CRISIS_TERMS: tuple[str, ...] = (
    # English: suicide
    "suicide",
    "suicidal",
    "kill myself",
    "killing myself",
    "killed myself",
    "kms",
    "kill me",
    "unalive",
    "i want to die",
    "want to die",
    "wanna die",
    "ready to die",
    "want to be dead",
    "wish i was dead",
    "wish i were dead",
    "end my life",
    "ending my life",
    "end it all",
    "want to end it",
    "wanna end it",
    "going to end it",
    "gonna end it",
    "take my life",
    "take my own life",
    "hang myself",
    "shoot myself",
    "no reason to live",
    "nothing to live for",
    "don't want to live",
    "don't want to be alive",
    "don't want to wake up",
    "not worth living",
    "isn't worth living",
    "better off dead",
    "better off without me",
    "can't go on",
    "cannot go on",
    "can't do this anymore",
    "can't take it anymore",
    # English: self-harm
    "hurt myself",
    "hurting myself",
    "harm myself",
    "harming myself",
    "self harm",
    "cut myself",
    "cutting myself",
    "slit my wrists",
    # English: overdose
    "overdose",
    "overdosed",
    "overdosing",
    "od",
    "od'd",
    "od'ing",
    "took too many pills",
    "too many pills",
    "took all my pills",
    "take all my pills",
    # Spanish: suicide
    "suicidio",
    "suicida",
    "suicidarme",
    "quiero morir",
    "me quiero morir",
    "quiero morirme",
    "quisiera morir",
    "quisiera morirme",
    "deseo morir",
    "matarme",
    "me quiero matar",
    "me voy a matar",
    "mátame",
    "quitarme la vida",
    "acabar con mi vida",
    "terminar con mi vida",
    "no quiero vivir",
    "no quiero seguir viviendo",
    "no vale la pena vivir",
    "no tengo razón para vivir",
    "sin razón para vivir",
    "mejor muerto",
    "mejor muerta",
    "ojalá me muera",
    "ojalá estuviera muerto",
    "ojalá estuviera muerta",
    "ya no puedo más",
    "no puedo seguir así",
    # Spanish: self-harm
    "hacerme daño",
    "lastimarme",
    "autolesión",
    "cortarme las venas",
    # Spanish: overdose
    "sobredosis",
    "demasiadas pastillas",
    "me tomé todas las pastillas",
)


@dataclass(frozen=True, slots=True)
class Classification:
    """What a reply means. ``score`` only for ``checkin_answer``; ``revokes`` when it also
    asks us to stop texting (always for ``opt_out``, sometimes for ``crisis``)."""

    category: str
    score: int | None = None
    revokes: bool = False


_FREE_TEXT = Classification("free_text")

# ---------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------

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
_WS = re.compile(r"\s+")
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _fold_marks(text: str) -> str:
    """Drop combining marks (accents), invisible format characters and stray controls."""
    if text.isascii():
        return _ASCII_CONTROL.sub("", text)
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", text):
        cat = unicodedata.category(ch)
        if cat in ("Mn", "Me", "Cf", "Cs"):
            # Accents, variation selectors, zero-width joiners/spaces, lone surrogates: a
            # zero-width space inside "S\u200bTOP" must not hide the keyword.
            continue
        if cat == "Cc":
            out.append(" " if ch.isspace() else "")
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


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


def normalise(body: str) -> str:
    """Lower-case (casefold), Unicode NFKC (fullwidth/stylised letters become plain ones), accents
    folded (every combining mark removed: "sí"->"si", "ñ"->"n"), curly apostrophes and dashes made
    ASCII, whitespace collapsed to single spaces, punctuation and emoji stripped from both ends.
    Inner punctuation is kept ("7/10", "can't", "opt-out")."""
    text = body.translate(_PUNCT_MAP)
    text = unicodedata.normalize("NFKC", text).translate(_PUNCT_MAP)
    text = _fold_marks(text.casefold())
    text = _WS.sub(" ", text)
    return _strip_edges(text)


# ---------------------------------------------------------------------------------------------
# Tokens and clauses
# ---------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[^\W_]+")
# A clause ends at sentence punctuation, emoji or a spaced dash. Apostrophes, slashes and bare
# hyphens stay inside ("don't", "7/10", "opt-out", "7-8").
_CLAUSE_SPLIT = re.compile(r"(?:[^\w\s'/-]|_)+|\s-+\s")
# Whole-message lexicon matching only looks at short texts; a keyword reply is a few words.
_MAX_KEYWORD_TOKENS = 16


def _tokens(text: str) -> tuple[str, ...]:
    # Apostrophes are dropped so "can't"/"cant" and "i'll"/"ill" are one token each.
    return tuple(_TOKEN.findall(text.replace("'", "")))


@dataclass(frozen=True, slots=True)
class _View:
    norm: str
    tokens: tuple[str, ...]
    clauses: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, norm: str) -> _View:
        clauses = tuple(t for t in (_tokens(p) for p in _CLAUSE_SPLIT.split(norm)) if t)
        return cls(norm=norm, tokens=_tokens(norm), clauses=clauses)


def _words(text: str) -> tuple[str, ...]:
    """Word lists are written as one string: easier to read and review than a list literal."""
    return tuple(text.split())


def _phrases(items: Iterable[str]) -> frozenset[tuple[str, ...]]:
    return frozenset(p for p in (tuple(item.split()) for item in items) if p)


@dataclass(frozen=True, slots=True)
class _Lexicon:
    """A whole-message vocabulary: core phrases (at least one must occur) and filler phrases
    (polite words that may surround them). ``covers`` says whether the tokens can be cut into
    core and filler phrases only. A small dynamic programme rather than a regex like
    ``(core|filler)+``, whose overlapping alternatives would backtrack exponentially."""

    core: frozenset[tuple[str, ...]]
    fillers: frozenset[tuple[str, ...]]
    longest: int

    @classmethod
    def build(cls, core: str, fillers: str, *, polite: bool = True) -> _Lexicon:
        """``core`` and ``fillers`` are comma-separated phrases (lower case, no apostrophes)."""
        core_set = _phrases(core.split(","))
        filler_set = _phrases(fillers.split(",")) | (_POLITE if polite else frozenset())
        return cls(core_set, filler_set, max(len(p) for p in core_set | filler_set))

    def covers(self, tokens: Sequence[str]) -> bool:
        n = len(tokens)
        if n == 0 or n > _MAX_KEYWORD_TOKENS:
            return False
        # reach[i]: bit 1 = position i reachable, bit 2 = reachable having used a core phrase.
        reach = [0] * (n + 1)
        reach[0] = 1
        for i in range(n):
            if not reach[i]:
                continue
            for length in range(1, min(self.longest, n - i) + 1):
                segment = tuple(tokens[i : i + length])
                if segment in self.core:
                    reach[i + length] |= 3
                elif segment in self.fillers:
                    reach[i + length] |= reach[i]
        return bool(reach[n] & 2)


_POLITE = _phrases(
    _words(
        "please pls plz plse pleas thanks thank you thx ty tysm tks thankyou thanku ok okay k kk "
        "now right immediately asap already just sorry hi hello hey lol "
        "por favor porfa porfavor pf xfa gracias ya ahora hola"
    )
)

# Keywords as the whole message. "stop it"/"cancel this" are listed rather than making "it" and
# "this" fillers, because "end it" and "end this" are things people in crisis write.
_OPT_OUT = _Lexicon.build(
    core="stop, stopall, stop all, stop it, stop this, unsubscribe, unsub, cancel, cancel it, "
    "cancel this, end, quit, quit it, revoke, optout, opt out, opt me out, leave me alone, "
    "baja, de baja, dar de baja, darme de baja, parar, cancelar, detener, dejame en paz, "
    "dejenme en paz",
    fillers="all, me, for good, de, todo, todos",
)
# A keyword word elsewhere in the message makes a one-word sentence ambiguous ("Stop. I can't
# stop thinking about using"), and so does a plea for help ("Stop. Please help me"): then a
# person should read it rather than the client being silenced.
_KEYWORD_SENTENCE_VETO = frozenset(
    _words(
        "stop stopall unsubscribe unsub cancel end quit revoke optout opt baja parar cancelar "
        "detener help ayuda ayudame"
    )
)
_OPT_IN = _Lexicon.build(
    core="start, unstop, yes",
    fillers="again, back, me, up, texts, messages",
)
_HELP = _Lexicon.build(
    core="help, help me, info, information, more info, ayuda, ayudame, informacion, mas info, "
    "mas informacion",
    fillers="i, need, some, necesito, quiero",
)
_CONFIRM = _Lexicon.build(
    core="1, c, y, ye, yes, yess, yesss, yea, yeah, yeh, yah, yep, yup, yas, ok, okay, okey, "
    "okie, k, kk, sure, confirm, confirmed, confirming, absolutely, definitely, of course, "
    "will do, ill be there, i will be there, will be there, be there, ill come, i will come, "
    "ill attend, i will attend, im coming, i am coming, coming, im in, count me in, see you, "
    "see u, see ya, cya, see you there, see you tonight, see you today, see you tomorrow, "
    "see you then, see you soon, see you later, on my way, omw, sounds good, got it, "
    "no problem, np, no worries, for sure, cant wait, looking forward, yes maam, yes sir, "
    "i can make it, can make it, i can come, i can be there, "
    # Spanish
    "si, sii, claro, claro que si, confirmo, confirmado, confirmada, ahi estare, alli estare, "
    "alla estare, aqui estare, ahi estoy, nos vemos, voy, ahi voy, si voy, ya voy, en camino, "
    "voy en camino, de acuerdo, va, sale, listo, perfecto, bueno, vale, puedo ir, si puedo ir, "
    "voy a ir, si voy a ir, ahi estaremos",
    # "late" words are fillers here, so "yes, running a bit late" is a confirm while "running
    # late" alone (no core phrase) stays free text: lateness is not a decline.
    fillers="i, will, great, good, cool, awesome, perfect, tonight, today, tomorrow, tmrw, tmr, "
    "then, there, soon, later, sir, maam, and, so, guys, yall, all, everyone, in, at, group, "
    "the, running, late, a, little, bit, few, minutes, mins, min, "
    "hoy, manana, esta, noche, luego, pronto, alla, ahi, un, poco, tarde, llego",
)
_DECLINE = _Lexicon.build(
    core="2, n, no, nope, nah, naw, nay, decline, declined, cant, cannot, can not, cant make it, "
    "cannot make it, can not make it, cant come, cannot come, cant go, cannot go, cant attend, "
    "cant do it, cant today, cant tonight, not coming, im not coming, i am not coming, "
    "not going, im not going, not gonna make it, not going to make it, wont make it, "
    "i wont make it, wont be there, i wont be there, will not be there, i will not be there, "
    "wont be able to make it, wont be able to come, unable to come, unable to make it, "
    "unable to attend, im sick, i am sick, sick, im ill, i am ill, feeling sick, "
    "not feeling well, im not feeling well, have to miss, i have to miss, gotta miss, "
    "need to miss, ill have to miss, skip, skipping, "
    # Spanish
    "no puedo, no puedo ir, no voy, no voy a ir, no voy a poder, no voy a poder ir, no podre, "
    "no podre ir, no puedo asistir, no podre asistir, no voy a asistir, no puedo llegar, "
    "no asistire, no ire, estoy enfermo, estoy enferma, enfermo, enferma",
    fillers="so, really, unfortunately, tonight, today, tomorrow, this, time, week, i, im, afraid, "
    "guys, yall, lo siento, perdon, disculpa, disculpe, disculpen, hoy, manana, esta, noche, vez, "
    "semana, lamentablemente",
)

_DECLINE_ANYWHERE = re.compile(
    r"(?<!\S)(?:"
    r"(?:cant|cannot|can not|wont|will not|not gonna|not going to|unable to|not able to"
    r"|wont be able to) (?:make it|come|attend|be there|join|do (?:it )?(?:tonight|today))"
    r"|not coming|have to miss|gotta miss|need to miss"
    r"|(?:going to|gonna) miss (?:group|session|tonight|today|it|class)"
    r"|cancel (?:(?:my|the|this|tonights|todays) )?(?:appointment|appt|session|group|spot)"
    r"|no (?:puedo|podre|podria|voy a poder|voy a) (?:ir|asistir|llegar|estar)"
    r"|no voy a poder|no podre asistir"
    r"|cancelar (?:la|mi) (?:cita|sesion)"
    r")(?!\S)"
    # "can't make it on time" is lateness, not a decline.
    r"(?! (?:on|in) time| a tiempo| early| earlier| temprano)"
)
_CONFIRM_ANYWHERE = re.compile(
    r"(?<!\S)(?:ill be there|i will be there|will be there|see you there|see you tonight"
    r"|see you today|see you soon|on my way|omw|ahi estare|alli estare|alla estare"
    r"|ahi nos vemos|voy en camino|nos vemos (?:alla|ahi|hoy|esta noche|pronto|luego|al rato))"
    r"(?!\S)"
)
_HEDGES = frozenset(
    _words(
        "maybe might if idk unsure hopefully probably prob try trying possibly perhaps "
        "quizas quiza talvez"
    )
)
_HEDGE_PHRASES = re.compile(r"(?<!\S)(?:not sure|no se|tal vez|a ver si)(?!\S)")
# "see you at 6:30 pm" is a confirm: take clock times out before whole-message matching.
_CLOCK = re.compile(
    r"(?<!\S)(?:(?:at|by|around|a las|a la|alas) [0-9]{1,2}(?: [0-9]{2})?(?: (?:am|pm|p|a))?"
    r"|[0-9]{1,2}(?: [0-9]{2})? ?(?:am|pm))(?!\S)"
)
_EMOJI_CONFIRM = frozenset("\U0001f44d\U0001f44c\u2705\u2714\u2611\U0001f197")
_EMOJI_DECLINE = frozenset("\U0001f44e\u274c\u2716\u274e")
_EMOJI_NOISE = re.compile("[\\s\ufe0f\u200d\U0001f3fb-\U0001f3ff]")

# ---------------------------------------------------------------------------------------------
# Plain-language revocations
# ---------------------------------------------------------------------------------------------

_MSGS = r"(?:texts?|text messages|messages|msgs|reminders|sms|notifications)"
_DET = r"(?:(?:any|these|the|those|your|ur|all|all the|all these|all of these|more|any more) )*"
_LIST = (
    r"(?:(?:your|this|the|that|ur|these|all|all your|all the|all of your) )?"
    r"(?:(?:text|texting|sms|message|messaging|mailing|contact|reminder|distribution|call) )?"
    r"(?:list|lists|texts|messages|reminders)"
)
_ES_MSGS = r"(?:mensajes|mensajitos|textos|sms|msjs|recordatorios)"
_ES_SEND = r"(?:manden|envien|mandes|envies|mande|envie|escriban|escribas|escriba|texteen|textees)"


@dataclass(frozen=True, slots=True)
class _Revocation:
    pattern: re.Pattern[str]
    spanish: bool
    # Imperatives ("stop texting me") are also what people quote about someone else ("tell him
    # to stop texting me"), so "to" without "you" before them means reported speech.
    imperative: bool


def _rev(pattern: str, *, spanish: bool = False, imperative: bool = False) -> _Revocation:
    return _Revocation(re.compile(rf"(?<!\S)(?:{pattern})(?!\S)"), spanish, imperative)


_REVOCATIONS: tuple[_Revocation, ...] = (
    _rev(
        r"stop (?:texting|txting|texing|messaging|msging|msg|contacting|bothering|spamming) me",
        imperative=True,
    ),
    _rev(rf"stop sending (?:me )?{_DET}(?:{_MSGS}|stuff|things|this)", imperative=True),
    _rev(rf"stop {_DET}{_MSGS}", imperative=True),
    _rev(r"quit (?:texting|messaging|contacting|bothering|sending) me", imperative=True),
    _rev(
        r"(?:dont|do not|never) (?:ever )?(?:text|txt|message|msg|contact|sms) me", imperative=True
    ),
    _rev(rf"(?:dont|do not) send me {_DET}{_MSGS}", imperative=True),
    _rev(r"dont want (?:you |u |yall |you guys )?to (?:text|message|contact) me"),
    _rev(rf"no more (?:{_MSGS}|texting|check ins|checkins)"),
    _rev(r"unsubscribe(?: me)?|unsub me"),
    _rev(
        r"opt me out"
        r"|opt out of (?:(?:the|these|this|your|ur|all|all the|all these) )?"
        r"(?:texts|text messages|messages|msgs|reminders|list|sms|texting|program)"
        r"|(?:want|wanna|like|need|how do i|how can i|how to|let me) (?:to )?opt out"
    ),
    _rev(rf"take me off (?:of )?{_LIST}|take me off$"),
    _rev(rf"remove me from {_LIST}|remove me from (?:your |the )?(?:system|program)|remove me$"),
    _rev(r"(?:remove|delete|erase) my (?:phone )?number"),
    _rev(rf"(?:dont|do not|no longer) want (?:to (?:get|receive) )?{_DET}(?:{_MSGS})"),
    _rev(r"(?:dont|do not) want to be (?:texted|messaged|contacted)"),
    _rev(rf"stop (?:getting|receiving) {_DET}{_MSGS}"),
    # Spanish
    _rev(
        rf"(?:ya )?no (?:quiero|deseo|quiero seguir|deseo seguir) (?:recibir |recibiendo )?"
        rf"(?:(?:mas|sus|los|estos|tus|ningun|ningunos) )*{_ES_MSGS}",
        spanish=True,
    ),
    _rev(r"(?:darme|dar|denme|dame|deme|darse|darnos) de baja", spanish=True),
    _rev(
        rf"(?:borrenme|quitenme|saquenme|eliminenme|borrame|quitame|sacame) (?:de )?"
        rf"(?:(?:la|su|esta|tu|sus|los) )?(?:lista|{_ES_MSGS})"
        r"|(?:borren|quiten|eliminen) mi numero",
        spanish=True,
    ),
    _rev(rf"(?:ya )?no (?:quiero|deseo) que me {_ES_SEND}", spanish=True),
    _rev(
        rf"(?:ya )?no me {_ES_SEND}(?: (?:mas|ya|nada|{_ES_MSGS}))*", spanish=True, imperative=True
    ),
    _rev(
        r"(?:dejen|deja|deje|paren|para|pare) de (?:escribirme|mandarme|enviarme|textearme"
        rf"|molestarme|contactarme|(?:mandar|enviar) {_ES_MSGS})",
        spanish=True,
        imperative=True,
    ),
)

# Cheap filters first, because most replies contain no revocation phrase at all: every phrase
# above starts with (or, for "opt out", contains) one of these words, and one combined search
# is much cheaper than every pattern on every clause.
_REVOCATION_WORDS = frozenset(
    _words(
        "stop quit dont do never no unsubscribe unsub opt take remove delete erase ya darme dar "
        "denme dame deme darse darnos borrenme quitenme saquenme eliminenme borrame quitame sacame "
        "borren quiten eliminen dejen deja deje paren para pare"
    )
)
_ANY_REVOCATION = re.compile(
    "|".join(f"(?:{rev.pattern.pattern})" for rev in _REVOCATIONS), re.MULTILINE
)

_NEGATORS_EN = frozenset(
    _words("dont doesnt didnt wont wouldnt cant cannot couldnt shouldnt never not isnt arent wasnt")
)
_NEGATORS_ES = frozenset(_words("no nunca jamas tampoco ni"))
# Words that may sit between a negator/subject and the request without changing who asks:
# "don't (ever) want you guys to stop texting me".
_SKIPPABLE_EN = frozenset(
    _words(
        "to you u ya yall guys all want wanna need needs like would ever really please pls plz "
        "just actually honestly seriously kindly can could"
    )
)
_SKIPPABLE_ES = frozenset(_words("que quiero queremos ya por favor porfa ustedes me les pido solo"))
_ADDRESSEES = frozenset(_words("you u ya yall guys all"))
_THIRD_PARTY = frozenset(
    _words(
        "he she they him her them his their hes shes theyre people someone somebody everyone "
        "ex dealer el ella ellos ellas dile diles digale digales"
    )
)


def _reported(before: Sequence[str], rev: _Revocation) -> bool:
    """True when the words before a revocation phrase show it is negated ("please don't stop
    texting me") or about someone else ("my dealer won't stop texting me", "tell her to ...")."""
    skippable = _SKIPPABLE_ES if rev.spanish else _SKIPPABLE_EN
    negators = _NEGATORS_ES if rev.spanish else _NEGATORS_EN
    i = len(before) - 1
    saw_to = saw_addressee = False
    while i >= 0 and before[i] in skippable:
        saw_to = saw_to or before[i] == "to"
        saw_addressee = saw_addressee or before[i] in _ADDRESSEES
        i -= 1
    head = before[i] if i >= 0 else ""
    if head in negators or head in _THIRD_PARTY:
        return True
    return rev.imperative and not rev.spanish and saw_to and not saw_addressee


def _revokes(view: _View) -> bool:
    """Does the text ask us to stop texting? Keyword as the whole message, keyword as a sentence
    of its own (unless the word is also used in running text), or a revocation phrase."""
    if _OPT_OUT.covers(view.tokens):
        return True
    if len(view.clauses) > 1:
        keyword_clauses = [c for c in view.clauses if _OPT_OUT.covers(c)]
        if keyword_clauses:
            prose = (t for c in view.clauses if not _OPT_OUT.covers(c) for t in c)
            if not any(t in _KEYWORD_SENTENCE_VETO for t in prose):
                return True
    if _REVOCATION_WORDS.isdisjoint(view.tokens):
        return False
    if not _ANY_REVOCATION.search("\n".join(" ".join(c) for c in view.clauses)):
        return False
    for clause in view.clauses:
        words = " ".join(clause)
        for rev in _REVOCATIONS:
            for m in rev.pattern.finditer(words):
                if not _reported(words[: m.start()].split(), rev):
                    return True
    return False


# ---------------------------------------------------------------------------------------------
# Crisis terms
# ---------------------------------------------------------------------------------------------

_WORD_WITH_APOSTROPHES = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# Between the words of a term: up to three spaces/hyphens/symbols, but not a sentence end, so
# "self-harm", "selfharm" and "self  harm" match and "I could kill. Me too" does not.
_TERM_GAP = r"(?:[^\w.!?]|_){0,3}"


def _term_pattern(term: str) -> str | None:
    words = _WORD_WITH_APOSTROPHES.findall(normalise(term))
    if not words:
        return None  # a blank or punctuation-only term must never match everything
    parts: list[str] = []
    for word in words:
        if word == "myself":
            parts.append(rf"my{_TERM_GAP}self")
            continue
        segments = word.split("'")
        piece = re.escape(segments[0])
        for seg in segments[1:]:
            # Contractions match without their apostrophe ("cant"), except 'd/'s, where dropping
            # it makes another word: "od'd" must not match "odd".
            piece += ("'" if seg in ("d", "s") else "'?") + re.escape(seg)
        parts.append(piece)
    return _TERM_GAP.join(parts)


def _compile_crisis(terms: Iterable[str]) -> re.Pattern[str]:
    patterns = {p for p in (_term_pattern(t) for t in terms) if p}
    if not patterns:
        return re.compile(r"(?!)")
    alternation = "|".join(sorted(patterns, key=lambda p: (-len(p), p)))
    return re.compile(rf"(?<![^\W_])(?:{alternation})(?![^\W_])")


_DEFAULT_CRISIS = _compile_crisis(DEFAULT_CRISIS_TERMS)


@lru_cache(maxsize=32)
def _cached_crisis(terms: tuple[str, ...]) -> re.Pattern[str]:
    return _compile_crisis(terms)


def _crisis_pattern(terms: Sequence[str]) -> re.Pattern[str]:
    if terms is DEFAULT_CRISIS_TERMS:
        return _DEFAULT_CRISIS
    if isinstance(terms, str):  # a single term passed by mistake, not a list of characters
        terms = (terms,)
    return _cached_crisis(tuple(t for t in terms if isinstance(t, str)))


# ---------------------------------------------------------------------------------------------
# Scores
# ---------------------------------------------------------------------------------------------

_NUMBER_WORDS: dict[str, int] = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "cero": 0,
    "uno": 1,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "siete": 7,
    "ocho": 8,
    "nueve": 9,
    "diez": 10,
}
_NUM = "(?:[0-9]{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
_RANGE_SEP = r"\s*(?:-|~|to|or|o|u|a|y|and)\s*"
_OUT_OF = r"\s*(?:/|out of|outta|sobre)\s*10"
# Words people put around a score: "it's a 4 today", "prob 3", "como un 7 hoy".
_LEAD = (
    "a|an|about|around|approx|approximately|roughly|like|maybe|prob|probs|probably|prolly|def"
    "|honestly|tbh|idk|um+|u+h+|h+m+|well|so|ok|okay|yeah|i|i'?d|would|say|said|think|guess"
    "|it'?s|it|is|was|i'?m|am|at|feeling|feel|cravings?|urges?|my|are|level|today'?s|today"
    "|tonight|right|now|rn|currently|still|only|just|solid|more|close|to|somewhere|pretty|much"
    "|the|number|score|rating|answer|between|hey|hi|lol|actually|make|that|sorry|oops|correction"
    "|un|unos|como|mas|menos|o|tipo|creo|que|yo|diria|digo|estoy|en|es|son|hoy|ahorita|ahora"
    "|los|las|mis|mi|nivel|de|pues|bueno|eh|este|alrededor|cerca|casi|aproximadamente|entre"
    "|ganas|antojos|la|el|numero|ya|si"
)
_TRAIL = (
    "today|tonight|now|rn|atm|right|honestly|tbh|lol|lmao|ha(?:ha)+|i|think|guess|maybe"
    "|probably|prob|tho|though|at|least|the|moment|most|max|so|currently|still|for|me|sadly"
    "|unfortunately|ok|okay|yeah|kinda|sorta|thanks|thank|you|thx|ty|cravings?|level"
    "|hoy|creo|mas|o|menos|gracias|ahorita|ahora|ya|hasta|el|momento|por|ahi"
)
_GAP = r"(?:[,:;.!?]*\s|[,:;.!?]+)"
_CORE = (
    rf"(?P<a>{_NUM})(?:{_RANGE_SEP}(?P<b>{_NUM}))?(?:\s*-?\s*ish)?"
    rf"(?:{_OUT_OF}|\s*(?:of|de)\s*10)?"
)
_SCORE_WHOLE = re.compile(rf"(?:(?:{_LEAD}){_GAP})*{_CORE}(?:{_GAP}(?:{_TRAIL}))*")
# "N/10" or "N out of 10" is a score wherever it stands: "8/10 rough day".
_SCORE_SCALE = re.compile(
    rf"(?<![\w.,/-])(?:(?P<a>{_NUM})\s*(?:-|~|to|or|o|a)\s*)?(?P<b>{_NUM}){_OUT_OF}"
    r"(?![0-9]|[.,][0-9])"
)
_SCORE_CLAUSE_SPLIT = re.compile(r"(?:[^\w\s'/-]|_)+|\s-+\s")
_ANY_NUMBER = re.compile(rf"[0-9]|(?<![^\W_])(?:{'|'.join(_NUMBER_WORDS)})(?![^\W_])")


def _number(text: str | None) -> int | None:
    if text is None:
        return None
    return _NUMBER_WORDS[text] if text in _NUMBER_WORDS else int(text)


def _range_value(m: re.Match[str]) -> int | None:
    """The score a match stands for: the higher end of a range, None if any end is past 10."""
    values = [v for v in (_number(m.group("a")), _number(m.group("b"))) if v is not None]
    if any(v > 10 for v in values):
        return None
    return max(values)


def _score(norm: str) -> int | None:
    if not _ANY_NUMBER.search(norm):
        return None
    scaled = list(_SCORE_SCALE.finditer(norm))
    if scaled:
        values = [_range_value(m) for m in scaled]
        if any(v is None for v in values):
            return None  # "11/10" is not clamped: a person should read it
        return max(v for v in values if v is not None)
    whole = _SCORE_WHOLE.fullmatch(norm)
    if whole:
        return _range_value(whole)
    # "rough day, like a 7" / "7!! rough day": exactly one sentence is a score and no other
    # sentence has a number in it. "2 kids sick" and "call me at 555 1234" fail here.
    pieces = [p.strip() for p in _SCORE_CLAUSE_SPLIT.split(norm) if p.strip()]
    if len(pieces) < 2:
        return None
    hits = [(p, m) for p in pieces if (m := _SCORE_WHOLE.fullmatch(p))]
    if len(hits) != 1:
        return None
    hit_piece, hit = hits[0]
    if any(_ANY_NUMBER.search(p) for p in pieces if p is not hit_piece):
        return None
    return _range_value(hit)


def parse_score(text: str) -> int | None:
    """A 0-10 score in the forms people write ("7", "7/10", "7 out of 10", "a 6", "like 8!!",
    "seven", "it's a 4 today", "un 6", "como 8", "siete"), the higher end of a range ("7-8",
    "7 or 8"), else None. Out-of-range numbers ("12", "11/10", "-3") give None, never a clamp;
    so do times ("6pm", "6:30") and numbers that are not scores ("2 kids sick")."""
    try:
        return _score(normalise(text[:MAX_CHARS]))
    except Exception:  # pure helper on untrusted text: a bug must not take the webhook down
        return None


# ---------------------------------------------------------------------------------------------
# Classification
# ---------------------------------------------------------------------------------------------


def _reminder_answer(view: _View, raw: str) -> str | None:
    if not view.tokens:
        # "👍" or "👍🏽!": the whole reply was emoji, which normalise strips. Skin tones,
        # variation selectors and punctuation around them do not change the answer.
        emoji = {ch for ch in _EMOJI_NOISE.sub("", raw) if unicodedata.category(ch)[0] == "S"}
        if emoji and emoji <= _EMOJI_CONFIRM:
            return "confirm"
        if emoji and emoji <= _EMOJI_DECLINE:
            return "decline"
        return None
    words = " ".join(view.tokens)
    unclocked = _CLOCK.sub(" ", words).split()
    if _DECLINE.covers(unclocked) or _DECLINE_ANYWHERE.search(words):
        return "decline"
    if _CONFIRM.covers(unclocked):
        return "confirm"
    if _CONFIRM_ANYWHERE.search(words):
        hedged = (
            "?" in raw
            or any(t in _HEDGES for t in view.tokens)
            or _HEDGE_PHRASES.search(words) is not None
        )
        if not hedged:
            return "confirm"
    return None


def _prompt_kinds(open_prompts: Sequence[str]) -> list[str]:
    if isinstance(open_prompts, str):
        open_prompts = (open_prompts,)
    kinds: list[str] = []
    for prompt in open_prompts:
        kind = str(prompt).strip().lower()
        if kind in ("reminder", "checkin") and kind not in kinds:
            kinds.append(kind)
    return kinds


def _classify(
    body: str, opted_out: bool, open_prompts: Sequence[str], crisis_terms: Sequence[str]
) -> Classification:
    raw = body[:MAX_CHARS] if isinstance(body, str) else ""
    norm = normalise(raw)
    view = _View.of(norm)

    if _crisis_pattern(crisis_terms).search(norm):
        return Classification("crisis", revokes=_revokes(view))
    if _revokes(view):
        return Classification("opt_out", revokes=True)
    if opted_out and _OPT_IN.covers(view.tokens):
        return Classification("opt_in")
    if _HELP.covers(view.tokens):
        return Classification("help")
    if opted_out:
        # Only an explicit START/UNSTOP/YES resumes texts; "1" or "sure" never does.
        return _FREE_TEXT

    # Most recent prompt first; an answer that only fits an older open prompt still counts.
    for kind in _prompt_kinds(open_prompts):
        if kind == "reminder":
            answer = _reminder_answer(view, raw)
            if answer is not None:
                return Classification(answer)
        else:
            score = _score(norm)
            if score is not None:
                return Classification("checkin_answer", score=score)
    return _FREE_TEXT


def classify(
    body: str,
    *,
    opted_out: bool = False,
    open_prompts: Sequence[str] = (),
    crisis_terms: Sequence[str] = DEFAULT_CRISIS_TERMS,
) -> Classification:
    """Classify one inbound SMS body. ``open_prompts`` are the kinds of prompt awaiting an
    answer from this client, most recent first (``"reminder"``, ``"checkin"``). Never raises."""
    try:
        return _classify(body, opted_out, open_prompts, crisis_terms)
    except Exception:  # the webhook must always record the reply; free text reaches a human
        return _FREE_TEXT
