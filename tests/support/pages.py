"""Every page a role can reach, found by following its links: checked with axe-core, for reflow at
390 px, and photographed at both widths (a new page is covered as soon as something links to it)."""
import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WIDE, PHONE = 1366, 390
# Links that are not pages: downloads, sign-out, the API, assets.
NOT_PAGES = re.compile(r"/(export|download|api|static|vendor)(/|$)|\.(csv|json|svg|png|pdf)$|/sign-out")
LINKS = "Array.from(document.querySelectorAll('a[href]'), a => a.href)"
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
# Controls a finger must hit (WCAG 2.5.5): at least 44 px tall on a phone. Links inside text are exempt.
SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
    "button, [role=button], select, summary, input:not([type=checkbox]):not([type=radio]):not([type=hidden]), .site-menu a"))
  .filter(el => el.getClientRects().length && el.getBoundingClientRect().height < 43.5)
  .slice(0, 3).map(el => `${el.tagName.toLowerCase()} “${(el.innerText || el.value || el.name || "").trim().slice(0, 30)}” `
                         + `${Math.round(el.getBoundingClientRect().height)}px`)"""
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | ")}`);
}"""


def shape(path: str) -> str:
    """A page's kind: its path with ids as N and no query (so /ideas/3 and /ideas/7 are checked once)."""
    return re.sub(r"/\d+(?=/|$)", "/N", urlsplit(path).path)


@dataclass
class Findings:
    """What the walk met: pages visited by shape, the HTML pages shown (paths, after redirects), and problems."""
    visited: dict[str, str] = field(default_factory=dict)
    shown: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


def walk(page, base_url: str, role: str, screenshots: Path, starts=("/",), limit: int = 80) -> Findings:
    """Visit every page reachable from `starts` by links (one per shape), checking each at both widths.

    Each start is visited even when a page of its shape was (an idea at another stage shows other things)."""
    findings, queue = Findings(), deque((path, path) for path in starts)
    axe_source = AXE.read_text()
    while queue and len(findings.visited) < limit:
        path, key = queue.popleft()
        if key in findings.visited:
            continue
        findings.visited[key] = path
        page.set_viewport_size({"width": WIDE, "height": 900})
        response = page.goto(base_url + path)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        if response.status >= 400:
            findings.problems.append(f"{role} {path}: HTTP {response.status}")
        findings.shown.add(urlsplit(page.url).path)
        check(page, role, path, key, axe_source, findings, screenshots)
        for href in page.evaluate(LINKS):
            url = urlsplit(href)
            if url.netloc == urlsplit(base_url).netloc and not NOT_PAGES.search(url.path):
                target = url.path + (f"?{url.query}" if url.query else "")
                if shape(url.path) not in findings.visited:
                    queue.append((target, shape(url.path)))
    return findings


def check(page, role: str, path: str, key: str, axe_source: str, findings: Findings, screenshots: Path) -> None:
    """axe-core at both widths, no sideways scrolling at 390 px, and a screenshot at each width (named by `key`)."""
    name = re.sub(r"[^a-z0-9]+", "-", f"{role}{key}".lower()).strip("-")
    page.evaluate(axe_source)
    for width in (WIDE, PHONE):
        page.set_viewport_size({"width": width, "height": 900})
        for violation in page.evaluate(RUN_AXE):
            findings.problems.append(f"{role} {path} at {width}px: {violation}")
        if width == PHONE and (overflow := page.evaluate(OVERFLOW)) > 0:
            findings.problems.append(f"{role} {path} at 390px: {overflow}px wider than the screen")
        if width == PHONE and (small := page.evaluate(SMALL_TARGETS)):
            findings.problems.append(f"{role} {path} at 390px: tap targets under 44px: {', '.join(small)}")
        page.screenshot(path=str(screenshots / f"{name}-{width}.png"), full_page=True)
