"""Answer generation behind LangChain's BaseChatModel (the backends are built in
`app/backends.py`): the prompt and the streamed text. The model only writes text; what is sent
is decided by the citation and groundedness checks in the chat engine."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from assistant.retrieval import Passage
from journey.pii import redact

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

LANGUAGE_NAMES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "nl": "Dutch",
    "it": "Italian",
    "pt": "Portuguese",
    "pl": "Polish",
    "sv": "Swedish",
    "da": "Danish",
}

SYSTEM_PROMPT = """You are the customer assistant of {company}. Answer the customer's question \
using ONLY the numbered passages below. Cite every statement with the passage number in square \
brackets, like [1] or [2]. If the passages do not contain the answer, reply exactly: \
I don't know. Never invent prices, dates, limits or policies. Answer in {language}, in at most \
four short sentences, friendly and direct.

Passages:
{passages}"""


def prompt_messages(
    question: str,
    passages: Sequence[Passage],
    history: Sequence[tuple[str, str]],
    language: str,
    company: str,
) -> list[BaseMessage]:
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    numbered = "\n\n".join(
        f"[{n}] {p.title}{' > ' + p.section if p.section else ''}\n{p.text}"
        for n, p in enumerate(passages, start=1)
    )
    messages: list[BaseMessage] = [
        SystemMessage(
            SYSTEM_PROMPT.format(
                company=company,
                language=LANGUAGE_NAMES.get(language, "the customer's language"),
                passages=numbered,
            )
        )
    ]
    # What the visitor wrote leaves the machine without their personal data.
    for role, text in history[-6:]:
        messages.append(HumanMessage(redact(text)) if role == "visitor" else AIMessage(text))
    messages.append(HumanMessage(redact(question)))
    return messages


REWRITE_PROMPT = """Rewrite the customer's last message as one standalone question that can be \
understood without the conversation. Keep the customer's language. Reply with the question only."""


def rewrite_messages(question: str, history: Sequence[tuple[str, str]]) -> list[BaseMessage]:
    from langchain_core.messages import HumanMessage, SystemMessage

    transcript = "\n".join(
        f"{'Customer' if role == 'visitor' else 'Assistant'}: {redact(text)}"
        for role, text in history[-6:]
    )
    return [
        SystemMessage(REWRITE_PROMPT),
        HumanMessage(f"{transcript}\nCustomer: {redact(question)}\n\nStandalone question:"),
    ]


def stream_text(model: BaseChatModel, messages: list[BaseMessage]) -> Iterator[str]:
    for chunk in model.stream(messages):
        content = chunk.content
        if isinstance(content, str):
            if content:
                yield content
        else:
            yield "".join(
                part if isinstance(part, str) else str(part.get("text", "")) for part in content
            )
