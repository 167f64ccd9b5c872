"""The accessibility checks of the browser tests: axe-core on a page, the keyboard's focus, text
at 200 %. axe-core is the copy bundled with the axe-playwright-python package, injected into the
page (the browser context bypasses the pages' CSP for it: the product itself runs no script)."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from playwright.async_api import Locator, Page, ViewportSize

_PACKAGE = find_spec("axe_playwright_python")
assert _PACKAGE is not None and _PACKAGE.origin, "axe-playwright-python is missing: uv sync"
AXE = Path(_PACKAGE.origin).parent / "axe.min.js"
# WCAG 2.1 levels A and AA, the level the RGAA's criteria carry.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# More presses than any page has focusable elements: beyond that, focus is trapped or lost.
MAX_TABS = 120


async def axe_violations(page: Page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page as shown, one line per rule and element."""
    if not await page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated, not added as a <script>: the pages' CSP (script-src 'self') stands.
        await page.evaluate(AXE.read_text())
    results = await page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                       resultTypes: ['violations']})""",
        WCAG_TAGS,
    )
    return [
        f"{violation['id']} ({violation['impact']}): {' '.join(node['target'])} — "
        f"{node['failureSummary'].splitlines()[-1].strip()}"
        for violation in results["violations"]
        for node in violation["nodes"]
    ]


# How the focused element shows it has the focus: an outline or a box-shadow drawn around it,
# inside the viewport (the browser scrolls to it).
_FOCUS_SHOWN = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return 'nothing focused';
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1;
  const shadow = style.boxShadow !== 'none';
  const box = el.getBoundingClientRect();
  const seen = box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
    && box.top < innerHeight && box.left < innerWidth;
  const label = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim();
  const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + ' «' + label.slice(0, 40) + '»';
  if (!(outline || shadow)) return name + ': focus not drawn';
  if (!seen) return name + ': focused out of sight';
  return '';
}"""


async def focus_problem(page: Page) -> str:
    """Empty if the focused element shows its focus in sight, else what is wrong."""
    problem: str = await page.evaluate(_FOCUS_SHOWN)
    return problem


async def is_focused(locator: Locator) -> bool:
    focused: bool = await locator.evaluate("el => el === document.activeElement")
    return focused


async def tab_to(page: Page, target: Locator, key: str = "Tab") -> int:
    """Press Tab (or Shift+Tab) until `target` has the focus, the focus visible at each step;
    the number of presses it took."""
    left = 0
    for presses in range(1, MAX_TABS + 1):
        await page.keyboard.press(key)
        if await page.evaluate(_WHERE) == "":
            left += 1  # out of the page, past its last element: the next press comes back in
            assert left < 2, f"{target} not in the page's tab order"
            continue
        problem = await focus_problem(page)
        assert not problem, f"after {presses} × {key}: {problem}"
        if await is_focused(target):
            return presses
    raise AssertionError(f"{target} never focused in {MAX_TABS} × {key}: trapped or unreachable")


async def tab_cycle(page: Page) -> list[str]:
    """Every focusable element of the page, in the order Tab reaches them from the top, each
    showing its focus; then Shift+Tab must go back the same way, to the first. Wherever the focus
    starts (a page may put it on its first error), Tab first takes it out of the page, and the
    next Tab brings it back in at the top. A trap would keep it in the page for good."""
    for presses in range(1, MAX_TABS + 1):
        await page.keyboard.press("Tab")
        if await page.evaluate(_WHERE) == "":
            break
        problem = await focus_problem(page)
        assert not problem, f"after {presses} × Tab: {problem}"
    else:
        raise AssertionError(f"the focus never left the page in {MAX_TABS} × Tab: trapped")
    path: list[str] = []
    for _ in range(MAX_TABS):
        await page.keyboard.press("Tab")
        where = await page.evaluate(_WHERE)
        if where == "" and path:
            break  # past the last element: the focus has left the page again
        problem = await focus_problem(page)
        assert not problem, f"after {path[-3:]}: {problem}"
        path.append(where)
    else:
        raise AssertionError(f"the focus never left the page: {path[-5:]}")
    back: list[str] = []
    for _ in path:
        await page.keyboard.press("Shift+Tab")
        problem = await focus_problem(page)
        assert not problem, f"Shift+Tab after {back[-3:]}: {problem}"
        back.append(await page.evaluate(_WHERE))
    assert back == path[::-1], f"Shift+Tab does not retrace Tab: {back} != {path[::-1]}"
    return path


_WHERE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return '';
  return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ':'
    + (el.innerText || el.value || '').trim().slice(0, 30);
}"""


# Text at 200 % (the root font size: the style sheet sizes everything in rem and em), then the
# WCAG 1.4.12 text spacing: neither may push the page wider than the window or cut text off.
_ENLARGE = "() => { document.documentElement.style.fontSize = '200%'; }"
_SPACE_OUT = """() => {
  const sheet = document.createElement('style');
  sheet.id = 'a11y-text-spacing';
  sheet.textContent = `* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
    word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }`;
  document.head.append(sheet);
}"""
_RESTORE = """() => {
  document.documentElement.style.fontSize = '';
  document.getElementById('a11y-text-spacing')?.remove();
}"""
_LOSSES = """() => {
  const losses = [];
  const doc = document.documentElement;
  const wider = doc.scrollWidth - doc.clientWidth;
  if (wider > 0) {
    // The innermost elements that stick out: what to fix.
    const out = [...document.querySelectorAll('body *')]
      .filter(el => el.getBoundingClientRect().right > doc.clientWidth + 1);
    const inner = out.filter(el => !out.some(other => other !== el && el.contains(other)))
      .slice(0, 3).map(el => `${el.tagName.toLowerCase()}.${el.className}`);
    losses.push(`page ${wider}px wider than the window (${inner.join(', ')})`);
  }
  const clips = ['hidden', 'clip'];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.visually-hidden, .skip-link')) continue;
    const style = getComputedStyle(el);
    const text = (el.innerText || '').trim();
    if (!text || style.display === 'none') continue;
    const name = `${el.tagName.toLowerCase()}.${el.className} «${text.slice(0, 30)}»`;
    if (clips.includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1)
      losses.push(`${name}: cut off on the right`);
    if (clips.includes(style.overflowY) && el.scrollHeight > el.clientHeight + 1)
      losses.push(`${name}: cut off below`);
  }
  return losses;
}"""


async def text_losses(page: Page) -> list[str]:
    """What the page loses with its text at 200 %, and with WCAG's text spacing on top."""
    try:
        await page.evaluate(_ENLARGE)
        losses: list[str] = [f"200 %: {loss}" for loss in await page.evaluate(_LOSSES)]
        await page.evaluate(_SPACE_OUT)
        losses += [f"200 % and spacing: {loss}" for loss in await page.evaluate(_LOSSES)]
    finally:
        await page.evaluate(_RESTORE)
    return losses


async def assert_accessible(page: Page, phone: ViewportSize) -> None:
    """No axe-core violation on the page as shown, at its own width and at a phone's."""
    desktop = page.viewport_size
    found = [f"{desktop}: {line}" for line in await axe_violations(page)]
    await page.set_viewport_size(phone)
    found += [f"{phone}: {line}" for line in await axe_violations(page)]
    if desktop is not None:
        await page.set_viewport_size(desktop)
    assert found == [], "\n".join(found)
