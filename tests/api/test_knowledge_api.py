"""The admin knowledge API: upload, list, replace, delete a file, re-sync, remove a source."""

from __future__ import annotations

import uuid

from builders import staff_headers
from fastapi.testclient import TestClient

from app.container import Container
from assistant.retrieval import HybridRetriever

REFUNDS = b"# Refunds\n\nAnnual plans get a full refund within 30 days of the first purchase.\n"
SSO = b"# Single sign-on\n\nSAML single sign-on is set up under Settings, Security, SSO.\n"
FAQ = b"question,answer\nDo you offer a free trial?,Yes: every plan has a 14-day free trial.\n"


def source_names(client: TestClient, headers: dict[str, str]) -> set[str]:
    return {s["name"] for s in client.get("/admin/knowledge/sources", headers=headers).json()}


def top_text(container: Container, question: str) -> str:
    with container.sessions() as session:
        found = HybridRetriever(container.knowledge).search(session, question, k=1)
    return found.passages[0].text if found.passages else ""


def test_upload_list_replace_delete(app_client: TestClient, container: Container) -> None:
    headers = staff_headers(container, "admin")
    name = f"help-{uuid.uuid4().hex[:6]}"
    files = [("files", ("refunds.md", REFUNDS)), ("files", ("faq.csv", FAQ))]
    report = app_client.post(f"/admin/knowledge/sources/{name}/files", files=files, headers=headers)
    assert report.status_code == 200, report.text
    assert report.json()["files"] == 2 and report.json()["added"] >= 2
    assert "14-day free trial" in top_text(container, "is there a free trial?")

    listed = {
        s["name"]: s for s in app_client.get("/admin/knowledge/sources", headers=headers).json()
    }
    assert listed[name]["documents"] == 2 and listed[name]["chunks"] >= 2

    # A second upload adds a file; the others are unchanged, not re-embedded.
    again = app_client.post(
        f"/admin/knowledge/sources/{name}/files",
        files=[("files", ("sso.md", SSO))],
        headers=headers,
    ).json()
    assert again["unchanged"] >= 2 and again["added"] >= 1 and again["removed"] == 0

    gone = app_client.delete(
        f"/admin/knowledge/sources/{name}/files/faq.csv", headers=headers
    ).json()
    assert gone["removed"] >= 1
    assert "free trial" not in top_text(container, "is there a free trial?")

    resynced = app_client.post(f"/admin/knowledge/sources/{name}/sync", headers=headers).json()
    assert resynced["added"] == 0 and resynced["removed"] == 0

    assert app_client.delete(f"/admin/knowledge/sources/{name}", headers=headers).status_code == 204
    assert name not in source_names(app_client, headers)
    assert container.knowledge.vectors.count() == 0


def test_bad_uploads_store_nothing(app_client: TestClient, container: Container) -> None:
    headers = staff_headers(container, "admin")
    name = f"help-{uuid.uuid4().hex[:6]}"
    files = [("files", ("refunds.md", REFUNDS)), ("files", ("tool.exe", b"MZ"))]
    refused = app_client.post(
        f"/admin/knowledge/sources/{name}/files", files=files, headers=headers
    )
    assert refused.status_code == 422
    assert refused.json()["error"] == "invalid_input" and "tool.exe" in refused.json()["detail"]
    assert name not in source_names(app_client, headers)

    bad_name = app_client.post(
        "/admin/knowledge/sources/..%2Fetc/files", files=files[:1], headers=headers
    )
    assert bad_name.status_code in (404, 422)
    missing = app_client.delete("/admin/knowledge/sources/nothing", headers=headers)
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


def test_only_admins(app_client: TestClient, container: Container) -> None:
    assert app_client.get("/admin/knowledge/sources").status_code == 401
    manager = app_client.get(
        "/admin/knowledge/sources", headers=staff_headers(container, "manager")
    )
    assert manager.status_code == 403
