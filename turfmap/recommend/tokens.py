"""Commitment tokens. Every district a recommendation offers carries one; a
commitment ("I'll go there") counts only with a token this server issued, for the
district it names, on the campaign day it was issued, and only once.

Tokens are signed, not stored: issuing one costs a recommendation an HMAC and no
database write, and a forged or altered token fails its signature. "Only once" is
the commitments table's unique nonce column. What stops a script from asking for
tokens and spending them one by one is the per-address limit on commitments
(TURFMAP_COMMIT_LIMIT), which this makes meaningful: without tokens, a script
needed no recommendation at all.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import date

from turfmap.errors import Conflict, Forbidden

MAC_BYTES = 16
MAX_TOKEN_LENGTH = 400
TOKEN_FORM = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")  # base64url body . MAC


@dataclass(frozen=True)
class Granted:
    """What a valid token lets its bearer commit to."""

    set_slug: str
    code: str
    day: date
    nonce: str


class CommitTokens:
    """Issues and checks tokens under a key derived from the app's secret key.

    >>> tokens = CommitTokens("a secret key of some length, for the example")
    >>> token = tokens.issue("westminster-2024", "E14001279", date(2026, 12, 2))
    >>> granted = tokens.check(token, today=date(2026, 12, 2))
    >>> granted.set_slug, granted.code, granted.day
    ('westminster-2024', 'E14001279', datetime.date(2026, 12, 2))
    >>> tokens.check(token, today=date(2026, 12, 3))
    Traceback (most recent call last):
    turfmap.errors.Conflict: this commitment token was issued for 2026-12-02 and has expired; ...
    >>> tokens.check(token[:-2] + "xx", today=date(2026, 12, 2))
    Traceback (most recent call last):
    turfmap.errors.Forbidden: field 'token': not a commitment token this server issued; ...
    """

    def __init__(self, secret_key: str):
        # A key of its own, so a token can never double as a signed cookie.
        self._key = hashlib.sha256(b"turfmap commitment tokens\x00" + secret_key.encode()).digest()

    def issue(self, set_slug: str, code: str, day: date, nonce: str | None = None) -> str:
        """A token for one commitment; ``nonce`` (unique per token) is made here
        unless the caller has one (stamp() makes one random stem per answer)."""
        nonce = nonce or secrets.token_urlsafe(12)
        body = f"{day.isoformat()}|{nonce}|{set_slug}|{code}".encode()
        return f"{_b64(body)}.{_b64(self._mac(body))}"

    def check(self, token: object, *, today: date) -> Granted:
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
            raise _refused()
        body_text, _, mac_text = token.partition(".")
        try:
            body, mac = _unb64(body_text), _unb64(mac_text)
        except (ValueError, binascii.Error):
            raise _refused() from None
        if not hmac.compare_digest(mac, self._mac(body)):
            raise _refused()
        day_text, nonce, set_slug, code = body.decode().split("|", 3)
        day = date.fromisoformat(day_text)
        if day != today:
            raise Conflict(
                f"this commitment token was issued for {day.isoformat()} and has expired; "
                "ask for a new recommendation",
                code="token_expired",
            )
        return Granted(set_slug, code, day, nonce)

    def _mac(self, body: bytes) -> bytes:
        # Keyed BLAKE2 is a MAC in its own right (RFC 7693), a third of HMAC-SHA256's
        # cost on these short messages: a recommendation signs six of them.
        return hashlib.blake2b(body, key=self._key, digest_size=MAC_BYTES).digest()


def _refused() -> Forbidden:
    # 403, not 400: the request is well formed, but carries no grant to act on.
    return Forbidden(
        "field 'token': not a commitment token this server issued; use the "
        "commit_token of a district in a recommendation (GET /api/v1/recommend)",
        code="invalid_token",
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    if not text.isascii():
        raise ValueError("not base64")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def stamp(answer: dict, tokens: CommitTokens, day: date) -> dict:
    """Give the home district and each recommended district of ``answer`` (what
    recommend() returns) its commitment token."""
    # One random stem per answer, one suffix per district: as unique as a random
    # nonce each (the stem is 96 random bits), at one call to the system's RNG.
    stem = secrets.token_urlsafe(12)
    home = answer.get("district")
    if home and home.get("need") is not None:
        home["commit_token"] = tokens.issue(answer["set"], home["code"], day, f"{stem}h")
    for n, item in enumerate(answer["recommendations"]):
        item["commit_token"] = tokens.issue(item["set"], item["code"], day, f"{stem}{n}")
    return answer
