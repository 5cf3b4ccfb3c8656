"""Every page each role can open, checked in Chromium: axe-core finds no serious or critical
WCAG 2.2 AA violation, and at 390 px wide nothing scrolls sideways.

The pages are the permission matrix's: every GET route that answers a role with an HTML page,
plus the Django admin for the site admin. Each role signs in once; the crawl prints how many
pages it visited per role.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.permissions import ADMIN, ANON, COORD, HR, MENTEE, MENTOR, ROLES, build_world
from tests.test_permission_matrix import MATRIX, admin_urls

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_SOURCE = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
# Swagger UI draws the API documentation inside this box; its own markup is outside our hands
# (the accessibility statement in docs/accessibility.md names it). The page around it is checked.
THIRD_PARTY = ["#swagger-ui"]
AXE_RUN = """async (exclude) => {
  const result = await axe.run({exclude: exclude.filter(s => document.querySelector(s))}, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa',
                                    'best-practice']},
    resultTypes: ['violations'],
  });
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, nodes: v.nodes.length,
                where: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Charts redraw at a new size on the next frames (a ResizeObserver), so a page with one is
# measured a moment later; any other page is measured after two frames.
SETTLED_WIDTH = """() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(
  () => setTimeout(() => done(document.documentElement.scrollWidth),
                   document.querySelector('canvas') ? 250 : 0))))"""


def html_pages(role: str, world: dict, client: Client) -> list[str]:
    """The role's pages: each GET route the matrix lets it open, where the answer is HTML."""
    urls = [
        reverse(name, kwargs=case.kwargs(world))
        for name, case in sorted(MATRIX.items())
        if case.method == "get" and case.expect[role] == 200
    ]
    if role == ADMIN:
        urls += admin_urls(world["users"][ADMIN])
    pages = []
    for url in urls:
        response = client.get(url)
        # htmx fragments (a badge's count, a form's rows) are parts of pages, not pages.
        is_html = response["Content-Type"].startswith("text/html")
        if response.status_code == 200 and is_html and b"<html" in response.content[:500]:
            pages.append(url)
    return pages


def signed_in_context(browser, live_server, client: Client, **options):
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, **options)
    context.set_default_timeout(15_000)
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if cookie is not None:
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_each_role_is_accessible_and_fits_a_phone(
    role, browser, live_server, make_user
):
    world = build_world(make_user)
    client = Client()
    if role != ANON:
        client.force_login(world["users"][role])
    pages = html_pages(role, world, client)
    violations: dict[str, list] = {}
    too_wide: dict[str, int] = {}
    context = signed_in_context(browser, live_server, client)
    # Sent to the browser once, then run as each page starts.
    context.add_init_script(path=AXE_SOURCE)
    page = context.new_page()
    for url in pages:
        page.set_viewport_size(DESKTOP)
        page.goto(url)
        found = page.evaluate(AXE_RUN, [[s] for s in THIRD_PARTY])
        if found:
            violations[url] = found
        page.set_viewport_size(PHONE)
        width = page.evaluate(SETTLED_WIDTH)
        if width > PHONE["width"]:
            too_wide[url] = width
    context.close()

    print(f"\n{role}: {len(pages)} pages visited")
    for url, found in violations.items():
        for v in found:
            print(f"  AXE {url} {v['id']} x{v['nodes']} {v['where']}")
    for url, width in too_wide.items():
        print(f"  WIDE {url} {width}px")
    assert violations == {}, f"{role}: serious/critical violations on {len(violations)} pages"
    assert too_wide == {}, f"{role}: {len(too_wide)} pages wider than 390 px"


# Each role's main pages in the dark colour scheme (the theme follows the system's setting).
MAIN_PAGES = (
    "portal:dashboard",
    "programs:program_list",
    "programs:cohort_detail",
    "matching:cohort",
    "relationships:cohort_health",
    "relationships:mentorship_list",
    "relationships:mentorship_detail",
    "programs:my_enrolments",
    "scheduling:meeting_list",
    "reports:participation",
)


@pytest.mark.parametrize("role", (COORD, MENTOR, MENTEE, HR))
def test_each_roles_main_pages_are_accessible_in_dark_mode(role, browser, live_server, make_user):
    world = build_world(make_user)
    client = Client()
    client.force_login(world["users"][role])
    pages = [
        reverse(name, kwargs=MATRIX[name].kwargs(world))
        for name in MAIN_PAGES
        if MATRIX[name].expect[role] == 200
    ]
    context = signed_in_context(browser, live_server, client, color_scheme="dark")
    context.add_init_script(path=AXE_SOURCE)
    page = context.new_page()
    violations = {}
    for url in pages:
        page.goto(url)
        assert page.evaluate("document.documentElement.dataset.bsTheme") == "dark", url
        if found := page.evaluate(AXE_RUN, [[s] for s in THIRD_PARTY]):
            violations[url] = found
    context.close()
    print(f"\n{role}: {len(pages)} pages in dark mode")
    assert len(pages) >= 3
    assert violations == {}, f"{role} in dark mode: {violations}"
