"""The staff pages' templates, with the filters they share: an answer's Markdown as HTML, and
a wait in words ("3 days", "4 months").

Answers are Markdown (bold, lists, links, small tables) made from the knowledge, which people
write: rendered with raw HTML turned off (it is shown as text) and links limited to safe
schemes (markdown-it refuses javascript:, vbscript:, file: and data: links), nothing in them
runs on an agent's page.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import humanize
from fastapi.templating import Jinja2Templates
from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable("table")
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def markdown(text: str) -> Markup:
    return Markup(_markdown.render(text or ""))


def duration(seconds: float) -> str:
    return str(humanize.naturaldelta(timedelta(seconds=seconds)))


templates.env.filters["markdown"] = markdown
templates.env.filters["duration"] = duration
