"""The public pages in English and Welsh (turfmap/web/language.py): ?lang=, then the
cookie it leaves, then Accept-Language; the workspace and the API stay in English;
and the Welsh catalogue has every string the public templates mark."""

from __future__ import annotations

import json
import re
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from turfmap.web.language import catalogue_path

ROOT = Path(__file__).resolve().parents[1]


def test_lang_asks_for_welsh_and_the_cookie_keeps_it(uk_app):
    client = uk_app.test_client()
    page = client.get("/?lang=cy")
    html = page.get_data(as_text=True)
    assert '<html lang="cy">' in html and "Eich cod post neu le" in html
    words = re.search(r'id="turfmap-strings">(.*?)</script>', html, re.S).group(1)
    assert json.loads(words)["searching"] == "Yn chwilio…"  # the script's words too
    assert "lang=cy" in page.headers["Set-Cookie"] and "Accept-Language" in page.headers["Vary"]
    again = client.get("/d/E14001279").get_data(as_text=True)  # the cookie, no ?lang
    assert '<html lang="cy">' in again and "<h2>Angen gwirfoddolwyr</h2>" in again
    assert "Enillodd Lab o 15 o bleidleisiau dros Con" in again
    english = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "Your postcode or a place" in english


@pytest.mark.parametrize(
    "header, language", [("cy-GB,cy;q=0.9,en;q=0.5", "cy"), ("en-GB,en;q=0.9", "en"), ("fr", "en")]
)
def test_the_browsers_language_is_followed(uk_app, header, language):
    html = uk_app.test_client().get("/", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{language}">' in html


def test_an_unknown_language_is_refused_by_name(uk_app):
    page = uk_app.test_client().get("/?lang=xx")
    assert page.status_code == 400 and "lang=&#39;xx&#39; must be one of en, cy" in page.get_data(
        as_text=True
    )


def test_the_workspace_and_the_api_stay_in_english(uk_app):
    client = uk_app.test_client()
    client.get("/?lang=cy")
    assert "Sign in" in client.get("/admin/login").get_data(as_text=True)
    answer = client.get("/api/v1/districts/E14001279", headers={"Accept-Language": "cy"})
    assert answer.get_json()["need"]["reason"].startswith("Lab won it by 15 votes")


def test_recommendations_and_need_reasons_in_welsh(uk_app):
    """The sentences the pure layers write (turfmap/words.py) in the page's language:
    the API's when asked with lang=cy (never by Accept-Language alone), and the
    district page's on a Welsh page."""
    client = uk_app.test_client()
    hendon = "/api/v1/recommend?lat=51.5896&lon=-0.2283&mode=transit&max_minutes=60"
    english = client.get(hendon).get_json()
    welsh = client.get(hendon + "&lang=cy").get_json()
    assert english["district"]["why"].startswith(
        "Lab won it by 15 votes in the 2024 general election; 0 of about 75 volunteers"
    )
    assert welsh["district"]["why"] == (
        "Enillodd Lab hi o 15 o bleidleisiau yn etholiad cyffredinol 2024; 0 o tua 75 o "
        "wirfoddolwyr y gallai eu defnyddio heddiw (amcangyfrif ar sail yr etholwyr); rydych "
        "chi yn yr ardal hon."
    )
    first = welsh["recommendations"][1]["why"]
    assert re.search(r"; \d+ munud ar drafnidiaeth gyhoeddus \(amcangyfrif\)\.$", first), first
    # Everything but the sentences (and the one-use tokens) is the same in both.
    for answer in (english, welsh):
        for item in (answer["district"], *answer["recommendations"]):
            item.pop("why"), item.pop("commit_token", None)
    assert welsh == english
    page = client.get("/d/E14001279?lang=cy").get_data(as_text=True)
    assert (
        "Enillodd Lab hi o 15 o bleidleisiau (0.0% o&#39;r bleidlais) yn etholiad cyffredinol "
        "2024." in page
    )
    assert client.get("/api/v1/recommend?lat=51.5896&lon=-0.2283&lang=xx").status_code == 400


def test_a_translation_keeps_its_messages_placeholders():
    """A Welsh sentence is formatted with the English one's values: the same names."""
    with catalogue_path("cy").open("rb") as source:
        catalogue = read_po(source)

    def names(text):
        return sorted((name, spec) for _, name, spec, _ in Formatter().parse(text) if name)

    braced = [m for m in catalogue if m.id and "python-brace-format" in m.flags]
    assert len(braced) > 20
    assert [m.id for m in braced if names(m.id) != names(m.string)] == []


def test_the_welsh_catalogue_has_every_string_of_the_public_pages():
    sources = [
        ("templates/**.html", "jinja2"),
        ("turfmap/scoring/need.py", "python"),
        ("turfmap/recommend/**.py", "python"),
        ("turfmap/layouts/**.py", "python"),
        ("turfmap/words.py", "python"),
    ]
    keywords = {"_": None, "words": None, "marked": None}
    marked = {
        message
        for _, _, message, *_ in extract_from_dir(ROOT, method_map=sources, keywords=keywords)
        if isinstance(message, str)
    }
    with catalogue_path("cy").open("rb") as source:
        catalogue = read_po(source)
    translated = {m.id: m.string for m in catalogue if m.id}
    assert marked, "no strings found: is the extraction reading the templates?"
    assert sorted(m for m in marked if not translated.get(m)) == []
    assert sorted(set(translated) - marked) == []  # nothing left over from old pages
