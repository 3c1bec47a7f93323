"""The voice of the customer: reviews on G2, Capterra and Trustpilot, NPS and CSAT answers,
and chat conversations with the website widget, each with the journey event that points at it.

What an account went through decides what its people say: advocates rate 5 stars and answer
NPS 9-10, accounts stuck on SSO or hit by the price increase complain, CSAT follows the
ticket's channel and wait (see `app.demo.generator` for the planted patterns).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app.demo import texts
from app.demo.world import (
    NPS_WAVES,
    PRICE_ANNOUNCED,
    PRICE_CHANGE,
    RELEASE_AT,
    SSO_PLANS,
    Company,
    Person,
    World,
)
from journey.models import Conversation, Message, Review, SurveyResponse

CSAT_BASE = {"email": 3.0, "web": 3.8, "chat": 4.4, "phone": 4.5}
NPS_SCORES = {10: 12, 9: 18, 8: 22, 7: 18, 6: 10, 5: 7, 4: 5, 3: 3, 2: 2, 1: 1.5, 0: 1.5}
REVIEW_RATINGS = {5: 35, 4: 35, 3: 15, 2: 9, 1: 6}
PLATFORMS = {"g2": 40, "capterra": 35, "trustpilot": 25}


# -- reviews ----------------------------------------------------------------------------------


def reviews(w: World) -> int:
    clock, rng = w.clock, w.rng
    authors: list[tuple[Company, Person]] = []
    weights: list[float] = []
    for c in w.companies:
        for person in c.people:
            if person.active_from or (c.trial_at and person.role == "buyer"):
                authors.append((c, person))
                weights.append(2.0 if c.advocate else 1.5 if c.churned_at else 1.0)
    planned: list[tuple[datetime, Company, Person]] = []
    while len(planned) < w.count(560):
        c, person = rng.choices(authors, weights)[0]
        lo = max(person.active_from or c.trial_at or clock.start, clock.start) + timedelta(days=14)
        hi = min(c.customer_until(clock.end) + timedelta(days=25), clock.end)
        if lo < hi:
            planned.append((clock.office(clock.between(lo, hi)), c, person))
    rows: list[tuple[Review, Company, Person]] = []
    for at, c, person in sorted((p for p in planned if p[0] < clock.end), key=lambda p: p[0]):
        rating, cons = _rating(w, c, at)
        lang = w.language(person)
        platform = w.weighted(PLATFORMS)
        fields = w.fields(c, person, lang)
        title, body = w.writer.review(lang, rating, fields, cons, platform)
        # Now and then the same review is posted twice, a few days apart.
        copies = [(platform, at)]
        again = at + timedelta(days=rng.randint(1, 6))
        if rng.random() < 0.02 and again < clock.end:
            copies.append((w.weighted(PLATFORMS), again))
        for source, posted in copies:
            review = Review(
                source=source,
                external_id=f"demo-{source}-{len(rows) + 1:05d}",
                contact_id=person.row.id,
                account_id=c.row.id,
                rating=rating,
                title=title,
                body=body,
                language=lang,
                posted_at=posted,
            )
            rows.append((review, c, person))
    w.session.add_all(r for r, _, _ in rows)
    w.session.flush()
    for review, c, person in rows:
        w.recorder.add(
            "review_posted", review.posted_at, person=person, company=c,
            subject=("review", review.id), platform=review.source, rating=review.rating,
        )  # fmt: skip
    return len(rows)


def _rating(w: World, c: Company, at: datetime) -> tuple[int, list[str]]:
    """A star rating and the complaints behind it, from what the account went through."""
    rng = w.rng
    cons: list[str] = []
    if c.advocate:
        rating = 5 if rng.random() < 0.8 else 4
    elif c.sso_blocked:
        rating, cons = rng.choice([1, 1, 2]), ["sso"]
    elif c.feels_price_increase(at) and at >= PRICE_CHANGE:
        rating, cons = rng.choice([1, 2, 2, 3, 3, 4]), ["pricing"]
    else:
        rating = int(w.weighted({str(k): v for k, v in REVIEW_RATINGS.items()}))
    if c.slow_email_tickets and rating <= 3 and rng.random() < 0.6:
        cons.append("support")
    if c.hit_by_release and RELEASE_AT <= at <= RELEASE_AT + timedelta(days=60) and not c.advocate:
        rating, cons = min(rating, 3), [*cons, "integrations"]
    return rating, cons


# -- surveys ----------------------------------------------------------------------------------


def surveys(w: World) -> int:
    clock, rng = w.clock, w.rng
    planned: list[tuple[datetime, SurveyResponse, Company, Person]] = []
    for c in w.companies:
        start = c.customer_from(clock.start)
        if start is None:
            continue
        for wave in NPS_WAVES:
            for person in c.people:
                if not (
                    person.active_from and person.active_from <= wave < c.customer_until(clock.end)
                ):
                    continue
                promoter = c.promoter_wave == wave and person.role == "buyer"
                if not promoter and rng.random() >= (0.45 if person.role == "buyer" else 0.3):
                    continue
                at = clock.days(wave, 0, 10)
                score, topic = _nps(w, c, at)
                lang = w.language(person)
                comment = None
                if rng.random() < 0.55:
                    comment = w.writer.survey_comment(
                        f"nps_{topic}", lang, w.fields(c, person, lang)
                    )
                row = SurveyResponse(kind="nps", score=score, comment=comment, touchpoint="email")
                planned.append((at, row, c, person))
    for item in w.resolved:
        if rng.random() >= 0.4:
            continue
        assert item.ticket.resolved_at is not None
        at = item.ticket.resolved_at + clock.hours(6, 0.8)
        base = CSAT_BASE[item.ticket.channel] - (0.6 if item.first_response_hours > 36 else 0)
        base -= 1.2 if item.variant in ("blocked", "renewal") else 0
        score = min(5, max(1, round(rng.gauss(base, 0.85))))
        comment = None
        if rng.random() < 0.45:
            band = "good" if score >= 4 else "mid" if score == 3 else "bad"
            waited = max(1, round(item.first_response_hours / 24))
            fields = w.fields(item.company, item.person, item.lang, waited=waited)
            comment = w.writer.survey_comment(f"csat_{band}", item.lang, fields)
        row = SurveyResponse(
            kind="csat", score=score, comment=comment, touchpoint="support_ticket",
            ticket_id=item.ticket.id,
        )  # fmt: skip
        planned.append((at, row, item.company, item.person))
    planned = sorted((p for p in planned if p[0] < clock.end), key=lambda p: p[0])
    for n, (at, row, c, person) in enumerate(planned, start=1):
        row.source, row.external_id = "demo", f"demo-{row.kind}-{n:05d}"
        row.contact_id, row.account_id, row.answered_at = person.row.id, c.row.id, at
        row.stage = c.stage_at(at)
    w.session.add_all(p[1] for p in planned)
    w.session.flush()
    for at, row, c, person in planned:
        w.recorder.add(
            "survey_answered", at, person=person, company=c, touchpoint=row.touchpoint,
            subject=("survey_response", row.id), kind=row.kind, score=row.score,
        )  # fmt: skip
    return len(planned)


def _nps(w: World, c: Company, at: datetime) -> tuple[int, str]:
    """Score and comment topic: promoters stay promoters, blocked and price-hit accounts sour."""
    rng = w.rng
    if c.advocate:  # keen from the start, promoters once they are fully on board
        promoter = c.promoter_wave is not None and at >= c.promoter_wave
        return (rng.choice([9, 10, 10]) if promoter else rng.randint(8, 10)), "promoter"
    if c.sso_blocked:
        return rng.randint(0, 5), "sso"
    if c.lost_on_price and at >= PRICE_ANNOUNCED:
        return rng.randint(2, 6), "pricing"
    score = int(w.weighted({str(k): v for k, v in NPS_SCORES.items()}))
    if c.feels_price_increase(at):
        score = max(0, score - 2)
    if c.slow_email_tickets >= 3 and rng.random() < 0.5:  # waiting on email support sours some
        score = max(0, score - 1)
    topic = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
    if topic != "promoter" and c.feels_price_increase(at) and rng.random() < 0.7:
        topic = "pricing"
    return score, topic


# -- conversations ----------------------------------------------------------------------------

PROSPECT_TOPICS = {
    "awareness": {"pricing": 3, "trial": 2, "partners": 1, "security": 1},
    "consideration": {"sso_plans": 3, "pricing": 2, "trial": 2, "security": 2},
    "decision": {"enterprise": 3, "pricing": 2, "security": 2, "sso_plans": 1},
}


def _customer_topic(w: World, c: Company, at: datetime) -> str:
    weights = {
        "workflow": 3.0,
        "billing": 2.0,
        "support_hours": 1.0,
        "integration_disconnected": 1.0,
    }
    if c.segment != "smb":
        weights["api"] = 1.0
    if c.plan in SSO_PLANS and not (c.segment == "smb" and c.stage_at(at) == "onboarding"):
        weights["sso_error"] = 0.7
    if at >= PRICE_ANNOUNCED:
        weights["pricing_change"] = 4.0 if c.feels_price_increase(at) else 1.0
    return w.weighted(weights)


def _handoff(w: World, topic: str, c: Company | None, at: datetime, planted: bool) -> str | None:
    """Why the bot hands over, if it does: buying signals, anger, a question it cannot answer."""
    draw = w.rng.random()
    if topic == "enterprise" and draw < 0.75:
        return "sales_opportunity"
    if topic == "pricing" and c is not None and c.segment != "smb" and draw < 0.3:
        return "sales_opportunity"
    if planted and topic in ("sso_error", "integration_disconnected") and draw < 0.55:
        return "negative_sentiment"
    if topic == "pricing_change" and c is not None and c.feels_price_increase(at) and draw < 0.45:
        return "negative_sentiment"
    return w.weighted({"customer_request": 0.09, "missing_knowledge": 0.07, "": 0.84}) or None


def conversations(w: World) -> int:
    clock, rng = w.clock, w.rng
    # (when, company, person, visitor, topic, mode): mode is "planted" for the patterns' chats,
    # "live" or "waiting" for those still open when the window closes, else "".
    planned: list[tuple[datetime, Company | None, Person | None, str | None, str, str]] = []
    for c in w.companies:
        if c.sso_blocked and c.signed_at:
            at = clock.days(c.signed_at, 2, 20)
            planned.append((at, c, c.admin, None, "sso_error", "planted"))
        if c.hit_by_release and rng.random() < 0.2:
            at = clock.office(
                clock.between(RELEASE_AT + timedelta(days=1), RELEASE_AT + timedelta(days=24))
            )
            planned.append((at, c, w.speaker(c, at), None, "integration_disconnected", "planted"))
    buying = [c for c in w.companies if c.kind != "legacy"]
    customers = [c for c in w.companies if c.is_customer]
    # Still going when the window closes: the agent console has live chats to show, half of
    # them still waiting for an agent.
    live = rng.sample([c for c in customers if not c.churned_at], max(2, w.count(4)))
    for c, waiting in zip(live, w.flags(len(live), 0.5), strict=True):
        at = clock.end - timedelta(hours=rng.uniform(1.5, 6))
        mode = "waiting" if waiting else "live"
        planned.append((at, c, w.speaker(c, at), None, _customer_topic(w, c, at), mode))
    while len(planned) < w.count(420):
        draw = rng.random()
        if draw < 0.18:
            visitor, first = rng.choice(w.visitors)
            topic = w.weighted(PROSPECT_TOPICS[rng.choice(["awareness", "consideration"])])
            planned.append((first + timedelta(minutes=20), None, None, visitor, topic, ""))
        elif draw < 0.45:
            c = rng.choice(buying)
            at = clock.office(clock.between(c.first_touch, c.sales_until))
            stage = c.stage_at(at) if c.stage_at(at) in PROSPECT_TOPICS else "awareness"
            topic = w.weighted(PROSPECT_TOPICS[stage])
            planned.append((at, c, rng.choice(c.people[:3]), None, topic, ""))
        else:
            c = rng.choice(customers)
            start = c.customer_from(clock.start) or clock.start
            at = clock.office(clock.between(start, c.customer_until(clock.end)))
            planned.append((at, c, w.speaker(c, at), None, _customer_topic(w, c, at), ""))
    planned = sorted(
        (p for p in planned if p[0] < clock.end - timedelta(hours=1)), key=lambda p: p[0]
    )
    rows = [_conversation(w, i, *item) for i, item in enumerate(planned)]
    w.session.add_all(r[0] for r in rows)
    w.session.flush()
    for conv, company, person, handed_at in rows:
        ref = ("conversation", conv.id)
        opened = {"topic": conv.messages[0].meta["topic"], "messages": len(conv.messages)}
        for kind, when, props in (
            ("chat_message", conv.started_at, opened),
            ("chat_handoff", handed_at, {"reason": conv.handoff_reason}),
        ):
            if when is not None:
                w.recorder.add(
                    kind, when, person=person, company=company, visitor=conv.visitor_id,
                    stage=conv.stage, subject=ref, **props,
                )  # fmt: skip
        w.messages += len(conv.messages)
    return len(rows)


def _conversation(
    w: World,
    i: int,
    at: datetime,
    c: Company | None,
    person: Person | None,
    visitor: str | None,
    topic: str,
    mode: str,
) -> tuple[Conversation, Company | None, Person | None, datetime | None]:
    rng = w.rng
    lang = w.language(person)
    live, waiting = mode in ("live", "waiting"), mode == "waiting"
    handoff = _handoff(w, topic, c, at, mode == "planted") or ("customer_request" if live else None)
    if c is not None:
        fields = w.fields(c, person, lang)
    else:  # an anonymous visitor: no name to greet, a team size to ask about
        fields = w.writer.fields(lang, first_name="there", seats=rng.randint(60, 400))
    lines = w.writer.chat(topic, lang, fields, rng.randint(5 if handoff else 2, 10), handoff)
    if waiting:  # handed over, and no agent has picked it up yet
        lines = lines[: [role for role, _ in lines].index("agent")]
    messages: list[Message] = []
    t, handed_at = at, None
    for role, text in lines:
        if role == "agent" and handed_at is None:  # the bot has just handed over
            handed_at = t
            t += timedelta(minutes=rng.uniform(1, 8))
        t += timedelta(seconds=rng.uniform(2, 6) if role == "bot" else rng.uniform(20, 150))
        meta: dict[str, object] = {"topic": topic}
        if role == "bot":
            meta["citations"] = [rng.choice(texts.CHAT_PAGES[topic])]
        if role == "agent":
            meta["agent"] = fields["agent"]
        grounded = round(rng.uniform(0.72, 0.98), 2) if role == "bot" else None
        messages.append(
            Message(
                role=role, text=text, created_at=t, language=lang, meta=meta, groundedness=grounded
            )
        )
    if waiting:
        handed_at = t
    stage = c.stage_at(at) if c else rng.choice(["awareness", "consideration"])
    status = "closed" if not live else "waiting_for_human" if waiting else "human"
    conv = Conversation(  # its id random, like a real one: it is a visitor's credential
        contact_id=person.row.id if person else None,
        account_id=c.row.id if c else None,
        visitor_id=visitor,
        channel="web",
        touchpoint="chat_widget",
        page_url=rng.choice(texts.CHAT_PAGES[topic]),
        status=status,
        language=lang,
        stage=stage,
        handoff_reason=handoff,
        started_at=at,
        updated_at=t,
        closed_at=t + timedelta(minutes=10) if status == "closed" else None,
        messages=messages,
    )
    return conv, c, person, handed_at
