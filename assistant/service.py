"""Conversations: visitor messages answered by the engine, handoff to a person, takeover by an
agent (the bot stays silent until handed back), and every message in the journey log."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.engine import AnswerEngine, Event, Reply
from assistant.language import detect_language
from feedback.queue import FlagQueue
from journey.db import UnitsOfWork, transaction, utcnow
from journey.errors import Conflict, InvalidInput, NotFound, TooManyRequests
from journey.models import Contact, Conversation, Flag, Message, StaffUser, SurveyResponse
from journey.pii import redact
from journey.schemas import EventIn
from journey.service import JourneyService
from journey.stages import guess_stage
from journey.vocabulary import Vocabulary
from journey.webhooks import emit

SEVERITY = {
    "customer_request": 40,
    "missing_knowledge": 35,
    "negative_sentiment": 70,
    "sales_opportunity": 60,
    "policy_restriction": 50,
    "low_confidence": 45,
    "model_failure": 50,
}
NEXT_STEP = {
    "customer_request": "Join the conversation and answer the visitor.",
    "missing_knowledge": "Answer the visitor, then add the missing answer to the knowledge base.",
    "negative_sentiment": "Take over now: acknowledge the frustration and solve the problem.",
    "sales_opportunity": "Hand to sales: the visitor shows buying intent.",
    "policy_restriction": "Answer personally: the bot may not decide on this policy.",
    "low_confidence": "Check the question and answer it; the bot was not sure.",
    "model_failure": "Answer the visitor; the answer model failed.",
}
MAX_MESSAGE = 4000
MAX_VISITOR_MESSAGES = 300  # in one conversation (configured: [limits] messages_per_conversation)
ROLES = ("visitor", "bot", "agent", "system")
# The answer engine reads the last six visitor and bot messages at most.
HISTORY_MESSAGES = 8
TRANSCRIPT_PAGE = 50


@dataclass(frozen=True)
class Turn:
    """A visitor's message, stored, on its way to an answer."""

    conversation_id: str
    visitor_message_id: int
    text: str
    language: str
    status: str

    @property
    def silent(self) -> bool:
        """Once a person is on the line, the bot says nothing."""
        return self.status in ("waiting_for_human", "human")


@dataclass(frozen=True)
class Answered:
    reply: Reply
    status: str
    message_id: int | None = None  # the stored reply's: what the visitor rates


def receive_message(
    units: UnitsOfWork,
    vocabulary: Vocabulary,
    conversation_id: str,
    text: str,
    most: int = MAX_VISITOR_MESSAGES,
    redaction: Sequence[str] | None = None,
) -> Turn:
    """Store a visitor's message in a unit of work of its own: committed before it is answered,
    so it is never lost, and no write lock is held while the answer is made. A conversation
    takes at most `most` visitor messages."""
    with transaction(units.write) as session:
        return ConversationService(session, vocabulary).receive(
            conversation_id, text, most, redaction
        )


def answer_message(
    units: UnitsOfWork, vocabulary: Vocabulary, engine: AnswerEngine, turn: Turn
) -> Iterator[Event]:
    """Answer a stored message, streamed: ("token", text)..., ("sources", citations), then
    ("done", Answered). The answer is made from a read-only session; the reply is stored in a
    short unit of work of its own."""
    if turn.silent:
        yield "done", Answered(Reply("", "silent", turn.language), turn.status)
        return
    reply: Reply | None = None
    with engine.capacity, transaction(units.read) as session:
        history = ConversationService(session, vocabulary).history(turn)
        for kind, value in engine.stream(session, turn.text, history, turn.language):
            if kind == "done":
                reply = value
            else:
                yield kind, value
    assert reply is not None, "the engine always ends with a reply"
    with transaction(units.write) as session:
        status, message_id = ConversationService(session, vocabulary).record_reply(turn, reply)
    yield "done", Answered(reply, status, message_id)


class ConversationService:
    def __init__(self, session: Session, vocabulary: Vocabulary) -> None:
        self.session = session
        self.journey = JourneyService(session, vocabulary)
        self.flags = FlagQueue(session)

    def start(
        self,
        visitor_id: str | None = None,
        contact_id: int | None = None,
        page_url: str | None = None,
        touchpoint: str = "chat_widget",
    ) -> Conversation:
        contact = self.session.get(Contact, contact_id) if contact_id else None
        if contact_id and contact is None:
            raise NotFound(f"contact {contact_id} not found")
        if touchpoint not in self.journey.vocabulary.channel_of:
            raise InvalidInput(f"touchpoint: unknown touchpoint {touchpoint!r}")
        conversation = Conversation(
            visitor_id=visitor_id or (None if contact else f"anon-{uuid.uuid4().hex[:16]}"),
            contact_id=contact.id if contact else None,
            account_id=contact.account_id if contact else None,
            page_url=page_url,
            touchpoint=touchpoint,
            channel=self.journey.vocabulary.channel_of[touchpoint],
            stage=contact.stage if contact else None,
        )
        self.session.add(conversation)
        self.session.flush()
        return conversation

    def get(self, conversation_id: str) -> Conversation:
        conversation = self.session.get(Conversation, conversation_id)
        if conversation is None:
            raise NotFound(f"conversation {conversation_id} not found")
        return conversation

    # -- the visitor's side -------------------------------------------------------------------

    def receive(
        self,
        conversation_id: str,
        text: str,
        most: int = MAX_VISITOR_MESSAGES,
        redaction: Sequence[str] | None = None,
    ) -> Turn:
        """Store the visitor's message; what answering it needs comes back as a Turn. With
        `redaction` (extra patterns, maybe none) its personal data is taken out first."""
        text = text.strip() if redaction is None else redact(text.strip(), redaction)
        if not text:
            raise InvalidInput("text: the message is empty")
        if len(text) > MAX_MESSAGE:
            raise InvalidInput(f"text: at most {MAX_MESSAGE} characters")
        detected = detect_language(text)  # before the first query: it is CPU, not database
        conversation = self.get(conversation_id)
        if conversation.status == "closed":
            raise Conflict("the conversation is closed; start a new one")
        said = self.session.scalar(select(func.count()).where(
            Message.conversation_id == conversation.id, Message.role == "visitor"))  # fmt: skip
        if (said or 0) >= most:
            raise TooManyRequests(f"a conversation takes {most} messages; start a new one")
        language = detected or conversation.language or "en"
        conversation.language = conversation.language or language
        message = self._add(conversation, "visitor", text, language=language)
        return Turn(conversation.id, message.id, text, language, conversation.status)

    def record_reply(self, turn: Turn, reply: Reply) -> tuple[str, int | None]:
        """Store the bot's reply and hand over when it asks to; returns the conversation's
        status and the reply's id. A person who took over while the answer was being made
        wins: it is dropped (no id)."""
        conversation = self.get(turn.conversation_id)
        if conversation.status != "bot":
            return conversation.status, None
        bot_message = self._add(
            conversation,
            "bot",
            reply.text,
            language=turn.language,
            groundedness=reply.groundedness,
            meta={
                "kind": reply.kind,
                "query": reply.query,
                "citations": [asdict(c) for c in reply.citations],
                "handoff_reason": reply.handoff_reason,
                "notes": reply.notes,
            },
        )
        reason = reply.handoff_reason
        if reason:
            visitor_message = self.session.get(Message, turn.visitor_message_id)
            evidence = [m for m in (visitor_message, bot_message) if m is not None]
            self.hand_off(conversation, reason, evidence=evidence)
        return conversation.status, bot_message.id

    def rate_answer(self, conversation_id: str, message_id: int, helpful: bool) -> Message:
        """The visitor's thumbs up or down on an answer: kept on the message and told to the
        journey (rated again, the newest counts)."""
        message = self.session.get(Message, message_id)
        if message is None or message.conversation_id != conversation_id or message.role != "bot":
            raise NotFound(f"no answer {message_id} in this conversation")
        message.meta = {**(message.meta or {}), "helpful": helpful}
        conversation = self.get(conversation_id)
        self._log(conversation, "chat_answer_rated", f"rated:{message.id}:{helpful}",
                  {"message_id": message.id, "helpful": helpful})  # fmt: skip
        return message

    def rate_chat(self, conversation_id: str, score: int, comment: str | None) -> SurveyResponse:
        """The visitor's CSAT (1 to 5) at the end of the chat: a survey answer like any other
        (it counts in CSAT and is analysed with the rest), once per conversation; the
        conversation is closed."""
        if not 1 <= score <= 5:
            raise InvalidInput("score: from 1 to 5")
        conversation = self.get(conversation_id)
        rated = (SurveyResponse.source == "chat", SurveyResponse.external_id == conversation.id)
        found = self.session.scalar(select(SurveyResponse.id).where(*rated))
        if found is not None:
            raise Conflict("this chat has been rated already")
        answer = SurveyResponse(
            source="chat", external_id=conversation.id, kind="csat", score=score,
            comment=(comment or "").strip()[:MAX_MESSAGE] or None,
            contact_id=conversation.contact_id, account_id=conversation.account_id,
            stage=conversation.stage, touchpoint=conversation.touchpoint, answered_at=utcnow(),
        )  # fmt: skip
        try:
            with self.session.begin_nested():  # two clicks at once: one answer
                self.session.add(answer)
        except IntegrityError as exc:
            raise Conflict("this chat has been rated already") from exc
        self._log(conversation, "survey_answered", f"chat-csat:{conversation.id}",
                  {"kind": "csat", "score": score, "survey_response_id": answer.id},
                  answer.comment or "")  # fmt: skip
        if conversation.status != "closed":
            self.close(conversation_id)
        return answer

    # -- handoff and takeover -----------------------------------------------------------------

    def hand_off(
        self, conversation: Conversation, reason: str, evidence: list[Message] | None = None
    ) -> Flag:
        if reason not in SEVERITY:
            raise InvalidInput(f"reason: one of {', '.join(SEVERITY)}")
        evidence = evidence or self._latest(conversation.id, ROLES, 3)
        key = f"handoff:{conversation.id}:{evidence[-1].id if evidence else 0}"
        flag = self.flags.raise_flag(
            key,
            [f"handoff_{reason}"],
            SEVERITY[reason],
            [{"type": "message", "id": m.id, "role": m.role, "text": m.text} for m in evidence],
            suggested_step=NEXT_STEP[reason],
            contact_id=conversation.contact_id,
            account_id=conversation.account_id,
            conversation_id=conversation.id,
            stage=conversation.stage,
            touchpoint=conversation.touchpoint,
        )
        if conversation.status == "bot":
            conversation.status = "waiting_for_human"
            conversation.handoff_reason = reason
            emit(self.session, "handoff.requested", {
                "conversation_id": conversation.id, "reason": reason,
                "contact_id": conversation.contact_id, "flag_id": flag.id,
            })  # fmt: skip
        self._log(conversation, "chat_handoff", f"handoff:{key}", {"reason": reason})
        self.session.flush()
        return flag

    def take_over(self, conversation_id: str, agent: StaffUser) -> Conversation:
        conversation = self.get(conversation_id)
        if conversation.status == "closed":
            raise Conflict("the conversation is closed")
        conversation.status = "human"
        conversation.assigned_agent_id = agent.id
        self.flags.claim_conversation(conversation.id, agent)
        self._add(conversation, "system", f"{agent.name} joined the conversation.")
        self.journey.audit(agent.email, "conversation.taken_over", "conversation", conversation.id)
        return conversation

    def hand_back(self, conversation_id: str, agent: StaffUser) -> Conversation:
        conversation = self.get(conversation_id)
        if conversation.status != "human":
            raise Conflict("only a conversation a person has taken over can be handed back")
        conversation.status = "bot"
        conversation.assigned_agent_id = None
        self._add(
            conversation, "system", f"{agent.name} handed the conversation back to the assistant."
        )
        self.journey.audit(agent.email, "conversation.handed_back", "conversation", conversation.id)
        return conversation

    def agent_reply(self, conversation_id: str, agent: StaffUser, text: str) -> Message:
        conversation = self.get(conversation_id)
        if conversation.status != "human" or conversation.assigned_agent_id != agent.id:
            # Writing into a conversation is taking it over: the bot must not talk across.
            self.take_over(conversation_id, agent)
        if not text.strip():
            raise InvalidInput("text: the message is empty")
        message = self._add(conversation, "agent", text.strip(), author_id=agent.id)
        self.journey.audit(agent.email, "conversation.replied", "conversation", conversation.id,
                           message_id=message.id)  # fmt: skip
        return message

    def close(self, conversation_id: str, agent: StaffUser | None = None) -> Conversation:
        """Closed by the visitor (the widget's end), or by an agent (audited)."""
        conversation = self.get(conversation_id)
        conversation.status, conversation.closed_at = "closed", utcnow()
        if agent is not None:
            self.journey.audit(agent.email, "conversation.closed", "conversation", conversation.id)
        emit(self.session, "conversation.closed", {
            "conversation_id": conversation.id, "contact_id": conversation.contact_id,
            "handoff_reason": conversation.handoff_reason,
        })  # fmt: skip
        self.session.flush()
        return conversation

    # -- helpers ------------------------------------------------------------------------------

    def history(self, turn: Turn) -> list[tuple[str, str]]:
        """What was said before the turn's message, as far back as the answer engine reads."""
        latest = self._latest(
            turn.conversation_id, ("visitor", "bot"), HISTORY_MESSAGES, turn.visitor_message_id
        )
        return [(m.role, m.text) for m in latest]

    def _latest(
        self, conversation_id: str, roles: Sequence[str], n: int, before: int | None = None
    ) -> list[Message]:
        """The conversation's last n messages of those roles, oldest first. Never the whole
        transcript: a message must cost the same in the 2,000th turn as in the first."""
        query = select(Message).where(
            Message.conversation_id == conversation_id, Message.role.in_(roles)
        )
        if before is not None:
            query = query.where(Message.id < before)
        return list(self.session.scalars(query.order_by(Message.id.desc()).limit(n)))[::-1]

    def transcript(
        self, conversation_id: str, after: int | None = None, limit: int = TRANSCRIPT_PAGE
    ) -> tuple[Conversation, list[Message], bool]:
        """A page of the transcript: the newest `limit` messages, or with `after` the oldest
        `limit` after that message id (what a polling widget has not seen). The flag says
        whether more messages lie beyond the page."""
        conversation = self.get(conversation_id)
        query = select(Message).where(Message.conversation_id == conversation.id)
        if after is None:
            page = list(self.session.scalars(query.order_by(Message.id.desc()).limit(limit + 1)))
            return conversation, page[:limit][::-1], len(page) > limit
        query = query.where(Message.id > after).order_by(Message.id).limit(limit + 1)
        page = list(self.session.scalars(query))
        return conversation, page[:limit], len(page) > limit

    def _add(self, conversation: Conversation, role: str, text: str, **fields: object) -> Message:
        # Added by id, not to `conversation.messages`: appending loads the whole collection.
        message = Message(conversation_id=conversation.id, role=role, text=text, **fields)
        self.session.add(message)
        conversation.updated_at = utcnow()
        self.session.flush()
        if role in ("visitor", "bot", "agent"):
            properties = {"role": role, "message_id": message.id, "page_url": conversation.page_url}
            self._log(conversation, "chat_message", f"chat:{message.id}", properties, text)
        return message

    def _log(
        self,
        conversation: Conversation,
        event_type: str,
        key: str,
        properties: dict[str, object],
        text: str = "",
    ) -> None:
        known = conversation.stage
        if conversation.contact_id:
            contact = self.session.get(Contact, conversation.contact_id)
            known = contact.stage if contact else known
        vocabulary = self.journey.vocabulary
        stage = (
            guess_stage(text, conversation.page_url, known, vocabulary.stage_order)
            if text
            else known
        )
        self.journey.record_many(
            [
                EventIn(
                    type=event_type,
                    occurred_at=utcnow(),
                    stage=stage,
                    touchpoint=conversation.touchpoint,
                    source="chat",
                    contact_id=conversation.contact_id,
                    visitor_id=conversation.visitor_id,
                    subject_type="conversation",
                    subject_id=conversation.id,
                    properties=properties,
                    idempotency_key=key,
                )
            ]
        )
