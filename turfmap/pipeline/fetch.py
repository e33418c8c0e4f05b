"""Official source files: where each publisher serves them, how to check them, and
how to find the same files in a folder when there is no network.

Downloads go to a ``.part`` file and are renamed into the cache only once complete
and checked, so an interrupted or tampered download never reaches an import.
"""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click

from turfmap.config import PROJECT_ROOT
from turfmap.errors import InputError, SourceUnavailable

CHUNK = 1 << 16
TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class SourceFile:
    role: str  # boundaries, results, postcodes
    filename: str  # the name in the cache, and on a mirror
    url: str | None  # None: no stable public address; only --from or a mirror has it
    patterns: tuple[str, ...]  # globs that find the file in a --from folder
    sha256: str | None = None  # pinned where the publisher's bytes are stable
    required: bool = True
    layout: str = ""  # what turfmap reads it as
    licence: str = ""


@dataclass(frozen=True)
class Source:
    key: str
    description: str
    files: tuple[SourceFile, ...]


CATALOGUE = PROJECT_ROOT / "data" / "sources.json"


@functools.cache
def sources() -> dict[str, Source]:
    """The catalogue of official sources, data/sources.json."""
    listed = json.loads(CATALOGUE.read_text(encoding="utf-8"))["sources"]
    return {
        entry["key"]: Source(
            entry["key"],
            entry["description"],
            tuple(
                SourceFile(**(item | {"patterns": tuple(item["patterns"])}))
                for item in entry["files"]
            ),
        )
        for entry in listed
    }


def get_source(key: str) -> Source:
    known = sources()
    if key not in known:
        raise InputError(f"unknown source {key!r}; choose from {', '.join(known)}")
    return known[key]


def fetch(
    key: str,
    *,
    cache_dir: Path,
    from_dir: Path | None = None,
    mirror: str | None = None,
    echo: Callable[[str], None] = print,
) -> dict[str, Path]:
    """{role: path} for the source's files, from ``from_dir``, the cache, or a download."""
    source = get_source(key)
    found: dict[str, Path] = {}
    for item in source.files:
        path = _locate(item, source, Path(cache_dir), from_dir, mirror, echo)
        if path is not None:
            found[item.role] = path
    return found


def _locate(item, source, cache_dir, from_dir, mirror, echo) -> Path | None:
    if from_dir is not None:
        path = find_in_folder(Path(from_dir), item.patterns)
        if path is None:
            if item.required:
                raise InputError(
                    f"{from_dir}: no {item.role} file for {source.key} (looked for "
                    f"{', '.join(item.patterns)})"
                )
            return None
        if item.sha256 and path.name == item.filename:
            verify(path, item.sha256)
        return path
    cached = cache_dir / source.key / item.filename
    if cached.exists():
        if item.sha256:
            verify(cached, item.sha256)
        echo(f"{item.role}: using cached {cached}")
        return cached
    url = f"{mirror.rstrip('/')}/{item.filename}" if mirror else item.url
    if url is None:
        if item.required:
            raise SourceUnavailable(f"{item.filename} has no public download; use --from DIR")
        return None
    try:
        return download(url, cached, item.sha256, echo)
    except SourceUnavailable as exc:
        if item.required:
            raise
        echo(f"optional {item.role} file skipped: {exc}")
        return None


def find_in_folder(folder: Path, patterns) -> Path | None:
    if not folder.is_dir():
        raise InputError(f"--from {folder}: not a folder")
    for pattern in patterns:
        matches = sorted(p for p in folder.rglob(pattern) if p.is_file())
        if matches:
            return matches[0]
    return None


def download(url: str, target: Path, sha256: str | None, echo) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    digest = hashlib.sha256()
    echo(f"downloading {url}")
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "turfmap/0.1"})
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            length = int(response.headers.get("Content-Length") or 0) or None
            with (
                open(partial, "wb") as out,
                click.progressbar(length=length, label=target.name, file=sys.stderr) as bar,
            ):
                while chunk := response.read(CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
                    bar.update(len(chunk))
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise SourceUnavailable(f"could not download {url}: {exc}") from exc
    if sha256 and digest.hexdigest() != sha256:
        partial.unlink(missing_ok=True)
        raise SourceUnavailable(
            f"{url}: checksum mismatch (got sha256 {digest.hexdigest()}, expected {sha256}); "
            "the file was discarded"
        )
    if partial.stat().st_size == 0:
        partial.unlink()
        raise SourceUnavailable(f"{url}: the download was empty")
    shutil.move(partial, target)
    note = "checksum verified" if sha256 else f"no published checksum; sha256 {digest.hexdigest()}"
    echo(f"saved {target} ({target.stat().st_size:,} bytes, {note})")
    return target


def verify(path: Path, sha256: str) -> None:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    if digest.hexdigest() != sha256:
        raise SourceUnavailable(
            f"{path}: checksum mismatch (sha256 {digest.hexdigest()}, expected {sha256})"
        )
