from pathlib import Path

import pytest
from pydantic import ValidationError

from journey.settings import Settings
from journey.vocabulary import Vocabulary


def test_defaults_cover_the_b2b_journey() -> None:
    vocab = Vocabulary()
    assert [s.key for s in vocab.stages] == [
        "awareness",
        "consideration",
        "decision",
        "onboarding",
        "adoption",
        "retention",
        "advocacy",
    ]
    assert len(vocab.touchpoints) == 12
    assert vocab.channel_of["support_ticket"] == "email"
    labels = {e.key: e.label for e in vocab.event_types}
    assert labels["demo_booked"] == "Demo booked" and labels["sso_configured"] == "SSO configured"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"touchpoints": [{"key": "x", "label": "X", "channel": "pigeon"}]},
            "vocabulary.touchpoints.x.channel: unknown channel 'pigeon'",
        ),
        (
            {"event_types": [{"key": "e", "label": "E", "stage_rule": "advance"}]},
            "vocabulary.event_types.e.stage_rule: 'advance' needs a stage",
        ),
        (
            {"stages": [{"key": "a", "label": "A"}, {"key": "a", "label": "B"}]},
            "vocabulary.stages: duplicate key 'a'",
        ),
    ],
)
def test_a_bad_vocabulary_names_the_key(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Vocabulary.model_validate(change)


def test_fold_stage_rules() -> None:
    vocab = Vocabulary()
    assert vocab.fold_stage(None, "page_view") is None
    assert vocab.fold_stage("adoption", "demo_booked") == "adoption"  # advance never goes back
    assert vocab.fold_stage("advocacy", "contract_cancelled") == "retention"  # set does


def test_a_company_can_rename_and_add_stages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "journey.toml"
    config.write_text(
        """
[[vocabulary.stages]]
key = "awareness"
label = "Discover"
[[vocabulary.stages]]
key = "expansion"
label = "Expand"
"""
    )
    monkeypatch.setenv("JOURNEY_CONFIG_FILE", str(config))
    monkeypatch.setenv("JOURNEY_SERVER__PORT", "9001")
    settings = Settings()
    vocab = settings.vocabulary
    assert [s.label for s in vocab.stages] == ["Discover", "Expand"]
    # Default event types that pointed at dropped stages no longer move anyone.
    assert vocab.event_type["demo_booked"].stage is None
    assert vocab.event_type["ad_click"].stage_rule == "advance"
    assert settings.server.port == 9001  # the environment wins over the file


def test_two_data_dirs_never_share_a_database(tmp_path: Path) -> None:
    a, b = Settings(data_dir=tmp_path / "a"), Settings(data_dir=tmp_path / "b")
    assert a.database_url != b.database_url
    assert a.chroma_dir.parent == a.data_dir
