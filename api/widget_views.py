"""The chat widget script and the demo company's website that embeds it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from api.pages import templates
from api.routing import UnitOfWorkRoute
from api.throttle import rate_limited
from journey.errors import NotFound

router = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
STATIC = Path(__file__).parent / "static"
# Vendored from npm (licences beside them): the Markdown renderer and the HTML sanitiser.
LIBRARIES = {"marked": "vendor/marked.umd.js", "DOMPurify": "vendor/purify.min.js"}


@cache
def widget_script() -> str:
    """The widget with its libraries inside one private scope: it runs on other companies'
    pages, so the libraries load as CommonJS modules (their UMD wrappers see `module`) and
    touch neither the page's globals nor its module loader."""
    modules = [
        f"var {name} = (function () {{ var module = {{exports: {{}}}}, exports = module.exports;"
        f"\n{(STATIC / path).read_text()}\nreturn module.exports; }})();"
        for name, path in LIBRARIES.items()
    ]
    return (
        "(function () {\n"
        + "\n".join(modules)
        + "\n"
        + (STATIC / "widget.js").read_text()
        + "\n})();\n"
    )


SITE_PAGES = {
    "home": {
        "title": "Workflows your clients love",
        "body": [
            "Brightloop automates client onboarding, approvals and everyday workflows for B2B "
            "teams, with forms, client portals and integrations with the tools you use.",
            "Start a 14-day free trial of the Growth plan; no credit card needed.",
        ],
    },
    "pricing": {
        "title": "Pricing",
        "body": [
            "Starter, Growth and Enterprise plans, billed monthly or annually.",
            "Questions about plans, seats or invoices? Ask the assistant.",
        ],
    },
    "security": {
        "title": "Security",
        "body": ["SOC 2 Type II, ISO 27001, GDPR, and EU or US data residency on Enterprise."],
    },
    "privacy": {
        "title": "Privacy",
        "body": [
            "The chat on this site stores what you write and the assistant's answers, to answer "
            "you, to hand you to a person when you ask, and to improve our service.",
            "Ask us for a copy of what we hold about you, or to erase it: privacy@brightloop.io.",
        ],
    },
}


@router.get("/widget.js", dependencies=[Depends(rate_limited("widget", "widget loads"))])
def widget() -> Response:
    return Response(
        widget_script(),
        media_type="application/javascript",
        headers={"Cache-Control": "public, max-age=300"},
    )


@router.get("/site", response_class=HTMLResponse)
@router.get("/site/{page}", response_class=HTMLResponse)
def demo_site(request: Request, page: str = "home") -> Response:
    if page not in SITE_PAGES:
        raise NotFound(f"no page {page!r}")
    return templates.TemplateResponse(
        request, "site.html", {"page": SITE_PAGES[page], "pages": SITE_PAGES}
    )
