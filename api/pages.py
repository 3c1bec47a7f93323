"""The staff pages' templates, with the one filter they share: an answer's Markdown as HTML.

Answers are Markdown (bold, lists, links, small tables) made from the knowledge, which people
write: rendered with raw HTML turned off (it is shown as text) and links limited to safe
schemes (markdown-it refuses javascript:, vbscript:, file: and data: links), nothing in them
runs on an agent's page.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates
from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable("table")
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def markdown(text: str) -> Markup:
    return Markup(_markdown.render(text or ""))


templates.env.filters["markdown"] = markdown
