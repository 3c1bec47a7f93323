from pathlib import Path

from ingestion.chunking import MAX_WORDS, OVERLAP_WORDS, chunk_document
from ingestion.documents import load

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
