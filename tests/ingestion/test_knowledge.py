"""Knowledge ingestion with the real packaged embedder, a real Chroma directory and FTS5."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from assistant.retrieval import HybridRetriever, fuse, title_evidence, window_evidence
from ingestion.embeddings import SentenceTransformerEmbedder
from ingestion.keyword_index import KeywordIndex
from ingestion.knowledge import KnowledgeBase, ingest
from ingestion.vector_index import ChromaIndex
from journey.db import make_engine, make_session_factory, migrate
from journey.models import KnowledgeChunk
from journey.text import content_words, stem

SSO = """---
title: SSO setup
url: https://help.example.com/sso
---
# SSO setup

## Okta
Create a SAML 2.0 app in Okta and paste the ACS URL https://app.example.com/sso/acs.

## Troubleshooting
"Audience mismatch" means the Entity ID in your identity provider is wrong.
"""

BILLING = """# Billing

## Refunds
Annual plans get a full refund within 30 days of the first purchase.

## Invoices
Invoices are under Settings, Billing. We invoice in EUR, USD or GBP.
"""


@pytest.fixture
def kb(tmp_path: Path, embedder: SentenceTransformerEmbedder) -> Iterator[KnowledgeBase]:
    keywords = KeywordIndex(tmp_path / "keywords.db", "kb")
    yield KnowledgeBase(
        embedder, ChromaIndex("knowledge", embedder, path=tmp_path / "chroma"), keywords
    )
    keywords.close()


@pytest.fixture
def sessions(tmp_path: Path) -> sessionmaker[Session]:
    # Ingestion commits in batches, so it gets a database of its own per test.
    engine = make_engine(f"sqlite:///{tmp_path}/kb.db")
    migrate(engine)
    return make_session_factory(engine)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "sso.md").write_text(SSO)
    (folder / "billing.md").write_text(BILLING)
    (folder / "faq.csv").write_text(
        "question,answer\nDo you have a mobile app?,Yes: iOS and Android apps for approvals.\n"
    )
    (folder / "page.html").write_text(
        "<html><head><title>Status</title><link rel='canonical' href='https://status.example.com'>"
        "</head><body><nav>menu</nav><main><h1>Status page</h1><p>Incidents are posted on the "
        "status page within 15 minutes.</p></main></body></html>"
    )
    return folder


def chunk_count(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(KnowledgeChunk)) or 0


def test_ingest_is_incremental(
    sessions: sessionmaker[Session], kb: KnowledgeBase, docs: Path
) -> None:
    first = ingest(sessions, kb, docs, "help")
    assert first.files == 4 and first.added == first.chunks > 0 and not first.errors
    assert kb.vectors.count() == kb.keywords.count() == chunk_count(sessions) == first.chunks

    again = ingest(sessions, kb, docs, "help")
    assert (again.added, again.removed, again.unchanged) == (0, 0, first.chunks)

    # Edit one section, delete one file: only those chunks change.
    (docs / "sso.md").write_text(SSO.replace("Entity ID", "entity identifier"))
    (docs / "faq.csv").unlink()
    changed = ingest(sessions, kb, docs, "help")
    assert changed.added == 1 and changed.removed == 2
    assert kb.vectors.count() == kb.keywords.count() == chunk_count(sessions)
    with sessions() as session:
        texts = session.scalars(select(KnowledgeChunk.text)).all()
    assert not any("mobile app" in t for t in texts)
    assert any("entity identifier" in t for t in texts)


def test_unreadable_file_keeps_its_old_chunks(
    sessions: sessionmaker[Session], kb: KnowledgeBase, docs: Path
) -> None:
    ingest(sessions, kb, docs, "help")
    before = chunk_count(sessions)
    (docs / "faq.csv").write_text("question,answer\nonly a question,\n")
    report = ingest(sessions, kb, docs, "help")
    assert report.errors and "faq.csv: entry 1 needs a question and an answer" in report.errors[0]
    assert report.removed == 0 and chunk_count(sessions) == before


def test_chunks_keep_structure(
    sessions: sessionmaker[Session], kb: KnowledgeBase, docs: Path
) -> None:
    ingest(sessions, kb, docs, "help")
    with sessions() as session:
        rows = {c.section: c for c in session.scalars(select(KnowledgeChunk))}
    okta = rows["SSO setup > Okta"]
    assert okta.title == "SSO setup" and okta.url == "https://help.example.com/sso"
    status = next(c for c in rows.values() if c.title == "Status page")
    assert status.url == "https://status.example.com" and "menu" not in status.text


def test_hybrid_retrieval_finds_the_right_section(
    sessions: sessionmaker[Session], kb: KnowledgeBase, docs: Path
) -> None:
    ingest(sessions, kb, docs, "help")
    retriever = HybridRetriever(kb)
    with sessions() as session:
        top = retriever.search(session, "what does audience mismatch mean", k=3).passages
        assert top[0].section == "SSO setup > Troubleshooting"
        assert top[0].dense > 0 and top[0].keyword > 0 and top[0].source == "help"
        refund = retriever.search(
            session, "can I get my money back on a yearly plan?", k=3
        ).passages
        assert refund[0].section == "Billing > Refunds"


def test_rrf_rewards_agreement() -> None:
    fused = fuse([["a", "b", "c"], ["c", "a"]])
    assert max(fused, key=fused.__getitem__) == "a"
    assert fused["c"] > fused["b"]


def test_window_evidence_rewards_the_question_words_held_together() -> None:
    idf = {"refund": 3.0, "annual": 2.0, "plan": 0.5}  # stems, as the keyword index keeps them
    together = "Pricing is per user. Annual plans get a full refund within 30 days."
    scattered = (
        "Annual billing saves 20%. Invoices are sent monthly. Seats can be added. "
        "A refund goes to the card used."
    )
    assert window_evidence(together, idf) == pytest.approx(1.0)
    assert window_evidence(scattered, idf) == pytest.approx(3.0 / 5.5)
    assert window_evidence("Nothing relevant here.", idf) == 0.0


def test_title_evidence_is_the_share_of_the_query_a_page_title_holds() -> None:
    idf = {"plan": 1.0, "offer": 3.0}
    assert title_evidence("Plans and pricing", idf) == pytest.approx(0.25)
    assert title_evidence("What we offer: plans", idf) == pytest.approx(1.0)
    assert title_evidence("Onboarding guide", idf) == 0.0


def test_nothing_reaches_the_network(
    sessions: sessionmaker[Session], kb: KnowledgeBase, docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chroma's default embedding function would download a model: ours must be used."""
    real_connect = socket.socket.connect

    def local_only(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and host not in {"127.0.0.1", "::1", "localhost"}
            and "/" not in host
        ):
            raise AssertionError(f"network access attempted: {address}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", local_only)
    ingest(sessions, kb, docs, "help")
    with sessions() as session:
        assert HybridRetriever(kb).search(session, "invoice currency", k=1).passages
    # Chroma embedding documents itself goes through our embedder too.
    collection: Any = kb.vectors.collection  # type: ignore[attr-defined]
    collection.add(ids=["x"], documents=["a document chroma embeds itself"])
    assert collection.count() == kb.vectors.count()


def test_keyword_index_drops_common_words_and_forgets_deleted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ingestion.keyword_index

    monkeypatch.setattr(ingestion.keyword_index, "COMMON_MIN_CHUNKS", 10)
    index = KeywordIndex(tmp_path / "kw.db", "knowledge")
    texts = [f"the plan number {i} includes workflows" for i in range(100)]
    texts[7] = "the plan with SAML SSO through Okta includes workflows"
    index.upsert([f"c{i}" for i in range(100)], texts)
    question = "which plan includes SAML SSO with Okta"
    # "plan" and "includes" are in every chunk: dropped; the rare words decide.
    assert set(index._selective_terms(content_words(question))) == {"saml", "sso", "okta"}
    assert index.search(question, 3)[0][0] == "c7"
    index.delete(["c7"])
    assert index.count() == 99
    assert all(cid != "c7" for cid, _ in index.search("SAML single sign-on", 5))
    index.upsert(["c7"], ["SAML is back"])
    assert index.search("saml", 1)[0][0] == "c7"
    index.close()


def test_keyword_index_counts_stems_and_keeps_vague_queries_cheap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ingestion.keyword_index

    monkeypatch.setattr(ingestion.keyword_index, "COMMON_MIN_CHUNKS", 1000)
    monkeypatch.setattr(ingestion.keyword_index, "POSTINGS_BUDGET", 150)
    path = tmp_path / "kw.db"
    index = KeywordIndex(path, "knowledge")
    texts = [f"to apply for account {i} fill the application" for i in range(100)]
    texts += [f"the applicant applied for a refund {i}" for i in range(50)]
    index.upsert([f"c{i}" for i in range(150)], texts)
    # "apply", "application" and "applied" share one stem, as in FTS5: 150 chunks, not 100.
    # With "account" (100) that is over the budget, so only the rarer word is searched.
    assert index._selective_terms(["apply", "account"]) == ["account"]
    assert index._selective_terms(["refund", "applied"]) == ["refund"]
    # A file that counted plain words is recounted by stem when opened.
    index._db.execute("DELETE FROM terms")
    index._db.execute("PRAGMA user_version = 0")
    index.close()
    reopened = KeywordIndex(path, "knowledge")
    assert reopened._selective_terms(["apply", "account"]) == ["account"]
    assert reopened.search("applications", 1)[0][0].startswith("c")
    reopened.close()


def test_a_mistyped_word_is_known_by_the_word_it_is_one_slip_from(tmp_path: Path) -> None:
    index = KeywordIndex(tmp_path / "kw.db", "knowledge")
    index.upsert(["a", "b", "c"], ["Get the Android app", "Android tablets", "the workspace"])
    assert index.nearest_term(stem("andriod")) == "android"  # two letters swapped
    assert index.nearest_term(stem("workspce")) == stem("workspace")  # a letter missed
    assert index.nearest_term("android") is None  # known
    assert index.nearest_term("kubernetes") is None  # nothing close
    index.delete(["a", "b"])
    assert index.nearest_term(stem("andriod")) is None  # a word no chunk holds any more
    index.close()
