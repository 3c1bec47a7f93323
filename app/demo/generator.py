"""A deterministic, seeded demo company: twelve months of Brightloop's B2B customer journey.

`generate()` writes ~300 accounts (SMB, mid-market, enterprise), ~1,000 contacts, ~40,000
journey events across all stages and touchpoints, ~1,850 support tickets with ~4,200 comments,
~570 reviews, ~1,450 NPS and CSAT answers and ~420 chat conversations for the fictional company
whose knowledge base is in `app/demo/knowledge/`; `scale` shrinks or grows the counts. The
same seed gives the same data: every draw comes from one `random.Random(seed)`, ids and keys
are derived, never random. The modules: `world` (shared state, clock, event recorder),
`journeys` (lifecycle and usage events), `tickets`, `voice` (reviews, surveys, chats),
`writing` and `texts` (the words).

Some accounts stay prospects, some sign during the window and onboard, and most enterprise
accounts were customers before it (their contract and first value are recorded at their
historic dates, before the window) and come up for renewal within it. Stages are the
account's stage at the moment of each item (see `app.demo.world`).

Planted patterns, for the analysis features to find (rates are set by quota, so they hold at
every seed, except pattern 6's, drawn deal by deal; the tests in
tests/app/test_demo_generator.py measure them):

1. smb_sso_onboarding_dropoff — 40% of SMB accounts that sign for Growth get stuck on SAML
   errors during onboarding (SSO tickets and chats quoting "audience mismatch", "Certificate
   expired"...). Only 20% of them reach `first_value_reached` and 60% cancel within weeks;
   other SMB accounts in onboarding reach first value ~90% of the time and rarely cancel.
2. enterprise_renewal_dip_after_pricing_change — enterprise renewals due before 1 May 2026
   are signed 92% of the time, those due after only 50% (the rest `contract_cancelled`);
   accounts renewing after the change write pricing tickets, low NPS with price comments
   and reviews complaining about the €39 → €49 increase.
3. slow_email_support — email tickets get a first response after ~27 h (median), chat after
   minutes, phone at once; late email tickets collect "still waiting" / "no answer for days"
   follow-ups, and CSAT after email tickets is about a point and a half lower.
4. integration_disconnect_spike — release 26.16 on 4 August 2026 broke OAuth token refresh:
   about a third of active customers open "Integration disconnected" (Salesforce/HubSpot)
   tickets in August, several times any other month.
5. enterprise_advocates — 40% of enterprise and mid-market customers (and a few SMB) adopt
   heavily (2-3x the logins), answer NPS 9-10 and then make referrals and case studies.
6. deals_won_by_fit_and_committee — what B2B sales teams see in their won and lost deals:
   customers come twice as often from the service industries Brightloop is made for
   (`texts.IDEAL_INDUSTRIES`), and a deal that will sign is worked by a buying committee
   (every colleague at the demo, a trial used by all of them with 4-10 logins, 1-3 looks at
   pricing and security late in the cycle, a negotiation call). A deal that will be lost
   is thinner before it stops: each colleague comes to the demo one time in three, its trial
   sees 1-4 logins by the buyer alone, pricing is looked at again at most once, and half the
   time no negotiation call comes.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.orm import Session

from app.demo import journeys, texts, tickets, voice
from app.demo.world import NPS_WAVES, PRICE_CHANGE, Clock, Company, Person, Recorder, World
from app.demo.writing import Writer
from journey.models import Account, Contact
from journey.vocabulary import Vocabulary

PLANTED_PATTERNS: dict[str, str] = {
    "smb_sso_onboarding_dropoff": "SMB accounts that hit SAML/SSO errors during onboarding reach "
    "first value far less often and cancel far more often than other SMB accounts in onboarding.",
    "enterprise_renewal_dip_after_pricing_change": "Enterprise renewals due after the 1 May 2026 "
    "price change are renewed markedly less often than those due before, and tickets, reviews "
    "and NPS comments after that date complain about the price increase.",
    "slow_email_support": "Email tickets wait far longer for a first response (median about a "
    "day) than chat or phone tickets, read more negatively ('still waiting', 'no answer for "
    "days') and are followed by lower CSAT.",
    "integration_disconnect_spike": "Salesforce/HubSpot 'Integration disconnected' tickets spike "
    "in August 2026, right after release 26.16 shipped on 4 August.",
    "enterprise_advocates": "Enterprise and mid-market accounts with high adoption answer NPS 9-10 "
    "and go on to make referrals and publish case studies (the advocacy stage).",
    "deals_won_by_fit_and_committee": "Prospects that go on to sign come more often from the "
    "service industries Brightloop is made for and are worked by a buying committee (colleagues "
    "at the demo, a trial several of them use, pricing read late); lost deals are thinner before "
    "they stop.",
}

Progress = Callable[[str, int], None]


@dataclass
class DemoSummary:
    accounts: int = 0
    contacts: int = 0
    events: int = 0
    tickets: int = 0
    reviews: int = 0
    surveys: int = 0
    conversations: int = 0
    messages: int = 0
    patterns: list[str] = field(default_factory=list)
    # Each account's planted fate: the ground truth next steps are measured against.
    fates: list[Company] = field(default_factory=list, compare=False, repr=False)


@dataclass(frozen=True)
class Segment:
    share: float
    mix: tuple[float, float, float]  # prospect, new, legacy
    employees: tuple[int, int]
    people: tuple[int, int]
    plans: dict[str, tuple[float, int, int]]  # plan -> (weight, fewest seats, most seats)
    sales_days: tuple[int, int]
    first_value_days: tuple[int, int]


SEGMENTS = {
    "smb": Segment(0.60, (0.25, 0.45, 0.30), (10, 200), (2, 4),
                   {"Starter": (0.45, 3, 10), "Growth": (0.55, 5, 35)}, (10, 45), (5, 25)),
    "mid_market": Segment(0.28, (0.22, 0.30, 0.48), (200, 1500), (3, 5),
                          {"Growth": (0.75, 20, 150), "Enterprise": (0.25, 50, 250)},
                          (30, 90), (10, 40)),
    "enterprise": Segment(0.12, (0.10, 0.15, 0.75), (1500, 40000), (4, 7),
                          {"Enterprise": (1.0, 150, 2500)}, (60, 150), (20, 60)),
}  # fmt: skip
# Renewal rate of terms ending (before, after) the price change; enterprise carries pattern 2.
RENEWAL_RATES = {"smb": (0.82, 0.78), "mid_market": (0.88, 0.84), "enterprise": (0.92, 0.50)}
COUNTRY_CODES = {"US": "1", "CA": "1", "GB": "44", "DE": "49", "NL": "31", "FR": "33",
                 "ES": "34", "IE": "353", "BE": "32", "AT": "43", "CH": "41", "SE": "46",
                 "DK": "45"}  # fmt: skip


def generate(
    session: Session,
    vocabulary: Vocabulary,
    seed: int = 7,
    scale: float = 1.0,
    end: date = date(2026, 11, 15),
    progress: Progress | None = None,
) -> DemoSummary:
    """Write the demo company into `session` (flushed, not committed) and count what it wrote.

    The data uses the default vocabulary's stage, touchpoint and event-type keys; a vocabulary
    that relabels them is fine, one that drops them makes `record_many` name the missing key.
    `progress(step, items)` is called after each step, for a progress bar.
    """
    rng = random.Random(seed)
    clock = Clock(rng, end)
    world = World(
        session=session,
        vocabulary=vocabulary,
        rng=rng,
        clock=clock,
        recorder=Recorder(session, vocabulary, seed, clock.end),
        writer=Writer(rng),
        seed=seed,
        scale=scale,
    )
    builder = _Builder(world)
    summary = DemoSummary(patterns=list(PLANTED_PATTERNS))
    steps: list[tuple[str, Callable[[World], int]]] = [
        ("accounts", builder.accounts),
        ("contacts", builder.contacts),
        ("events", journeys.journeys),
        ("tickets", tickets.tickets),
        ("reviews", voice.reviews),
        ("surveys", voice.surveys),
        ("conversations", voice.conversations),
    ]
    for name, step in steps:
        made = step(world)
        world.recorder.flush()
        setattr(summary, name, made)
        if progress:
            progress(name, made)
    summary.events = world.recorder.recorded
    summary.messages = world.messages
    summary.fates = list(world.companies)
    return summary


class _Builder:
    """The cast: accounts with their firmographics and fate, and the people who work there."""

    def __init__(self, world: World) -> None:
        self.w = world
        self.rng = world.rng
        self.clock = world.clock
        self._domains: set[str] = set()
        self._emails: set[str] = set()

    # -- accounts -----------------------------------------------------------------------------

    def accounts(self, w: World) -> int:
        total = w.count(300)
        for segment, profile in SEGMENTS.items():
            n = max(3, round(total * profile.share))
            counts = [round(n * share) for share in profile.mix]
            kinds = ["prospect"] * counts[0] + ["new"] * counts[1]
            kinds += ["legacy"] * (n - len(kinds))
            self.rng.shuffle(kinds)
            # Enterprise renewals split evenly around the price change (pattern 2).
            before = w.flags(kinds.count("legacy"), 0.5 if segment == "enterprise" else 0.4)
            for kind in kinds:
                w.companies.append(
                    self._company(segment, kind, before.pop() if kind == "legacy" else False)
                )
        self._plant()
        for company in w.companies:
            self._settle(company)
        w.session.add_all(c.row for c in w.companies)
        w.session.flush()
        return len(w.companies)

    def _company(self, segment: str, kind: str, renews_early: bool) -> Company:
        profile, rng, clock = SEGMENTS[segment], self.rng, self.clock
        country = rng.choices(list(texts.COUNTRIES), [c[0] for c in texts.COUNTRIES.values()])[0]
        _, tld, legal_forms, _ = texts.COUNTRIES[country]
        # Customers come twice as often from the industries Brightloop is made for (pattern 6).
        industries = list(texts.INDUSTRIES)
        fits = [2 if i in texts.IDEAL_INDUSTRIES and kind != "prospect" else 1 for i in industries]
        industry = rng.choices(industries, fits)[0]
        word, kind_word = rng.choice(texts.COMPANY_WORDS), rng.choice(texts.INDUSTRIES[industry])
        domain = self._unique(f"{word}{kind_word}".lower(), f".{tld}", self._domains)
        plan = rng.choices(list(profile.plans), [p[0] for p in profile.plans.values()])[0]
        cycle = timedelta(days=rng.randint(*profile.sales_days))
        start, end = clock.start, clock.end
        if kind == "legacy":
            lo, hi = (start + timedelta(days=45), end - timedelta(days=10))
            renewal = clock.between(*((lo, PRICE_CHANGE) if renews_early else (PRICE_CHANGE, hi)))
            signed = renewal - timedelta(days=365 * rng.randint(1, 3))
            first_touch = signed - cycle
        elif kind == "new":
            first_touch = clock.between(start, end - cycle - timedelta(days=75))
            signed, renewal = clock.office(first_touch + cycle), None
        else:
            first_touch = clock.between(start, end - timedelta(days=5))
            signed, renewal = None, None
        row = Account(
            name=f"{word} {kind_word} {rng.choice(legal_forms)}".strip(),
            domain=domain,
            external_id=f"demo-acc-{len(self.w.companies) + 1:04d}",
            industry=industry,
            employees=rng.randint(*profile.employees),
            segment=segment,
            country=country,
            created_at=first_touch,
        )
        company = Company(
            row=row,
            segment=segment,
            kind=kind,
            plan=plan,
            seats=rng.randint(*profile.plans[plan][1:]),
            first_touch=first_touch,
            sales_until=min(signed or first_touch + cycle, end),
            signed_at=signed,
            renewal_at=renewal,
        )
        if kind == "prospect":
            stages = ["awareness", "consideration", "decision"]
            company.reach = rng.choices(stages, weights=[4, 3.5, 2.5])[0]
        if kind != "legacy" and segment != "enterprise" and company.reach != "awareness":
            company.trial_at = clock.between(first_touch, company.sales_until)
        return company

    def _plant(self) -> None:
        """Decide each account's fate: first value, churn, renewal, advocacy (the patterns)."""
        w, clock, rng = self.w, self.clock, self.rng
        new_smb = [c for c in w.companies if c.kind == "new" and c.segment == "smb"]
        growth = [c for c in new_smb if c.plan == "Growth"]
        for company, stuck in zip(growth, w.flags(len(growth), 0.4), strict=True):
            company.sso_blocked = stuck
        blocked = [c for c in new_smb if c.sso_blocked]
        others = [c for c in w.companies if c.kind == "new" and not c.sso_blocked]
        for group, fv_share, churn_share in ((blocked, 0.2, 0.6), (others, 0.92, 0.08)):
            for c, reaches, churns in zip(
                group, w.flags(len(group), fv_share), w.flags(len(group), churn_share), strict=True
            ):
                assert c.signed_at is not None
                days = (35, 70) if c.sso_blocked else SEGMENTS[c.segment].first_value_days
                c.first_value_at = clock.days(c.signed_at, *days) if reaches else None
                if churns:
                    # Blocked accounts ask for the 30-day refund; others leave after a while.
                    base = c.signed_at if c.sso_blocked else (c.first_value_at or c.signed_at)
                    c.churned_at = clock.days(base, *((18, 45) if c.sso_blocked else (30, 150)))
        for segment, (early, late) in RENEWAL_RATES.items():
            for after, rate in ((False, early), (True, late)):
                group = [
                    c
                    for c in w.companies
                    if c.kind == "legacy" and c.segment == segment and c.renews_late == after
                ]
                for c, renews in zip(group, w.flags(len(group), rate), strict=True):
                    c.renewed = renews
                    c.churned_at = None if renews else c.renewal_at
        staying = [
            c
            for c in w.companies
            if c.is_customer and not c.churned_at and (c.kind == "legacy" or c.first_value_at)
        ]
        for segment, share in (("enterprise", 0.4), ("mid_market", 0.4), ("smb", 0.04)):
            group = [c for c in staying if c.segment == segment]
            for c, advocate in zip(group, w.flags(len(group), share), strict=True):
                ready = (c.first_value_at or clock.start) + timedelta(days=30)
                waves = [t for t in NPS_WAVES if ready <= t <= clock.end - timedelta(days=45)]
                c.advocate, c.promoter_wave = (
                    (True, waves[0]) if advocate and waves else (False, None)
                )
        for c in w.companies:
            fixed = 2.2 if c.advocate else 0.15 if c.sso_blocked else 0.6 if c.lost_on_price else 0
            c.adoption = fixed or rng.uniform(0.6, 1.3)

    def _settle(self, c: Company) -> None:
        """Firmographics that follow from the account's fate: status, plan, ARR, renewal date."""
        row, end = c.row, self.clock.end
        if not c.is_customer:
            recent_trial = c.trial_at is not None and c.trial_at >= end - timedelta(days=14)
            row.status = "trial" if recent_trial else "prospect"
            return
        row.plan = c.plan
        row.status = "churned" if c.churned_at and c.churned_at < end else "active"
        term_start = c.renewal_at if c.renewed else c.signed_at
        assert term_start is not None
        price = {"Starter": 19.0, "Growth": 39.0 if term_start < PRICE_CHANGE else 49.0}.get(
            c.plan, self.rng.uniform(52, 68) * (1.15 if term_start >= PRICE_CHANGE else 1.0)
        )
        row.arr = round(price * 12 * c.seats, 2)  # churned accounts keep the ARR they had
        if row.status == "active":
            row.renewal_date = (term_start + timedelta(days=365)).date()

    @staticmethod
    def _unique(stem: str, tail: str, taken: set[str]) -> str:
        """stem+tail, or stem2+tail, stem3+tail... whichever is still free."""
        candidate, n = f"{stem}{tail}", 1
        while candidate in taken:
            n += 1
            candidate = f"{stem}{n}{tail}"
        taken.add(candidate)
        return candidate

    # -- contacts -----------------------------------------------------------------------------

    def contacts(self, w: World) -> int:
        rows = []
        for c in w.companies:
            size = self.rng.randint(*SEGMENTS[c.segment].people)
            if not c.is_customer:
                size = min(size, 3)
            for role in ["buyer", "admin", *["user"] * (size - 2)][:size]:
                person = self._person(c, role)
                c.people.append(person)
                rows.append(person.row)
        w.session.add_all(rows)
        w.session.flush()
        return len(rows)

    def _person(self, c: Company, role: str) -> Person:
        rng, clock = self.rng, self.clock
        # In most companies abroad people still write to a Dutch vendor in English.
        spoken = texts.COUNTRIES[c.row.country or "US"][3]
        lang = spoken if spoken != "en" and rng.random() < 0.25 else "en"
        first, last = rng.choice(texts.FIRST_NAMES[lang]), rng.choice(texts.LAST_NAMES[lang])
        local = unicodedata.normalize("NFKD", f"{first}.{last}".replace(" ", "").lower())
        local = local.encode("ascii", "ignore").decode()
        email = self._unique(local, f"@{c.row.domain}", self._emails)
        if c.kind == "legacy":
            joined = clock.start if rng.random() < 0.88 else clock.days(clock.start, 10, 300)
        elif c.signed_at:
            joined = clock.days(c.signed_at, 1, 5 if role != "user" else 20)
        else:
            joined = None
        # Known since the account's first touch, or, joining a long-standing customer during
        # the window, since the day before their invitation.
        joins_later = c.kind == "legacy" and joined is not None and joined > clock.start
        known = joined - timedelta(days=1) if joined and joins_later else c.first_touch
        code = COUNTRY_CODES[c.row.country or "US"]
        phone = f"+{code} {rng.randint(100, 999)} {rng.randint(1000000, 9999999)}"
        row = Contact(
            email=email,
            external_id=f"demo-con-{len(self._emails):05d}",
            name=f"{first} {last}",
            job_title=rng.choice(texts.JOB_TITLES[role]),
            phone=phone if rng.random() < 0.45 else None,
            language=lang,
            consent_marketing=rng.random() < 0.55,
            consent_analytics=rng.random() < 0.92,
            consent_updated_at=known,
            created_at=known,
            account=c.row,
        )
        return Person(row=row, role=role, lang=lang, first_name=first, active_from=joined)
