"""The settings table (turfmap/config.py) and the README's table say the same."""

from __future__ import annotations

import re

import pytest

from turfmap.config import PROJECT_ROOT, SETTINGS, SettingError, read_settings

ROW = re.compile(r"^\| `([A-Z0-9_]+)` \| (.+?) \| (.+) \|$")


def readme_settings() -> dict[str, tuple[str, str]]:
    text = (PROJECT_ROOT / "README.md").read_text()
    section = text.split("## Settings (environment)\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = ROW.match(line)
        if match:
            rows[match.group(1)] = (match.group(2), match.group(3))
    return rows


def test_every_setting_is_documented_and_nothing_else():
    documented = readme_settings()
    declared = {s.name: s for s in SETTINGS}
    assert sorted(documented) == sorted(declared)
    for name, (default, meaning) in documented.items():
        assert default == declared[name].documented_default(), name
        assert meaning == declared[name].help, name


def test_every_default_parses():
    values = read_settings({})
    assert values["TURFMAP_INDEX_CHECK_SECONDS"] == 5.0
    assert values["TURFMAP_SECRET_KEY"] is None and values["TURFMAP_DEBUG"] is False


@pytest.mark.parametrize(
    "name, value",
    [
        ("TURFMAP_TRUSTED_PROXIES", "two"),
        ("TURFMAP_COMMIT_LIMIT", "lots"),
        ("TURFMAP_PUBLIC_URL", "map.example.org"),
        ("TURFMAP_MAX_UPLOAD_MB", "-1"),
        ("TURFMAP_DEBUG", "maybe"),
    ],
)
def test_a_bad_value_names_its_setting(name, value):
    with pytest.raises(SettingError, match=f"^{name}: "):
        read_settings({name: value})


@pytest.mark.parametrize(
    "marker, registry", [("layouts", "RESULTS"), ("fields", "BOUNDARY_FIELDS")]
)
def test_the_readme_lists_every_layout_and_nothing_else(marker, registry):
    from turfmap import layouts

    text = (PROJECT_ROOT / "README.md").read_text()
    listed = text.split(f"<!-- {marker}: start -->", 1)[1].split(f"<!-- {marker}: end -->", 1)[0]
    keys = re.findall(r"^- `([a-z0-9-]+)`:", listed, re.M)
    assert keys == list(getattr(layouts, registry))


def test_the_command_lists_its_commands_without_the_app_or_heavy_libraries():
    """`turfmap --help` needs no database URL and imports neither the app's data
    layer nor pandas, numba or SQLAlchemy (start-up time: bench/RESULTS.md)."""
    import os
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from turfmap.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit as end:\n"
        "    assert end.code == 0, end.code\n"
        "heavy = ['pandas', 'numba', 'sqlalchemy', 'geopandas', 'shapely', 'turfmap.extensions']\n"
        "print('loaded:', [name for name in heavy if name in sys.modules])\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("TURFMAP_")}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "simulate" in done.stdout and "import" in done.stdout and "turfs" in done.stdout
    assert "loaded: []" in done.stdout
