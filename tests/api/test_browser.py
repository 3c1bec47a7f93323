"""The chat widget in a real headless Chromium against a real server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from live import serving
from playwright.sync_api import expect

from api.app import create_app
from app.container import Container
from ingestion.knowledge import ingest
from ingestion.onnx_embedder import OnnxEmbedder
from journey.auth import AuthService
from journey.db import transaction
from journey.settings import Settings

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]

PAGE = """# Support hours

## Chat
Chat support is open Monday to Friday from 08:00 to 20:00 CET.
"""
# Markdown the widget renders, and HTML it must not: a knowledge page is written by people.
INVOICES = """# Invoices

## Finding your invoices

To download an invoice:
1. Go to **Settings → Billing**.
2. Open the [Invoices tab](https://app.example.test/billing) <img src=x onerror="window.pwned=1">.
3. Click <b onmouseover="window.pwned=1">Download</b> <script>window.pwned=1</script>.
"""
AGENT_PASS = "agent-pass-123"


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory,
    embedder: OnnxEmbedder,
    analysis_embedder: OnnxEmbedder,
) -> Iterator[tuple[str, str]]:

    root = tmp_path_factory.mktemp("browser")
    docs = root / "docs"
    docs.mkdir()
    (docs / "support.md").write_text(PAGE)
    (docs / "invoices.md").write_text(INVOICES)
    container = Container(
        Settings(data_dir=root / "var"), embedder=embedder, analysis_embedder=analysis_embedder
    )
    container.init()
    ingest(container.sessions, container.knowledge, docs, "help")
    with transaction(container.sessions) as session:
        auth = AuthService(session)
        token = auth.issue_token(auth.create_user("agent@x.test", "Avery", "agent", AGENT_PASS))
        auth.create_user("manager@x.test", "Morgan", "manager", AGENT_PASS)
    with serving(create_app(container)) as url:
        yield url, token
    container.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def ask_on_the_site(browser: Any, base: str, question: str) -> tuple[Any, Any]:
    """A visitor on the pricing page opens the widget and asks; returns the page and the
    answer, once its sources are shown (the end of the stream)."""
    page = browser.new_page()
    page.goto(f"{base}/site/pricing")
    page.click("#ja-launcher")
    page.fill("#ja-input", question)
    page.press("#ja-input", "Enter")
    answer = page.locator(".ja-bot").last
    answer.locator(".ja-sources").wait_for(timeout=30_000)
    return page, answer


def test_visitor_chats_and_a_person_takes_over(
    server: tuple[str, str], browser: object, tmp_path: Path
) -> None:
    base, token = server
    page, answer = ask_on_the_site(browser, base, "When is chat support open?")
    assert "Monday to Friday" in answer.inner_text()
    assert "Support hours" in answer.locator(".ja-sources").inner_text()

    page.click("#ja-human")
    page.locator("text=Waiting for a person").wait_for(timeout=10_000)
    conversation = page.evaluate("localStorage.getItem('journey.conversation')")
    headers = {"Authorization": f"Bearer {token}"}
    httpx.post(f"{base}/chat/conversations/{conversation}/takeover", headers=headers)
    httpx.post(
        f"{base}/chat/conversations/{conversation}/agent-messages",
        headers=headers,
        json={"text": "Hi, Avery here. How can I help?"},
    )
    page.locator(".ja-agent", has_text="Avery here").wait_for(timeout=15_000)

    assert httpx.get(f"{base}/chat/conversations/{conversation}").status_code == 401  # no token
    transcript = httpx.get(f"{base}/chat/conversations/{conversation}", headers=headers).json()
    assert transcript["conversation"]["page_url"].endswith("/site/pricing")
    page.screenshot(path=str(tmp_path / "widget.png"))

    # A reload restores the conversation from the server.
    page.reload()
    page.click("#ja-launcher")
    page.locator(".ja-agent", has_text="Avery here").wait_for(timeout=10_000)
    page.close()


def test_a_chat_our_team_closes_is_said_closed_and_the_next_question_starts_a_new_one(
    server: tuple[str, str], browser: object
) -> None:
    base, token = server
    headers = {"Authorization": f"Bearer {token}"}
    page, _ = ask_on_the_site(browser, base, "When is chat support open?")
    page.fill("#ja-input", "can I talk to a person please")
    page.press("#ja-input", "Enter")
    page.locator("text=Waiting for a person").wait_for(timeout=10_000)
    # Reloaded, the chat is shown as it streamed: the answer can be rated, the hand-off not.
    page.reload()
    page.click("#ja-launcher")
    handoff = page.locator(".ja-bot", has_text="connecting you")
    handoff.wait_for(timeout=10_000)
    assert handoff.locator(".ja-rate").count() == 0
    assert page.locator(".ja-bot", has_text="Monday to Friday").locator(".ja-rate").count() == 1
    first = page.evaluate("localStorage.getItem('journey.conversation')")
    httpx.post(f"{base}/chat/conversations/{first}/close", headers=headers).raise_for_status()
    page.locator(".ja-system", has_text="closed this chat").wait_for(timeout=15_000)
    assert page.locator("#ja-human").inner_text() == "Talk to a person"

    page.fill("#ja-input", "When is chat support open?")
    page.press("#ja-input", "Enter")
    page.locator(".ja-bot .ja-sources").nth(1).wait_for(timeout=30_000)
    second = page.evaluate("localStorage.getItem('journey.conversation')")
    assert second and second != first

    # Closed while the widget was not looking (no person asked for): the message that meets
    # the closed chat is asked again in a new one, not lost.
    httpx.post(f"{base}/chat/conversations/{second}/close", headers=headers).raise_for_status()
    page.fill("#ja-input", "When is chat support open on Fridays?")
    page.press("#ja-input", "Enter")
    page.locator(".ja-bot .ja-sources").nth(2).wait_for(timeout=30_000)
    assert page.evaluate("localStorage.getItem('journey.conversation')") not in (first, second)
    assert page.locator(".ja-visitor", has_text="on Fridays").count() == 1
    assert page.locator(".ja-system", has_text="could not be sent").count() == 0
    page.close()


def test_a_message_too_long_for_the_chat_is_said_cut(server: tuple[str, str], browser: Any) -> None:
    base, _ = server
    page = browser.new_page()
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(f"{base}/site/pricing")
    page.click("#ja-launcher")
    page.fill("#ja-input", "x" * 5000)
    assert len(page.input_value("#ja-input")) == 4000
    page.locator(".ja-system", has_text="up to 4,000 characters").wait_for(timeout=5_000)
    page.fill("#ja-input", "short again")
    page.fill("#ja-input", "y" * 4500)  # said again, for a second cut
    assert page.locator(".ja-system", has_text="up to 4,000 characters").count() == 2
    assert failed == []  # nothing the page asks for is missing (its icon included)
    page.close()


def test_an_agent_sees_a_visitor_waiting_live_takes_over_and_replies_from_the_console(
    server: tuple[str, str], browser: Any, tmp_path: Path
) -> None:
    base, _ = server
    # A context of its own (the agent's cookie stays there), on a low screen: a transcript of
    # a few messages runs past its fold.
    console = browser.new_page(viewport={"width": 1100, "height": 480})
    console.goto(f"{base}/login")
    console.fill("input[name=email]", "agent@x.test")
    console.fill("input[name=password]", AGENT_PASS)
    console.click("button[type=submit]")
    console.goto(f"{base}/console?view=waiting")

    visitor, _ = ask_on_the_site(browser, base, "When is chat support open?")
    visitor.click("#ja-human")
    visitor.locator("text=Waiting for a person").wait_for(timeout=10_000)
    conversation = visitor.evaluate("localStorage.getItem('journey.conversation')")

    # It arrives in the inbox without a reload, and the change is announced.
    row = console.locator(f'.conv a[href="/console/conversations/{conversation}"]')
    row.wait_for(timeout=15_000)
    assert "waiting for a person" in console.locator("#live-status").inner_text().lower()
    row.click()
    console.fill("#reply-text", "Hi, Avery here from the console.")
    console.click("button:text-is('Send')")
    sent = console.locator(".msg.role-agent", has_text="from the console")
    sent.wait_for(timeout=10_000)
    expect(sent).to_be_in_viewport()  # the page opens at the reply just sent
    visitor.locator(".ja-agent", has_text="from the console").wait_for(timeout=15_000)

    # The visitor answers: the agent sees it live; the bot says nothing.
    answers = visitor.locator(".ja-bot").count()
    console.fill("#reply-text", "still typing")  # what the agent types survives a refresh
    visitor.fill("#ja-input", "Thanks! Can someone call me?")
    visitor.press("#ja-input", "Enter")
    console.locator(".msg.role-visitor", has_text="call me").wait_for(timeout=15_000)
    assert console.input_value("#reply-text") == "still typing"
    assert visitor.locator(".ja-bot").count() == answers
    console.screenshot(path=str(tmp_path / "console.png"))
    console.close()
    visitor.close()


def test_a_manager_reads_the_journey_map_asks_a_question_and_downloads_the_table(
    server: tuple[str, str], browser: Any
) -> None:
    from datetime import UTC, datetime, timedelta

    base, token = server
    now = datetime.now(UTC)
    planted = [(1, "page_view", "awareness"), (2, "page_view", "awareness"),
               (3, "login", "adoption"), (4, "demo_booked", "decision")]  # fmt: skip
    events = [{"type": kind, "occurred_at": (now - timedelta(days=days)).isoformat(),
               "visitor_id": f"v{days}", "stage": stage}
              for days, kind, stage in planted]  # fmt: skip
    stored = httpx.post(f"{base}/events/batch", json={"events": events},
                        headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert stored.status_code == 200, stored.text
    page = browser.new_page(accept_downloads=True)
    page.goto(f"{base}/login")
    page.fill("input[name=email]", "manager@x.test")
    page.fill("input[name=password]", AGENT_PASS)
    page.click("button[type=submit]")
    page.goto(f"{base}/dashboard")
    assert page.locator(".kpi").count() == 9
    page.click(".journey-map a[aria-label^='Awareness, Website page']")
    page.locator("h1", has_text="Awareness · Website page").wait_for()
    page.go_back()

    page.fill("#q", "events by stage")
    page.press("#q", "Enter")
    page.locator(".answer .sentence").wait_for()
    drawn = "window.Chart && Chart.getChart(document.getElementById('answer-chart'))"
    page.wait_for_function(drawn)  # the vendored Chart.js drew the answer
    assert page.locator(".answer-table tbody tr").count() >= 3  # the other tests' chats too
    page.click("summary:text('The query that was run')")
    assert "SELECT" in page.locator(".sql").inner_text().upper()
    with page.expect_download() as download:
        page.click("text=Download the table as CSV")
    lines = Path(download.value.path()).read_text().splitlines()
    assert lines[0] == "stage,events" and "decision,1" in lines
    page.close()


def test_the_widget_on_a_phone_by_keyboard_alone_with_ratings(
    server: tuple[str, str], browser: Any
) -> None:
    base, _ = server
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{base}/site/pricing")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing overflows
    launcher = page.locator("#ja-launcher").bounding_box()
    assert launcher and launcher["x"] >= 0 and launcher["x"] + launcher["width"] <= 390

    for _ in range(20):  # the keyboard alone: Tab to the chat button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "ja-launcher":
            break
    assert page.evaluate("document.activeElement.id") == "ja-launcher"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "ja-input"
    assert "Privacy" in page.locator(".ja-notice").inner_text()
    page.keyboard.type("When is chat support open?")
    page.keyboard.press("Enter")
    answer = page.locator(".ja-bot").last
    answer.locator(".ja-rate").wait_for(timeout=30_000)
    assert "Monday to Friday" in answer.inner_text()
    panel = page.locator("#ja-panel").bounding_box()
    assert panel and panel["x"] >= 0 and panel["x"] + panel["width"] <= 390
    page.keyboard.press("Shift+Tab")  # from the input back to the answer's buttons
    while page.evaluate("document.activeElement.textContent") not in ("Helpful", "Not helpful"):
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    page.locator(".ja-rate button[aria-pressed=true]").wait_for(timeout=5_000)

    page.locator("#ja-end").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # 1 has the focus; 2, 3, 4, then 5
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.locator(".ja-scores button[aria-pressed=true]").inner_text() == "5"
    page.click(".ja-send-rating")
    page.locator(".ja-system", has_text="Thank you for your rating").wait_for(timeout=5_000)
    assert page.evaluate("localStorage.getItem('journey.conversation')") is None
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.id") == "ja-launcher"
    page.close()


def test_where_consent_is_required_nothing_is_stored_before_the_visitor_agrees(
    server: tuple[str, str], browser: Any
) -> None:
    base, _ = server
    page = browser.new_page()
    page.goto(f"{base}/site/privacy")  # a page of the site, with the widget asking first
    page.evaluate("localStorage.clear()")
    page.set_content(f'<main><h1>Acme</h1></main><script src="{base}/widget.js" '
                     'data-consent="required" data-privacy="/privacy"></script>')  # fmt: skip
    page.locator("#ja-launcher").wait_for()
    assert page.evaluate("Object.keys(localStorage)") == []  # no visitor id before consent
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "ja-agree"
    assert page.locator("#ja-input").is_disabled()
    page.keyboard.press("Enter")  # "I agree"
    assert page.evaluate("localStorage.getItem('journey.consent')") == "yes"
    page.fill("#ja-input", "When is chat support open?")
    page.press("#ja-input", "Enter")
    page.locator(".ja-bot .ja-sources").wait_for(timeout=30_000)
    # the server issued the visitor their id and token with the conversation
    assert page.evaluate("localStorage.getItem('journey.visitor')").startswith("v-")
    assert page.evaluate("localStorage.getItem('journey.token')")
    page.close()


def test_a_dropped_stream_shows_the_stored_answer_once(
    server: tuple[str, str], browser: Any
) -> None:
    base, _ = server
    page = browser.new_page()

    def cut_short(route: Any) -> None:
        # The server answers in full and stores the reply; the connection drops after the
        # first event reached the page.
        whole = route.fetch()
        first = whole.text().split("\n\n")[0] + "\n\n"
        route.fulfill(status=200, headers=whole.headers, body=first)

    page.route("**/messages/stream", cut_short)
    page.goto(f"{base}/site/pricing")
    page.click("#ja-launcher")
    page.fill("#ja-input", "When is chat support open?")
    page.press("#ja-input", "Enter")
    page.locator(".ja-bot .ja-sources").wait_for(timeout=30_000)
    answers = page.locator(".ja-bot", has_text="Monday to Friday")
    assert answers.count() == 1  # shown from the server, once, not a half and a whole
    assert page.locator(".ja-system", has_text="could not be sent").count() == 0
    page.close()


def test_answers_are_rendered_markdown_and_knowledge_html_never_runs(
    server: tuple[str, str], browser: object
) -> None:
    base, _ = server
    page, answer = ask_on_the_site(browser, base, "How do I download an invoice?")
    # The how-to is a numbered list with bold text and a link that opens elsewhere.
    assert answer.locator("ol > li").count() == 3
    assert answer.locator("strong", has_text="Settings → Billing").count() == 1
    link = answer.locator("a", has_text="Invoices tab")
    assert link.get_attribute("href") == "https://app.example.test/billing"
    assert link.get_attribute("rel") == "noopener noreferrer"
    # The page's HTML is gone: no image, no script, no handler, nothing ran.
    assert answer.locator("img, script, b[onmouseover]").count() == 0
    page.hover(".ja-bot >> nth=-1")
    assert page.evaluate("window.pwned") is None
    # The libraries stayed inside the widget's own scope.
    assert page.evaluate("typeof window.marked + typeof window.DOMPurify") == "undefinedundefined"
    page.close()


def test_a_known_visitor_is_offered_a_next_step_as_a_button(
    server: tuple[str, str], browser: object
) -> None:
    from datetime import UTC, datetime, timedelta

    base, token = server
    headers = {"Authorization": f"Bearer {token}"}
    page, _ = ask_on_the_site(browser, base, "When is chat support open?")
    assert page.locator(".ja-suggestion").count() == 0  # a stranger: no next steps
    visitor = page.evaluate("localStorage.getItem('journey.visitor')")
    email = f"{visitor}@example.com"
    known = httpx.post(f"{base}/identify", headers=headers,
                       json={"visitor_id": visitor, "email": email})  # fmt: skip
    assert known.status_code == 200, known.text
    now = datetime.now(UTC)
    events = [
        {"type": kind, "contact_email": email, "properties": {"url": f"{base}/site/pricing"},
         "occurred_at": (now - timedelta(days=days)).isoformat()}
        for kind, days in (("form_submitted", 3), ("page_view", 2), ("page_view", 1))
    ]  # fmt: skip
    recorded = httpx.post(f"{base}/events/batch", headers=headers, json={"events": events})
    assert recorded.status_code == 200, recorded.text
    page.fill("#ja-input", "And on weekends?")
    page.press("#ja-input", "Enter")
    button = page.locator(".ja-suggestion", has_text="Book a demo")
    button.wait_for(timeout=30_000)
    with page.expect_response(lambda r: "/suggestions/book_demo" in r.url) as accepted:
        button.click()
    assert accepted.value.status == 201
    page.locator(".ja-visitor", has_text="Book a demo").wait_for(timeout=10_000)
    contact = known.json()["id"]
    timeline = httpx.get(f"{base}/contacts/{contact}/timeline", headers=headers).json()
    assert "next_step_accepted" in [e["type"] for e in timeline["events"]]
    page.close()
