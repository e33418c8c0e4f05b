"""The map in headless Chromium (Debian's package, driven by Playwright), 650 UK
seats served by gunicorn with gzip, no background tiles:

- bytes transferred before the map is interactive (all 650 seats drawn): <= 300 KB;
- time to interactive on 127.0.0.1: <= 1.5 s;
- a pan at zoom 10 loads <= 100 KB.

Baseline in the same run: the bytes of the whole country at street-level detail,
which is what the first load would carry without zoom bands.
"""

from __future__ import annotations

import http.client
import time

from bench.bench_recommend import _free_port, _serve
from bench.common import launch_chromium, uk_database


def measure(url: str) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        transferred = []
        page.on(
            "requestfinished",
            lambda r: transferred.append(
                (r.url, r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"])
            ),
        )
        start = time.perf_counter()
        page.goto(url + "/", wait_until="commit")
        page.wait_for_selector(".folium-map[data-districts='650']", timeout=30_000)
        interactive = time.perf_counter() - start
        first_load = sum(size for _, size in transferred)
        before_interactive = list(transferred)
        page.evaluate("window.turfmapInstance.map.setView([53.48, -2.24], 10, {animate: false}); 0")
        page.wait_for_function("window.turfmapInstance.pending === 0")
        page.wait_for_timeout(300)
        before = len(transferred)
        page.evaluate("window.turfmapInstance.map.panBy([600, 0], {animate: false}); 0")
        page.wait_for_timeout(300)
        page.wait_for_function("window.turfmapInstance.pending === 0")
        pan = sum(size for _, size in transferred[before:])
        browser.close()
    return {
        "interactive_seconds": interactive,
        "first_load_bytes": first_load,
        "pan_bytes": pan,
        "requests": len(transferred),
        "largest": sorted(before_interactive, key=lambda t: -t[1]),
    }


def street_detail_gzip(port: int) -> int:
    """Bytes of the first load's geometry had it been served at street-level detail
    (the 60 m band) instead of the country band."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request(
        "GET",
        "/api/v1/sets/westminster-2024/districts.geojson?zoom=12",
        headers={"Accept-Encoding": "gzip"},
    )
    return len(connection.getresponse().read())


def run() -> dict:
    with uk_database() as database:
        port = _free_port()
        server = _serve(str(database.engine.url), port, extra={"TURFMAP_TILES": "none"})
        try:
            measure(f"http://127.0.0.1:{port}")  # warm the workers
            figures = measure(f"http://127.0.0.1:{port}")
            baseline = street_detail_gzip(port)
        finally:
            server.terminate()
            server.wait(10)
    print(
        f"bytes before interactive: {figures['first_load_bytes'] / 1024:,.0f} KB over "
        f"{figures['requests']} requests (target <= 300 KB; street-level geometry alone "
        f"would be ~{baseline / 1024:,.0f} KB, {baseline / figures['first_load_bytes']:.1f}x)"
    )
    largest = figures["largest"]
    print(
        "  of which, KB: "
        + ", ".join(f"{u.rsplit('/', 1)[-1][:40]} {n / 1024:.1f}" for u, n in largest)
    )
    print(f"time to interactive: {figures['interactive_seconds']:.2f} s (target <= 1.5 s)")
    print(f"pan at zoom 10: {figures['pan_bytes'] / 1024:,.0f} KB (target <= 100 KB)")
    return figures


if __name__ == "__main__":
    run()
