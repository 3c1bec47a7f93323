"""Knowledge documents from files: Markdown, text, HTML (single pages or a site export),
PDF, and FAQ tables (CSV / JSON with question and answer).

Each loader returns `Document`s made of `Section`s, so chunking can keep headings as metadata.
Whatever is wrong with a file's content, reading it raises `UnreadableFile` saying why, so the
caller can skip that file and keep the others.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from journey.errors import EmptyFile, InvalidInput, UnreadableFile

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".md", ".markdown", ".txt", ".html", ".htm", ".pdf"}
FAQ_SUFFIXES = {".csv", ".json", ".jsonl"}
# The URL column of a chunk row.
MAX_URL = 2000


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
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(path.name, exc.strerror or exc.__class__.__name__) from exc
    return parse(data, path.name, key)


def parse(data: bytes, filename: str, key: str) -> list[Document]:
    """The documents in a file's content; `filename` gives the format and a fallback title."""
    suffix = Path(filename).suffix.lower()
    stem = Path(filename).stem
    if not data.strip():
        raise EmptyFile(filename, "the file is empty")
    try:
        if suffix == ".pdf":
            documents = [_pdf(data, filename, key)]
        elif suffix in {".html", ".htm"}:
            documents = [_html(decode(data, filename), key, stem)]
        elif suffix in TEXT_SUFFIXES:
            documents = [_markdown(decode(data, filename), key, stem)]
        elif suffix in FAQ_SUFFIXES:
            rows = _faq_rows(decode(data, filename), suffix, filename)
            documents = list(_faq(rows, filename, key))
        else:
            raise UnreadableFile(filename, f"unsupported file type {suffix!r}")
    except UnreadableFile:
        raise
    except RecursionError:
        raise UnreadableFile(filename, "nested too deeply to read") from None
    except Exception as exc:
        # A parser's unforeseen failure on one file must not stop the rest of its source.
        log.exception("could not read knowledge file %s", filename)
        raise UnreadableFile(filename, f"could not be read ({exc.__class__.__name__})") from exc
    if not any(document.sections for document in documents):
        raise UnreadableFile(filename, "no text to index")
    return documents


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def decode(data: bytes, filename: str) -> str:
    """Text in UTF-8 (with or without a BOM), UTF-16 with its BOM, or else Windows-1252
    (a superset of Latin-1's printable characters). Binary content is refused rather than
    indexed as garbage."""
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not utf16 and b"\x00" in data:
        raise UnreadableFile(filename, "binary content, not text")
    for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile(filename, "not text in UTF-8 or Windows-1252")
    sample = text[:65536]
    if len(_CONTROL.findall(sample)) > len(sample) // 100:
        raise UnreadableFile(filename, "binary content, not text")
    if not text.strip():
        raise EmptyFile(filename, "the file is empty")
    return text


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
# Closing hashes are stripped in code: a pattern for them backtracks in cubic time over a
# heading line with long runs of spaces.
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


# Matched on a stripped line: leading and trailing whitespace patterns around the optional
# pipes backtrack quadratically over a long run of spaces.
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")


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
            and _TABLE_RULE.match(lines[index + 1].strip())
        ):
            header = _cells(line)
            index += 2
            while index < len(lines) and lines[index].lstrip().startswith("|"):
                cells = _cells(lines[index])
                pairs = [
                    f"{h.lower()} {c}" for h, c in zip(header[1:], cells[1:], strict=False) if c
                ]
                said = "; ".join(pairs)
                # One full stop: a cell may end a sentence of its own ("... becomes read-only.").
                out.append(
                    f"{cells[0]}: {said}{'' if said.endswith(('.', '!', '?')) else '.'}"
                    if pairs
                    else cells[0]
                )
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
            level = len(heading.group(1))
            name = heading.group(2).rstrip().rstrip("#").rstrip()
            if level == 1 and title is None:
                title = name
            trail = [*trail[: level - 1], name]
        else:
            buffer.append(line)
    close()
    return Document(
        key, title or fallback_title.replace("-", " ").capitalize(), _url(meta.get("url")), sections
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
    doc.url = _url(url)
    return doc


def _url(value: Any) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= MAX_URL else None


def _pdf(data: bytes, filename: str, key: str) -> Document:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        title = (reader.metadata.title if reader.metadata else None) or Path(filename).stem
        sections = [
            Section(f"Page {number}", text.strip())
            for number, page in enumerate(reader.pages, start=1)
            if (text := page.extract_text() or "").strip()
        ]
    except Exception as exc:  # pypdf raises many types for broken files
        reason = f"not a readable PDF ({exc.__class__.__name__})"
        raise UnreadableFile(filename, reason) from exc
    return Document(key, str(title), None, sections)


_QUESTION_KEYS = ("question", "q", "title")
_ANSWER_KEYS = ("answer", "a", "body", "text")


def _faq_rows(text: str, suffix: str, filename: str) -> list[tuple[int, Any]]:
    """The entries of an FAQ file, numbered from 1, each still to be checked."""
    if suffix == ".csv":
        try:
            return list(enumerate(csv.DictReader(io.StringIO(text, newline="")), start=1))
        except csv.Error as exc:
            raise UnreadableFile(filename, f"not a readable CSV ({exc})") from exc
    lines = text.splitlines() if suffix == ".jsonl" else [text]
    values: list[Any] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            values.append(json.loads(line))
        except json.JSONDecodeError as exc:
            at = exc.lineno if suffix == ".json" else number
            raise UnreadableFile(filename, f"invalid JSON at line {at}") from exc
    rows = values if suffix == ".jsonl" else values[0]
    if isinstance(rows, dict):  # an object holding the list
        rows = next((v for v in rows.values() if isinstance(v, list)), None)
    if not isinstance(rows, list):
        raise UnreadableFile(filename, "expected a list of questions and answers")
    return [(index, row) for index, row in enumerate(rows, start=1)]


def _faq(rows: list[tuple[int, Any]], filename: str, key: str) -> Iterator[Document]:
    """One document per question, so a hit cites the exact entry."""
    for index, row in rows:
        if not isinstance(row, dict):
            reason = f"entry {index} is not an object with a question and an answer"
            raise UnreadableFile(filename, reason)
        lowered = {str(k).strip().lower(): v for k, v in row.items()}
        question = next((lowered[k] for k in _QUESTION_KEYS if lowered.get(k)), None)
        answer = next((lowered[k] for k in _ANSWER_KEYS if lowered.get(k)), None)
        if not question or not answer:
            raise UnreadableFile(filename, f"entry {index} needs a question and an answer")
        if not isinstance(question, str | int | float) or not isinstance(answer, str | int | float):
            reason = f"entry {index}: the question and the answer must be text"
            raise UnreadableFile(filename, reason)
        yield Document(
            f"{key}#{index}",
            str(question).strip(),
            _url(lowered.get("url")),
            [Section(None, f"{question}\n{answer}".strip())],
        )
