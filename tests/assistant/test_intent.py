import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.intent import (
    continues_conversation,
    sales_interest,
    small_talk,
    wants_person,
)
from assistant.service import ConversationService
from journey.models import JourneyEvent
from journey.stages import guess_stage
from journey.vocabulary import Vocabulary


@pytest.mark.parametrize(
    ("text", "page", "known", "stage"),
    [
        (
            "How much is the Growth plan?",
            "https://www.brightloop.io/pricing",
            None,
            "consideration",
        ),
        ("Can I get a quote for 80 seats?", None, None, "decision"),
        ("How do I set up SSO with Okta?", None, "onboarding", "onboarding"),
        # A prospect asking how-to questions is still evaluating.
        ("How do I set up SSO with Okta?", None, None, "consideration"),
        # A customer asking about plans is an expansion (retention) question.
        ("What does the Enterprise plan cost?", None, "adoption", "retention"),
        ("I want to cancel our contract", None, "adoption", "retention"),
        ("hello there", "https://help.brightloop.io/articles/x", None, "adoption"),
        ("hello there", None, "advocacy", "advocacy"),
    ],
)
def test_guess_stage(text: str, page: str | None, known: str | None, stage: str) -> None:
    assert guess_stage(text, page, known, Vocabulary().stage_order) == stage


def test_small_talk_and_requests() -> None:
    assert small_talk("Hi!") and small_talk("thanks a lot") and small_talk("bye")
    assert small_talk("Hi, how do I reset my password?") is None
    assert small_talk("thanks, but the export still fails when I include attachments") is None
    assert wants_person("Can I talk to a human?") and not wants_person("How do humans use it?")
    assert sales_interest("we'd like a quote") and not sales_interest("what is SSO")


def test_replies_and_continuations_are_told_from_new_questions() -> None:
    for text in ("yes", "No, I haven't.", "and for Enterprise?", "What about refunds?", "ok"):
        assert continues_conversation(text), text
    for text in ("How do I set up SSO?", "Who painted the Mona Lisa?", "Yesterday it failed"):
        assert not continues_conversation(text), text
    assert not continues_conversation("yes " + "and more words " * 10)


def test_a_vocabulary_without_a_stage_never_gets_it_guessed(session: Session) -> None:
    vocabulary = Vocabulary(stages=[s for s in Vocabulary().stages if s.key != "retention"])
    chats = ConversationService(session, vocabulary)
    conversation = chats.start(visitor_id="renewing", page_url="https://www.brightloop.io/pricing")
    chats.receive(conversation.id, "How do I cancel our renewal?")  # a 422 before
    stages = session.scalars(
        select(JourneyEvent.stage).where(JourneyEvent.subject_id == conversation.id)
    ).all()
    assert stages and "retention" not in stages
