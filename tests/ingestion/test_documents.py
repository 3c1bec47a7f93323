from pathlib import Path

import pytest

from ingestion.chunking import MAX_WORDS, OVERLAP_WORDS, chunk_document
from ingestion.documents import load
from journey.errors import InvalidInput

TABLE_PAGE = """---
title: Pricing
url: https://example.com/pricing
---
# Pricing

## At a glance
| Plan | Monthly | Users |
|---|---|---|
| **Starter** | €24 | Up to 10 |
| Growth | €59 | Unlimited |
| Trial | – | Read-only after day 14. |

```
| not | a | table |
## not a heading
```
"""


def test_markdown_tables_become_sentences(tmp_path: Path) -> None:
    page = tmp_path / "pricing.md"
    page.write_text(TABLE_PAGE)
    document = load(page, "pricing.md")[0]
    assert (document.title, document.url) == ("Pricing", "https://example.com/pricing")
    glance = document.sections[0]
    assert glance.heading == "Pricing > At a glance"
    assert "Starter: monthly €24; users Up to 10." in glance.text
    assert "Growth: monthly €59; users Unlimited." in glance.text
    assert "Trial: monthly –; users Read-only after day 14.\n" in glance.text  # one full stop
    assert len(document.sections) == 1  # the fenced "heading" is not a heading


def test_long_sections_are_split_with_overlap(tmp_path: Path) -> None:
    sentences = " ".join(f"Sentence number {i} talks about topic {i}." for i in range(120))
    page = tmp_path / "long.md"
    page.write_text(f"# Long\n\n## Part\n{sentences}\n")
    chunks = chunk_document("kb", load(page, "long.md")[0])
    assert len(chunks) > 3
    assert all(c.words <= MAX_WORDS for c in chunks)
    assert all(c.section == "Long > Part" for c in chunks)
    # Consecutive chunks share a little text, so no answer falls between two chunks.
    tail = " ".join(chunks[0].text.split()[-OVERLAP_WORDS:])
    assert chunks[1].text.startswith(tail)
    assert len({c.id for c in chunks}) == len(chunks)


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF whose page draws `text` in Helvetica (built by hand: no writer needed)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_pdf_pages_become_sections(tmp_path: Path) -> None:
    pdf = tmp_path / "policy.pdf"
    pdf.write_bytes(minimal_pdf("Refunds are possible within 30 days."))
    document = load(pdf, "policy.pdf")[0]
    assert document.sections[0].heading == "Page 1"
    assert "Refunds are possible within 30 days." in document.sections[0].text
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(InvalidInput, match=r"broken\.pdf: not a readable PDF"):
        load(broken, "broken.pdf")
