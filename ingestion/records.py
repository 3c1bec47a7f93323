"""Read records from CSV, JSON or JSONL files with the line each record starts on.

Shared by every import (events now; tickets, reviews, surveys later), so a rejected row is
always reported by the line a person would look for in their editor.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from journey.errors import InvalidInput

FORMATS = ("csv", "json", "jsonl")


class BadRecord(ValueError):
    """A record that could not be parsed; carries its line number."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def detect_format(path: Path, fmt: str | None = None) -> str:
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt == "ndjson":
        fmt = "jsonl"
    if fmt not in FORMATS:
        raise InvalidInput(f"{path.name}: unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return fmt


def read_records(
    path: Path, fmt: str | None = None
) -> Iterator[tuple[int, dict[str, Any] | BadRecord]]:
    """Yield (line, record) pairs; a record that cannot be parsed comes as a BadRecord."""
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    fmt = detect_format(path, fmt)
    if fmt == "csv":
        yield from _csv(path)
    elif fmt == "jsonl":
        yield from _jsonl(path)
    else:
        yield from _json(path)


def _csv(path: Path) -> Iterator[tuple[int, dict[str, Any] | BadRecord]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            return
        header = [h.strip() for h in header]
        line = reader.line_num + 1
        for values in reader:
            if not any(v.strip() for v in values):
                line = reader.line_num + 1
                continue
            if len(values) != len(header):
                yield line, BadRecord(line, f"expected {len(header)} fields, found {len(values)}")
            else:
                # An empty cell means "not given", not an empty string.
                yield (
                    line,
                    {k: (v if v.strip() else None) for k, v in zip(header, values, strict=True)},
                )
            line = reader.line_num + 1


def _jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any] | BadRecord]]:
    with path.open(encoding="utf-8-sig") as handle:
        for line, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                yield line, BadRecord(line, f"invalid JSON: {exc.msg}")
                continue
            yield line, value if isinstance(value, dict) else BadRecord(line, "not a JSON object")


def _json(path: Path) -> Iterator[tuple[int, dict[str, Any] | BadRecord]]:
    text = path.read_text(encoding="utf-8-sig")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{path.name}: invalid JSON at line {exc.lineno}: {exc.msg}") from exc
    if isinstance(data, dict):
        # Accept {"events": [...]} or any single-list wrapper.
        lists = [v for v in data.values() if isinstance(v, list)]
        data = lists[0] if len(lists) == 1 else [data]
    if not isinstance(data, list):
        raise InvalidInput(f"{path.name}: expected a JSON array of objects")
    # A JSON array has no useful line per item; report the item's position (1-based).
    lines = _item_lines(text, len(data))
    for index, value in enumerate(data):
        line = lines[index]
        yield line, value if isinstance(value, dict) else BadRecord(line, "not a JSON object")


def _item_lines(text: str, count: int) -> list[int]:
    """Line on which each top-level array item starts (best effort: items that start lines)."""
    decoder = json.JSONDecoder()
    start = text.find("[")
    lines: list[int] = []
    pos = start + 1
    try:
        while len(lines) < count:
            while text[pos] in " \t\r\n,":
                pos += 1
            lines.append(text.count("\n", 0, pos) + 1)
            _, pos = decoder.raw_decode(text, pos)
    except (IndexError, ValueError):
        lines += list(range(len(lines) + 1, count + 1))
    return lines
