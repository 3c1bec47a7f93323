"""The chat engine and conversations over a real knowledge base (packaged embedder, Chroma,
FTS5, SQLite); generation through LangChain's fake chat models, which are real BaseChatModels."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest
from builders import units_on
from langchain_core.language_models import BaseChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatResult
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from assistant.engine import AnswerEngine, Reply, conversation_context
from assistant.replies import say
from assistant.retrieval import HybridRetriever
from assistant.service import ConversationService, answer_message, receive_message
from ingestion.embeddings import SentenceTransformerEmbedder
from ingestion.keyword_index import KeywordIndex
from ingestion.knowledge import KnowledgeBase, ingest
from ingestion.vector_index import ChromaIndex
from journey.auth import AuthService
from journey.db import make_engine, make_session_factory, migrate
from journey.models import Flag, JourneyEvent
from journey.settings import AssistantSettings
from journey.vocabulary import Vocabulary

PAGES = {
    "refunds.md": "# Refunds and cancellation\n\n## Annual plans\nAnnual plans get a full refund "
    "within 30 days of the first purchase. After 30 days there is no refund.\n\n## Monthly plans\n"
    "Monthly plans can be cancelled anytime, effective at the end of the current month.",
    "sso.md": "# SSO setup\n\n## Okta\nSAML single sign-on (SSO) is included in the Growth and "
    "Enterprise plans. In Okta, create a SAML 2.0 app and paste the ACS URL.",
    "pricing.md": "# Plans and pricing\n\nWe have three plans: Starter, Growth and Enterprise."
    "\n\n## Growth\nThe Growth plan costs 49 euros per user per "
    "month billed annually. It includes unlimited users and 50,000 workflow runs a month.",
    "changes.md": "# Release notes\n\nMarch: area Team inbox; change Faster search.",
}


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder
) -> Iterator[tuple[Engine, HybridRetriever]]:
    root = tmp_path_factory.mktemp("chat")
    docs = root / "docs"
    docs.mkdir()
    for name, text in PAGES.items():
        (docs / name).write_text(text)
    engine = make_engine(f"sqlite:///{root}/chat.db")
    migrate(engine)
    keywords = KeywordIndex(root / "keywords.db", "knowledge")
    kb = KnowledgeBase(embedder, ChromaIndex("knowledge", embedder, path=root / "chroma"), keywords)
    ingest(make_session_factory(engine), kb, docs, "help")
    yield engine, HybridRetriever(kb)
    keywords.close()
    engine.dispose()


@pytest.fixture
def db(world: tuple[Engine, HybridRetriever]) -> Iterator[Session]:
    connection = world[0].connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    yield session
    session.close()
    outer.rollback()
    connection.close()


@dataclass
class Chat:
    """A conversation service on the test session and the engine that answers through it."""

    conversations: ConversationService
    engine: AnswerEngine

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conversations, name)


def chat(
    world: tuple[Engine, HybridRetriever], session: Session, model: BaseChatModel | None = None
) -> Chat:
    engine = AnswerEngine(world[1], model, AssistantSettings(company="Acme"))
    return Chat(ConversationService(session, Vocabulary()), engine)


def ask(service: Chat, conversation_id: str, text: str) -> tuple[str, Reply]:
    units = units_on(service.conversations.session)
    turn = receive_message(units, Vocabulary(), conversation_id, text)
    tokens, answered = [], None
    for kind, value in answer_message(units, Vocabulary(), service.engine, turn):
        if kind == "token":
            tokens.append(value)
        elif kind == "done":
            answered = value
    assert answered is not None
    service.conversations.session.expire_all()  # the reply was stored by other sessions
    return "".join(tokens), answered.reply


def fake(text: str) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(text)]))


class BrokenModel(BaseChatModel):
    """A chat model whose endpoint is down."""

    @property
    def _llm_type(self) -> str:
        return "broken"

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        raise ConnectionError("connection refused")


def test_extractive_answer_is_cited_grounded_and_logged(world: Any, db: Session) -> None:
    service = chat(world, db)
    conversation = service.start(visitor_id="v1", page_url="https://www.acme.io/pricing")
    streamed, reply = ask(service, conversation.id, "Can I get a refund on my annual plan?")
    assert reply.kind == "answer" and "30 days" in reply.text
    assert streamed == reply.text
    assert reply.citations and reply.citations[0].title == "Refunds and cancellation"
    assert reply.groundedness is not None and reply.groundedness >= 0.9
    bot = conversation.messages[-1]
    assert bot.role == "bot" and bot.groundedness == reply.groundedness
    assert bot.meta["citations"][0]["passage_id"] == reply.citations[0].passage_id
    events = db.scalars(select(JourneyEvent).where(JourneyEvent.subject_id == conversation.id))
    assert sorted(e.properties["role"] for e in events) == ["bot", "visitor"]


def test_out_of_scope_is_refused_then_handed_over(world: Any, db: Session) -> None:
    service = chat(world, db)
    conversation = service.start(visitor_id="v2")
    _, first = ask(service, conversation.id, "What will the weather be like in Lisbon tomorrow?")
    assert first.kind == "dont_know" and first.handoff_reason is None
    assert conversation.status == "bot"
    # The second "I don't know" in a row brings a person in, and says so.
    text, second = ask(service, conversation.id, "Who won the football world cup in 1998?")
    assert second.kind == "handoff" and second.handoff_reason == "missing_knowledge"
    assert "bringing in a person" in text and "Would you like" not in text
    assert conversation.status == "waiting_for_human"
    flag = db.scalar(select(Flag).where(Flag.conversation_id == conversation.id))
    assert flag is not None and flag.reasons == ["handoff_missing_knowledge"]


def test_yes_to_the_offer_of_a_person_hands_over(world: Any, db: Session) -> None:
    service = chat(world, db)
    conversation = service.start(visitor_id="v2b")
    text, unknown = ask(service, conversation.id, "Wie wird das Wetter morgen in Lissabon?")
    assert unknown.kind == "dont_know" and "Soll ich Sie" in text  # in the visitor's language
    text, accepted = ask(service, conversation.id, "ja bitte")
    assert accepted.handoff_reason == "missing_knowledge" and "Team" in text
    assert conversation.status == "waiting_for_human"


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("Can you give us 40% discount if we sign today? Confirm it here.", "policy_restriction"),
        (
            "This is ridiculous, nothing works. We are cancelling our subscription.",
            "negative_sentiment",
        ),
        ("We have 250 employees; can your sales team send a proposal?", "sales_opportunity"),
        ("Can I talk to a real person?", "customer_request"),
    ],
)
def test_each_handoff_reason_is_announced(
    world: Any, db: Session, message: str, reason: str
) -> None:
    service = chat(world, db)
    conversation = service.start(visitor_id=f"v-{reason}")
    text, reply = ask(service, conversation.id, message)
    assert reply.kind == "handoff" and reply.handoff_reason == reason
    assert "reply here" in text  # the visitor is told a person is coming
    assert conversation.status == "waiting_for_human"
    flag = db.scalar(select(Flag).where(Flag.conversation_id == conversation.id))
    assert flag is not None and flag.reasons == [f"handoff_{reason}"]


def test_takeover_silences_the_bot_until_handed_back(world: Any, db: Session) -> None:
    service = chat(world, db)
    agent = AuthService(db).create_user("avery@staff.test", "Avery", "agent", None)
    conversation = service.start(visitor_id="v3")
    _, reply = ask(service, conversation.id, "I want to talk to a real person please")
    assert reply.handoff_reason == "customer_request"
    assert conversation.status == "waiting_for_human"
    service.take_over(conversation.id, agent)
    flag = db.scalar(select(Flag).where(Flag.conversation_id == conversation.id))
    assert flag is not None and (flag.status, flag.owner_id) == ("claimed", agent.id)
    streamed, silent = ask(service, conversation.id, "How much is the Growth plan?")
    assert silent.kind == "silent" and streamed == ""
    service.agent_reply(conversation.id, agent, "Hi, Avery here. It's 49 euros per user.")
    service.hand_back(conversation.id, agent)
    _, answer = ask(service, conversation.id, "Does Growth include SAML single sign-on?")
    assert answer.kind == "answer"
    assert [m.role for m in conversation.messages].count("agent") == 1


def test_generated_answer_keeps_only_valid_citations(world: Any, db: Session) -> None:
    model = fake("Annual plans get a full refund within 30 days of the first purchase [1][9].")
    service = chat(world, db, model)
    conversation = service.start(visitor_id="v4")
    streamed, reply = ask(service, conversation.id, "refund on an annual plan?")
    assert reply.kind == "answer"
    assert "[9]" not in streamed and streamed == reply.text and "[1]" in reply.text
    assert [c.number for c in reply.citations] == [1]


def test_unsupported_generated_claim_is_never_shown(world: Any, db: Session) -> None:
    model = fake("Every plan comes with a free espresso machine and a pony [1]. Enjoy [2].")
    service = chat(world, db, model)
    conversation = service.start(visitor_id="v5")
    streamed, reply = ask(service, conversation.id, "What does the Growth plan include?")
    assert "espresso" not in streamed and "espresso" not in reply.text
    assert reply.kind == "handoff" and reply.handoff_reason == "low_confidence"
    assert conversation.status == "waiting_for_human"


def test_generator_failure_falls_back_to_extractive(world: Any, db: Session) -> None:
    service = chat(world, db, BrokenModel())
    conversation = service.start(visitor_id="v6")
    _, reply = ask(service, conversation.id, "How much does the Growth plan cost per user?")
    assert reply.kind == "answer" and "49 euros" in reply.text
    assert reply.notes == ["model_failure: ConnectionError"]


def test_small_talk_language_and_follow_ups(world: Any, db: Session) -> None:
    service = chat(world, db)
    conversation = service.start(visitor_id="v7")
    _, hello = ask(service, conversation.id, "Hello!")
    assert hello.kind == "small_talk"
    ask(service, conversation.id, "Wie viel kostet der Growth Plan pro Nutzer?")
    assert conversation.messages[-2].language == "de"
    history = [
        ("visitor", "Hi"),
        ("bot", "Hello!"),
        ("visitor", "Is SAML SSO in Growth?"),
        ("bot", "Yes [1]."),
        ("visitor", "And SCIM?"),
    ]
    assert conversation_context(history) == "Is SAML SSO in Growth? And SCIM? Yes ."
    assert conversation_context([]) is None
    # A greeting and the greeting back say nothing of the topic.
    assert conversation_context([("visitor", "Hi there"), ("bot", "Hello! What can I do?")]) is None
    assert conversation_context(history[:1] + history[1:2] + history[4:]) == "And SCIM?"
    # Nor does a question the assistant could not answer, nor its "I don't know": the next
    # question ("What plans do you have?" after a CRM it does not know) is searched alone.
    unanswered = [("visitor", "Any SDK?"), ("bot", say("dont_know", "de"))]
    assert conversation_context(unanswered) is None
    assert conversation_context([*history[2:4], *unanswered]) == "Is SAML SSO in Growth? Yes ."
    # A follow-up finds what it refers to through the context.
    _, follow_up = ask(service, conversation.id, "and is it billed annually?")
    assert follow_up.kind == "answer" and "Growth" in follow_up.text


def test_bad_messages_are_clear_errors(world: Any, db: Session) -> None:
    from journey.errors import Conflict, InvalidInput

    service = chat(world, db)
    conversation = service.start(visitor_id="v8")
    with pytest.raises(InvalidInput, match="empty"):
        ask(service, conversation.id, "   ")
    service.close(conversation.id)
    with pytest.raises(Conflict, match="closed"):
        ask(service, conversation.id, "hello?")


def test_model_rewrites_follow_ups(world: Any, db: Session) -> None:
    model = GenericFakeChatModel(
        messages=iter(
            [
                AIMessage("The Growth plan costs 49 euros per user per month billed annually [1]."),
                AIMessage("Is the Growth plan billed annually?"),
                AIMessage(
                    "Yes: the Growth plan costs 49 euros per user per month billed annually [1]."
                ),
            ]
        )
    )
    service = chat(world, db, model)
    conversation = service.start(visitor_id="v9")
    ask(service, conversation.id, "How much does the Growth plan cost?")
    _, reply = ask(service, conversation.id, "and is that billed annually?")
    assert reply.query == "Is the Growth plan billed annually?"
    assert reply.kind == "answer" and "billed annually" in reply.text


def test_follow_up_without_model_uses_the_conversation(world: Any, db: Session) -> None:
    service = chat(world, db)
    conversation = service.start(visitor_id="v10")
    ask(service, conversation.id, "How much does the Growth plan cost?")
    _, reply = ask(service, conversation.id, "and is that billed annually?")
    assert reply.query.startswith("How much does the Growth plan cost?")
    # An off-topic question in the middle of a conversation is still refused.
    _, off_topic = ask(service, conversation.id, "Who painted the Mona Lisa?")
    assert off_topic.kind == "dont_know"


def test_a_reply_to_the_assistant_continues_the_conversation(world: Any, db: Session) -> None:
    service = chat(world, db)
    conversation = service.start(visitor_id="v11")
    _, opening = ask(service, conversation.id, "yes")
    assert opening.kind == "dont_know"  # nothing to continue yet
    ask(service, conversation.id, "Can I get my money back on an annual plan?")
    _, reply = ask(service, conversation.id, "yes, I bought it two weeks ago")
    assert reply.kind == "answer" and "30 days" in reply.text


def test_a_new_topic_is_searched_without_the_conversation(world: Any, db: Session) -> None:
    service = chat(world, db)
    conversation = service.start(visitor_id="v12")
    ask(service, conversation.id, "Can I get my money back on an annual plan?")
    # A full question that finds its own passage: searched alone, answered from its own page.
    text, switched = ask(service, conversation.id, "How do I set up SAML single sign-on in Okta?")
    # (with the abbreviation the page defines: it is searched both ways)
    assert switched.query == "How do I set up SAML single sign-on in Okta? (SSO)"
    assert [c.title for c in switched.citations] == ["SSO setup"] and "refund" not in text
    # Pointing back carries the conversation on.
    _, follow_up = ask(service, conversation.id, "is it included in the Growth plan?")
    assert follow_up.query.startswith("Can I get my money back") and follow_up.kind == "answer"
    # So does a question too short to stand alone; saying it is another topic does not.
    history = [("visitor", "How do I set up SAML SSO in Okta?"), ("bot", "Create an app [1].")]
    assert service.engine.follows_up("and SCIM?", history)
    assert not service.engine.follows_up("unrelated: what does Growth cost per user?", history)
    assert not service.engine.follows_up("How do I set up SSO?", [])


def test_a_question_in_another_language_is_answered_from_the_english_pages(
    world: Any, db: Session
) -> None:
    service = chat(world, db)
    conversation = service.start(visitor_id="v13")
    text, reply = ask(service, conversation.id, "Quel est le prix du plan Growth par utilisateur ?")
    assert reply.kind == "answer" and reply.language == "fr"
    assert text.startswith("D'après notre centre d'aide en anglais")  # says where it quotes from
    assert "49 euros" in text and [c.title for c in reply.citations] == ["Plans and pricing"]
    # Its own replies are in the visitor's language.
    text, unknown = ask(service, conversation.id, "Qui a peint la Joconde ?")
    assert unknown.kind == "dont_know" and text.startswith("Désolé")


def test_a_name_the_knowledge_never_mentions_is_not_guessed_at(world: Any, db: Session) -> None:
    service = chat(world, db)
    conversation = service.start(visitor_id="v14")
    text, reply = ask(service, conversation.id, "Is SAML single sign-on in the Growth plan?")
    assert reply.kind == "answer"
    text, reply = ask(service, conversation.id, "How does your SSO compare to Auth0 pricing?")
    assert reply.kind == "dont_know" and reply.notes == ["unknown: Auth0"]
    assert "Auth0" not in text  # the visitor's words are not said back


def test_a_name_is_found_only_as_a_word(world: Any, db: Session) -> None:
    retriever: HybridRetriever = world[1]
    # "Okta" and "SAML" are words of the SSO page; "Ok" is only letters inside "Okta".
    assert retriever.unmentioned(db, ["Okta", "SAML", "Ok", "Plans"]) == ["Ok"]


def test_a_plan_that_does_not_exist_is_said_so_and_the_real_one_given(
    world: Any, db: Session
) -> None:
    service = chat(world, db)
    conversation = service.start(visitor_id="v15")
    text, reply = ask(service, conversation.id, "How much is the Premium plan per user?")
    assert reply.kind == "answer" and text.startswith("There is no Premium plan.")
    # ... and is told which plans there are, in the knowledge's word for them.
    assert "three plans: Starter, Growth and Enterprise" in text
    assert "49 euros" in text and {c.title for c in reply.citations} == {"Plans and pricing"}
    # A word the knowledge capitalises once, starting a table cell, names no plan.
    text, reply = ask(service, conversation.id, "What's included in the Team plan?")
    assert text.startswith("There is no Team plan.")
    text, reply = ask(service, conversation.id, "Does the Gold tier include SSO?")
    assert text.startswith("There is no Gold tier. ") and "Growth" in text
    # A plan the knowledge names is no false premise.
    text, reply = ask(service, conversation.id, "How much is the Growth plan per user?")
    assert reply.kind == "answer" and "There is no" not in text and "49 euros" in text


def test_a_message_asking_two_things_gets_both_answered(world: Any, db: Session) -> None:
    service = chat(world, db)
    conversation = service.start(visitor_id="v16")
    text, reply = ask(
        service,
        conversation.id,
        "Can I get a refund on an annual plan, and does the Growth plan include SAML single "
        "sign-on?",
    )
    assert reply.kind == "answer" and "30 days" in text and "single sign-on" in text
    assert {c.title for c in reply.citations} == {"Refunds and cancellation", "SSO setup"}
    # Each part cites its own passage by its place among the reply's citations.
    assert sorted(c.number for c in reply.citations) == [1, 2]


def test_an_abbreviation_the_knowledge_defines_is_searched_both_ways(
    world: Any, db: Session
) -> None:
    retriever: HybridRetriever = world[1]
    assert retriever.spelled_out(db, "Is sso in Growth?") == "Is sso in Growth? (single sign-on)"
    assert retriever.spelled_out(db, "single sign-on on Growth?").endswith("(SSO)")
    # As written, or three letters or more in lower case: "us" is not "US".
    assert retriever.spelled_out(db, "Can you help us?") == "Can you help us?"


def test_a_short_question_both_retrievers_answer_with_one_passage_is_on_topic(
    world: tuple[Engine, HybridRetriever], db: Session
) -> None:
    retriever = world[1]
    engine = AnswerEngine(retriever, None, AssistantSettings())
    found = retriever.search(db, "Okta ACS URL?")
    # Meaning and keywords both put the Okta passage first: on topic, however short.
    assert found.agreed and found.passages[0].section == "SSO setup > Okta"
    assert engine.on_topic(replace(found, relevance=0.3), "Okta ACS URL?")
    assert not engine.on_topic(replace(found, relevance=0.3, agreed=False), "Okta ACS URL?")
    # A question of the world outside finds no passage by its words at all.
    assert not retriever.search(db, "Who won the world cup in 1998?").agreed


def test_what_a_message_asks_is_searched_besides_what_it_tells(
    world: tuple[Engine, HybridRetriever], db: Session
) -> None:
    found = world[1].search(db, "Our SSO with Okta works great. How long do we have for a refund?")
    assert found.passages[0].title == "Refunds and cancellation"


def test_a_question_found_on_the_page_another_question_is_answered_from_is_on_topic(
    world: tuple[Engine, HybridRetriever], db: Session
) -> None:
    # "... and how many users": too far alone, but on the page the message's other question
    # is answered from.
    retriever = world[1]
    engine = AnswerEngine(retriever, None, AssistantSettings())
    found = replace(retriever.search(db, "how many users"), agreed=False)
    assert found.passages[0].title == "Plans and pricing" and found.relevance < 0.41
    assert not engine.on_topic(found, "how many users")
    assert engine.on_topic(found, "how many users", {"Plans and pricing"})
    assert not engine.on_topic(found, "how many users", {"SSO setup"})


def test_a_mistyped_word_is_read_as_the_knowledges_word(world: Any, db: Session) -> None:
    retriever: HybridRetriever = world[1]
    assert retriever.spelled_right("is SAML in the growht plan?") == "is SAML in the growth plan?"
    # Short words, capitalised names and words of no slip are left as written.
    assert retriever.spelled_right("pln for Okta, or Oktaa?") == "pln for Okta, or Oktaa?"
    # A stem of four letters is left ("whats" is no slip from "chat"; "monts" one from "month").
    assert retriever.spelled_right("monts") == "monts"
    # An English word is meant as written, however close to a word of the knowledge.
    assert retriever.spelled_right("any pasta?") == "any pasta?"  # one slip from "paste"


def test_a_visitors_word_is_searched_with_the_help_centres(world: Any) -> None:
    retriever: HybridRetriever = world[1]
    assert retriever.with_synonyms("how do we backup everything?") == (
        "how do we backup everything? (export)"
    )
    assert retriever.with_synonyms("how do I export it?") == "how do I export it?"
    assert retriever.with_synonyms("do you do external pen tests?") == (
        "do you do external pen tests? (penetration)"
    )
    assert retriever.with_synonyms("how to add users") == "how to add users (invite)"
    # Asking how much something is asks its price: a price table has few words but numbers.
    assert retriever.with_synonyms("How much is Growth?") == "How much is Growth? (price)"
    assert retriever.with_synonyms("how much does it cost?") == "how much does it cost? (price)"
    assert retriever.with_synonyms("how much data can we store") == "how much data can we store"
