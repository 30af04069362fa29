"""Nothing is fetched from outside the machine: every request of a whole Chromium session goes to the server."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.e2e.helpers import RESULT_TIMEOUT_MS, click, go_to, open_page, type_text, upload_and_predict, wait_idle

pytestmark = pytest.mark.e2e

LOCAL_SCHEMES = {"data", "blob", "about"}

# Every URL the page's DOM points at (icons, scripts, styles, images, frames), and every font face's source.
DOM_URLS_JS = """() => {
  const urls = [];
  for (const e of document.querySelectorAll('[src], link[href], image[href], use[href]')) {
    urls.push(e.src || e.href?.baseVal || e.href || e.getAttribute('href'));
  }
  for (const sheet of document.styleSheets) {
    let rules = [];
    try { rules = [...sheet.cssRules]; } catch (err) { urls.push(sheet.href); continue; }
    for (const rule of rules) {
      for (const m of rule.cssText.matchAll(/url\\(["']?([^"')]+)["']?\\)/g)) {
        urls.push(new URL(m[1], sheet.href || location.href).href);
      }
    }
  }
  return urls.filter(Boolean).map(String);
}"""


def foreign(urls, server_url: str) -> list[str]:
    """The URLs that go anywhere but the server."""
    own = urlsplit(server_url).netloc
    return sorted({u for u in urls if urlsplit(u).scheme not in LOCAL_SCHEMES and urlsplit(u).netloc != own})


def test_a_whole_session_fetches_nothing_from_outside(server, new_page, tmp_path):
    page = new_page("light", height=2000)
    requested, failed, dom = [], [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("requestfailed", lambda request: failed.append(f"{request.url} ({request.failure})"))
    # Whatever would leave the machine is recorded above, then stopped here (this machine has no network).
    page.route("**/*", lambda route: route.abort() if foreign([route.request.url], server.url) else route.continue_())

    def look() -> None:
        dom.extend(page.evaluate(DOM_URLS_JS))

    open_page(page, server.url)
    type_text(page, "A warm, funny and moving film.")
    click(page, "Explain")
    page.wait_for_selector(".tl-summary", timeout=RESULT_TIMEOUT_MS)
    page.locator(".js-plotly-plot").first.wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    look()

    go_to(page, "Compare")
    type_text(page, "A warm, funny and moving film.\nThe plot was dull.", label="Texts, one per line")
    click(page, "Compare 2 inputs")
    page.wait_for_selector(".tl-row-head", timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    look()

    go_to(page, "Dataset")
    path = tmp_path / "reviews.csv"
    path.write_text("text,label\nA warm film.,positive\nA dull mess.,negative\nLovely.,positive\n", encoding="utf-8")
    upload_and_predict(page, path, 3)
    look()

    go_to(page, "Image")
    click(page, "Explain")
    page.wait_for_selector(".tl-legend", timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    look()

    go_to(page, "Tabular")
    click(page, "Explain")
    page.wait_for_selector(".tl-legend", timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    look()

    go_to(page, "Review")
    page.get_by_role("heading", name="Review packs").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    look()

    assert len(requested) > 20, "the session's requests were recorded"
    assert foreign(requested, server.url) == [], f"requests to other hosts: {foreign(requested, server.url)}"
    assert foreign(dom, server.url) == [], f"the pages point at other hosts: {foreign(dom, server.url)}"
    assert failed == [], f"requests that failed: {failed}"
