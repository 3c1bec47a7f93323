"""What tests build their cases from: units of work inside a test's session, staff with tokens,
the evaluation data beside the repository, and the feedback builders (accounts, contacts,
tickets, reviews, surveys and chats written with the models, each with the journey event the
imports, the demo and the chat service record for it, so `analyze` can put the sentiment on
it)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

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
