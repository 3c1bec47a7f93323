"""Bad knowledge files never poison a source, and a re-ingested source never goes empty:
through the admin API and `journey ingest`, with the real embedder, Chroma and FTS5."""

from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from builders import staff_headers
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from test_knowledge_api import REFUNDS, SSO, top_text
from typer.testing import CliRunner

from api.app import create_app
from app.cli import app
from app.container import Container
from assistant.retrieval import HybridRetriever
from ingestion.documents import load
from ingestion.embeddings import Vectors
from ingestion.knowledge import KnowledgeBase, ingest
from ingestion.onnx_embedder import OnnxEmbedder
from ingestion.vector_index import ChromaIndex
from journey.models import KnowledgeChunk, KnowledgeSource

DEEP = 50_000
# Each of these crashed ingestion of its whole source, or was indexed as garbage.
BAD_FILES: dict[str, tuple[bytes, str]] = {
    "deep.json": (b"[" * DEEP + b"]" * DEEP, "nested too deeply"),
    "deep-answer.json": (
        json.dumps([{"question": "What is deep?", "answer": [[["a nested answer"]]]}]).encode(),
        "entry 1: the question and the answer must be text",
    ),
    "rows.json": (b"[[1, 2], [3, 4]]", "entry 1 is not an object"),
    "scalar.json": (b'"just a string"', "a list of questions and answers"),
    "broken.json": (b'[{"question": "a", ', "invalid JSON"),
    "broken.pdf": (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\ngarbage", "not a readable PDF"),
    "image.md": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
    "empty.md": (b"", "empty"),
    "blank.txt": (b"  \n\t\n", "empty"),
}


def upload(
    client: TestClient, headers: dict[str, str], name: str, *files: tuple[str, bytes]
) -> Any:
    return client.post(
        f"/admin/knowledge/sources/{name}/files",
        files=[("files", file) for file in files],
        headers=headers,
    )


def chunks_of(container: Container, name: str) -> int:
    with container.sessions() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(KnowledgeChunk)
                .join(KnowledgeSource)
                .where(KnowledgeSource.name == name)
            )
            or 0
        )


@pytest.fixture
def headers(container: Container) -> dict[str, str]:
    return staff_headers(container, "admin")


@pytest.fixture
def source(app_client: TestClient, headers: dict[str, str], container: Container) -> str:
    """A source with two good uploaded pages."""
    name = f"help-{uuid.uuid4().hex[:6]}"
    first = upload(app_client, headers, name, ("refunds.md", REFUNDS), ("sso.md", SSO))
    assert first.status_code == 200, first.text
    return name


def test_bad_files_on_disk_are_skipped_and_the_source_keeps_serving(
    app_client: TestClient, headers: dict[str, str], container: Container, source: str
) -> None:
    before = chunks_of(container, source)
    # Files that reached the source folder another way (an upload before this check, a copy).
    folder = container.settings.data_dir / "uploads" / source
    for filename, (content, _) in BAD_FILES.items():
        (folder / filename).write_bytes(content)
    (folder / "faq.csv").write_bytes(b'question,answer\nIs there a free trial?,"Yes, 14 days."\n')

    for attempt in ("sync", "upload"):
        if attempt == "sync":
            response = app_client.post(f"/admin/knowledge/sources/{source}/sync", headers=headers)
        else:
            response = upload(app_client, headers, source, ("billing.md", b"# Invoices\n\nEUR."))
        assert response.status_code == 200, response.text
        skipped = {line.split(": ", 1)[0]: line for line in response.json()["errors"]}
        assert set(skipped) == set(BAD_FILES)
        for filename, (_, reason) in BAD_FILES.items():
            assert reason in skipped[filename]
    assert chunks_of(container, source) == before + 2  # the FAQ entry and the billing page
    assert "full refund" in top_text(container, "can I get a refund?")
    assert "14 days" in top_text(container, "is there a free trial?")


@pytest.mark.parametrize("filename", sorted(BAD_FILES))
def test_an_unreadable_upload_is_refused_and_not_kept(
    app_client: TestClient,
    headers: dict[str, str],
    container: Container,
    source: str,
    filename: str,
) -> None:
    content, reason = BAD_FILES[filename]
    refused = upload(app_client, headers, source, (filename, content), ("more.md", b"# More\n\nx"))
    assert refused.status_code == 422, refused.text
    body = refused.json()
    empty = not content.strip()
    assert body["error"] == ("empty_file" if empty else "unreadable_file")
    assert body["detail"].startswith(f"{filename}: ") and reason in body["detail"]
    folder = container.settings.data_dir / "uploads" / source
    assert sorted(p.name for p in folder.iterdir()) == ["refunds.md", "sso.md"]
    # Nothing is poisoned: the next upload and sync work.
    assert upload(app_client, headers, source, ("more.md", b"# More\n\nx")).status_code == 200
    synced = app_client.post(f"/admin/knowledge/sources/{source}/sync", headers=headers)
    assert synced.status_code == 200 and synced.json()["errors"] == []


def test_upload_file_names_are_bounded_and_stay_in_the_source_folder(
    app_client: TestClient, headers: dict[str, str], container: Container, source: str
) -> None:
    long_name = "a" * 300 + ".md"
    refused = upload(app_client, headers, source, (long_name, REFUNDS))
    assert refused.status_code == 422 and refused.json()["error"] == "invalid_input"
    assert "too long" in refused.json()["detail"]
    missing = app_client.delete(
        f"/admin/knowledge/sources/{source}/files/{long_name}", headers=headers
    )
    assert missing.status_code == 422, missing.text

    for sneaky in ("../escape.md", "..\\escape.md", "sub/../../escape.md"):
        stored = upload(app_client, headers, source, (sneaky, b"# Escape\n\nStill inside."))
        assert stored.status_code == 200, stored.text
    uploads = container.settings.data_dir / "uploads"
    assert sorted(p.name for p in (uploads / source).iterdir()) == [
        "escape.md",
        "refunds.md",
        "sso.md",
    ]
    assert sorted(p.name for p in uploads.iterdir()) == [source]
    for unusable in ("..", ".hidden.md", "../.hidden.md"):
        assert upload(app_client, headers, source, (unusable, REFUNDS)).status_code == 422


def test_text_in_other_encodings_is_read(
    app_client: TestClient, headers: dict[str, str], container: Container
) -> None:
    name = f"enc-{uuid.uuid4().hex[:6]}"
    files = [
        ("bom.md", "\ufeff# Café opening hours\n\nThe café opens at 8.".encode()),
        ("latin.md", "# Crème brûlée\n\nOur crème brûlée recipe is secret.".encode("latin-1")),
        ("windows.txt", "Prices are in euros: 49 € a month – billed yearly.".encode("cp1252")),
        ("utf16.txt", "Le déjeuner est servi à midi.".encode("utf-16")),
        ("faq.csv", "question,answer\nDo you ship to Zürich?,Yes.\n".encode("cp1252")),
    ]
    response = upload(app_client, headers, name, *files)
    assert response.status_code == 200, response.text
    assert response.json()["errors"] == [] and response.json()["files"] == len(files)
    with container.sessions() as session:
        rows = session.execute(select(KnowledgeChunk.title, KnowledgeChunk.text)).all()
    titles = {title for title, _ in rows}
    texts = " ".join(text for _, text in rows)
    assert {"Café opening hours", "Crème brûlée", "Do you ship to Zürich?"} <= titles
    assert "49 € a month – billed" in texts and "déjeuner est servi à midi" in texts
    assert "\ufffd" not in texts and "\ufeff" not in texts


def test_a_pathological_heading_line_is_read_quickly(tmp_path: Path) -> None:
    # The heading pattern once backtracked in cubic time over runs of spaces.
    page = tmp_path / "spaces.md"
    page.write_text("# Title" + " " * 3000 + "x" + " " * 3000 + "y ##\n\nBody.")
    started = time.perf_counter()
    document = load(page, "spaces.md")[0]
    assert time.perf_counter() - started < 1.0
    assert document.title.startswith("Title") and document.title.endswith("x" + " " * 3000 + "y")
    table = tmp_path / "table.md"
    table.write_text("| a | b |\n" + " " * 50_000 + "x\n")
    started = time.perf_counter()
    load(table, "table.md")
    assert time.perf_counter() - started < 1.0


class ProbedEmbedder(OnnxEmbedder):
    """The real embedder that, before each batch it embeds, asks the knowledge base a
    question: the sync is observed at each step, not when a thread happens to look."""

    probe: Callable[[], None] = staticmethod(lambda: None)

    def embed(self, texts: list[str]) -> Vectors:
        self.probe()
        return super().embed(texts)


class ProbedChromaIndex(ChromaIndex):
    """Chroma that asks the same question after each write and delete."""

    probe: Callable[[], None] = staticmethod(lambda: None)

    def upsert(self, ids: Sequence[str], vectors: Vectors, metadatas: Any) -> None:
        super().upsert(ids, vectors, metadatas)
        self.probe()

    def delete(self, ids: Sequence[str]) -> None:
        super().delete(ids)
        self.probe()


def test_a_changed_source_is_swapped_without_a_gap(
    headers: dict[str, str], container: Container, embedder: OnnxEmbedder
) -> None:
    probed = ProbedEmbedder(embedder.name, embedder.exact_file.parent)
    vectors = ProbedChromaIndex("knowledge", probed, path=container.settings.chroma_dir)
    kb = KnowledgeBase(probed, vectors, container.knowledge.keywords)
    probed_container = Container(container.settings, knowledge=kb)
    with (
        contextlib.closing(probed_container),
        TestClient(create_app(probed_container)) as probed_app,
    ):
        name = f"swap-{uuid.uuid4().hex[:6]}"
        pages = [(f"refunds-{i}.md", REFUNDS + f"\nPolicy note {i}.\n".encode()) for i in range(3)]
        assert upload(probed_app, headers, name, *pages).status_code == 200

        seen: list[tuple[int, str]] = []
        # A visitor's view of the same indexes (its questions are not probed themselves).
        visitor = HybridRetriever(KnowledgeBase(embedder, vectors, kb.keywords))

        def ask() -> None:
            with container.sessions() as session:
                passages = visitor.search(session, "can I get a refund?", k=3).passages
            seen.append((chunks_of(container, name), passages[0].text if passages else ""))

        probed.probe = vectors.probe = ask
        # Every page changes: all of the source's chunks are replaced.
        changed = [(f, c.replace(b"30 days", b"45 days")) for f, c in pages]
        report = upload(probed_app, headers, name, *changed).json()
        assert report["added"] == 3 and report["removed"] == 3
        assert len(seen) >= 3  # an embed, a vector write, a delete
        assert all(count >= 3 and "full refund" in text for count, text in seen), seen
        assert chunks_of(container, name) == 3
        assert "45 days" in top_text(container, "can I get a refund?")


class MeetingEmbedder(OnnxEmbedder):
    """Two syncs that embed at the same time meet here; a sync that runs alone waits briefly
    for a partner that never comes, then carries on."""

    meeting = threading.Barrier(2, timeout=3)

    def embed(self, texts: list[str]) -> Vectors:
        if any("Concurrent" in text for text in texts):
            with contextlib.suppress(threading.BrokenBarrierError):
                self.meeting.wait()
        return super().embed(texts)


def test_concurrent_syncs_of_one_source_both_succeed(
    container: Container, embedder: OnnxEmbedder
) -> None:
    meeting = MeetingEmbedder(embedder.name, embedder.exact_file.parent)
    kb = KnowledgeBase(meeting, container.knowledge.vectors, container.knowledge.keywords)
    name = f"twice-{uuid.uuid4().hex[:6]}"
    folder = container.settings.data_dir / "uploads" / name
    folder.mkdir(parents=True)
    (folder / "page.md").write_text("# Concurrent\n\nTwo admins press sync at once.")
    outcomes: list[Any] = []

    def run() -> None:
        try:
            outcomes.append(ingest(container.sessions, kb, folder, name))
        except Exception as exc:  # the failure is what the test reports
            outcomes.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [type(o).__name__ for o in outcomes] == ["IngestReport", "IngestReport"], outcomes
    assert sorted(o.added for o in outcomes) == [0, 1]
    assert chunks_of(container, name) == 1


def test_cli_ingest_reports_skipped_files(env: Path) -> None:
    docs = env / "docs"
    docs.mkdir()
    (docs / "hours.md").write_text("# Support hours\n\nChat is open Monday to Friday.")
    (docs / "deep.json").write_bytes(BAD_FILES["deep.json"][0])
    (docs / "image.md").write_bytes(BAD_FILES["image.md"][0])
    result = CliRunner().invoke(app, ["ingest", str(docs), "--source", "help"])
    assert result.exit_code == 0, result.output
    assert "help: 3 files, 1 chunks: 1 added" in result.output
    assert "skipped deep.json: nested too deeply" in result.output
    assert "skipped image.md:" in result.output and "binary" in result.output
