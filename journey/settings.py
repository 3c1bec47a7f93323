"""Effective settings: defaults < journey.toml < environment (JOURNEY_*, nested with __).

This is the only module that reads the environment (DESIGN.md: one composition root).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from journey.vocabulary import Vocabulary


class DatabaseSettings(BaseModel):
    url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default is a SQLite file inside the data directory",
    )
    echo: bool = False
    busy_timeout_seconds: float = Field(
        default=20.0,
        gt=0,
        description="how long a write waits for SQLite's lock before the request gets a 503",
    )


class VectorSettings(BaseModel):
    backend: Literal["chroma"] = "chroma"
    server_url: str | None = Field(
        default=None, description="Chroma server URL; default is a local directory"
    )


class EmbeddingSettings(BaseModel):
    model: str = "all-MiniLM-L6-v2"
    runtime: Literal["onnx", "torch"] = Field(
        default="onnx",
        description="onnx: the same vectors about twice as fast (mean-pooling models)",
    )
    batch_size: int = 64


class GeneratorSettings(BaseModel):
    backend: Literal["extractive", "openai", "llamacpp"] = Field(
        default="extractive",
        description="extractive: no model; openai: any OpenAI-compatible endpoint; "
        "llamacpp: a local GGUF file (the llamacpp extra)",
    )
    base_url: str | None = None
    api_key: SecretStr | None = None
    model: str | None = None
    model_path: Path | None = None
    max_tokens: int = 400
    timeout_seconds: float = 30.0


class AssistantSettings(BaseModel):
    company: str = Field(default="our company", description="the name the assistant speaks for")
    min_relevance: float = Field(
        default=0.41,
        description="a question this close (cosine) to some passage is on topic",
    )
    keyword_relevance: float = Field(
        default=12.0, description="a BM25 score that counts as sharing rare words"
    )
    keyword_min_relevance: float = Field(
        default=0.20, description="with rare words shared, this cosine is close enough"
    )
    context_relevance: float = Field(
        default=0.70, description="a follow-up this close with the conversation in front..."
    )
    follow_up_min_relevance: float = Field(
        default=0.25, description="...and at least this close alone is on topic"
    )
    continuation_relevance: float = Field(
        default=0.45,
        description="a reply or continuation ('yes', 'and for Enterprise?') this close with "
        "the conversation in front is on topic",
    )
    standalone_relevance: float = Field(
        default=0.7,
        description="a full question mid-conversation that comes this close (cosine) to a "
        "passage by itself is a new topic, searched without the conversation",
    )
    min_groundedness: float = Field(
        default=0.6, description="answers less grounded than this are not sent"
    )
    answer_concurrency: int | None = Field(
        default=None,
        ge=1,
        description="answers made at once; default: the number of cores, or 16 with a remote "
        "(openai) model, whose answers wait on the network",
    )


class PrivacySettings(BaseModel):
    retention_days: int | None = Field(
        default=None, ge=1, description="conversations quiet for longer are deleted; none: kept"
    )
    # Redacted from text before it leaves the machine for a model provider; with
    # `redact_stored`, before a visitor's message is stored too. Extra patterns are regexes.
    redact_stored: bool = False
    redact_patterns: list[str] = Field(default_factory=list)


class AnalysisSettings(BaseModel):
    sentiment_model: Literal["head"] = Field(
        default="head",
        description="head: a linear head on the embeddings and VADER's scores",
    )
    sentiment_head: Path | None = Field(
        default=None,
        description="a head made by `journey train sentiment`; default is the packaged one",
    )
    background: bool = Field(
        default=True, description="the server analyses new chat messages and imports itself"
    )
    flag_window_days: int = Field(
        default=120,
        description="items older than this (before the newest one) are analysed, not flagged",
    )
    quantized_embedder: bool = Field(
        default=True,
        description="analyse with an int8 copy of the embedder (ONNX runtime only): twice as "
        "fast, the same measured sentiment accuracy",
    )


class ServerSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 8000
    cors_origins: list[str] = Field(
        default_factory=list,
        description="sites allowed to embed the chat widget (https://www.example.com); the "
        "app's own pages always may",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="signs visitor tokens; made once and kept in the data directory if not set",
    )
    visitor_token_days: int = Field(default=30, ge=1)


class AuthSettings(BaseModel):
    token_ttl_days: int = 30


class LimitSettings(BaseModel):
    """Abuse limits, as "N/period" ("20/minute", "5/15 minutes"): per client address, and per
    account for failed sign-ins. Counted in this process, or in Redis to share them."""

    storage_uri: str = Field(default="memory://", description="or redis://host:6379")
    # Per address: generous, as an office's visitors share one address behind its firewall.
    widget: str = "600/minute"  # the widget's script loaded (browsers cache it 5 minutes)
    conversations: str = "60/minute"  # opened
    messages: str = "300/minute"  # visitor messages
    # Per conversation: one person typing.
    conversation_messages: str = "20/minute"
    messages_per_conversation: int = Field(default=300, ge=1)  # then a new one is started
    login_failures_per_account: str = "5/15 minutes"
    login_failures_per_address: str = "50/15 minutes"


def _config_file() -> Path:
    return Path(os.environ.get("JOURNEY_CONFIG_FILE", "journey.toml"))


class InsightsSettings(BaseModel):
    milestones: dict[str, date] = Field(
        default_factory=dict,
        description="the company's dated events a question may name, e.g. "
        '{"price change" = 2026-05-01}: "NPS since the price change"',
    )


class SmtpSettings(BaseModel):
    host: str | None = Field(default=None, description="the mail server; none: no e-mail")
    port: int = 25
    sender: str = "journey@localhost"
    username: str | None = None
    password: SecretStr | None = None
    starttls: bool = False


class NextStepsSettings(BaseModel):
    actions_file: Path | None = Field(
        default=None,
        description="a YAML file of the actions contacts may be offered next; none: the "
        "default B2B catalogue (book_demo, start_trial, sales_handover, ...)",
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="JOURNEY_", env_nested_delimiter="__", extra="forbid"
    )

    data_dir: Path = Path("./var")
    database: DatabaseSettings = DatabaseSettings()
    vectors: VectorSettings = VectorSettings()
    embeddings: EmbeddingSettings = EmbeddingSettings()
    generator: GeneratorSettings = GeneratorSettings()
    assistant: AssistantSettings = AssistantSettings()
    analysis: AnalysisSettings = AnalysisSettings()
    insights: InsightsSettings = InsightsSettings()
    next_steps: NextStepsSettings = NextStepsSettings()
    smtp: SmtpSettings = SmtpSettings()
    server: ServerSettings = ServerSettings()
    limits: LimitSettings = LimitSettings()
    privacy: PrivacySettings = PrivacySettings()
    auth: AuthSettings = AuthSettings()
    vocabulary: Vocabulary = Vocabulary()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=_config_file())
        return (init_settings, env_settings, toml)

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{self.data_dir / 'journey.db'}"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    def masked(self) -> dict[str, Any]:
        """Effective settings as plain data: secrets, and the credentials of any URL (a
        database's, a vector server's, a model provider's), masked."""
        data = self.model_dump(mode="json", exclude={"vocabulary"})
        data["database"]["url"] = _mask_url_password(self.database_url)
        return _without_credentials(data)


def _without_credentials(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_credentials(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_credentials(v) for v in value]
    if isinstance(value, str) and "://" in value and "@" in value:
        parts = urlsplit(value)
        host = parts.netloc.rsplit("@", 1)[-1]
        if parts.password:  # user:password@host: the user name may stay
            return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))
        if parts.username:  # token@host: the "user" is the secret
            return urlunsplit(parts._replace(netloc=f"***@{host}"))
    return value


def _mask_url_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return parsed.render_as_string(hide_password=True) if parsed.password else url
