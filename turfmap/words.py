"""Sentences in the reader's language.

The pure layers (scoring, recommend) write every sentence a volunteer reads
through a ``Words``: ``words("{party} won it by {majority:,} votes", party=...,
majority=...)``. English is the message itself, formatted; the web layer passes
the words of the page's language instead (turfmap/web/language.py, from the same
catalogues as the templates), so a Welsh page's sentences are Welsh too. Each
message is a literal string at its call, so Babel extracts it (keywords ``words``
and, for a message chosen from a table, ``marked``); tests/test_language.py checks
the Welsh catalogue has them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Words = Callable[..., str]

# Said after a contest whose figures are notional (pipeline/notional.py).
NOTIONAL = " (notional, on these boundaries)"
_CONTEST = re.compile(
    r"the (?P<year>\d{4}) (?P<kind>.+?)(?P<notional>" + re.escape(NOTIONAL) + ")?"
)


def english(message: str, /, **values) -> str:
    """The message in English, as written, with its values in.

    >>> english("{party} won it by {majority:,} votes", party="Lab", majority=1511)
    'Lab won it by 1,511 votes'
    """
    return message.format(**values)


def marked(message: str) -> str:
    """A message kept in a table and translated where it is used: marked here so
    that Babel finds it.

    >>> marked("the electorate")
    'the electorate'
    """
    return message


def contest_name(contest: str, words: Words) -> str:
    """A stored contest ("the 2024 general election", made from its results layout's
    message "the {year} general election") in the reader's language; a contest no
    layout named stays as it was stored.

    >>> contest_name("the 2024 general election", english)
    'the 2024 general election'
    >>> welsh = {"the {year} general election": "etholiad cyffredinol {year}"}
    >>> contest_name("the 2024 general election", lambda m, **v: welsh[m].format(**v))
    'etholiad cyffredinol 2024'
    >>> contest_name("the 2017 general election (notional, on these boundaries)", english)
    'the 2017 general election (notional, on these boundaries)'
    >>> contest_name("the by-election", english)
    'the by-election'
    """
    found = _CONTEST.fullmatch(contest)
    if found is None:
        return contest
    message = "the {year} " + found["kind"]  # a layout's message (layouts/*.py)
    named = words(message, year=found["year"])
    return named + words(" (notional, on these boundaries)") if found["notional"] else named
