"""Knowledge documents from files: Markdown, text, HTML (single pages or a site export),
PDF, and FAQ tables (CSV / JSON with question and answer).

Each loader returns `Document`s made of `Section`s, so chunking can keep headings as metadata.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from journey.errors import InvalidInput

TEXT_SUFFIXES = {".md", ".markdown", ".txt", ".html", ".htm", ".pdf"}
FAQ_SUFFIXES = {".csv", ".json", ".jsonl"}


@dataclass
class Section:
    heading: str | None  # "Title > Section > Subsection", None for text before any heading
    text: str


@dataclass
class Document:
    key: str  # stable within a source: the path relative to the source root
    title: str
    url: str | None
    sections: list[Section] = field(default_factory=list)


def discover(root: Path) -> list[Path]:
    """The files of a source: one file, or every supported file under a folder."""
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise InvalidInput(f"{root}: no such file or folder")
    suffixes = TEXT_SUFFIXES | FAQ_SUFFIXES
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and p.suffix.lower() in suffixes and not p.name.startswith(".")
    )


def load(path: Path, key: str) -> list[Document]:
    suffix = path.suffix.lower()
    if suffix in {".md", ".markdown", ".txt"}:
        return [_markdown(path.read_text(encoding="utf-8", errors="replace"), key, path.stem)]
    if suffix in {".html", ".htm"}:
        return [_html(path.read_text(encoding="utf-8", errors="replace"), key, path.stem)]
    if suffix == ".pdf":
        return [_pdf(path, key)]
    if suffix in FAQ_SUFFIXES:
        return list(_faq(path, key))
    raise InvalidInput(f"{path.name}: unsupported file type {suffix!r}")


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _cells(line: str) -> list[str]:
    return [c.strip().replace("**", "") for c in line.strip().strip("|").split("|")]


def _tables_as_sentences(lines: list[str]) -> list[str]:
    """A Markdown table row becomes one sentence naming its columns ("Growth: billed
    annually €49 per user/month; ..."), which reads well in an answer and embeds well."""
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if (
            line.lstrip().startswith("|")
            and index + 1 < len(lines)
            and _TABLE_RULE.match(lines[index + 1])
        ):
            header = _cells(line)
            index += 2
            while index < len(lines) and lines[index].lstrip().startswith("|"):
                cells = _cells(lines[index])
                pairs = [
                    f"{h.lower()} {c}" for h, c in zip(header[1:], cells[1:], strict=False) if c
                ]
                out.append(f"{cells[0]}: {'; '.join(pairs)}." if pairs else cells[0])
                index += 1
            out.append("")
            continue
        out.append(line)
        index += 1
    return out


def _markdown(text: str, key: str, fallback_title: str) -> Document:
    meta: dict[str, str] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        for line in match.group(1).splitlines():
            name, sep, value = line.partition(":")
            if sep:
                meta[name.strip().lower()] = value.strip().strip("'\"")
        text = text[match.end() :]
    title = meta.get("title")
    sections: list[Section] = []
    trail: list[str] = []
    buffer: list[str] = []
    in_code = False

    def close() -> None:
        body = "\n".join(buffer).strip()
        if body:
            sections.append(Section(" > ".join(trail) or None, body))
        buffer.clear()

    for line in _tables_as_sentences(text.splitlines()):
        if line.lstrip().startswith("```"):
            in_code = not in_code
        heading = None if in_code else _HEADING.match(line)
        if heading:
            close()
            level, name = len(heading.group(1)), heading.group(2)
            if level == 1 and title is None:
                title = name
            trail = [*trail[: level - 1], name]
        else:
            buffer.append(line)
    close()
    return Document(
        key, title or fallback_title.replace("-", " ").capitalize(), meta.get("url"), sections
    )


def _html(markup: str, key: str, fallback_title: str) -> Document:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    canonical = soup.find("link", rel="canonical")
    og_url = soup.find("meta", property="og:url")
    url = (canonical.get("href") if canonical else None) or (
        og_url.get("content") if og_url else None
    )
    title_tag = soup.find("title")
    for tag in soup(["script", "style", "nav", "header", "footer", "noscript", "form"]):
        tag.decompose()
    body = soup.find("main") or soup.find("article") or soup.body or soup
    # Rebuild Markdown-like text so the one section splitter serves both formats.
    lines: list[str] = []
    for node in body.find_all(["h1", "h2", "h3", "h4", "p", "li", "td", "th", "pre", "dt", "dd"]):
        text = " ".join(node.get_text(" ", strip=True).split())
        if not text or (node.name in {"td", "th", "li"} and node.find(["p", "li"])):
            continue
        if node.name[0] == "h":
            lines.append("#" * int(node.name[1]) + " " + text)
        else:
            lines.append(("- " if node.name == "li" else "") + text)
    page_title = title_tag.get_text(strip=True) if title_tag else ""
    doc = _markdown("\n".join(lines), key, page_title or fallback_title)
    doc.url = str(url) if url else None
    return doc


def _pdf(path: Path, key: str) -> Document:
    from pypdf import PdfReader

    try:
        reader = PdfReader(path)
    except Exception as exc:  # pypdf raises many types for broken files
        raise InvalidInput(f"{path.name}: not a readable PDF ({exc.__class__.__name__})") from exc
    title = (reader.metadata.title if reader.metadata else None) or path.stem
    sections = [
        Section(f"Page {number}", text.strip())
        for number, page in enumerate(reader.pages, start=1)
        if (text := page.extract_text() or "").strip()
    ]
    return Document(key, str(title), None, sections)


_QUESTION_KEYS = ("question", "q", "title")
_ANSWER_KEYS = ("answer", "a", "body", "text")


def _faq(path: Path, key: str) -> Iterator[Document]:
    """One document per question, so a hit cites the exact entry."""
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    else:
        raw = path.read_text(encoding="utf-8-sig")
        try:
            data = (
                [json.loads(line) for line in raw.splitlines() if line.strip()]
                if path.suffix.lower() == ".jsonl"
                else json.loads(raw)
            )
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"{path.name}: invalid JSON at line {exc.lineno}") from exc
        rows = (
            data
            if isinstance(data, list)
            else next((v for v in data.values() if isinstance(v, list)), [])
        )
    for index, row in enumerate(rows, start=1):
        lowered = {str(k).strip().lower(): v for k, v in row.items()}
        question = next((lowered[k] for k in _QUESTION_KEYS if lowered.get(k)), None)
        answer = next((lowered[k] for k in _ANSWER_KEYS if lowered.get(k)), None)
        if not question or not answer:
            raise InvalidInput(f"{path.name}: entry {index} needs a question and an answer")
        yield Document(
            f"{key}#{index}",
            str(question).strip(),
            lowered.get("url"),
            [Section(None, f"{question}\n{answer}".strip())],
        )
