"""Composes the demo's texts (tickets, comments, reviews, survey comments, chats) from the
phrase pools in `app.demo.texts`.

Every text is a few sentences drawn from interchangeable pools, with fields ({idp},
{invoice}, {run_id}...) drawn per item, so that two tickets about the same theme rarely share
a body. All randomness comes from the generator's `random.Random`, so texts are as
reproducible as the rest of the demo.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping

from app.demo import texts

Field = Callable[[random.Random, str], str]

# Fields that a template may use without the generator naming them; drawn on first use.
_DRAWN: dict[str, Field] = {
    "idp": lambda r, _: r.choice(texts.IDPS),
    "saml_error": lambda r, _: r.choice(texts.SAML_ERRORS),
    "integration": lambda r, _: r.choice(texts.CRM_INTEGRATIONS),
    "tool": lambda r, _: r.choice(texts.OTHER_INTEGRATIONS),
    "workflow": lambda r, _: r.choice(texts.WORKFLOWS),
    "feature": lambda r, _: r.choice(texts.FEATURES),
    "use_case": lambda r, _: r.choice(texts.USE_CASES),
    "agent": lambda r, _: r.choice(texts.AGENTS),
    "csm": lambda r, _: r.choice(texts.CSMS),
    "weekday": lambda r, lang: r.choice(texts.WEEKDAYS.get(lang, texts.WEEKDAYS["en"])),
    "n_users": lambda r, _: str(r.randint(3, 45)),
    "days": lambda r, _: str(r.randint(2, 12)),
    "waited": lambda r, _: str(r.randint(2, 5)),
    "waited_hours": lambda r, _: str(r.randint(30, 96)),
    "invoice": lambda r, _: f"INV-2026-{r.randint(1000, 9999)}",
    "amount": lambda r, _: f"€{r.randint(300, 9000):,}",
    "po": lambda r, _: f"PO-{r.randint(10000, 99999)}",
    "runs": lambda r, _: f"{r.randint(3800, 61000):,}",
    "run_id": lambda r, _: f"run_{r.getrandbits(32):08x}",
    "failed": lambda r, _: str(r.randint(3, 140)),
    "retry": lambda r, _: str(r.randint(5, 60)),
    "minutes": lambda r, _: str(r.randint(2, 6)),
    "widgets": lambda r, _: str(r.randint(14, 40)),
    "pct": lambda r, _: str(r.randint(18, 32)),
    "teams": lambda r, _: str(r.randint(3, 9)),
    "months": lambda r, _: str(r.randint(4, 30)),
    "release": lambda r, _: "26.16",
    "release_date": lambda r, _: "4 August",
}


class Fields(dict[str, str]):
    """Template fields: given ones, plus any other the template names, drawn once."""

    def __init__(self, rng: random.Random, lang: str, given: Mapping[str, object]) -> None:
        super().__init__({key: str(value) for key, value in given.items()})
        self.rng = rng
        self.lang = lang

    def __missing__(self, key: str) -> str:
        value = _DRAWN[key](self.rng, self.lang)
        self[key] = value
        return value


class Writer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    # -- building blocks ----------------------------------------------------------------------

    def fields(self, lang: str, **given: object) -> Fields:
        return Fields(self.rng, lang, given)

    def pick(self, pool: texts.Pool, part: str, fields: Fields) -> str:
        return self.rng.choice(pool[part]).format_map(fields)

    def maybe(self, pool: texts.Pool, part: str, fields: Fields, p: float) -> list[str]:
        return [self.pick(pool, part, fields)] if part in pool and self.rng.random() < p else []

    def typo(self, text: str, p: float = 0.12) -> str:
        """Now and then a slip of the keyboard, as in real customer writing."""
        if self.rng.random() >= p:
            return text
        words = text.split(" ")
        candidates = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
        if not candidates:
            return text
        i = self.rng.choice(candidates)
        w, k = words[i], self.rng.randrange(1, len(words[i]) - 1)
        words[i] = self.rng.choice(
            [w[:k] + w[k + 1] + w[k] + w[k + 2 :], w[:k] + w[k + 1 :], w[:k] + w[k] + w[k:]]
        )
        return " ".join(words)

    @staticmethod
    def _pools(table: Mapping[str, texts.Pool], lang: str) -> tuple[str, texts.Pool]:
        return (lang, table[lang]) if lang in table else ("en", table["en"])

    # -- tickets ------------------------------------------------------------------------------

    def ticket(
        self, theme: str, lang: str, fields: Fields, channel: str, tone: str, variant: str = ""
    ) -> tuple[str, str]:
        """Subject and body of a ticket in its channel's shape (email, form, chat, phone)."""
        lang, pool = self._pools(texts.TICKETS[theme], lang)
        fields.lang = lang
        frame = texts.FRAMES[lang]
        own_subject, _, problem = self.pick(pool, "problem", fields).rpartition(" >> ")
        generic = self.pick(pool, "subject", fields)
        subject = own_subject if own_subject and self.rng.random() < 0.7 else generic
        sentences = [problem]
        if tone != "neutral" and tone in frame and channel in ("email", "web"):
            sentences.insert(0, self.pick(frame, tone, fields))
        if variant in pool:
            sentences.append(self.pick(pool, variant, fields))
        details = self.maybe(pool, "detail", fields, 0.8)
        if lang == "en" and self.rng.random() < 0.35:
            details += self.maybe(pool, "detail", fields, 1.0)
        sentences += list(dict.fromkeys(details))  # two draws may agree; say it once
        sentences += self.maybe(pool, "ask", fields, 0.8)
        core = " ".join(sentences)
        if channel == "phone":
            return subject, f"{self.pick(frame, 'phone', fields)}\n\n{core}"
        if channel == "chat":
            return subject, f"{self.pick(frame, 'chat', fields)}\n{self.typo(core)}"
        opening = self.pick(frame, "greeting", fields)
        close = "close_frustrated" if tone == "frustrated" and self.rng.random() < 0.6 else "close"
        body = f"{opening}\n\n{self.typo(core)}\n\n{self.pick(frame, close, fields)}"
        if channel == "web":
            body += f"\n\n— {self.pick(frame, 'web', fields)}"
        return subject, body

    def followup(self, kind: str, lang: str, fields: Fields) -> str:
        _, pool = self._pools(texts.FOLLOWUPS, lang)
        return self.typo(self.pick(pool, kind, fields), 0.15)

    def agent_reply(self, theme: str, lang: str, fields: Fields, kind: str, apologise: bool) -> str:
        """An agent's answer: greeting, an apology when it is late, the substance, sign-off."""
        lang, lines = self._pools(texts.AGENT_LINES, lang)
        parts = [self.pick(lines, "hello", fields)]
        if apologise:
            parts.append(self.pick(lines, "apology", fields))
        if kind == "fix":
            _, pool = self._pools(texts.TICKETS[theme], lang)
            parts.append(self.pick(lines, "first", fields) + " " + self.pick(pool, "fix", fields))
        else:
            parts.append(self.pick(lines, kind, fields))
        parts.append(self.pick(lines, "bye", fields))
        return "\n\n".join(parts)

    # -- reviews and surveys ------------------------------------------------------------------

    def review(
        self, lang: str, rating: int, fields: Fields, cons: list[str], platform: str
    ) -> tuple[str, str]:
        """Title and body; `cons` names the complaints the reviewer lived through."""
        lang, pool = self._pools(texts.REVIEWS, lang)
        mood = "pos" if rating >= 4 else "neu" if rating == 3 else "neg"
        title = self.pick(pool, f"title_{mood}", fields)
        pro_keys = [k for k in pool if k.startswith("pro_")]
        con_keys = [k for k in pool if k.startswith("con_")]
        n_pros = {"pos": 2, "neu": 1, "neg": self.rng.randint(0, 1)}[mood]
        pros = [self.pick(pool, k, fields) for k in self.rng.sample(pro_keys, n_pros)]
        wanted = [f"con_{c}" for c in cons if f"con_{c}" in pool]
        if mood != "pos" and not wanted:
            wanted = [self.rng.choice(con_keys)]
        if mood == "pos" and not wanted and self.rng.random() < 0.4:
            wanted = [self.rng.choice(["con_learning", "con_reporting", "con_limits"])]
        cons_text = [self.pick(pool, k, fields) for k in wanted if k in pool]
        intro = self.pick(pool, "intro", fields)
        outro = self.pick(pool, f"outro_{mood}", fields)
        if platform == "g2" and lang == "en":
            body = (
                f"{intro}\n\nWhat do you like best?\n{' '.join(pros) or 'Not much, honestly.'}"
                f"\n\nWhat do you dislike?\n{' '.join(cons_text) or 'Nothing major.'}\n\n{outro}"
            )
        elif platform == "capterra" and lang == "en":
            body = (
                f"Overall: {intro} {outro}\n\nPros: {' '.join(pros) or '-'}"
                f"\n\nCons: {' '.join(cons_text) or 'None so far.'}"
            )
        else:
            ordered = pros + cons_text if mood != "neg" else cons_text + pros
            body = " ".join([intro, *ordered, outro])
        return title, self.typo(body, 0.1)

    def survey_comment(self, key: str, lang: str, fields: Fields) -> str:
        _, pool = self._pools(texts.SURVEYS, lang)
        return self.typo(self.pick(pool, key, fields), 0.1)

    # -- chats --------------------------------------------------------------------------------

    def chat(
        self, topic: str, lang: str, fields: Fields, length: int, handoff: str | None
    ) -> list[tuple[str, str]]:
        """(role, text) messages: the visitor's question, the bot's grounded answer, then
        either a short follow-up or the handover to an agent named in `fields`."""
        lang, pool = self._pools(texts.CHATS[topic], lang)
        lines = texts.CHAT_LINES[lang]
        fields.lang = lang
        question = self.pick(pool, "question", fields)
        if self.rng.random() < 0.4:
            question = f"{self.pick(lines, 'hello', fields)} {question}"
        messages = [
            ("visitor", self.typo(question, 0.1)),
            ("bot", self.pick(pool, "answer", fields)),
        ]
        tail: list[tuple[str, str]] = []
        if "followup" in pool and (handoff in (None, "missing_knowledge", "sales_opportunity")):
            tail.append(("visitor", self.typo(self.pick(pool, "followup", fields), 0.1)))
            if handoff == "missing_knowledge":
                tail.append(("bot", self.pick(lines, "unknown", fields)))
            elif handoff is None:
                second = "answer2" if "answer2" in pool else "answer"
                tail.append(("bot", self.pick(pool, second, fields)))
        if handoff is None:
            tail.append(("visitor", self.pick(lines, "thanks", fields)))
            return (messages + tail)[: max(2, length)]
        kind = {"customer_request": "human", "negative_sentiment": "unhappy"}.get(handoff)
        if kind:
            tail.append(("visitor", self.typo(self.pick(lines, kind, fields), 0.15)))
        # A handover always shows the bot handing over and the agent arriving; the rest of
        # the conversation may trail off.
        shortest = len(messages) + len(tail) + 2
        resolution = "agent_sales" if handoff == "sales_opportunity" else "agent_fix"
        tail += [
            ("bot", self.pick(lines, "handoff", fields)),
            ("agent", self.pick(lines, "agent_hello", fields)),
            ("agent", self.pick(lines, resolution, fields)),
            ("visitor", self.pick(lines, "thanks", fields)),
            ("agent", self.pick(lines, "agent_bye", fields)),
        ]
        return (messages + tail)[: min(max(length, shortest), 10)]
