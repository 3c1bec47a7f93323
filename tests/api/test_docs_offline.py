"""The API documentation pages (/docs, /redoc) load everything from the app itself: they work
without internet."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
import test_browser
from fastapi.testclient import TestClient
from test_browser import CHROMIUM

# The widget's browser tests' fixtures, shared as they are: the real server and headless Chromium.
server = test_browser.server
browser = test_browser.browser

TYPES = {".js": "javascript", ".css": "text/css", ".png": "image/png"}


class References(HTMLParser):
    """Every URL a page's tags point at (src, href)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def references(html: str) -> list[str]:
    parser = References()
    parser.feed(html)
    return parser.urls


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_pages_reference_only_the_apps_own_assets(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert "http://" not in response.text and "https://" not in response.text
    urls = references(response.text)
    assert len(urls) >= 2  # the script and the icon (and Swagger UI's styles)
    for url in urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, url  # same origin, not //host/...
        assert parts.path.startswith("/static/vendor/"), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        suffix = parts.path[parts.path.rindex(".") :]
        assert TYPES[suffix] in asset.headers["content-type"], (url, asset.headers)
        assert len(asset.content) > 0


def test_the_docs_pages_stay_out_of_the_schema_and_keep_the_oauth2_redirect(
    client: TestClient,
) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not {"/docs", "/redoc", "/docs/oauth2-redirect"} & set(paths)
    assert "/healthz" in paths
    redirect = client.get("/docs/oauth2-redirect")
    assert redirect.status_code == 200
    assert "swaggerUIRedirectOauth2" in redirect.text


def offline_page(browser: Any, base: str) -> tuple[Any, list[str], list[str]]:
    """A page that can reach only the server: every other request is aborted and noted, as
    are the page's script errors; `window.refused` lists what its security policy refused."""
    page = browser.new_page()
    origin = urlsplit(base).netloc
    elsewhere: list[str] = []
    errors: list[str] = []

    def only_the_server(route: Any) -> None:
        url = route.request.url
        if urlsplit(url).netloc == origin:
            route.continue_()
        else:
            elsewhere.append(url)
            route.abort()

    page.route("**/*", only_the_server)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(
        "window.refused = [];"
        "document.addEventListener('securitypolicyviolation',"
        " (e) => window.refused.push(e.blockedURI));"
    )
    return page, elsewhere, errors


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_swagger_ui_renders_offline(server: tuple[str, str], browser: object) -> None:
    base, _ = server
    page, elsewhere, errors = offline_page(browser, base)
    page.goto(f"{base}/docs")
    page.locator(".opblock").first.wait_for(state="visible", timeout=30_000)
    assert "Journey Assistant" in page.locator(".info .title").inner_text()
    assert page.locator(".opblock", has_text="/healthz").count() == 1
    assert page.title() == "Journey Assistant - Swagger UI"
    assert elsewhere == [] and errors == []
    assert page.evaluate("window.refused") == []
    page.close()


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_redoc_renders_offline(server: tuple[str, str], browser: object) -> None:
    base, _ = server
    page, elsewhere, errors = offline_page(browser, base)
    page.goto(f"{base}/redoc")
    page.locator(".api-content").wait_for(state="visible", timeout=30_000)
    assert "Journey Assistant" in page.locator(".api-content h1").first.inner_text()
    page.locator("h2", has_text="Healthz").first.wait_for(state="visible", timeout=30_000)
    assert page.title() == "Journey Assistant - ReDoc"
    assert elsewhere == [] and errors == []
    # Only the maker's logo in the sidebar was kept from loading; nothing the page needs.
    assert set(page.evaluate("window.refused")) <= {"https://cdn.redoc.ly/redoc/logo-mini.svg"}
    page.close()
