"""What the browser tests share: Debian's Chromium driven by Playwright (one
browser for the whole run: the fixtures live in conftest.py, since Playwright's
sync API cannot run twice at once), a live server, screenshots."""

from __future__ import annotations

import threading
from pathlib import Path

from werkzeug.serving import make_server

SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"


class LiveServer:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()


def shot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def wait_for_map(frame, districts=650):
    frame.wait_for_selector(f".folium-map[data-districts='{districts}']", timeout=20_000)
