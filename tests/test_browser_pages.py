"""Every page as each user sees it, in a real browser at a phone's and a desktop's width: no page is
wider than the screen, no code of the label table (registry.labels) shows as it is, and no Chinese
message carries an English half. Walks the links each user can follow from the home page, on the demo
district with a day of passes. Screenshots go to test-artifacts/pages/."""

import re
from urllib.parse import urljoin, urlsplit

import pytest

from registry.labels import LABELS
from tests.support.demo_day import demo_day
from tests.support.web import chromium, screenshot
from tests.test_browser_machinery import log_in

pytestmark = pytest.mark.browser
VIEWPORTS = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}
USERS = ("demo-bureau", "demo-police", "demo-site", "demo-firm")
SKIPPED = re.compile(
    r"/(logout|api/|static/|swagger|healthz|readyz|pick/)|\.(csv|xlsx|png|jpe?g|pdf)$|/photos?/|/export|/images?/|/label\b"
)
PER_PATTERN = 2  # pages of one address pattern (ids replaced) visited per user
# Codes of the label table a reader could mistake for words: rule codes (FREIGHT_STAGE), and the
# lowercase codes (open, deny, yellow_green, diesel) three letters or longer. Digits and single
# letters (stages, grades) cannot be told from ordinary text.
RAW_CODES = {
    code
    for kind in LABELS.values()
    for code in kind
    if len(code) >= 3 and (code.isupper() or code.islower()) and not code.isdigit()
}
# "中文 / English words": a message with an English half after a slash or in brackets.
ENGLISH_HALF = re.compile(r"[\u4e00-\u9fff][^\n/]*\s/\s*[A-Za-z]{2,}[A-Za-z ,.'-]*[a-z]")
CODE_TOKEN = re.compile(r"[A-Za-z_][A-Za-z_-]{2,}")  # demo-bureau is a name, not the code bureau


def pattern_of(path: str) -> str:
    path = re.sub(r"/G\d{4}-\d{2}\b", "/GATE", path)  # gate codes (G0001-01) are ids too
    return re.sub(r"/\d+", "/N", re.sub(r"/[0-9A-Z]{16,}", "/CODE", path))


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    with demo_day(tmp_path_factory.mktemp("pages")) as district:
        yield district


def problems_of(page, url: str, width: int) -> list[str]:
    found = []
    overflow = page.evaluate("document.documentElement.scrollWidth")
    if overflow > width + 1:
        found.append(f"{url}: {overflow} px wide on a {width} px screen")
    text = page.locator("body").inner_text()
    raw = sorted({t for t in CODE_TOKEN.findall(text) if t in RAW_CODES})
    if raw:
        found.append(f"{url}: raw codes shown: {', '.join(raw)}")
    for match in ENGLISH_HALF.finditer(text):
        found.append(f"{url}: English half in a Chinese message: {match.group(0)!r}")
    return found


def walk(browser, base: str, username: str, password: str, viewport: str) -> tuple[list[str], int]:
    context = browser.new_context(locale="zh-CN", **VIEWPORTS[viewport])
    page = context.new_page()
    log_in(page, base, username, password)
    width = VIEWPORTS[viewport]["viewport"]["width"]
    queue, seen, per_pattern, problems = [f"{base}/"], set(), {}, []
    while queue and len(seen) < 60:
        url = queue.pop(0)
        path = urlsplit(url).path
        key = pattern_of(path)
        if url in seen or per_pattern.get(key, 0) >= PER_PATTERN:
            continue
        seen.add(url)
        per_pattern[key] = per_pattern.get(key, 0) + 1
        answer = page.goto(url)
        assert answer is not None and answer.status < 500, f"{url}: {answer and answer.status}"
        if answer.status >= 400:
            continue
        problems += problems_of(page, url, width)
        name = f"pages/{username}-{viewport}-{key.strip('/').replace('/', '-') or 'home'}-{per_pattern[key]}"
        screenshot(page, name)
        for href in page.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
            target = urljoin(url, href).split("#")[0]
            if target.startswith(base) and not SKIPPED.search(urlsplit(target).path) and "lang=" not in target:
                queue.append(target)
    context.close()
    return problems, len(seen)


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_every_page_fits_and_speaks_chinese(district, viewport):
    problems, visited = [], 0
    with chromium() as browser:
        for username in USERS:
            found, count = walk(browser, district.base, username, district.passwords[username], viewport)
            problems += found
            visited += count
    assert visited >= 20, f"only {visited} pages reached"
    assert not problems, "\n".join(problems)
