"""Moments of truth over a real database, through `analyze` with the packaged sentiment head:
each rule with a near miss that must not trip it, severity, the suggested step, one flag per
piece of evidence, one flag per conversation, and the flag window."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from builders import BILLING, DASHBOARD, NOW, SSO, Items, analysis_of, flags_by_key
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from feedback.analysis import analyze, text_items
from feedback.moments import NEXT_STEP, Signal, detect
from feedback.sentiment import HeadSentiment
from journey.models import (
    Contact,
    Conversation,
    Flag,
    Review,
    SurveyResponse,
    TextAnalysis,
    Ticket,
    TicketComment,
)

BROKEN = (
    "Reports broken again. The dashboard has been failing all week, none of our reports load "
    "and nobody has replied. This is a mess."
)
QUESTION = "Add a user. How do I add a new user to our workspace?"
DELIGHTED = "Fantastic product, our whole team loves it and onboarding was a breeze!"


def key(item: Ticket | Review | SurveyResponse | Conversation) -> str:
    kind = {Ticket: "ticket", Review: "review", SurveyResponse: "survey_response",
            Conversation: "conversation"}[type(item)]  # fmt: skip
    return f"{kind}:{item.id}"


def reasons(session: Session, item: Ticket | Review | SurveyResponse | Conversation) -> list[str]:
    """The reason codes flagged for an item, [] when it raised no flag."""
    flag = flags_by_key(session).get(key(item))
    return list(flag.reasons) if flag else []


def flag_of(session: Session, item: Ticket | Review | SurveyResponse | Conversation) -> Flag:
    flag = flags_by_key(session).get(key(item))
    assert flag is not None, f"{key(item)} raised no flag"
    return flag


def ticket(
    items: Items, contact: Contact | None, text: str, *, at: datetime = NOW, stage: str = "adoption"
) -> Ticket:
    """A ticket whose text (subject. body) reads as `text`."""
    subject, _, body = text.partition(". ")
    return items.ticket(contact, subject, body or subject, at=at, stage=stage)


# -- one rule at a time -----------------------------------------------------------------------


def test_negative_sentiment(session: Session, items: Items, head: HeadSentiment) -> None:
    person = items.contact()
    broken, question = ticket(items, person, BROKEN), ticket(items, person, QUESTION)
    report = analyze(session, head)
    assert report.flags == 1
    flag = flag_of(session, broken)
    assert flag.reasons == ["negative_sentiment"]
    assert flag.suggested_step == NEXT_STEP["negative_sentiment"]
    assert flag.contact_id == person.id and flag.stage == "adoption"
    assert flag.touchpoint == "support_ticket" and flag.status == "open"
    [evidence] = flag.evidence
    assert evidence["item_type"] == "ticket" and evidence["item_id"] == str(broken.id)
    assert evidence["label"] == "negative" and evidence["sentiment"] <= -0.5
    assert evidence["quote"].startswith("Reports broken again.")
    assert reasons(session, question) == []


def test_churn_intent(session: Session, items: Items, head: HeadSentiment) -> None:
    person = items.contact()
    leaving = ticket(
        items,
        person,
        "Contract. We will cancel our subscription at the end of the month, the sync keeps "
        "failing and we have had enough.",
    )
    not_renewing = items.review(
        person, 3, "We won't be renewing. The price went up and support got slower."
    )
    switched = items.review(person, 5, "We switched to you from spreadsheets and love it.")
    replaced = items.review(
        person, 5, "We cancelled our old tool and moved everything to you, best decision this year!"
    )
    export = ticket(items, person, "Scheduled export. How do I cancel a scheduled export?")
    office = ticket(
        items, person, "New address. We are moving to another office next month, please update it."
    )
    analyze(session, head)
    assert "churn_intent" in reasons(session, leaving)
    assert "churn_intent" in reasons(session, not_renewing)
    for near_miss in (switched, replaced, export, office):
        assert "churn_intent" not in reasons(session, near_miss), key(near_miss)
    assert "advocacy_opportunity" in reasons(session, switched)


def test_escalation_intent(session: Session, items: Items, head: HeadSentiment) -> None:
    person = items.contact()
    angry = ticket(
        items, person, "Still no fix. This is unacceptable, I want to speak to a manager."
    )
    legal = ticket(items, person, "DPA. Our legal team needs to review the DPA before we sign.")
    ceo = ticket(items, person, "Demo. Our CEO wants a demo of the new reporting next week.")
    praise = items.review(
        person, 5, "Support is wonderful, we never had to escalate anything. Thank you!"
    )
    analyze(session, head)
    assert "escalation_intent" in reasons(session, angry)
    for near_miss in (legal, ceo, praise):
        assert "escalation_intent" not in reasons(session, near_miss), key(near_miss)


def test_slow_response(session: Session, items: Items, head: HeadSentiment) -> None:
    person = items.contact()
    late = ticket(items, person, "Invoice copy. Could you send me a copy of the March invoice?")
    late.first_response_at = late.created_at + timedelta(hours=30)
    chased = items.ticket(
        person,
        "Export",
        "The CSV export has an empty column.",
        comments=(("customer", "Still waiting for an answer, is anyone there?"),),
    )
    quick = items.ticket(
        person,
        "Export",
        "Where do I find the CSV export?",
        comments=(("agent", "Under Reports, Export."), ("customer", "Thanks, that works.")),
    )
    quick.first_response_at = quick.created_at + timedelta(hours=2)
    session.flush()
    analyze(session, head)
    assert "slow_response" in reasons(session, late)
    assert {"first_response_hours": 30.0, "chased": False, "channel": "email"} in flag_of(
        session, late
    ).evidence
    assert "slow_response" in reasons(session, chased)
    assert "slow_response" not in reasons(session, quick)


def test_detractor_by_nps_csat_and_stars(
    session: Session, items: Items, head: HeadSentiment
) -> None:
    person = items.contact()
    # Scores speak louder than words: polite comments do not hide a low score.
    nps_6 = items.survey(person, "nps", 6, "Works well, kind people, thanks.")
    nps_8 = items.survey(person, "nps", 8, "Works well, kind people, thanks.")
    csat_2 = items.survey(person, "csat", 2, "Thanks for trying, the agent was friendly.")
    csat_3 = items.survey(person, "csat", 3, "The agent was friendly.")
    one_star = items.review(person, 1, "Not for us. We expected more from the reports.")
    two_stars = items.review(person, 2, "It does the job. Reports are fine.")
    three_stars = items.review(person, 3, "Nice people and a decent product.")
    analyze(session, head)
    for detractor in (nps_6, csat_2, one_star, two_stars):
        assert "detractor" in reasons(session, detractor), key(detractor)
    for near_miss in (nps_8, csat_3, three_stars):
        assert "detractor" not in reasons(session, near_miss), key(near_miss)
    # A passive's kind words are no advocacy either.
    assert reasons(session, nps_8) == []
    assert {"survey": "nps", "score": 6} in flag_of(session, nps_6).evidence
    assert {"rating": 1} in flag_of(session, one_star).evidence
    assert flag_of(session, nps_6).suggested_step == NEXT_STEP["detractor"]
    assert flag_of(session, one_star).severity > flag_of(session, two_stars).severity


def test_advocacy_opportunity(session: Session, items: Items, head: HeadSentiment) -> None:
    person = items.contact()
    promoter = items.survey(person, "nps", 10, DELIGHTED)
    five_stars = items.review(
        person,
        5,
        "Absolutely love it. Best reporting tool we have used, the dashboards are beautiful.",
    )
    passive = items.survey(person, "nps", 8, DELIGHTED)
    three_stars = items.review(person, 3, DELIGHTED)
    lukewarm_promoter = items.survey(person, "nps", 9, "It's fine.")
    chat = items.chat(person, [("visitor", DELIGHTED)])
    analyze(session, head)
    for advocate in (promoter, five_stars):
        flag = flag_of(session, advocate)
        assert flag.reasons == ["advocacy_opportunity"], key(advocate)
        assert flag.suggested_step == NEXT_STEP["advocacy_opportunity"]
        assert flag.severity <= 60  # an opportunity, not a fire
    for near_miss in (passive, three_stars, lukewarm_promoter, chat):
        assert "advocacy_opportunity" not in reasons(session, near_miss), key(near_miss)


def test_repeated_contact(session: Session, items: Items, head: HeadSentiment) -> None:
    others = [items.contact(None, f"Other{i}") for i in range(8)]
    for n, text in enumerate(SSO[:12] + BILLING[:10] + DASHBOARD[:10]):
        ticket(items, others[n % 8], text, at=NOW - timedelta(days=20 + n))
    sam, lee = items.contact(None, "Sam"), items.contact(None, "Lee")
    ticket(items, sam, "SSO broken. Our SAML login fails again for the whole team.",
           at=NOW - timedelta(days=9))  # fmt: skip
    ticket(items, sam, "SAML error. SSO login still fails with the same SAML error.",
           at=NOW - timedelta(days=4))  # fmt: skip
    ticket(items, lee, "SSO broken. Our SAML login fails for the whole team.",
           at=NOW - timedelta(days=40))  # fmt: skip
    ticket(items, lee, "SAML error. SSO login fails with a SAML error.",
           at=NOW - timedelta(days=25))  # fmt: skip
    analyze(session, head, flag_window=timedelta(days=365))
    third = ticket(items, sam, "Login blocked. SAML SSO login is failing yet again for everyone.")
    lees_third = ticket(items, lee, "Login blocked. SAML SSO login fails again for everyone.")
    report = analyze(session, head)
    assert report.analysed == 2 and report.themed == 2
    sso_theme = analysis_of(session, "ticket", third.id).theme_id
    assert sso_theme is not None
    assert analysis_of(session, "ticket", lees_third.id).theme_id == sso_theme
    flag = flag_of(session, third)
    assert "repeated_contact" in flag.reasons
    earlier = [e for e in flag.evidence if "quote" not in e]
    assert len(earlier) == 2 and {e["item_type"] for e in earlier} == {"ticket"}
    # Lee asked about the same problem three times too, but over five weeks.
    assert "repeated_contact" not in reasons(session, lees_third)


def test_sentiment_drop(session: Session, items: Items, head: HeadSentiment) -> None:
    happy, neutral = items.contact(None, "Kim"), items.contact(None, "Pat")
    angry = "Export broken. This is the third time the export is broken and nobody cares. Terrible."
    items.review(happy, 5, DELIGHTED, at=NOW - timedelta(days=30))
    ticket(
        items, neutral, "API docs. Hi, where can I find the API docs?", at=NOW - timedelta(days=30)
    )
    dropped, steady = ticket(items, happy, angry), ticket(items, neutral, angry)
    analyze(session, head)
    assert "sentiment_drop" in reasons(session, dropped)
    assert "sentiment_drop" not in reasons(session, steady)
    assert "negative_sentiment" in reasons(session, steady)


def test_high_value_at_risk(session: Session, items: Items, head: HeadSentiment) -> None:
    big = items.account("Globex", arr=480_000, plan="enterprise", segment="enterprise")
    small = items.account("Tiny", arr=6_000, plan="starter")
    items.account("Middling", arr=40_000, plan="growth")
    at_big, at_small = items.contact(big, "Vic"), items.contact(small, "Mo")
    big_ticket, small_ticket = ticket(items, at_big, BROKEN), ticket(items, at_small, BROKEN)
    big_praise = items.review(at_big, 5, DELIGHTED)
    analyze(session, head)
    assert "high_value_at_risk" in reasons(session, big_ticket)
    assert flag_of(session, big_ticket).account_id == big.id
    assert "high_value_at_risk" not in reasons(session, small_ticket)
    assert reasons(session, big_praise) == ["advocacy_opportunity"]


def test_onboarding_at_risk(session: Session, items: Items, head: HeadSentiment) -> None:
    person = items.contact()
    stuck = "Import failed. The CSV import stops at row 200 with an error and we are stuck."
    onboarding = ticket(items, person, stuck, stage="onboarding")
    adoption = ticket(items, person, stuck, stage="adoption")
    welcome = ticket(items, person, "Kickoff. Great onboarding session today, thank you so much!",
                     stage="onboarding")  # fmt: skip
    analyze(session, head)
    assert "onboarding_at_risk" in reasons(session, onboarding)
    assert "onboarding_at_risk" not in reasons(session, adoption)
    assert "onboarding_at_risk" not in reasons(session, welcome)
    assert flag_of(session, onboarding).severity > flag_of(session, adoption).severity


def test_renewal_at_risk(session: Session, items: Items, head: HeadSentiment) -> None:
    def customer(name: str, renewal: date) -> Contact:
        return items.contact(items.account(name, arr=20_000, renewal_date=renewal))

    soon = customer("Soon", (NOW + timedelta(days=45)).date())
    later = customer("Later", (NOW + timedelta(days=200)).date())
    renewed = customer("Renewed", (NOW - timedelta(days=10)).date())
    due, not_due, past = (ticket(items, c, BROKEN) for c in (soon, later, renewed))
    analyze(session, head)
    assert "renewal_at_risk" in reasons(session, due)
    assert flag_of(session, due).suggested_step == NEXT_STEP["renewal_at_risk"]
    for near_miss in (not_due, past):
        assert "renewal_at_risk" not in reasons(session, near_miss), key(near_miss)


# -- severity, suggested step, idempotency, conversations, window -----------------------------


def test_severity_weighs_account_value_and_renewal(
    session: Session, items: Items, head: HeadSentiment
) -> None:
    big = items.account(
        "Initech", arr=900_000, plan="enterprise", renewal_date=(NOW + timedelta(days=60)).date()
    )
    small = items.account("Corner Shop", arr=3_000, plan="starter")
    big_ticket = ticket(items, items.contact(big), BROKEN)
    small_ticket = ticket(items, items.contact(small), BROKEN)
    analyze(session, head)
    high, low = flag_of(session, big_ticket), flag_of(session, small_ticket)
    assert 0 <= low.severity < high.severity <= 100
    assert high.severity - low.severity >= 20
    assert set(high.reasons) >= {"negative_sentiment", "high_value_at_risk", "renewal_at_risk"}
    assert low.reasons == ["negative_sentiment"]


def test_the_suggested_step_follows_the_most_urgent_reason(
    session: Session, items: Items, head: HeadSentiment
) -> None:
    person = items.contact()
    leaving = ticket(
        items,
        person,
        "Done with this. This is unacceptable, reports fail every day and we will cancel our "
        "contract.",
        stage="onboarding",
    )
    analyze(session, head)
    flag = flag_of(session, leaving)
    assert flag.reasons[:2] == ["churn_intent", "escalation_intent"]
    assert {"negative_sentiment", "onboarding_at_risk"} <= set(flag.reasons)
    assert flag.reasons == [r for r in NEXT_STEP if r in flag.reasons]  # most urgent first
    assert flag.suggested_step == NEXT_STEP["churn_intent"]
    assert flag.severity >= 80


def test_the_same_evidence_never_raises_a_second_flag(
    session: Session, items: Items, head: HeadSentiment
) -> None:
    person = items.contact()
    broken = ticket(items, person, BROKEN)
    analyze(session, head)
    flag = flag_of(session, broken)
    evidence = list(flag.evidence)

    texts = {(i.item_type, i.item_id): i.text for i in text_items(session)}
    analysis = analysis_of(session, "ticket", broken.id)
    again = detect(session, [Signal(analysis, texts["ticket", str(broken.id)])], head)
    assert again == 1  # the moment is still there...
    assert session.scalar(select(func.count(Flag.id))) == 1  # ...but not twice
    assert flag_of(session, broken).evidence == evidence

    broken.comments.append(
        TicketComment(author_role="customer", body="Still broken today.", created_at=NOW)
    )
    session.flush()
    changed = analyze(session, head)
    assert changed.analysed == 1 and changed.flags == 1
    assert session.scalar(select(func.count(Flag.id))) == 1
    assert len(flag_of(session, broken).evidence) == 2  # the new wording joins as evidence


def test_a_conversation_makes_one_flag(session: Session, items: Items, head: HeadSentiment) -> None:
    person = items.contact()
    chat = items.chat(
        person,
        [
            ("visitor", "Why does nothing ever work? I have asked three times now."),
            ("bot", "I'm sorry to hear that. Could you tell me which report fails?"),
            ("visitor", "I am really disappointed, the sync lost our data again."),
            ("bot", "I can hand you over to a colleague."),
            ("visitor", "We will cancel our subscription if this is not fixed today."),
        ],
    )
    report = analyze(session, head)
    assert report.flags == 1
    flags = flags_by_key(session)
    assert list(flags) == [f"conversation:{chat.id}"]
    flag = flags[f"conversation:{chat.id}"]
    assert flag.conversation_id == chat.id and flag.contact_id == person.id
    assert flag.touchpoint == "chat_widget"
    visitor = [str(m.id) for m in chat.messages if m.role == "visitor"]
    assert [e["item_id"] for e in flag.evidence if e.get("item_type") == "message"] == visitor
    assert {"churn_intent", "negative_sentiment"} <= set(flag.reasons)
    assert flag.suggested_step == NEXT_STEP["churn_intent"]


def test_items_older_than_the_window_are_analysed_not_flagged(
    session: Session, items: Items, head: HeadSentiment
) -> None:
    person = items.contact()
    old = ticket(items, person, BROKEN, at=NOW - timedelta(days=200))
    recent = ticket(items, person, BROKEN, at=NOW)
    report = analyze(session, head)  # the default window: 120 days before the newest item
    assert report.analysed == 2 and report.flags == 1
    assert analysis_of(session, "ticket", old.id).label == "negative"
    assert reasons(session, old) == []
    assert "negative_sentiment" in reasons(session, recent)
    assert session.scalar(select(func.count(TextAnalysis.id))) == 2


def test_a_wider_window_flags_older_items(
    session: Session, items: Items, head: HeadSentiment
) -> None:
    person = items.contact()
    old = ticket(items, person, BROKEN, at=NOW - timedelta(days=200))
    ticket(items, person, BROKEN, at=NOW)
    report = analyze(session, head, flag_window=timedelta(days=365))
    assert report.flags == 2
    assert "negative_sentiment" in reasons(session, old)
