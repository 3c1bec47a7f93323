"""Read records from CSV, JSON or JSONL files with the line each record starts on.

Shared by every import, so a rejected row is always reported by the line a person would look
for in their editor. Files come from anywhere (Excel, exports, uploads): the text is UTF-8
(with or without a BOM) or Windows-1252 as Excel writes it, and every record is bounded (field
size, JSON nesting, finite numbers, storable text) so that a bad record is rejected with its
line instead of failing the import.
"""

from __future__ import annotations

import codecs
import csv
import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from journey.errors import EmptyFile, InvalidInput, UnreadableFile

FORMATS = ("csv", "json", "jsonl")
FIELD_LIMIT = 1024 * 1024  # characters in one CSV field
DEPTH_LIMIT = 32  # levels of JSON nesting below a record
_BLOCK = 1 << 20

# The csv module's own field limit is process-wide and, when hit, leaves the reader in the
# middle of the field, so the rows after it are misread. It is lifted here and fields are
# measured per row instead, where a field over FIELD_LIMIT rejects only its row.
csv.field_size_limit(2**31 - 1)

# Neither PostgreSQL nor a UTF-8 encoder takes NUL characters or lone surrogates.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class BadRecord(ValueError):
    """A record that could not be parsed; carries its line number."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def detect_format(name: str, fmt: str | None = None) -> str:
    fmt = (fmt or Path(name).suffix.lstrip(".")).lower()
    if fmt == "ndjson":
        fmt = "jsonl"
    if fmt not in FORMATS:
        shown = fmt if len(fmt) <= 20 else fmt[:20] + "…"
        raise InvalidInput(f"{name}: unknown format {shown!r}; use one of {', '.join(FORMATS)}")
    return fmt


def read_records(
    path: Path, fmt: str | None = None, name: str | None = None
) -> Iterator[tuple[int, dict[str, Any] | BadRecord]]:
    """Yield (line, record) pairs; a record that cannot be parsed comes as a BadRecord.

    `name` is how messages call the file (an upload's own name), by default the path's name.
    A file that is not text or not JSON at all is an UnreadableFile, one without a record an
    EmptyFile.
    """
    name = name or path.name
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    fmt = detect_format(name, fmt)
    encoding = text_encoding(path, name)
    reader = {"csv": _csv, "jsonl": _jsonl, "json": _json}[fmt]
    empty = True
    for pair in reader(path, encoding, name):
        empty = False
        yield pair
    if empty:
        raise EmptyFile(name, "no rows to import")


def text_encoding(path: Path, name: str) -> str:
    """utf-8-sig when the whole file is UTF-8, else cp1252 (Excel's "CSV" on Windows) when it
    decodes as that; anything else, or a NUL byte, is binary. Read in blocks: files are big."""
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = is_cp1252 = True
    try:
        with path.open("rb") as handle:
            while block := handle.read(_BLOCK):
                if b"\0" in block:
                    is_utf8 = is_cp1252 = False
                    break
                if is_utf8:
                    try:
                        utf8.decode(block)
                    except UnicodeDecodeError:
                        is_utf8 = False
                if is_cp1252:
                    try:
                        block.decode("cp1252")
                    except UnicodeDecodeError:
                        is_cp1252 = False
    except OSError as exc:
        raise UnreadableFile(name, f"cannot be read ({exc.strerror})") from exc
    if is_utf8:
        try:
            utf8.decode(b"", final=True)  # a sequence cut off at the end
        except UnicodeDecodeError:
            is_utf8 = False
    if is_utf8:
        return "utf-8-sig"
    if is_cp1252:
        return "cp1252"
    raise UnreadableFile(name, "not a text file (binary content)")


def load_json(text: str) -> Any:
    """`json.loads` for text from anywhere: anything wrong is a ValueError saying what."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f" at line {exc.lineno}" if exc.lineno > 1 else ""
        raise ValueError(f"invalid JSON{where}: {exc.msg}") from None
    except RecursionError:
        raise ValueError("invalid JSON: nested too deeply") from None
    except ValueError:  # an integer of thousands of digits
        raise ValueError("invalid JSON: a number is too long") from None


def parse_json(text: str) -> Any:
    """A cell holding JSON (event properties, ticket comments): loaded and checked as every
    field of a JSON record is."""
    value = load_json(text)
    problem = value_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def value_problem(value: Any) -> str | None:
    """Why a field's parsed JSON value cannot be imported: nested deeper than DEPTH_LIMIT, a
    number that is not finite (NaN, Infinity, 1e309), or text no database stores; else None."""
    stack = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return "not a finite number"
        if isinstance(item, str) and _UNSTORABLE.search(item):
            return "text with a NUL character or an unpaired surrogate"
        if isinstance(item, dict | list):
            if level >= DEPTH_LIMIT:
                return f"nested more than {DEPTH_LIMIT} levels deep"
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return None


def _record(line: int, value: Any) -> dict[str, Any] | BadRecord:
    if not isinstance(value, dict):
        return BadRecord(line, "not a JSON object")
    for key, field in value.items():
        problem = value_problem(key) or value_problem(field)
        if problem:
            return BadRecord(line, f"{_shown(key)}: {problem}")
    return value


def _shown(key: str) -> str:
    key = _UNSTORABLE.sub("?", key)
    return key if len(key) <= 40 else key[:40] + "…"


def _csv(path: Path, encoding: str, name: str) -> Iterator[tuple[int, dict[str, Any] | BadRecord]]:
    with path.open(newline="", encoding=encoding) as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            return
        if any(len(h) > FIELD_LIMIT for h in header):
            raise UnreadableFile(name, f"a column name is longer than {FIELD_LIMIT:,} characters")
        header = [h.strip() for h in header]
        line = reader.line_num + 1
        for values in reader:
            if any(v.strip() for v in values):  # a blank line is no row
                yield line, _csv_record(line, header, values)
            line = reader.line_num + 1


def _csv_record(line: int, header: list[str], values: list[str]) -> dict[str, Any] | BadRecord:
    if len(values) != len(header):
        return BadRecord(line, f"expected {len(header)} fields, found {len(values)}")
    for column, value in zip(header, values, strict=True):
        if len(value) > FIELD_LIMIT:
            return BadRecord(line, f"{_shown(column)}: longer than {FIELD_LIMIT:,} characters")
    # An empty cell means "not given", not an empty string.
    return {k: (v if v.strip() else None) for k, v in zip(header, values, strict=True)}


def _jsonl(
    path: Path, encoding: str, name: str
) -> Iterator[tuple[int, dict[str, Any] | BadRecord]]:
    with path.open(encoding=encoding) as handle:
        for line, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                value = load_json(text)
            except ValueError as exc:
                yield line, BadRecord(line, str(exc))
                continue
            yield line, _record(line, value)


def _json(path: Path, encoding: str, name: str) -> Iterator[tuple[int, dict[str, Any] | BadRecord]]:
    text = path.read_text(encoding=encoding)
    if not text.strip():
        return
    try:
        data = load_json(text)
    except ValueError as exc:
        raise UnreadableFile(name, str(exc)) from None
    if isinstance(data, dict):
        # Accept {"events": [...]} or any single-list wrapper.
        lists = [v for v in data.values() if isinstance(v, list)]
        data = lists[0] if len(lists) == 1 else [data]
    if not isinstance(data, list):
        raise UnreadableFile(name, "expected a JSON array of objects")
    # A JSON array has no useful line per item; report the item's position (1-based).
    lines = _item_lines(text, len(data))
    for index, value in enumerate(data):
        yield lines[index], _record(lines[index], value)


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
    except (IndexError, ValueError, RecursionError):
        lines += list(range(len(lines) + 1, count + 1))
    return lines


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """An evaluation file, one JSON object a line: any bad line stops it with a readable error."""
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InvalidInput(f"{path.name}: line {number}: {exc.msg}") from exc
