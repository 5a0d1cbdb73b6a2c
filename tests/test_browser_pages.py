"""Every page as each user sees it, in a real browser at a phone's and a desktop's width: no page is
wider than the screen, no code of the label table (registry.labels) shows as it is, and no Chinese
message carries an English half. Walks the links each user can follow from the home page, on the demo
district with a day of passes. Screenshots go to test-artifacts/pages/."""

import base64
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from registry.labels import LABELS
from tests.support.databases import empty_database
from tests.support.gateway import LiveDistrict
from tests.support.pictures import real_photo
from tests.support.web import chromium, screenshot, served_registry
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
    return re.sub(r"/\d+", "/N", re.sub(r"/[0-9A-Z]{16,}", "/CODE", path))


# Trucks of the demo district (registry.demo.data): China III and II at a power plant, stage unknown,
# new energy, a through truck, one the registry has never seen, and a read without a plate.
PLATES = ["晋H40001", "晋H40002", "晋H50002", "晋H00018D", "晋A88888", "晋H77777", "", "晋H20001"]


def post_passes(base: str, gate_secrets: dict[str, str]) -> int:
    """A few hours of passes at every gate over the gate's HTTP endpoint, some with a real photo."""
    photo = base64.b64encode(real_photo("yellow", "whole_vehicle")).decode()
    start = datetime.now(UTC) - timedelta(hours=6)
    posted = 0
    for g, (code, secret) in enumerate(sorted(gate_secrets.items())):
        for i, plate in enumerate(PLATES):
            body = {
                "event_id": f"walk-{g}-{i}",
                "plate": plate,
                "plate_color": "yellow" if plate else None,
                "direction": "in" if i % 2 else "out",
                "captured_at": (start + timedelta(minutes=17 * i + g)).isoformat(),
                "confidence": 0.93,
            }
            if i % 3 == 0:
                body["images"] = {"vehicle": photo}
            answer = requests.post(
                f"{base}/api/v1/gates/{code}/events",
                json=body,
                headers={"Authorization": f"Bearer {secret}"},
                timeout=30,
            )
            assert answer.status_code in (200, 201), answer.text
            posted += 1
    return posted


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pages")
    with empty_database(folder) as url:
        district = LiveDistrict(url, folder)
        with served_registry(url, folder) as base:
            district.base = base
            assert post_passes(base, district.gate_secrets) == len(PLATES) * len(district.gate_secrets)
            yield district
        district.engine.dispose()


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
