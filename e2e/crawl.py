"""A bounded crawl of the site as one visitor sees it, checking every page it reaches.

Breadth-first over same-origin links from a few start pages, one page per URL *pattern*
(a doctor's profile, a trial, a patient's record: the first one met stands for all of them),
never following a link that downloads a file or changes state. On every page, at the
viewport the browser context was opened with:

- the document does not scroll sideways (the element that starts the overflow is named);
- every id that an aria-describedby, aria-labelledby, aria-controls, ... or a label's `for`
  names exists on the page;
- axe finds nothing serious or critical, on the first page of each pattern met in one of the
  languages `axe_languages` names, once for all crawls sharing `axed` (a template in another
  language is the same markup with other words; the scroll and idref checks still run in every
  language).
"""

import os
import re
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from playwright.sync_api import Page

from e2e.journeys import blocking_violations

# Links that download a file, act on GET, answer JSON, or leave the HTML site.
SKIPPED = re.compile(
    r"""
    \.(pdf|ics|csv|tsv|json|xml|txt|png|jpe?g|svg|zip)$
    | /documents/                       # a referral's attachments
    | /sign-out/ | /session/            # sign out; the session's JSON status
    | /verify-email/ | /activate/       # one-time links
    | /recovery-codes/new/ | /two-step/remove/
    | ^/(api|fhir|static|media)/
    | /admin/
    """,
    re.VERBOSE,
)

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NCT = re.compile(r"NCT\d{8}")
# The segment after these is a slug naming one object among many of the same template.
SLUGGED = re.compile(r"/(doctors|programs|locations|book|criteria)/[^/]+/")
NUMBER = re.compile(r"/\d+/")

# A file to follow a crawl by, page by page (CRAWL_LOG=/tmp/crawl.log).
LOG = os.environ.get("CRAWL_LOG")

# What the page reports, run in the page: the sideways overflow and the dangling idrefs.
CHECKS_JS = """
() => {
  const root = document.scrollingElement;
  const width = root.clientWidth;
  let overflow = null;
  if (root.scrollWidth > width) {
    const clipped = (el) => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        const x = getComputedStyle(a).overflowX;
        if (x === 'auto' || x === 'scroll' || x === 'hidden' || x === 'clip') return true;
      }
      return false;
    };
    const outside = (el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && (r.right > width + 1 || r.left < -1);
    };
    let widest = null;
    for (const el of document.body.querySelectorAll('*')) {
      if (!outside(el) || clipped(el)) continue;
      // The element where the overflow starts: it sticks out, its parent does not.
      const parent = el.parentElement;
      if (parent && parent !== document.body && outside(parent)) continue;
      const r = el.getBoundingClientRect();
      if (!widest || r.width > widest.width) {
        const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
          (el.className && typeof el.className === 'string'
            ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
        widest = {name, width: Math.round(r.width),
                  text: (el.textContent || '').trim().slice(0, 40)};
      }
    }
    overflow = {scrollWidth: root.scrollWidth, clientWidth: width, widest};
  }
  const dangling = [];
  const attrs = ['aria-describedby', 'aria-labelledby', 'aria-controls', 'aria-owns',
                 'aria-activedescendant', 'aria-details', 'aria-errormessage', 'aria-flowto'];
  for (const attr of attrs) {
    for (const el of document.querySelectorAll('[' + attr + ']')) {
      for (const id of el.getAttribute(attr).trim().split(/\\s+/)) {
        if (id && !document.getElementById(id)) dangling.push(`${attr}="${id}"`);
      }
    }
  }
  for (const el of document.querySelectorAll('label[for]')) {
    const id = el.getAttribute('for');
    if (!document.getElementById(id)) dangling.push(`for="${id}"`);
  }
  const links = [...document.querySelectorAll('a[href]')]
    .filter((a) => !a.hasAttribute('download'))
    .map((a) => a.href);
  return {overflow, dangling, links};
}
"""


def pattern(path: str, query: str = "") -> str:
    """The template a URL stands for: ids and slugs replaced, the query reduced to its presence."""
    shape = UUID.sub("{uuid}", path)
    shape = NCT.sub("{nct}", shape)
    shape = SLUGGED.sub(lambda m: f"/{m.group(1)}/{{slug}}/", shape)
    shape = NUMBER.sub("/{n}/", shape)
    # A filtered or paged listing is the listing's template with other rows: one stands for all.
    return shape + ("?" if parse_qsl(query) else "")


@dataclass
class Crawl:
    """What one visitor's crawl found."""

    visited: list[str] = field(default_factory=list)
    axe_checked: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


def crawl(
    page: Page,
    *,
    origin: str,
    starts: Iterable[str],
    languages: Iterable[str],
    axe_languages: Iterable[str] = ("en",),
    axed: set[str] | None = None,
    limit: int = 400,
    allowed: Callable[[str], bool] = lambda path: True,
) -> Crawl:
    """Visit what `page`'s visitor reaches from `starts` (paths without the language prefix).

    `axed` is shared between crawls so a template is axe-checked once, by the first visitor.
    """
    began = time.monotonic()
    found = Crawl()
    axe_languages = set(axe_languages)
    axed = set() if axed is None else axed
    for code in languages:
        prefix = f"/{code}/"
        queue = deque(f"{prefix}{start}" for start in starts)
        seen: set[str] = set()
        while queue and len(found.visited) < limit:
            url = queue.popleft()
            parts = urlsplit(url)
            key = pattern(parts.path, parts.query)
            if key in seen:
                continue
            seen.add(key)
            response = page.goto(url)
            if response is None:
                continue
            final = urlsplit(page.url)
            if response.status >= 500:
                found.problems.append(f"{url}: answered {response.status}")
                continue
            if "text/html" not in (response.headers.get("content-type") or ""):
                continue
            found.visited.append(url)
            if LOG:
                with open(LOG, "a") as log:
                    log.write(f"{time.monotonic() - began:6.1f} {url}\n")
            result = page.evaluate(CHECKS_JS)
            if result["overflow"]:
                found.problems.append(f"{url}: scrolls sideways {result['overflow']}")
            for ref in sorted(set(result["dangling"])):
                found.problems.append(f"{url}: dangling {ref}")
            template = pattern(final.path.removeprefix(prefix), final.query)
            if code in axe_languages and template not in axed:
                axed.add(template)
                found.axe_checked += 1
                for violation in blocking_violations(page):
                    found.problems.append(f"{url}: axe {violation}")
            for link in result["links"]:
                target = urlsplit(link)
                if f"{target.scheme}://{target.netloc}" != origin:
                    continue
                if not target.path.startswith(prefix) or SKIPPED.search(target.path):
                    continue
                if not allowed(target.path):
                    continue
                nxt = target.path + (f"?{target.query}" if target.query else "")
                if pattern(target.path, target.query) not in seen:
                    queue.append(nxt)
    found.seconds = time.monotonic() - began
    return found
