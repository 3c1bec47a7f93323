"""The answer pipeline for one visitor message: small talk, a request for a person, or
retrieve -> generate (or extract) -> check citations and groundedness -> answer or hand over.

It streams: ("token", text) pieces, then ("sources", citations), then ("done", Reply). A model's
sentence is only streamed once it has been checked against the passages, so an unsupported
claim is never shown, even briefly.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy.orm import Session

from assistant.extractive import extractive_answer
from assistant.generation import prompt_messages, rewrite_messages, stream_text
from assistant.grounding import clean_citations, groundedness
from assistant.intent import (
    KINDS,
    accepts,
    asked_of_another_name,
    asks,
    asks_for_another,
    by_full_names,
    continues_conversation,
    handoff_request,
    named_kinds,
    names_asked_about,
    opens_new_topic,
    points_back,
    questions,
    small_talk,
    without_manner,
)
from assistant.replies import offers_person, say, without_closing
from assistant.retrieval import HybridRetriever, Passage, Retrieved
from assistant.reviewed import ReviewedAnswers
from assistant.translation import quoted_in_english, to_english
from journey.settings import AssistantSettings
from journey.text import content_words, sentences, stem, streamed_sentences

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

log = logging.getLogger(__name__)

# "silent": a person has taken the conversation over, so the bot says nothing.
ReplyKind = Literal["answer", "dont_know", "small_talk", "handoff", "silent"]
HANDOFF_REASONS = (
    "customer_request",
    "missing_knowledge",
    "negative_sentiment",
    "sales_opportunity",
    "policy_restriction",
    "low_confidence",
    "model_failure",
)

_MODEL_DONT_KNOW = re.compile(r"\bI don'?t know\b", re.I)
# A message with fewer content words than this cannot stand alone ("and the Name ID?").
FULL_QUESTION_WORDS = 2


@dataclass
class Citation:
    number: int
    passage_id: str
    title: str
    url: str | None
    section: str | None


@dataclass
class Reply:
    text: str
    kind: ReplyKind
    language: str
    query: str = ""
    citations: list[Citation] = field(default_factory=list)
    groundedness: float | None = None
    handoff_reason: str | None = None
    notes: list[str] = field(default_factory=list)


Event = tuple[str, Any]


@dataclass(frozen=True)
class Understood:
    """What a message asks, ready to search the knowledge with."""

    asked: list[str]  # each question it asks, as the visitor wrote it
    english: list[str]  # ... in the knowledge's language, of the plans there are
    searches: list[str]  # ... with the knowledge's abbreviations and words besides
    missing: list[tuple[str, str]]  # a plan (tier, edition) it names that does not exist


@dataclass
class _Turn:
    """One question being answered: what the answering steps share."""

    question: str
    # Each question the message asks (in English) and the passages found for it.
    asked: Sequence[tuple[str, Sequence[Passage]]]
    passages: list[Passage]  # all of them, in the order they are cited
    history: Sequence[tuple[str, str]]
    language: str
    reply: Reply
    translated: bool  # searched with another language's words in English
    premises: list[str]  # what the question takes for granted wrongly ("There is no Plus plan.")


_CITATION_MARK = re.compile(r"\[\d{1,2}\]")


def conversation_context(history: Sequence[tuple[str, str]]) -> str | None:
    """What a follow-up ("and for Enterprise?") refers to: the visitor's last two messages
    and the assistant's last answer (doc2dial DEV recall@5: 0.77 with the visitor's messages
    alone, 0.83 with the answer too, as it names the part of the document under discussion)."""
    # Small talk ("Hi there" and the greeting back) says nothing of the topic: with it in
    # front, the first question after a greeting was searched as a follow-up of it.
    # Nor does a question the assistant could not answer: with it in front, "What plans do you
    # have?" after an "I don't know" about a CRM was answered from the onboarding guide's CRM
    # week.
    kept: list[tuple[str, str]] = []
    for role, text in history:
        if role == "visitor" and small_talk(text):
            kept.append(("small_talk", text))
        elif role == "bot" and kept and kept[-1][0] == "small_talk":
            continue
        elif role == "bot" and kept and kept[-1][0] == "visitor" and not without_closing(text):
            kept.pop()
        else:
            kept.append((role, text))
    visitor = [text for role, text in kept if role == "visitor"][-2:]
    # "I don't know" or a hand-off says nothing of the topic.
    said = [without_closing(text) for role, text in kept if role == "bot"]
    answer = [_CITATION_MARK.sub("", text) for text in said if text][-1:]
    return " ".join(visitor + answer) or None


class AnswerEngine:
    def __init__(
        self,
        retriever: HybridRetriever,
        model: BaseChatModel | None,
        settings: AssistantSettings,
        concurrency: int = 2,
    ) -> None:
        self.retriever = retriever
        self.model = model
        self.settings = settings
        # Answers being made at once. Making one is CPU work (embedding, ranking, a local
        # model); more at a time than there are cores only makes each slower, and starves the
        # short database writes of other requests of the interpreter.
        self.capacity = threading.BoundedSemaphore(concurrency)

    def warm_up(self) -> None:
        """Load what the first answer would wait for: the embedder's model and the English
        word frequencies that typo reading consults."""
        self.retriever.best_match("warm up")
        self.retriever.spelled_right("answering questions")

    def stream(
        self,
        session: Session,
        question: str,
        history: Sequence[tuple[str, str]] = (),
        language: str = "en",
    ) -> Iterator[Event]:
        company = self.settings.company
        chat = small_talk(question)
        if chat:
            yield from _say(Reply(say(chat, language, company), "small_talk", language))
            return
        # A person is brought in, and the visitor told so, when the message asks for one,
        # asks for what only a person may decide, is angry, shows buying intent, or says yes
        # to the assistant's offer of a person.
        reason = handoff_request(question)
        if reason is None and accepts(question) and offers_person(_last_bot(history)):
            reason = "missing_knowledge"
        if reason:
            text = say(reason, language, company)
            yield from _say(Reply(text, "handoff", language, handoff_reason=reason))
            return
        reviewed = self.reviewed_answer(session, question, history, language)
        if reviewed is not None:
            yield from _say(reviewed)
            return

        message = self.understand(session, question, history, language)
        # The names of what the visitor asks about that the search carries (another language's
        # words put in English are none: "Amerika" is searched as "US").
        searched = " ".join(message.english)
        asked_about = [
            n for n in names_asked_about(" ".join(message.asked), language) if n in searched
        ]
        unknown = self.retriever.unmentioned(session, asked_about)
        if unknown:
            # "How does it compare to monday.com?": nothing in the knowledge says, and an
            # answer from the nearest page would be a guess. (The name is not repeated back:
            # a visitor's words are never the assistant's.)
            reply = Reply(
                "",
                "dont_know",
                language,
                query=message.searches[0],
                notes=[f"unknown: {unknown[0]}"],
            )
            yield from _say(self._unanswered(reply, history))
            return
        asked: list[tuple[str, list[Passage]]] = []
        queries: list[str] = []
        for said, search, (found, query) in zip(
            message.english, message.searches, self.search(session, message, history), strict=True
        ):
            queries.append(query)
            answered_on = {passages[0].title for _, passages in asked}
            if found.passages and self.on_topic(found, search, answered_on):
                # Answered from the words the visitor used: the spelled-out abbreviation
                # only helped find the passages.
                asked.append((said, found.passages))
        query = " | ".join(queries)
        premises = [say("no_such", language, company, name=n, kind=k) for n, k in message.missing]
        if not asked:
            unanswered = self._unanswered(Reply("", "dont_know", language, query=query), history)
            unanswered.text = " ".join([*premises, unanswered.text])  # what is known is said
            yield from _say(unanswered)
            return
        # One list of passages for the whole reply, cited by their place in it.
        passages = list({p.id: p for _, found in asked for p in found}.values())
        reply = Reply("", "answer", language, query=query)
        shown: list[str] = []
        # (An English question's words change too: "the Plus plan" is asked as "the plans".)
        translated = language != "en" and message.english != message.asked
        turn = _Turn(question, asked, passages, history, language, reply, translated, premises)
        for kind, value in self._answer(turn):
            if kind == "sentence":
                # Citations are cleaned before a sentence is shown, so what streams is final.
                sentence, _ = clean_citations(value, passages)
                shown.append(sentence)
                yield "token", (" " if len(shown) > 1 else "") + sentence
        text, used = clean_citations(" ".join(shown), passages)
        if reply.kind == "answer" and not used:
            reply.kind, reply.handoff_reason = "handoff", "low_confidence"
        if reply.kind != "answer":
            # Whatever was shown stays shown; the closing line says what happens next.
            closing = self._unanswered(reply, history).text
            yield "token", (" " if shown else "") + closing
            text = f"{text} {closing}".strip()
        reply.text = text
        reply.citations = [_citation(n, passages[n - 1]) for n in used]
        reply.groundedness = groundedness(text, passages) if used else 0.0
        yield "sources", reply.citations
        yield "done", reply

    def reviewed_answer(
        self, session: Session, question: str, history: Sequence[tuple[str, str]], language: str
    ) -> Reply | None:
        """A person's answer to this very question, saved when they corrected the assistant's:
        given as they wrote it. Not for a follow-up, whose meaning lies in the conversation."""
        if history and self.follows_up(question, history):
            return None
        found = ReviewedAnswers(session, self.retriever.kb.embedder).for_question(
            question, language
        )
        if found is None:
            return None
        return Reply(found.answer, "answer", language, query=question,
                     notes=[f"reviewed answer {found.id}"])  # fmt: skip

    def understand(
        self,
        session: Session,
        question: str,
        history: Sequence[tuple[str, str]],
        language: str = "en",
    ) -> Understood:
        """What a message asks, made ready to search the knowledge."""
        # "and for Enterprise?" is the last question asked again of Enterprise.
        earlier = [text for role, text in history if role == "visitor"]
        meant = by_full_names(without_manner(asked_of_another_name(question, earlier) or question))
        # Each question of the message is searched apart ("How long is the trial, and do you
        # need my card?" asks two), in the knowledge's language: another language's question
        # goes in with its help-centre words in English.
        asked = questions(meant)
        english = [self.retriever.spelled_right(self._english(text, language)) for text in asked]
        # "What does the Plus plan cost?" with no Plus plan: the visitor is told so, and the
        # question is asked of the plans there are.
        missing = [
            (name, kind)
            for name, kind in named_kinds(" ".join(english))
            if not self.retriever.names_as(session, name, kind)
        ]
        english = [_without(text, missing) for text in english]
        if missing:
            # ... and told which there are, in the knowledge's word for them ("Premium tier":
            # "Brightloop has three plans: Starter, Growth and Enterprise."), first.
            there_are = f"What {self.retriever.commonest(KINDS)}s do you have?"
            asked, english = [there_are, *asked], [there_are, *english]
        searches = [
            self.retriever.with_synonyms(self.retriever.spelled_out(session, text))
            for text in english
        ]
        return Understood(asked, english, searches, missing)

    def search(
        self,
        session: Session,
        message: Understood,
        history: Sequence[tuple[str, str]],
        k: int = 5,
    ) -> list[tuple[Retrieved, str]]:
        """The passages found for each question of the message, and the query that found
        them."""
        # "What plans do you have?", asked for a visitor who named one there is not, is a
        # question of its own: the conversation does not belong in its search.
        alone = 1 if message.missing else 0  # the first search is that question
        return [
            self.find(session, search, history if place >= alone else (), k)
            for place, search in enumerate(message.searches)
        ]

    def _unanswered(self, reply: Reply, history: Sequence[tuple[str, str]]) -> Reply:
        """The closing words of a reply that does not answer: "I don't know" with the offer of a
        person; the second time in a row, the person is brought in; not sure, a colleague."""
        if reply.kind == "dont_know" and offers_person(_last_bot(history)):
            reply.kind, reply.handoff_reason = "handoff", "missing_knowledge"
        key = "dont_know" if reply.kind == "dont_know" else reply.handoff_reason or "not_sure"
        if key in ("low_confidence", "model_failure"):
            key = "not_sure"
        reply.text = say(key, reply.language, self.settings.company)
        return reply

    def find(
        self, session: Session, question: str, history: Sequence[tuple[str, str]], k: int = 5
    ) -> tuple[Retrieved, str]:
        """The passages for a message, and the query that found them."""
        in_context = self.search_context(question, history)
        found = self.retriever.search(session, question, in_context, k)
        if (
            in_context
            and not self.says_it_follows_up(question)
            and found.passages
            and found.passages[0].title == _quoted_page(found.passages, _last_bot(history))
        ):
            # A full question answered from the page the last answer quoted is a new question
            # taken for a follow-up ("Which integrations do you support?" after the free trial,
            # "How much is the Team plan?" after the support hours) when it finds an answer of
            # its own: searched alone.
            alone = self.retriever.search(session, question, None, k)
            if alone.relevance >= self.settings.follow_up_min_relevance:
                return alone, question
        return found, in_context or question

    def search_context(self, question: str, history: Sequence[tuple[str, str]]) -> str | None:
        """The question in its conversation's context, searched beside it; None for a new
        topic, which is searched alone."""
        if not self.follows_up(question, history):
            return None
        query = self.in_context(question, history)
        return query if query != question else None

    def follows_up(self, question: str, history: Sequence[tuple[str, str]]) -> bool:
        """Whether the message carries the conversation on, so the conversation belongs in its
        search: it says so ("and for Enterprise?", "yes"), points back ("is it included?"), is
        too short to stand alone, or does not find a close passage by itself. A new topic is
        searched alone: with the conversation in front, every later question was pulled back
        to the first one."""
        context = conversation_context(history)
        if not context or opens_new_topic(question):
            return False
        if self.says_it_follows_up(question):
            return True
        return self.retriever.best_match(question) < self.settings.standalone_relevance

    @staticmethod
    def says_it_follows_up(question: str) -> bool:
        """A reply or continuation, a word pointing back, or too few words to stand alone."""
        return (
            continues_conversation(question)
            or points_back(question)
            or (len(content_words(question)) < FULL_QUESTION_WORDS and not asks(question))
        )

    def in_context(self, question: str, history: Sequence[tuple[str, str]]) -> str:
        """The question made standalone: rewritten by the model when there is one, else with
        the conversation in front (the rule also serves when the model fails)."""
        context = conversation_context(history)
        if not context:
            return question
        if self.model is not None:
            try:
                rewritten = self.model.invoke(rewrite_messages(question, history)).text.strip()
                # A sane rewrite is one line of question-like length; anything else is ignored.
                if rewritten and "\n" not in rewritten and len(rewritten) < 4 * len(question) + 200:
                    return rewritten
            except Exception as exc:  # the rule below still works
                log.warning("query rewriting failed: %s", exc)
        return f"{context} {question}"

    def on_topic(self, found: Retrieved, question: str, answered_on: Collection[str] = ()) -> bool:
        """Whether the knowledge speaks to the question: close in meaning; or sharing rare
        words with a passage while not far off; or, as a follow-up, close with the conversation
        in front while not far off alone; or, as a reply or continuation ("yes", "and for
        Enterprise?"), close enough with the conversation in front; or not far off on a page
        (`answered_on`) another question of the message is answered from ("the base url for
        your api, and how do i auth"). The follow-up ways let some off-topic questions through
        mid-conversation: `journey eval answers` measures both refusal rates."""
        s = self.settings
        beside = bool(found.passages) and found.passages[0].title in answered_on
        return (
            (beside and found.relevance >= s.follow_up_min_relevance)
            or found.relevance >= s.min_relevance
            or (found.keyword >= s.keyword_relevance and found.relevance >= s.keyword_min_relevance)
            or (found.agreed and found.relevance >= s.keyword_min_relevance)
            or (
                found.context_relevance >= s.context_relevance
                and found.relevance >= s.follow_up_min_relevance
            )
            or (
                found.context_relevance >= s.continuation_relevance
                and continues_conversation(question)
            )
        )

    def _answer(self, turn: _Turn) -> Iterator[Event]:
        """Checked sentences of the answer; sets reply.kind when it cannot answer."""
        reply = turn.reply
        if self.model is not None:
            try:
                yield from self._generated(turn)
                return
            except Exception as exc:  # any model or transport failure: fall back, never crash
                log.warning("generator failed, answering extractively: %s", exc)
                reply.notes.append(f"model_failure: {exc.__class__.__name__}")
                if reply.kind != "answer":
                    return
        # "Is there anything faster?" is not answered with what was just said.
        said = _last_bot(turn.history) if asks_for_another(turn.question) else ""
        quoted = [
            (part, found)
            for search, found in turn.asked
            for part in extractive_answer(search, found, self._rarity(search), said)
        ]
        # Citations are numbered 1, 2... in the order the answer cites them: the passages
        # are put in that order, the ones not cited after them.
        cited = {_cited_in(part, found).id: None for part, found in quoted}
        order = {passage_id: place for place, passage_id in enumerate(cited)}
        turn.passages.sort(key=lambda p: order.get(p.id, len(order)))
        # A part two questions are answered by is said once.
        answer = list(
            dict.fromkeys(_renumbered(part, found, turn.passages) for part, found in quoted)
        )
        if not answer:
            reply.kind, reply.handoff_reason = (
                "handoff",
                ("model_failure" if reply.notes else "low_confidence"),
            )
            return
        if turn.translated:
            # Quoted from pages in another language: the visitor is told so in theirs.
            answer = [quoted_in_english(turn.language) or "", *answer]
        answer = [*turn.premises, *answer]
        for part in answer:
            yield "sentence", part

    def _english(self, question: str, language: str) -> str:
        """What the knowledge is searched with: the question, or its words in English."""
        return (to_english(question, language) if language != "en" else None) or question

    def _rarity(self, text: str) -> dict[str, float]:
        """How rare each of the text's stems is in the knowledge (BM25's idf)."""
        return self.retriever.kb.keywords.idf(sorted({stem(w) for w in content_words(text)}))

    def _generated(self, turn: _Turn) -> Iterator[Event]:
        assert self.model is not None
        passages, reply = turn.passages, turn.reply
        messages = prompt_messages(
            turn.question, passages, turn.history, turn.language, self.settings.company
        )
        buffer = ""
        sent = 0
        for token in stream_text(self.model, messages):
            buffer += token
            *complete, buffer = streamed_sentences(buffer)
            for sentence in complete:
                if not self._checked(sentence, passages, reply):
                    return
                sent += 1
                yield "sentence", sentence
        if buffer.strip():
            if not self._checked(buffer.strip(), passages, reply):
                return
            sent += 1
            yield "sentence", buffer.strip()
        if not sent:
            reply.kind = "dont_know"

    def _checked(self, sentence: str, passages: Sequence[Passage], reply: Reply) -> bool:
        if _MODEL_DONT_KNOW.search(sentence):
            reply.kind = "dont_know"
            return False
        if groundedness(sentence, passages) < self.settings.min_groundedness:
            reply.kind, reply.handoff_reason = "handoff", "low_confidence"
            return False
        return True


def _quoted_page(passages: Sequence[Passage], answer: str) -> str | None:
    """The title of the page whose passage the answer quoted, if it is among these."""
    return next((p.title for p in passages if _quotes(p.text, answer)), None)


def _quotes(passage: str, answer: str) -> bool:
    """Whether an answer quoted the passage: its first sentence is there word for word."""
    said = next(iter(sentences(_CITATION_MARK.sub("", answer).replace("**", ""))), "")
    return len(said) > 20 and " ".join(said.split()) in " ".join(passage.replace("**", "").split())


def _without(text: str, missing: Sequence[tuple[str, str]]) -> str:
    """The question asked of all plans: "the Plus plan" and "the Pro tier" become "the plans"
    (what help centres call them)."""
    for name, kind in missing:
        text = re.sub(rf"\b{re.escape(name)}\s+{re.escape(kind)}s?\b", "plans", text, flags=re.I)
    return text


def _cited_in(part: str, found: Sequence[Passage]) -> Passage:
    """The passage a quoted part cites: its one mark, at its end."""
    return found[int(part.rsplit("[", 1)[1].rstrip("]")) - 1]


def _renumbered(part: str, found: Sequence[Passage], cited: Sequence[Passage]) -> str:
    """A part citing [n] of the passages found for its question, citing the same passage by
    its place among all the reply's passages."""
    number = next(n for n, p in enumerate(cited, start=1) if p.id == _cited_in(part, found).id)
    return f"{part.rsplit('[', 1)[0]}[{number}]"


def _last_bot(history: Sequence[tuple[str, str]]) -> str:
    return next((text for role, text in reversed(history) if role == "bot"), "")


def _say(reply: Reply) -> Iterator[Event]:
    yield "token", reply.text
    yield "sources", []
    yield "done", reply


def _citation(number: int, passage: Passage) -> Citation:
    return Citation(number, passage.id, passage.title, passage.url, passage.section)
