"""Personal data redaction on a labelled set: per kind of text, how much of what should go is
taken out (recall) and how much of what is taken out should go (precision), next to a baseline
that takes out e-mail addresses only.

    python bench/pii.py [bench/pii_labelled.jsonl]

A labelled span counts as found when no part of it is left in the redacted text; a redaction
counts as right when it covers a labelled span (a redaction of a text with none is wrong).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from journey.pii import EMAIL, redact

MARK = re.compile(r"\[(?:email|phone|card|iban|redacted)\]")


def email_only(text: str) -> str:
    return EMAIL.sub("[email]", text)


def score(cases: list[dict[str, object]], redactor: Callable[[str], str]) -> tuple[float, float]:
    found = wanted = right = made = 0
    for case in cases:
        text, spans = str(case["text"]), [str(s) for s in case["pii"]]  # type: ignore[attr-defined]
        out = redactor(text)
        wanted += len(spans)
        found += sum(1 for span in spans if not any(part in out for part in _parts(span)))
        marks = len(MARK.findall(out))
        made += marks
        right += min(marks, len(spans))
    return (right / made if made else 1.0), (found / wanted if wanted else 1.0)


def _parts(span: str) -> list[str]:
    """A span's digits or words of four or more characters: any left over means it leaked."""
    return [p for p in re.findall(r"[\w.+@-]{4,}", span) if any(c.isalnum() for c in p)]


def main() -> None:
    path = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("pii_labelled.jsonl")
    )
    cases = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    spans = sum(len(c["pii"]) for c in cases)
    title = f"PII redaction, {len(cases)} texts, {spans} spans"
    table = Table("redactor", "precision", "recall", title=title)
    for name, redactor in (("e-mail only (baseline)", email_only), ("journey.pii.redact", redact)):
        precision, recall = score(cases, redactor)
        table.add_row(name, f"{precision:.2f}", f"{recall:.2f}")
    Console().print(table)


if __name__ == "__main__":
    main()
