"""A query spec proposed by a language model, when one is configured: the model reads the
question and the metrics layer's catalogue and writes a JSON spec. It never writes SQL, and
its spec is used only when it validates; otherwise the rule-based reader's is."""

from __future__ import annotations

import json
import logging
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from assistant.insights.metrics import METRICS, TIME_DIMENSIONS
from assistant.insights.spec import QuerySpec
from journey.vocabulary import Vocabulary

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

log = logging.getLogger(__name__)

PROMPT = """You turn a customer-experience manager's question into a JSON query over a \
metrics catalogue. Reply with one JSON object and nothing else. Never write SQL.

Fields: "metrics" (list of metric keys, required), "dimensions" (up to two keys to group by), \
"filters" (list of {{"dimension": key, "values": [values]}}), "period" ({{"start": "YYYY-MM-DD", \
"end": "YYYY-MM-DD"}}, end excluded; either may be left out), "order" ("asc" or "desc", by the \
first metric), "limit" (top N), "hours" (for tickets_waiting), "from_stage" and "to_stage" (for \
conversion), "from_event" and "to_event" (for time_between), "compare" (a list of periods set \
side by side). Today is {as_of}; relative periods end there.

Metrics (key: meaning; dimensions it has):
{metrics}
Time dimensions, for every metric with a time field: {grains}.
Stages, in order: {stages}.
Event types: {event_types}.
Segments: smb, mid_market, enterprise. Countries are two-letter codes."""


def proposed_spec(
    model: BaseChatModel, question: str, as_of: date, vocabulary: Vocabulary
) -> QuerySpec | None:
    """The model's spec for the question, or None when it fails or does not validate."""
    from langchain_core.messages import HumanMessage, SystemMessage

    prompt = PROMPT.format(
        as_of=as_of.isoformat(),
        metrics="\n".join(
            f"- {m.key}: {m.description or m.label}; {', '.join(sorted(m.source.dimensions))}"
            for m in METRICS.values()
        ),
        grains=", ".join(TIME_DIMENSIONS),
        stages=", ".join(s.key for s in vocabulary.stages),
        event_types=", ".join(e.key for e in vocabulary.event_types),
    )
    try:
        reply = model.invoke([SystemMessage(prompt), HumanMessage(question)])
    except Exception as exc:  # any model or transport failure: the reader answers instead
        log.warning("the model proposed no spec: %s", exc)
        return None
    data = _first_object(str(reply.content))
    if data is None:
        return None
    data["as_of"] = as_of
    try:
        return QuerySpec.model_validate(data)
    except ValidationError as exc:
        log.info("the model's spec did not validate: %s", exc.errors()[0].get("msg"))
        return None


def _first_object(text: str) -> dict[str, Any] | None:
    """The first JSON object in the reply: models wrap it in prose or a code fence."""
    start = text.find("{")
    while start != -1:
        try:
            data, _ = json.JSONDecoder().raw_decode(text[start:])
        except ValueError:
            start = text.find("{", start + 1)
            continue
        return data if isinstance(data, dict) else None
    return None
