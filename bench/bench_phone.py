"""The map on a slow phone, in headless Chromium: the CPU throttled 4x and DevTools'
"Slow 3G" network profile (2,000 ms latency, 400 kbit/s each way), set through the
DevTools protocol; 650 UK seats served by gunicorn with gzip, no background tiles.

Two moments, each from navigation start:
- search usable: the search box can be typed into and the page's script has set
  the map up (window.turfmapInstance), so a postcode search works;
- districts drawn: all 650 seats on the map.

Target (issue 19): interactive within 3 s on the phone profile. Baseline, measured
in the same run: the same page on an unthrottled desktop.
"""

from __future__ import annotations

import time

from bench.bench_recommend import _free_port, _serve
from bench.common import launch_chromium, uk_database

SLOW_3G = {"latency": 2000, "downloadThroughput": 50_000, "uploadThroughput": 50_000}
CPU_SLOWDOWN = 4


def load(browser, url: str, *, phone: bool) -> dict:
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 800}
    context = browser.new_context(viewport=size, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    if phone:
        devtools = context.new_cdp_session(page)
        devtools.send("Network.enable")
        devtools.send("Network.emulateNetworkConditions", {"offline": False, **SLOW_3G})
        devtools.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    start = time.perf_counter()
    page.goto(url + "/", wait_until="commit", timeout=120_000)
    page.wait_for_function(
        "window.turfmapInstance && !document.getElementById('postcode').disabled",
        timeout=120_000,
        polling=50,
    )
    usable = time.perf_counter() - start
    page.wait_for_selector(".folium-map[data-districts='650']", timeout=120_000)
    drawn = time.perf_counter() - start
    context.close()
    return {"usable_seconds": usable, "drawn_seconds": drawn}


def run() -> dict:
    from playwright.sync_api import sync_playwright

    with uk_database() as database:
        port = _free_port()
        server = _serve(str(database.engine.url), port, extra={"TURFMAP_TILES": "none"})
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                url = f"http://127.0.0.1:{port}"
                load(browser, url, phone=False)  # warm the workers and their caches
                desktop = load(browser, url, phone=False)
                phone = load(browser, url, phone=True)
                browser.close()
        finally:
            server.terminate()
            server.wait(10)
    print(
        f"phone (CPU {CPU_SLOWDOWN}x slower, Slow 3G): search usable after "
        f"{phone['usable_seconds']:.2f} s, 650 districts drawn after "
        f"{phone['drawn_seconds']:.2f} s (target: interactive within 3 s)"
    )
    print(
        f"desktop, unthrottled, same run: search usable after {desktop['usable_seconds']:.2f} s, "
        f"drawn after {desktop['drawn_seconds']:.2f} s; the phone takes "
        f"{phone['drawn_seconds'] / desktop['drawn_seconds']:.1f}x as long to draw"
    )
    return {"phone": phone, "desktop": desktop}


if __name__ == "__main__":
    run()
