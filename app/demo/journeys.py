"""The journeys the demo's accounts live through, as journey events: buying cycles, onboarding,
renewals, churn and advocacy (the milestones that move an account's stage), then everyday use
(logins, features, help pages, newsletters, webinars, community) and anonymous web traffic.

Milestones are planned per account first, folded into the account's stage timeline, and only
then recorded, so every event carries the stage its account was in at that moment.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from app.demo import texts
from app.demo.world import SSO_PLANS, Company, Person, World

MARKETING_PAGES = ["https://www.brightloop.io/", "https://www.brightloop.io/pricing",
                   "https://www.brightloop.io/pricing/compare", "https://www.brightloop.io/security",
                   "https://www.brightloop.io/about", "https://www.brightloop.io/partners",
                   "https://help.brightloop.io/articles/free-trial"]  # fmt: skip
EVALUATION_PAGES = ["https://www.brightloop.io/pricing", "https://www.brightloop.io/pricing/compare",
                    "https://www.brightloop.io/security"]  # fmt: skip
HELP_PAGES = [url for urls in texts.CHAT_PAGES.values() for url in urls if "help." in url]
FEATURES_USED = ["forms", "approvals", "workflows", "client_portal", "insights", "integrations",
                 "templates", "mobile_app"]  # fmt: skip
CONTENT = ["ebook-client-onboarding-playbook", "roi-calculator", "soc2-report-summary",
           "template-pack-approvals", "guide-replacing-spreadsheets"]  # fmt: skip
WEBINARS = ["automating-client-onboarding", "whats-new-in-brightloop", "approvals-at-scale",
            "salesforce-plus-brightloop"]  # fmt: skip
CHURN_REASONS = ["budget_cuts", "switched_competitor", "low_usage", "company_acquired"]
STAGE_RANK = {"awareness": 0, "consideration": 1, "decision": 2, "onboarding": 3}
# (when, event type, who, touchpoint, properties) of an event an account's journey holds
Planned = tuple[datetime, str, Person, str | None, dict[str, Any]]


def journeys(w: World) -> int:
    moving = {e.key for e in w.vocabulary.event_types if e.stage_rule != "none"}
    for c in w.companies:
        planned = _milestones(w, c)
        c.set_milestones([(at, kind) for at, kind, *_ in planned if kind in moving], w.vocabulary)
        for at, kind, person, touchpoint, props in planned:
            w.recorder.add(kind, at, person=person, company=c, touchpoint=touchpoint, **props)
        _activity(w, c)
    _web_visitors(w)
    return w.recorder.recorded + len(w.recorder.pending)


def _milestones(w: World, c: Company) -> list[Planned]:
    """The account's buying cycle, onboarding, renewal, churn and advocacy, as events."""
    clock, rng, buyer = w.clock, w.rng, c.buyer
    planned: list[Planned] = []

    def add(
        at: datetime, kind: str, who: Person, touchpoint: str | None = None, **props: Any
    ) -> None:
        planned.append((at, kind, who, touchpoint, props))

    def during(lo: float, hi: float) -> datetime:
        return clock.office(c.first_touch + (c.sales_until - c.first_touch) * rng.uniform(lo, hi))

    committee, reach = c.people[:3], STAGE_RANK[c.reach]
    signs = c.kind == "new"  # this buying cycle ends in a contract (pattern 6 in the generator)
    if c.kind != "legacy":  # a legacy account's buying cycle lies before the window
        if c.segment == "enterprise":
            add(during(0, 0.05), "direct_mail_sent", buyer, campaign="exec-briefing-pack")
        campaign = rng.choice(["linkedin-ops-automation", "g2-comparison", "webinar-promo"])
        add(
            during(0, 0.05),
            rng.choice(["ad_click", "social_engagement"]),
            buyer,
            campaign=campaign,
        )
        for _ in range(rng.randint(2, 5)):
            add(during(0, 0.4), "page_view", rng.choice(committee), url=rng.choice(MARKETING_PAGES))
    if c.kind != "legacy" and reach >= STAGE_RANK["consideration"]:
        add(during(0.2, 0.35), "content_downloaded", buyer, asset=rng.choice(CONTENT))
        form = "contact-sales" if reach >= STAGE_RANK["decision"] else "newsletter"
        add(during(0.25, 0.45), "form_submitted", buyer, form=form)
        if rng.random() < 0.5:
            add(
                during(0.2, 0.5),
                "webinar_attended",
                rng.choice(committee),
                webinar=rng.choice(WEBINARS),
            )
        for _ in range(rng.randint(1, 4)):
            opened = during(0.2, 0.7)
            add(opened, "email_opened", buyer, campaign="nurture")
            if rng.random() < 0.4:
                add(opened + timedelta(minutes=3), "email_clicked", buyer, campaign="nurture")
        if c.trial_at:
            add(c.trial_at, "trial_started", buyer, plan="Growth trial")
            # A trial that leads to a contract is used by the committee (pattern 6).
            users, logins = (
                (committee, rng.randint(4, 10)) if signs else ([buyer], rng.randint(1, 4))
            )
            for _ in range(logins):
                add(clock.days(c.trial_at, 0, 14), "login", rng.choice(users))
    if c.kind != "legacy" and reach >= STAGE_RANK["decision"]:
        add(during(0.5, 0.6), "lead_qualified", buyer, "sales_call", score=rng.randint(55, 95))
        add(during(0.6, 0.7), "demo_booked", buyer)
        # A deal that will sign is worked by its committee; a lost one is thinner (pattern 6).
        for person in committee:
            if signs or person is buyer or rng.random() < 1 / 3:
                add(during(0.7, 0.8), "demo_attended", person)
        for _ in range(rng.randint(1, 3) if signs else rng.randint(0, 1)):
            add(
                during(0.6, 0.95),
                "page_view",
                rng.choice(committee),
                url=rng.choice(EVALUATION_PAGES),
            )
        add(during(0.8, 0.9), "proposal_sent", buyer, plan=c.plan, seats=c.seats)
        if signs or rng.random() < 0.5:
            add(during(0.88, 0.98), "call_logged", buyer, "phone", topic="negotiation")
    if c.signed_at:  # before the window for legacy accounts: their history, kept for context
        add(c.signed_at, "contract_signed", buyer, "email", plan=c.plan, seats=c.seats)
    if c.kind == "new":
        _onboarding(w, c, add)
    elif c.kind == "legacy":
        _renewal(w, c, add)
    if c.advocate and c.promoter_wave:
        referred = f"{rng.choice(texts.COMPANY_WORDS)} {rng.choice(['Group', 'Partners', 'Labs'])}"
        add(clock.days(c.promoter_wave, 12, 43), "referral_made", buyer, "email", referred=referred)
        if rng.random() < 0.45:
            url = f"https://www.brightloop.io/customers/{(c.row.domain or '').split('.')[0]}"
            add(
                clock.days(c.promoter_wave, 40, 120),
                "case_study_published",
                buyer,
                "website",
                url=url,
            )
    return planned


def _onboarding(w: World, c: Company, add: Callable[..., None]) -> None:
    clock, rng = w.clock, w.rng
    assert c.signed_at is not None
    for person in c.people[1:]:
        assert person.active_from is not None
        add(min(clock.days(c.signed_at, 0, 1), person.active_from), "user_invited", person)
    got_going = not c.sso_blocked or c.first_value_at is not None
    if c.plan in SSO_PLANS and got_going:
        late = c.first_value_at - timedelta(days=2) if c.sso_blocked and c.first_value_at else None
        at = late or clock.days(c.signed_at, 2, 12)
        add(at, "sso_configured", c.admin, idp=rng.choice(texts.IDPS))
    if got_going:
        integration = rng.choice(texts.CRM_INTEGRATIONS)
        add(
            clock.days(c.signed_at, 5, 25),
            "integration_connected",
            c.admin,
            integration=integration,
        )
    if c.plan != "Starter":
        topic = "onboarding call" if c.plan == "Growth" else "kick-off with onboarding manager"
        add(clock.days(c.signed_at, 2, 10), "call_logged", c.buyer, "phone", topic=topic)
    if c.first_value_at:
        for i, person in enumerate(c.people):
            start = max(c.first_value_at, person.active_from or c.first_value_at)
            at = start if i == 0 else clock.days(start, 0, 14)
            if not c.churned_at or at < c.churned_at:
                add(at, "first_value_reached", person, milestone="first workflow run")
    if c.churned_at:
        reason = "sso_not_working" if c.sso_blocked else rng.choice(CHURN_REASONS)
        add(c.churned_at, "contract_cancelled", c.buyer, "in_product", reason=reason)
    elif c.segment != "smb" and rng.random() < 0.15:
        at = clock.days(c.first_value_at or c.signed_at, 120, 300)
        add(at, "expansion_signed", c.buyer, "sales_call", seats_added=rng.randint(10, 80))


def _renewal(w: World, c: Company, add: Callable[..., None]) -> None:
    clock, rng = w.clock, w.rng
    assert c.signed_at is not None and c.renewal_at is not None
    for person in c.people:
        assert person.active_from is not None
        if person.active_from <= clock.start:  # on board for a while: first value is history
            at = min(clock.days(c.signed_at, 10, 60), clock.start - timedelta(days=1))
        else:
            add(person.active_from - timedelta(days=1), "user_invited", person)
            at = clock.days(person.active_from, 1, 10)
        add(at, "first_value_reached", person, milestone="first workflow run")
    notice = timedelta(days=90 if c.segment == "enterprise" else 60)
    due = max(clock.office(c.renewal_at - notice), clock.start + timedelta(hours=8))
    add(due, "renewal_due", c.buyer, "email", renewal_date=c.renewal_at.date().isoformat())
    touchpoint = "email" if c.segment == "smb" else "sales_call"
    if c.renewed:
        add(clock.days(c.renewal_at, -25, -2), "renewal_signed", c.buyer, touchpoint, seats=c.seats)
        if rng.random() < 0.15:
            at = clock.days(c.renewal_at, -5, 30)
            add(at, "expansion_signed", c.buyer, touchpoint, seats_added=rng.randint(5, 120))
    else:
        reason = "price_increase" if c.lost_on_price else rng.choice(CHURN_REASONS)
        at = clock.days(c.renewal_at, -40, -30)
        add(at, "contract_cancelled", c.buyer, "email", reason=reason)


def _activity(w: World, c: Company) -> None:
    """Everyday use by the account's people while it is a customer."""
    clock, rng, add = w.clock, w.rng, w.recorder.add
    if not c.is_customer:
        return
    until = c.customer_until(clock.end)
    never_started = c.kind == "new" and c.first_value_at is None
    heavy = 1.25 if c.segment == "enterprise" else 1.0
    rate = 0.02 if never_started else 0.06 * c.adoption * heavy  # logins per person-day
    for person in c.people:
        start = max(person.active_from or until, clock.start)
        t = start
        while (t := t + timedelta(days=rng.expovariate(rate))) < until:
            at = clock.office(t)
            add("login", at, person=person, company=c)
            if rng.random() < 0.4:
                used = at + timedelta(minutes=rng.randint(2, 40))
                add(
                    "feature_used",
                    used,
                    person=person,
                    company=c,
                    feature=rng.choice(FEATURES_USED),
                )
        months = max(0, (until - start).days // 30)
        for month in range(months):
            if rng.random() < 0.5:
                at = clock.days(start, 30 * month, 30 * month + 29)
                add("page_view", at, person=person, company=c, url=rng.choice(HELP_PAGES))
            if rng.random() < 0.3:
                at = clock.days(start, 30 * month, 30 * month + 29)
                add("email_opened", at, person=person, company=c, campaign="newsletter")
                if rng.random() < 0.3:
                    later = at + timedelta(minutes=2)
                    add("email_clicked", later, person=person, company=c, campaign="newsletter")
        if months and rng.random() < 0.15:
            at = clock.between(start, until)
            add("webinar_attended", at, person=person, company=c, webinar=rng.choice(WEBINARS))
        for _ in range(rng.randint(1, 4) if months and rng.random() < 0.1 else 0):
            at = clock.between(start, until)
            topic = rng.choice(["tips", "question", "feature idea"])
            add("community_post", at, person=person, company=c, topic=topic)
    if c.segment == "enterprise":  # the CSM's quarterly check-in
        t = max(c.customer_from(clock.start) or until, clock.start)
        while (t := t + timedelta(days=rng.uniform(75, 105))) < until:
            at = clock.office(t)
            add(
                "call_logged",
                at,
                person=c.buyer,
                company=c,
                touchpoint="phone",
                topic="CSM check-in",
            )


def _web_visitors(w: World) -> None:
    """Anonymous traffic: visitors who read a few pages and never leave their name."""
    clock, rng = w.clock, w.rng
    for i in range(w.count(260)):
        visitor = "v-" + hashlib.sha256(f"{w.seed}-visitor-{i}".encode()).hexdigest()[:16]
        first = clock.office(clock.between(clock.start, clock.end - timedelta(days=2)))
        w.visitors.append((visitor, first))
        for k in range(rng.randint(1, 6)):
            at, url = first + timedelta(minutes=3 * k), rng.choice(MARKETING_PAGES)
            w.recorder.add("page_view", at, visitor=visitor, touchpoint="website", url=url)
