"""Support tickets with their comments, and the journey events that point at them.

Tickets arrive at a per-segment rate while an account is a customer, with themes that fit the
account's stage and plan; the planted ones come on top: SSO trouble in SMB onboarding, price
complaints around renewals after the price change, the integration spike after release 26.16.
The channel decides the first-response time (email support is slow, pattern 3) and with it the
chasers under a ticket. Resolved tickets are handed on for CSAT surveys (`app.demo.voice`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.demo import texts
from app.demo.world import (
    PRICE_ANNOUNCED,
    PRICE_CHANGE,
    RELEASE_AT,
    SSO_PLANS,
    Company,
    Person,
    ResolvedTicket,
    World,
)
from app.demo.writing import Fields
from journey.models import Ticket, TicketComment

TICKETS_PER_MONTH = {"smb": 0.5, "mid_market": 0.9, "enterprise": 1.8}
ONBOARDING_THEMES = {
    "onboarding": 30, "sso": 12, "integration_sync": 12, "workflow": 14, "email_delivery": 6,
    "billing": 6, "login_2fa": 8, "integration_disconnected": 3, "feature_request": 4,
}  # fmt: skip
LATER_THEMES = {
    "workflow": 20, "integration_sync": 10, "integration_disconnected": 4, "dashboard": 10,
    "email_delivery": 9, "api_rate_limit": 6, "billing": 10, "feature_request": 10,
    "login_2fa": 7, "praise": 4, "sso": 3, "onboarding": 2,
}  # fmt: skip
CHANNELS = {
    "Starter": {"email": 0.7, "web": 0.3},
    "Growth": {"email": 0.45, "chat": 0.4, "web": 0.15},
    "Enterprise": {"email": 0.4, "chat": 0.33, "phone": 0.14, "web": 0.13},
}
# Median hours to the first response and from there to resolution, by ticket channel: email
# support is understaffed (pattern 3), chat and phone answer at once.
RESPONSE_HOURS = {
    "email": (27.0, 20.0),
    "web": (5.0, 12.0),
    "chat": (0.12, 1.5),
    "phone": (0.03, 2.0),
}
# Ticket channels as journey channels.
JOURNEY_CHANNEL = {"email": "email", "web": "web", "chat": "web", "phone": "voice"}


@dataclass
class _Planned:
    company: Company
    at: datetime
    theme: str
    variant: str = ""


def _themes(w: World, c: Company, at: datetime) -> str:
    onboarding = c.stage_at(at) == "onboarding"
    weights = dict(ONBOARDING_THEMES if onboarding else LATER_THEMES)
    # SSO trouble in SMB onboarding is planted (pattern 1), not background noise.
    if c.plan not in SSO_PLANS or (onboarding and c.segment == "smb"):
        weights.pop("sso")
    if c.segment != "smb":
        weights["api_rate_limit"] = weights.get("api_rate_limit", 0) * 2
    return w.weighted(weights)


def _plan_tickets(w: World) -> list[_Planned]:
    clock, rng = w.clock, w.rng
    spike_until = RELEASE_AT + timedelta(days=24)
    planned: list[_Planned] = []
    for c in w.companies:
        if c.trial_at and rng.random() < 0.3:
            planned.append(_Planned(c, clock.days(c.trial_at, 1, 10), "onboarding"))
        start = c.customer_from(clock.start)
        if start is None:
            continue
        until, t = c.customer_until(clock.end), start
        rate = TICKETS_PER_MONTH[c.segment] / 30
        while (t := t + timedelta(days=rng.expovariate(rate))) < until:
            at = clock.office(t)
            planned.append(_Planned(c, at, _themes(w, c, at)))
        if c.sso_blocked:
            assert c.signed_at is not None
            planned += [
                _Planned(c, clock.days(c.signed_at, 2, 25), "sso", "blocked")
                for _ in range(rng.randint(1, 3))
            ]
        elif c.kind == "new" and c.segment == "smb" and c.plan == "Growth" and rng.random() < 0.1:
            assert c.signed_at is not None
            planned.append(_Planned(c, clock.days(c.signed_at, 2, 10), "sso"))
        if c.renews_late and c.plan in SSO_PLANS and c.renewal_at:
            planned += _price_complaints(w, c, c.renewal_at)
        elif start < PRICE_ANNOUNCED < until and rng.random() < 0.03:
            at = clock.days(PRICE_ANNOUNCED, 1, 40)
            planned.append(_Planned(c, at, "pricing", "announcement"))
        if start < RELEASE_AT and until > spike_until and rng.random() < 0.32:
            c.hit_by_release = True
            at = clock.between(RELEASE_AT + timedelta(days=1), spike_until)
            planned.append(_Planned(c, clock.office(at), "integration_disconnected", "release"))
    # Nobody writes in after their account has left.
    kept = [p for p in planned if p.at < p.company.customer_until(clock.end)]
    return sorted(kept, key=lambda p: p.at)


def _price_complaints(w: World, c: Company, renewal: datetime) -> list[_Planned]:
    """Pricing tickets of an account whose renewal falls after the price change. They come
    with the renewal notice and, for those who stay, the first invoice at the new price; those
    who leave write before their notice deadline, 30 days ahead of the renewal."""
    rng = w.rng
    if c.lost_on_price:
        count, latest = rng.randint(2, 3), renewal - timedelta(days=31)
    else:
        count, latest = int(rng.random() < 0.7), renewal + timedelta(days=25)
    earliest = max(renewal - timedelta(days=75), PRICE_CHANGE)
    earliest = min(earliest, latest - timedelta(days=14))
    return [
        _Planned(c, w.clock.office(w.clock.between(earliest, latest)), "pricing", variant)
        for variant in ["renewal" if c.lost_on_price or rng.random() < 0.5 else ""] * count
    ]


def _tone(w: World, planned: _Planned, channel: str) -> str:
    if planned.variant in ("blocked", "renewal"):
        return "frustrated" if w.rng.random() < 0.7 else "urgent"
    if planned.theme in ("praise", "feature_request", "onboarding"):  # questions, not problems
        return w.rng.choice(["friendly", "neutral"])
    frustrated = 0.2 if channel == "email" else 0.1  # email writers are the unhappier lot
    return w.weighted({"neutral": 0.6, "friendly": 0.2, "frustrated": frustrated, "urgent": 0.08})


def tickets(w: World) -> int:
    clock, rng, writer = w.clock, w.rng, w.writer
    answered: list[ResolvedTicket] = []
    rows: list[tuple[Ticket, _Planned, Person]] = []
    for number, planned in enumerate(_plan_tickets(w), start=10001):
        c, at, theme = planned.company, planned.at, planned.theme
        person = w.speaker(c, at)
        lang = w.language(person)
        channel = w.weighted(CHANNELS[c.plan if c.is_customer else "Growth"])
        extra: dict[str, object] = {
            "integration": rng.choice(texts.CRM_INTEGRATIONS),
            "date": f"{at - timedelta(days=rng.randint(3, 25)):%d %B %Y}",  # of an invoice
        }
        if c.signed_at and planned.variant == "blocked":
            extra["days"] = max(2, (at - c.signed_at).days)
        fields = w.fields(c, person, lang, **extra)
        subject, body = writer.ticket(
            theme, lang, fields, channel, _tone(w, planned, channel), planned.variant
        )
        to_first, to_fix = RESPONSE_HOURS[channel]
        first_response = at + clock.hours(to_first, 0.5)
        trouble = planned.variant in ("blocked", "release") or rng.random() < 0.2
        resolved = first_response + clock.hours(to_fix * (3 if trouble else 1), 0.7)
        waited_hours = (first_response - at).total_seconds() / 3600
        if channel == "email" and waited_hours > 24:
            c.slow_email_tickets += 1
        extra_tags = {
            "sso": ["saml"],
            "integration_disconnected": [fields["integration"].lower()],
            "pricing": ["renewal"],
        }
        tags = [theme, *extra_tags.get(theme, [])]
        fields["waited"] = str(max(1, round(waited_hours / 24)))
        comments = _comments(w, theme, lang, fields, at, first_response, resolved, trouble)
        ticket = Ticket(
            source="demo",
            external_id=f"BL-{number}",
            contact_id=person.row.id,
            account_id=c.row.id,
            subject=subject,
            body=body,
            status=_status(rng.random(), first_response, resolved, clock.end),
            priority=_priority(w, theme, planned.variant),
            channel=channel,
            touchpoint="support_ticket",
            stage=c.stage_at(at),
            tags=tags,
            language=lang,
            created_at=at,
            first_response_at=first_response if first_response < clock.end else None,
            resolved_at=resolved if resolved < clock.end else None,
            comments=[TicketComment(author_role=r, body=b, created_at=t) for r, b, t in comments],
        )
        rows.append((ticket, planned, person))
        if ticket.resolved_at:
            answered.append(ResolvedTicket(ticket, c, person, lang, waited_hours, planned.variant))
    w.session.add_all(t for t, _, _ in rows)
    w.session.flush()
    for ticket, planned, person in rows:
        c, ref = planned.company, ("ticket", ticket.id)
        channel = JOURNEY_CHANNEL[ticket.channel]
        w.recorder.add(
            "ticket_opened", ticket.created_at, person=person, company=c, subject=ref,
            channel=channel, theme=planned.theme, priority=ticket.priority,
            ticket_channel=ticket.channel,
        )  # fmt: skip
        if ticket.resolved_at:
            w.recorder.add(
                "ticket_resolved", ticket.resolved_at, person=person, company=c, subject=ref,
                channel=channel,
            )  # fmt: skip
            if planned.variant == "release":  # the fix asks customers to reconnect once
                at = ticket.resolved_at + timedelta(hours=rng.uniform(0.5, 20))
                integration = ticket.tags[-1]
                w.recorder.add(
                    "integration_connected", at, person=c.admin, company=c,
                    integration=integration, reconnect=True,
                )  # fmt: skip
    w.resolved = answered
    return len(rows)


def _comments(
    w: World,
    theme: str,
    lang: str,
    fields: Fields,
    opened: datetime,
    first_response: datetime,
    resolved: datetime,
    trouble: bool,
) -> list[tuple[str, str, datetime]]:
    """The back-and-forth under a ticket: chasers while nobody answers, the agent's reply,
    and how it ends."""
    rng, writer, end = w.rng, w.writer, w.clock.end
    if rng.random() < 0.12:
        return []
    out: list[tuple[str, str, datetime]] = []

    def customer(kind: str, at: datetime) -> None:
        out.append(("customer", writer.followup(kind, lang, fields), at))

    def agent(kind: str, at: datetime, apologise: bool = False) -> None:
        out.append(("agent", writer.agent_reply(theme, lang, fields, kind, apologise), at))

    waited, span = first_response - opened, resolved - first_response
    for day in range(1, min(waited // timedelta(days=1), 2) + 1):  # chasers, one a day
        fields["waited"], fields["waited_hours"] = str(day), str(day * 24)
        chased = opened + timedelta(days=day, minutes=rng.randint(0, 300))
        customer("waiting", min(chased, first_response - timedelta(minutes=20)))
    late = waited > timedelta(hours=24)
    if trouble and rng.random() < 0.4 and theme not in ("praise", "feature_request"):
        agent("more", first_response, late)
        customer("info", first_response + span * 0.3)
        agent("fix", first_response + span * 0.6)
    else:
        agent("fix", first_response, late)
    if rng.random() < 0.75:
        customer("late_thanks" if late and rng.random() < 0.5 else "thanks", resolved - span * 0.1)
        if rng.random() < 0.4:
            agent("resolved", resolved)
    return [(role, body, at) for role, body, at in out[:6] if at < end]


def _status(draw: float, first_response: datetime, resolved: datetime, end: datetime) -> str:
    if resolved < end:
        return "closed" if draw < 0.15 else "resolved"
    return "pending" if first_response < end else "open"


def _priority(w: World, theme: str, variant: str) -> str:
    if variant in ("blocked", "release"):
        return w.weighted({"urgent": 0.4, "high": 0.5, "normal": 0.1})
    if theme in ("praise", "feature_request"):
        return "low"
    return w.weighted({"normal": 0.65, "high": 0.2, "low": 0.1, "urgent": 0.05})
