"""The product's three users on `journey demo`'s data (a smaller company, the same generator and
help centre), in headless Chromium against a real server: a visitor asks on the demo site and
asks for a person; an agent sees it arrive live, takes it over and replies while the bot stays
silent; the visitor rates the chat; a manager reads the journey map, opens a cell, asks a
question and downloads the table."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import test_browser
from live import serving
from sqlalchemy import func, select
from test_browser import CHROMIUM

from api.app import create_app
from app.container import Container
from app.demo.setup import load_demo
from ingestion.onnx_embedder import OnnxEmbedder
from journey.db import transaction
from journey.models import JourneyEvent
from journey.settings import Settings

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]
browser = test_browser.browser


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory,
    embedder: OnnxEmbedder,
    analysis_embedder: OnnxEmbedder,
) -> Iterator[tuple[str, str]]:
    """The demo served; yields its URL and the last day of its data (the dashboard's as-of)."""
    root = tmp_path_factory.mktemp("demo")
    container = Container(
        Settings(data_dir=root / "var"), embedder=embedder, analysis_embedder=analysis_embedder
    )
    container.settings.assistant.company = "Brightloop"
    container.init()
    load_demo(container, seed=7, scale=0.25)
    with transaction(container.sessions) as session:
        last = session.scalar(select(func.max(JourneyEvent.occurred_at)))
    assert last is not None
    with serving(create_app(container)) as url:
        yield url, last.date().isoformat()
    container.close()


def sign_in(browser: Any, base: str, role: str) -> Any:
    page = browser.new_page(accept_downloads=True)
    page.goto(f"{base}/login")
    page.fill("input[name=email]", f"{role}@brightloop.demo")
    page.fill("input[name=password]", f"demo-{role}-pass")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def test_a_visitor_an_agent_and_a_manager_on_the_demo(demo: tuple[str, str], browser: Any) -> None:
    base, last_day = demo
    agent = sign_in(browser, base, "agent")
    agent.goto(f"{base}/console?view=waiting")
    waiting_before = agent.locator(".conv").count()

    # The visitor: a streamed, formatted answer with its sources, from the demo help centre.
    visitor = browser.new_page()
    visitor.goto(f"{base}/site/pricing")
    visitor.click("#ja-launcher")
    visitor.fill("#ja-input", "Is there a free trial?")
    visitor.press("#ja-input", "Enter")
    answer = visitor.locator(".ja-bot").last
    answer.locator(".ja-sources a").first.wait_for(timeout=60_000)
    assert "trial" in answer.inner_text().lower()
    visitor.click("#ja-human")
    visitor.locator("text=Waiting for a person").wait_for(timeout=10_000)
    conversation = visitor.evaluate("localStorage.getItem('journey.conversation')")

    # The agent: it arrives live, among the demo's own waiting conversations.
    row = agent.locator(f'.conv a[href="/console/conversations/{conversation}"]')
    row.wait_for(timeout=15_000)
    assert agent.locator(".conv").count() == waiting_before + 1
    row.click()
    agent.fill("#reply-text", "Hi, Avery here. The trial is 14 days on Growth.")
    agent.click("button:text-is('Send')")
    visitor.locator(".ja-agent", has_text="Avery here").wait_for(timeout=15_000)
    bot_answers = visitor.locator(".ja-bot").count()
    visitor.fill("#ja-input", "Great, and after the trial?")
    visitor.press("#ja-input", "Enter")
    agent.locator(".msg.role-visitor", has_text="after the trial").wait_for(timeout=15_000)
    assert visitor.locator(".ja-bot").count() == bot_answers  # the bot stays silent

    # The visitor rates the chat.
    visitor.click("#ja-end")
    visitor.click(".ja-scores button:text-is('4')")
    visitor.click(".ja-send-rating")
    visitor.locator(".ja-system", has_text="Thank you for your rating").wait_for(timeout=5_000)

    # The manager: the journey map on the demo's data, a cell, a question with its chart.
    manager = sign_in(browser, base, "manager")
    manager.goto(f"{base}/dashboard?as_of={last_day}")
    assert manager.locator(".journey-map td a").count() > 20
    manager.locator(".journey-map a[aria-label^='Onboarding, Support ticket']").click()
    manager.locator(".behind li").first.wait_for()
    assert manager.locator(".behind li").count() > 3
    manager.go_back()
    manager.fill("#q", "NPS by segment")
    manager.press("#q", "Enter")
    manager.locator(".answer .sentence").wait_for()
    drawn = "window.Chart && Chart.getChart(document.getElementById('answer-chart'))"
    manager.wait_for_function(drawn)
    assert "enterprise" in manager.locator(".answer-table").inner_text()
    with manager.expect_download() as download:
        manager.click("text=Download the table as CSV")
    table = Path(download.value.path()).read_text().splitlines()
    assert table[0].startswith("segment,nps") and len(table) == 4  # a row per segment
    for page in (agent, visitor, manager):
        page.close()
