"""The public pages (map, embed, district, session, errors) in English and Welsh: a
campaign in Wales has to offer both. The language is ``?lang=`` (kept in a cookie
from then on), else the browser's Accept-Language, else English; the workspace and
the API stay in English.

Strings are marked in the templates with ``_()`` (Jinja's i18n extension) and
extracted with Babel (``pybabel extract -F babel.cfg -o /tmp/turfmap.pot .``); each
language's catalogue is a .po file under turfmap/translations/, read with Babel at
start-up (no compiled .mo file is kept: it would be a generated copy of the .po)."""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import Flask, g, request

from turfmap.errors import InputError, shown
from turfmap.words import Words, english

LANGUAGES = ("en", "cy")  # English first: the default, and the language of the source
CATALOGUES = Path(__file__).resolve().parents[1] / "translations"
COOKIE = "lang"


def catalogue_path(language: str) -> Path:
    return CATALOGUES / language / "LC_MESSAGES" / "messages.po"


def load(language: str) -> NullTranslations:
    if language == "en":
        return NullTranslations()
    with catalogue_path(language).open("rb") as source:
        catalogue = read_po(source, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled)


@cache
def words_in(language: str) -> Words:
    """The sentences of the pure layers (turfmap/words.py) in ``language``: one
    function per language, always the same one, so their caches keep working."""
    if language == "en":
        return english
    translations = load(language)

    def words(message: str, /, **values) -> str:
        return translations.gettext(message).format(**values)

    return words


def page_words() -> Words:
    """The words of this request's page."""
    return words_in(g.get("language", "en"))


def chosen_language() -> str:
    """The language of this request's page (see the module's docstring)."""
    endpoint = request.endpoint or ""
    if endpoint and not endpoint.startswith("pages."):
        return "en"
    asked = request.args.get("lang")
    if asked is not None:
        if asked not in LANGUAGES:
            raise InputError(f"lang={shown(asked)} must be one of {', '.join(LANGUAGES)}")
        return asked
    kept = request.cookies.get(COOKIE)
    if kept in LANGUAGES:
        return kept
    return request.accept_languages.best_match(LANGUAGES, default="en")


def install(app: Flask) -> None:
    translations = {language: load(language) for language in LANGUAGES}

    def gettext(message: str) -> str:
        return translations[g.get("language", "en")].gettext(message)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return translations[g.get("language", "en")].ngettext(singular, plural, n)

    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(gettext, ngettext, newstyle=True)

    @app.before_request
    def choose():
        g.language = "en"  # until chosen: an error in choosing is shown in English
        g.language = chosen_language()

    @app.after_request
    def remember(response):
        asked = request.args.get("lang")
        if asked in LANGUAGES and (request.endpoint or "").startswith("pages."):
            response.set_cookie(COOKIE, asked, max_age=365 * 86400, samesite="Lax")
        if (request.endpoint or "").startswith("pages.") and response.mimetype == "text/html":
            response.vary.add("Accept-Language")
            response.vary.add("Cookie")
        return response
