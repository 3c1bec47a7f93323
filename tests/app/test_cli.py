import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from app.cli import app

runner = CliRunner()


def test_config_masks_secrets(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOURNEY_DATABASE__URL", "postgresql+psycopg://bob:hunter2@db/j")
    monkeypatch.setenv("JOURNEY_GENERATOR__API_KEY", "sk-very-secret")
    result = runner.invoke(app, ["config"])
    assert result.exit_code == 0, result.output
    assert "hunter2" not in result.output and "sk-very-secret" not in result.output
    assert "bob:***@db/j" in result.output


def test_config_masks_credentials_in_every_url(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOURNEY_VECTORS__SERVER_URL", "http://admin:s3cr3t@chroma.internal:8000")
    monkeypatch.setenv("JOURNEY_GENERATOR__BASE_URL", "https://sk-token-123@llm.internal/v1")
    result = runner.invoke(app, ["config"])
    assert result.exit_code == 0, result.output
    assert "s3cr3t" not in result.output and "sk-token-123" not in result.output
    assert "admin:***@chroma.internal:8000" in result.output
    assert "https://***@llm.internal/v1" in result.output


def test_admins_deactivate_staff_and_revoke_their_tokens(env: Path) -> None:
    for email, role in [("boss@x.io", "admin"), ("avery@x.io", "agent")]:
        made = runner.invoke(app, ["users", "create", "--email", email, "--role", role,
                                   "--no-password"])  # fmt: skip
        assert made.exit_code == 0, made.output
    listed = runner.invoke(app, ["users", "list"]).output
    assert "avery@x.io" in listed and "agent" in listed
    changed = runner.invoke(app, ["users", "set", "avery@x.io", "--role", "manager"])
    assert "avery@x.io: manager, active" in changed.output
    gone = runner.invoke(app, ["users", "set", "avery@x.io", "--deactivate"])
    assert "avery@x.io: manager, deactivated" in gone.output
    revoked = runner.invoke(app, ["users", "revoke", "boss@x.io"])
    assert "revoked 1 tokens of boss@x.io" in revoked.output
    last = runner.invoke(app, ["users", "set", "boss@x.io", "--deactivate"])
    assert last.exit_code == 1 and "last active admin" in last.output
    nobody = runner.invoke(app, ["users", "set", "nobody@x.io", "--active"])
    assert nobody.exit_code == 1 and "no staff user nobody@x.io" in nobody.output


def test_config_file_is_read_and_a_bad_key_is_named(env: Path) -> None:
    (env / "journey.toml").write_text("[server]\nport = 9123\n")
    assert '"port": 9123' in runner.invoke(app, ["config"]).output
    (env / "journey.toml").write_text(
        '[[vocabulary.event_types]]\nkey = "demo_booked"\nlabel = "Demo"\nstage = "decisoin"\n'
    )
    result = runner.invoke(app, ["config"])
    assert result.exit_code == 1
    assert "vocabulary.event_types.demo_booked.stage: unknown stage 'decisoin'" in result.output
    assert "Traceback" not in result.output


def test_import_events_reports_and_is_idempotent(env: Path) -> None:
    data = env / "events.csv"
    data.write_text(
        "ts,kind,who\n"
        "2026-01-05T10:00:00Z,demo_booked,ann@acme.io\n"
        "2026-01-06T10:00:00Z,nope,ann@acme.io\n"
    )
    args = [
        "import",
        "events",
        str(data),
        "--map",
        "occurred_at=ts",
        "--map",
        "type=kind",
        "--map",
        "contact_email=who",
    ]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "line 3: type: unknown event type 'nope'" in first.output
    assert "2 rows: 1 accepted, 0 duplicates (already stored), 1 rejected." in first.output
    second = runner.invoke(app, args)
    assert "2 rows: 0 accepted, 1 duplicates (already stored), 1 rejected." in second.output
    strict = runner.invoke(app, [*args, "--strict"])
    assert strict.exit_code == 1 and "Strict mode: nothing written." in strict.output


def test_gdpr_export_writes_everything_about_a_contact(env: Path) -> None:
    data = env / "events.csv"
    data.write_text("ts,kind,who\n2026-01-05T10:00:00Z,demo_booked,ann@acme.io\n")
    imported = runner.invoke(app, ["import", "events", str(data), "--map", "occurred_at=ts",
                                   "--map", "type=kind", "--map", "contact_email=who"])  # fmt: skip
    assert imported.exit_code == 0, imported.output
    out = env / "ann.json"
    exported = runner.invoke(app, ["gdpr", "export", "ann@acme.io", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    data_of_ann = json.loads(out.read_text())
    assert data_of_ann["contact"]["email"] == "ann@acme.io"
    assert [e["type"] for e in data_of_ann["journey_events"]] == ["demo_booked"]
    unknown = runner.invoke(app, ["gdpr", "export", "bob@acme.io"])
    assert unknown.exit_code == 1 and "no contact bob@acme.io" in unknown.output
    audited = runner.invoke(app, ["gdpr", "audit", "--action", "contact."])
    assert [json.loads(line)["action"] for line in audited.output.splitlines()] == [
        "contact.exported"]  # fmt: skip
    kept = runner.invoke(app, ["gdpr", "delete", "ann@acme.io"], input="n\n")
    assert kept.exit_code == 1 and "Aborted" in kept.output  # asked first
    erased = runner.invoke(app, ["gdpr", "delete", "ann@acme.io", "--yes"])
    assert erased.exit_code == 0 and "1 journey events" in erased.output, erased.output
    again = runner.invoke(app, ["gdpr", "export", "ann@acme.io"])
    assert again.exit_code == 1 and "no contact ann@acme.io" in again.output


def test_import_bad_mapping_is_one_line(env: Path) -> None:
    (env / "e.csv").write_text("a\n1\n")
    result = runner.invoke(app, ["import", "events", str(env / "e.csv"), "--map", "colour=a"])
    assert result.exit_code == 1
    assert "'colour' is not an event field" in result.output
    missing = runner.invoke(app, ["import", "events", str(env / "absent.csv")])
    assert missing.exit_code == 1 and "no such file" in missing.output


def test_users_create_prints_a_token(env: Path) -> None:
    result = runner.invoke(
        app,
        ["users", "create", "--email", "Ops@x.io", "--role", "admin", "--password", "long-enough"],
    )
    assert result.exit_code == 0, result.output
    assert "Created admin ops@x.io" in result.output and "ja_" in result.output
    again = runner.invoke(
        app,
        ["users", "create", "--email", "ops@x.io", "--role", "admin", "--password", "long-enough"],
    )
    assert again.exit_code == 1 and "already exists" in again.output
    bad_role = runner.invoke(
        app, ["users", "create", "--email", "a@x.io", "--role", "boss", "--no-password"]
    )
    assert (
        bad_role.exit_code == 1 and "role: must be one of agent, manager, admin" in bad_role.output
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_health_over_real_http(env: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        env={**os.environ},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
                time.sleep(0.3)
        else:
            pytest.fail("server did not come up")
        assert response.json() == {"status": "ok"}
        assert httpx.get(f"http://127.0.0.1:{port}/readyz").json()["status"] == "ready"
        assert (env / "var" / "journey.db").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_ingest_then_chat_in_the_terminal(env: Path) -> None:
    docs = env / "docs"
    docs.mkdir()
    (docs / "support.md").write_text(
        "# Support hours\n\n## Chat\nChat support is open Monday to Friday, 08:00 to 20:00 CET."
    )
    first = runner.invoke(app, ["ingest", str(docs), "--source", "help"])
    assert first.exit_code == 0, first.output
    assert "help: 1 files, 1 chunks: 1 added, 0 unchanged, 0 removed." in first.output
    again = runner.invoke(app, ["ingest", str(docs), "--source", "help"])
    assert "0 added, 1 unchanged" in again.output
    talk = runner.invoke(app, ["chat"], input="When is chat support open?\n\n")
    assert talk.exit_code == 0, talk.output
    assert "Monday to Friday" in talk.output and "[1] Support hours" in talk.output


def test_eval_retrieval_and_answers_on_small_files(env: Path) -> None:
    import json

    docs = env / "docs.jsonl"
    docs.write_text(
        "\n".join(
            json.dumps({"doc_id": f"d{i}", "title": title, "text": text})
            for i, (title, text) in enumerate(
                [
                    (
                        "Renew a licence",
                        "You can renew your driving licence online up to 6 "
                        "months before it expires. Bring your old licence.",
                    ),
                    (
                        "Student loans",
                        "Federal student loans must be repaid after you leave "
                        "school, starting six months later.",
                    ),
                ]
            )
        )
    )
    qa = env / "qa.jsonl"
    qa.write_text(
        json.dumps(
            {
                "question": "how early can I renew my licence?",
                "history": [],
                "doc_id": "d0",
                "gold_span_texts": ["up to 6 months before it expires"],
            }
        )
        + "\n"
        + json.dumps(
            {
                "question": "when do I repay student loans?",
                "history": [],
                "doc_id": "d1",
                "gold_span_texts": ["starting six months later"],
            }
        )
    )
    oos = env / "oos.csv"
    oos.write_text("text,is_oos\nwhat is the capital of peru,1\nrenew licence,0\n")
    result = runner.invoke(
        app, ["eval", "retrieval", "--docs", str(docs), "--qa", str(qa), "--json"]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output[result.output.index("{") :])
    assert figures["recall_at_1"] == 1.0 and figures["n"] == 2
    assert set(figures["baselines"]) == {"bm25", "dense"}
    answers = runner.invoke(
        app,
        [
            "eval",
            "answers",
            "--docs",
            str(docs),
            "--qa",
            str(qa),
            "--unanswerable",
            str(oos),
            "--json",
        ],
    )
    assert answers.exit_code == 0, answers.output
    figures = json.loads(answers.output[answers.output.index("{") :])
    assert figures["n_out_of_scope"] == 1 and figures["refusal_rate"] == 1.0
    assert figures["answer_rate"] == 1.0 and figures["citation_validity"] == 1.0
    assert figures["token_f1"] > 0.3
    table = runner.invoke(app, ["eval", "retrieval", "--docs", str(docs), "--qa", str(qa)])
    assert "journey" in table.output and "bm25" in table.output
