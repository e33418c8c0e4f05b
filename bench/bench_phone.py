"""The map on a slow phone, in headless Chromium: the CPU throttled 4x and DevTools'
"Slow 3G" network profile (2,000 ms latency, 400 kbit/s each way), set through the
DevTools protocol; 650 UK seats served by gunicorn with gzip, no background tiles.

Moments, each from navigation start:
- search usable: the search box can be typed into and a search is taken
  (static/map-early.js, inlined in the page, has bound the form);
- districts drawn: all 650 seats on screen, whichever drawing comes first (the
  page's own overview, or Leaflet's);
- map ready: Leaflet has drawn all 650 seats (zoom, pan, popups);
- answer shown: a place typed and sent the moment the search is usable
  ("Hendon"), until its recommendations are listed.

Target (issue 19): interactive (search usable, districts drawn) within 3 s on the
phone profile. Baseline, measured in the same run: the same page on an
unthrottled desktop. Also printed: the page's own size, as sent (gzip).
"""

from __future__ import annotations

from bench.bench_recommend import _free_port, _serve
from bench.common import launch_chromium, uk_database

SLOW_3G = {"latency": 2000, "downloadThroughput": 50_000, "uploadThroughput": 50_000}
CPU_SLOWDOWN = 4


# Each moment is noted in the page, against its own clock (performance.now(): from
# navigation start), the first time its condition holds; polled every 25 ms.
MOMENTS = """
window.__moments = {};
(function () {
  var checks = {
    usable: function () {
      return window.TurfmapEarly && !document.getElementById("postcode").disabled;
    },
    drawn: function () { return document.querySelector("[data-districts='650']"); },
    ready: function () { return document.querySelector(".folium-map[data-districts='650']"); },
    answered: function () { return document.querySelector("#turfmap-results li"); }
  };
  var timer = setInterval(function () {
    Object.keys(checks).forEach(function (k) {
      if (!(k in window.__moments) && checks[k]()) window.__moments[k] = performance.now() / 1000;
    });
    if (Object.keys(window.__moments).length === 4) clearInterval(timer);
  }, 25);
})();
"""


def load(browser, url: str, *, phone: bool) -> dict:
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 800}
    context = browser.new_context(viewport=size, is_mobile=phone, has_touch=phone)
    context.add_init_script(MOMENTS)
    page = context.new_page()
    sent = {}
    page.on("response", lambda r: sent.setdefault(r.url, r))
    if phone:
        devtools = context.new_cdp_session(page)
        devtools.send("Network.enable")
        devtools.send("Network.emulateNetworkConditions", {"offline": False, **SLOW_3G})
        devtools.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    page.goto(url + "/", wait_until="commit", timeout=120_000)
    page.wait_for_function("'usable' in window.__moments", timeout=120_000, polling=25)
    page.fill("#postcode", "Hendon")
    page.press("#postcode", "Enter")
    asked = page.evaluate("performance.now() / 1000")
    page.wait_for_function("Object.keys(window.__moments).length === 4", timeout=120_000)
    moments = page.evaluate("window.__moments")
    page_bytes = int(sent[url + "/"].request.sizes()["responseBodySize"])
    context.close()
    return {
        "usable_seconds": moments["usable"],
        "drawn_seconds": moments["drawn"],
        "map_ready_seconds": moments["ready"],
        "answer_seconds": moments["answered"],
        "answer_after_asking_seconds": moments["answered"] - asked,
        "page_bytes": page_bytes,
    }


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
        f"{phone['drawn_seconds']:.2f} s (target: both within 3 s); Leaflet's map ready after "
        f"{phone['map_ready_seconds']:.2f} s; a search sent at once answered after "
        f"{phone['answer_seconds']:.2f} s ({phone['answer_after_asking_seconds']:.2f} s after "
        f"sending); the page itself {phone['page_bytes'] / 1024:.1f} KB as sent"
    )
    print(
        f"desktop, unthrottled, same run: search usable after {desktop['usable_seconds']:.2f} s, "
        f"drawn after {desktop['drawn_seconds']:.2f} s, map ready after "
        f"{desktop['map_ready_seconds']:.2f} s, answered after {desktop['answer_seconds']:.2f} s; "
        f"the phone takes {phone['drawn_seconds'] / desktop['drawn_seconds']:.1f}x as long to draw"
    )
    return {"phone": phone, "desktop": desktop}


if __name__ == "__main__":
    run()
