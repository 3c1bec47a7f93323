"""What tests build their cases from: units of work inside a test's session, staff with tokens,
the evaluation data beside the repository, and the feedback builders (accounts, contacts,
tickets, reviews, surveys and chats written with the models, each with the journey event the
imports, the demo and the chat service record for it, so `analyze` can put the sentiment on
it)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from journey.auth import AuthService
from journey.db import UnitsOfWork, transaction
from journey.models import (
    Account,
    Contact,
    Conversation,
    Flag,
    JourneyEvent,
    Message,
    Review,
    SurveyResponse,
    TextAnalysis,
    Theme,
    Ticket,
    TicketComment,
)

if TYPE_CHECKING:
    from app.container import Container

SHARED_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"


def units_on(session: Session) -> UnitsOfWork:
    """Units of work inside a test session's connection: their commits become savepoints, so
    what they write is seen by the test and rolled back after it."""
    factory = sessionmaker(
        bind=session.connection(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    return UnitsOfWork(write=factory, read=factory)


def staff_headers(container: Container, role: str) -> dict[str, str]:
    """A new staff user of the role, committed for real, and its bearer header."""
    with transaction(container.sessions) as session:
        auth = AuthService(session)
        user = auth.create_user(f"{uuid.uuid4().hex[:8]}@staff.test", role, role, "s3cret-pass")
        return {"Authorization": f"Bearer {auth.issue_token(user)}"}


NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

# Three clearly different topics, twenty wordings each.
SSO = [
    "SSO login fails with a SAML error for every user since this morning.",
    "Our team cannot sign in through Okta, the SAML assertion is rejected.",
    "SAML single sign-on broken: users see an invalid signature error at login.",
    "After the certificate rotation our SSO login loops back to the SAML page.",
    "Azure AD SSO stopped working, the SAML response is missing the email attribute.",
    "Login through SSO gives error 500 after the SAML redirect.",
    "New employees get a SAML error when they log in with single sign-on.",
    "The SSO configuration page rejects our SAML metadata file.",
    "SAML login intermittently fails and users are locked out of the app.",
    "Since the update SSO sign-in throws an SAML audience mismatch error.",
    "Our IdP shows success but your SAML endpoint refuses the SSO login.",
    "Users cannot log in: SSO redirects to an error page about SAML.",
    "SAML SSO login failing for the whole sales team today.",
    "The single sign-on SAML certificate expired and login is impossible.",
    "Okta SSO integration returns a SAML error on every login attempt.",
    "Please help, SAML authentication fails and nobody can sign in via SSO.",
    "SSO login error: SAML response signature could not be verified.",
    "Half our users hit a SAML error when logging in with SSO.",
    "Google Workspace SSO broke, the SAML login never completes.",
    "We keep seeing SAML errors on SSO login after enabling MFA.",
]
BILLING = [
    "We were charged twice on this month's invoice.",
    "The invoice bills us for 50 seats but we only have 30.",
    "Our billing address on the invoice is wrong again.",
    "You charged the old price on our renewal invoice.",
    "The VAT on the last invoice is calculated incorrectly.",
    "We got an invoice for a plan we cancelled in January.",
    "Billing took the payment twice from our credit card.",
    "The invoice total does not match the quote we signed.",
    "Please correct the invoice, the discount was not applied to our billing.",
    "Our credit card was charged for extra seats we never added.",
    "The invoice shows the wrong company name and billing contact.",
    "We need a refund for the duplicate charge on our invoice.",
    "The billing overcharged us for the annual plan this month.",
    "Invoice number 4411 lists users who left months ago.",
    "Your billing system sent the invoice in dollars instead of euros.",
    "We were billed for the premium tier although we are on standard.",
    "The payment receipt and the invoice amount are different.",
    "A billing mistake: the invoice charges us for two workspaces.",
    "Our invoice still includes the add-on we removed last quarter.",
    "The proration on the invoice after our upgrade is wrong.",
]
DASHBOARD = [
    "The new dashboard is beautiful and our managers love it.",
    "Love the dashboard, the charts make our weekly review so easy.",
    "Great dashboard redesign, everything we need is on one screen.",
    "The dashboard widgets are fantastic for our sales meetings.",
    "Our team really enjoys the clean, fast dashboard.",
    "The customizable dashboard is the best feature of the product.",
    "Dashboard filters are intuitive and the charts look great.",
    "We present the dashboard to our board every month, superb work.",
    "The real-time dashboard gives us a wonderful overview.",
    "Brilliant dashboard, our executives check it every morning.",
    "The dashboard is so easy to read, thank you for the update.",
    "Really happy with the new dashboard layout and colours.",
    "Sharing dashboards with clients works great, they are impressed.",
    "The dashboard charts are gorgeous and load quickly.",
    "Best dashboard we have used, clear and pleasant.",
    "Our marketing team adores the campaign dashboard.",
    "The dashboard makes our KPIs easy to follow, excellent job.",
    "Fantastic dashboard, we finally see all our numbers in one place.",
    "The mobile dashboard is great for checking figures on the go.",
    "Lovely dashboard design, simple and powerful.",
]


def _key() -> str:
    return uuid.uuid4().hex[:12]


@dataclass
class Items:
    """Writes items into one session; every item is flushed so it has its id."""

    session: Session

    def account(
        self,
        name: str = "Acme",
        *,
        arr: float | None = 12_000,
        plan: str | None = "starter",
        renewal_date: date | None = None,
        segment: str = "smb",
    ) -> Account:
        row = Account(
            name=name,
            domain=f"{name.lower().replace(' ', '-')}-{_key()}.test",
            arr=arr,
            plan=plan,
            renewal_date=renewal_date,
            segment=segment,
            status="customer",
        )
        self.session.add(row)
        self.session.flush()
        return row

    def contact(self, account: Account | None = None, name: str = "Robin") -> Contact:
        row = Contact(
            email=f"{name.lower()}-{_key()}@customer.test",
            name=name,
            account_id=account.id if account else None,
        )
        self.session.add(row)
        self.session.flush()
        return row

    def _event(
        self,
        kind: str,
        at: datetime,
        contact: Contact | None,
        stage: str | None,
        subject: tuple[str, str],
        touchpoint: str | None = None,
        key: str | None = None,
    ) -> JourneyEvent:
        event = JourneyEvent(
            idempotency_key=key or f"test:{_key()}:{kind}",
            occurred_at=at,
            type=kind,
            stage=stage,
            touchpoint=touchpoint,
            source="test",
            contact_id=contact.id if contact else None,
            account_id=contact.account_id if contact else None,
            subject_type=subject[0],
            subject_id=subject[1],
        )
        self.session.add(event)
        return event

    def ticket(
        self,
        contact: Contact | None,
        subject: str,
        body: str,
        *,
        at: datetime = NOW,
        stage: str | None = "adoption",
        comments: tuple[tuple[str, str], ...] = (),
        duplicate_of: Ticket | None = None,
    ) -> Ticket:
        """`comments`: (author_role, body) pairs, in order."""
        row = Ticket(
            source="test",
            external_id=_key(),
            contact_id=contact.id if contact else None,
            account_id=contact.account_id if contact else None,
            subject=subject,
            body=body,
            channel="email",
            stage=stage,
            created_at=at,
            duplicate_of_id=duplicate_of.id if duplicate_of else None,
            comments=[TicketComment(author_role=r, body=b, created_at=at) for r, b in comments],
        )
        self.session.add(row)
        self.session.flush()
        self._event("ticket_opened", at, contact, stage, ("ticket", str(row.id)), "support_ticket")
        self.session.flush()
        return row

    def review(
        self,
        contact: Contact | None,
        rating: int | None,
        body: str,
        *,
        title: str | None = None,
        at: datetime = NOW,
        stage: str | None = "advocacy",
        duplicate_of: Review | None = None,
    ) -> Review:
        row = Review(
            source="g2",
            external_id=_key(),
            contact_id=contact.id if contact else None,
            account_id=contact.account_id if contact else None,
            rating=rating,
            title=title,
            body=body,
            posted_at=at,
            duplicate_of_id=duplicate_of.id if duplicate_of else None,
        )
        self.session.add(row)
        self.session.flush()
        self._event("review_posted", at, contact, stage, ("review", str(row.id)), "review_portal")
        self.session.flush()
        return row

    def survey(
        self,
        contact: Contact | None,
        kind: str,
        score: int,
        comment: str | None,
        *,
        at: datetime = NOW,
        stage: str | None = "adoption",
    ) -> SurveyResponse:
        row = SurveyResponse(
            source="test",
            external_id=_key(),
            kind=kind,
            score=score,
            comment=comment,
            contact_id=contact.id if contact else None,
            account_id=contact.account_id if contact else None,
            stage=stage,
            touchpoint="email",
            answered_at=at,
        )
        self.session.add(row)
        self.session.flush()
        subject = ("survey_response", str(row.id))
        self._event("survey_answered", at, contact, stage, subject, "email")
        self.session.flush()
        return row

    def chat(
        self,
        contact: Contact | None,
        turns: list[tuple[str, str]],
        *,
        at: datetime = NOW,
        stage: str | None = "adoption",
    ) -> Conversation:
        """`turns`: (role, text) pairs; each message is logged as the chat service logs it."""
        conversation = Conversation(
            contact_id=contact.id if contact else None,
            account_id=contact.account_id if contact else None,
            visitor_id=f"v-{_key()}",
            stage=stage,
            started_at=at,
        )
        self.session.add(conversation)
        self.session.flush()
        for role, text in turns:
            message = Message(conversation_id=conversation.id, role=role, text=text, created_at=at)
            self.session.add(message)
            self.session.flush()
            self._event(
                "chat_message",
                at,
                contact,
                stage,
                ("conversation", conversation.id),
                "chat_widget",
                key=f"chat:{message.id}",
            )
        self.session.flush()
        return conversation


def analysis_of(session: Session, item_type: str, item_id: object) -> TextAnalysis:
    row = session.scalar(
        select(TextAnalysis).where(
            TextAnalysis.item_type == item_type, TextAnalysis.item_id == str(item_id)
        )
    )
    assert row is not None, f"{item_type} {item_id} was not analysed"
    return row


def flags_by_key(session: Session) -> dict[str, Flag]:
    return {flag.evidence_key: flag for flag in session.scalars(select(Flag))}


INSIGHTS_AS_OF = date(2026, 6, 30)  # the world's as-of date: later rows are not yet known


def _at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def insights_world(session: Session) -> dict[str, Any]:
    """Three accounts with events, tickets, answers, chats, flags and analysed texts, small
    enough for every metric to be worked out by hand (tests/assistant/test_insights_metrics.py)."""
    smb = Account(
        name="Alder", segment="smb", plan="Growth", country="DE", status="active", arr=10_000
    )
    ent = Account(
        name="Birch",
        segment="enterprise",
        plan="Enterprise",
        country="US",
        status="active",
        arr=90_000,
    )
    lost = Account(
        name="Cedar", segment="smb", plan="Starter", country="DE", status="churned", arr=0
    )
    session.add_all([smb, ent, lost])
    session.flush()
    n = iter(range(1000))

    def event(kind: str, stage: str, day: str, account: Account) -> None:
        session.add(JourneyEvent(idempotency_key=f"e{next(n)}", type=kind, stage=stage,
                                 occurred_at=_at(day), account_id=account.id))  # fmt: skip

    # Alder: awareness -> consideration -> decision -> onboarding (signed 10 Feb, value 20 Feb)
    for kind, stage, day in [("page_view", "awareness", "2026-01-05"),
                             ("trial_started", "consideration", "2026-01-20"),
                             ("demo_held", "decision", "2026-02-01"),
                             ("contract_signed", "onboarding", "2026-02-10"),
                             ("first_value_reached", "adoption", "2026-02-20")]:  # fmt: skip
        event(kind, stage, day, smb)
    # Birch: awareness -> consideration only; signed in 2025 and renewed after the price change
    for kind, stage, day in [("page_view", "awareness", "2026-03-01"),
                             ("trial_started", "consideration", "2026-03-05"),
                             ("contract_signed", "onboarding", "2025-06-01"),
                             ("first_value_reached", "adoption", "2025-07-01"),
                             ("renewal_signed", "retention", "2026-05-20")]:  # fmt: skip
        event(kind, stage, day, ent)
    # Cedar: awareness, then gone; a cancellation, and something after the as-of date
    event("page_view", "awareness", "2026-02-15", lost)
    event("contract_cancelled", "retention", "2026-04-02", lost)
    event("renewal_signed", "retention", "2026-07-15", lost)  # after INSIGHTS_AS_OF: not known then

    def ticket(channel: str, created: str, response_h: float | None, resolve_h: float | None,
               account: Account, tags: list[str]) -> Ticket:  # fmt: skip
        opened = _at(created)

        def later(hours: float | None) -> datetime | None:
            return opened + timedelta(hours=hours) if hours else None

        t = Ticket(source="test", external_id=f"t{next(n)}", subject="s", body="b",
                   channel=channel, created_at=opened, account_id=account.id, tags=tags,
                   first_response_at=later(response_h), resolved_at=later(resolve_h))  # fmt: skip
        session.add(t)
        return t

    tickets = [
        ticket("email", "2026-04-01", 30, 50, smb, ["sso", "billing"]),
        ticket("email", "2026-04-10", 10, None, smb, ["sso"]),
        ticket("email", "2026-05-03", 40, 60, ent, []),
        ticket("email", "2026-05-20", 20, 30, lost, ["billing"]),
        ticket("chat", "2026-05-21", 1, 2, ent, ["sso"]),
        ticket("chat", "2026-06-29", None, None, smb, []),
        ticket("email", "2026-07-02", 100, None, smb, ["sso"]),  # after INSIGHTS_AS_OF
    ]
    session.flush()

    def answer(kind: str, score: int, day: str, account: Account, t: Ticket | None = None) -> None:
        session.add(SurveyResponse(source="test", external_id=f"s{next(n)}", kind=kind,
                                   score=score, answered_at=_at(day), account_id=account.id,
                                   ticket_id=t.id if t else None, stage="adoption"))  # fmt: skip

    for score, account in [(10, smb), (9, ent), (8, ent), (3, lost), (6, smb)]:
        answer("nps", score, "2026-05-01", account)
    answer("nps", 0, "2026-01-10", ent)  # before the period asked in one test
    answer("csat", 5, "2026-04-03", smb, tickets[0])
    answer("csat", 2, "2026-04-12", smb, tickets[1])
    answer("csat", 1, "2026-05-05", ent, tickets[2])
    answer("csat", 4, "2026-05-22", ent, tickets[4])

    for reason, day in [("customer_request", "2026-05-01"), (None, "2026-05-02"),
                        (None, "2026-05-03"), ("negative_sentiment", "2026-06-01")]:  # fmt: skip
        session.add(Conversation(handoff_reason=reason, started_at=_at(day), account_id=smb.id))
    for reasons, severity, day in [(["slow_response"], 40, "2026-04-02"),
                                   (["slow_response", "churn_intent"], 80, "2026-05-04"),
                                   (["churn_intent"], 90, "2026-06-03")]:  # fmt: skip
        session.add(Flag(evidence_key=f"f{next(n)}", reasons=reasons, severity=severity,
                         evidence=[], created_at=_at(day), account_id=lost.id))  # fmt: skip
    theme = Theme(label="SSO errors", terms=["sso"], centroid=[0.0])
    session.add(theme)
    session.flush()
    for kind, item, score, label, day, themed in [
        ("ticket", tickets[0].id, -0.8, "negative", "2026-04-01", True),
        ("ticket", tickets[1].id, -0.4, "negative", "2026-04-10", True),
        ("ticket", tickets[4].id, 0.6, "positive", "2026-05-21", False),
        ("review", 1, 0.2, "neutral", "2026-05-05", False),
    ]:
        session.add(TextAnalysis(item_type=kind, item_id=str(item), content_hash=f"h{next(n)}",
                                 label=label, score=score, confidence=0.9, model="test",
                                 occurred_at=_at(day), theme_id=theme.id if themed else None,
                                 account_id=smb.id))  # fmt: skip
    session.flush()
    return {"smb": smb, "ent": ent, "lost": lost}


NEXT_STEPS_AS_OF = date(2026, 11, 15)


def next_steps_world(session: Session) -> dict[str, Contact]:
    """One contact for each default next step, each with just the signals that make it fit
    as of NEXT_STEPS_AS_OF (tests/assistant/test_next_steps.py)."""
    n = iter(range(10_000))
    people: dict[str, Contact] = {}

    def event(who: Contact, kind: str, day: str, **properties: Any) -> None:
        session.add(JourneyEvent(idempotency_key=f"ns{next(n)}", type=kind, occurred_at=_at(day),
                                 stage=who.stage, contact_id=who.id,
                                 account_id=who.account_id, properties=properties))  # fmt: skip

    def person(key: str, stage: str, segment: str = "smb", **account: Any) -> Contact:
        firm = Account(name=f"{key} firm", segment=segment, stage=stage, **account)
        contact = Contact(email=f"{key}@example.test", stage=stage, account=firm)
        session.add_all([firm, contact])
        session.flush()
        people[key] = contact
        event(contact, "login", "2026-08-01")  # where the contact stands, as its events say
        return contact

    demo = person("book_demo", "consideration", status="prospect")
    for day in ("2026-11-05", "2026-11-09", "2026-11-12"):
        event(demo, "page_view", day, url="https://www.example.test/pricing")
    event(demo, "demo_booked", "2026-11-20")  # after the as-of date: not known yet

    trial = person("start_trial", "awareness", status="prospect")
    for day in ("2026-10-20", "2026-10-28", "2026-11-02"):
        event(trial, "page_view", day, url="https://www.example.test/blog")

    sales = person("sales_handover", "decision", status="prospect")
    session.add(Conversation(contact_id=sales.id, account_id=sales.account_id,
                             handoff_reason="sales_opportunity",
                             started_at=_at("2026-11-01")))  # fmt: skip

    sso = person("sso_setup_help", "onboarding", status="active", arr=20_000)
    session.add(Ticket(source="t", external_id=f"t{next(n)}", subject="SAML fails", body="b",
                       channel="email", created_at=_at("2026-11-03"), tags=["sso"],
                       contact_id=sso.id, account_id=sso.account_id))  # fmt: skip

    stalled = person("onboarding_call", "onboarding", status="active", arr=20_000)
    event(stalled, "contract_signed", "2026-09-01")

    renewing = person("renewal_checkin", "retention", status="active", arr=80_000,
                      renewal_date=date(2027, 1, 10))  # fmt: skip
    for day in [f"2026-09-{d:02d}" for d in range(17, 30)] + ["2026-10-20", "2026-11-01"]:
        event(renewing, "login", day)  # 13 logins in the 30 days before, 2 in the last 30

    detractor = person("recovery_outreach", "adoption", status="active", arr=20_000)
    session.add(SurveyResponse(source="s", external_id=f"s{next(n)}", kind="nps", score=3,
                               answered_at=_at("2026-10-01"), contact_id=detractor.id,
                               account_id=detractor.account_id))  # fmt: skip

    promoter = person("ask_review_or_referral", "advocacy", status="active", arr=20_000)
    session.add(SurveyResponse(source="s", external_id=f"s{next(n)}", kind="nps", score=10,
                               answered_at=_at("2026-09-01"), contact_id=promoter.id,
                               account_id=promoter.account_id))  # fmt: skip
    for day in range(10):  # an account that uses the product: 10 logins in 90 days
        event(promoter, "login", f"2026-10-{day + 10:02d}")
    session.flush()
    return people
