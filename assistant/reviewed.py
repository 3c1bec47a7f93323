"""Reviewed answers: an agent corrects a bad bot answer, and the assistant gives the corrected
answer, as the agent wrote it, the next time the same question is asked, in the same words or
others ("When can I reach support?" after "What are your support hours?").

The question is the visitor's message the bad answer replied to. A new message asks the same
when it is nearly the same text (cosine of the embeddings), or when it says the same things
with words left out or added ("Do you refund monthly plans?" for "Can I get a refund on a
monthly plan?") and still means much the same. Similarity alone does not tell: "How long is the
free trial?" is as close to "Is there a free trial?" as "Can I try it for free?" is. A question
not recognised is answered from the knowledge as before; a wrong reviewed answer would be worse.
The answers are few (one per correction), so they are compared in memory.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from ingestion.embeddings import Embedder
from journey.errors import Conflict, InvalidInput, NotFound
from journey.models import Message, ReviewedAnswer, StaffUser
from journey.service import audit
from journey.text import content_words, stem

NEARLY_THE_SAME = 0.92  # cosine of nearly the same text
SAYS_THE_SAME = 0.75  # ... of one saying the same as the other, a word more or less
SHARED_WORDS = 0.6  # the share of their content words the two have in common, at least
MAX_ANSWER = 4000


class ReviewedAnswers:
    def __init__(self, session: Session, embedder: Embedder) -> None:
        self.session = session
        self.embedder = embedder

    def correct(self, message_id: int, answer: str, agent: StaffUser) -> ReviewedAnswer:
        """Save the agent's answer in place of the bot's message `message_id`, for the
        question that message answered."""
        text = answer.strip()
        if not text:
            raise InvalidInput("answer: the corrected answer is empty")
        if len(text) > MAX_ANSWER:
            raise InvalidInput(f"answer: at most {MAX_ANSWER} characters")
        bad = self.session.get(Message, message_id)
        if bad is None or bad.role != "bot":
            raise NotFound(f"no answer of the assistant has id {message_id}")
        asked = self.session.scalar(
            select(Message).where(Message.conversation_id == bad.conversation_id,
                                  Message.role == "visitor", Message.id < bad.id)
            .order_by(Message.id.desc()).limit(1)
        )  # fmt: skip
        if asked is None:
            raise Conflict("that answer replied to no question")
        for earlier in self.session.scalars(
            select(ReviewedAnswer).where(ReviewedAnswer.corrects_message_id == message_id,
                                         ReviewedAnswer.active)
        ):  # fmt: skip
            earlier.active = False  # corrected again: the newest correction counts
        row = ReviewedAnswer(
            question=asked.text, answer=text, language=asked.language or bad.language,
            embedding=[float(x) for x in self.embedder.embed([asked.text])[0]],
            conversation_id=bad.conversation_id, corrects_message_id=bad.id, author_id=agent.id,
        )  # fmt: skip
        self.session.add(row)
        self.session.flush()
        audit(self.session, agent.email, "answer.reviewed", "reviewed_answer", row.id,
              message_id=bad.id)  # fmt: skip
        return row

    def retire(self, answer_id: int, agent: StaffUser) -> ReviewedAnswer:
        row = self.session.get(ReviewedAnswer, answer_id)
        if row is None:
            raise NotFound(f"reviewed answer {answer_id} not found")
        row.active = False
        audit(self.session, agent.email, "answer.retired", "reviewed_answer", row.id)
        return row

    def active(self) -> list[ReviewedAnswer]:
        return list(self.session.scalars(
            select(ReviewedAnswer).where(ReviewedAnswer.active).order_by(ReviewedAnswer.id.desc())
        ))  # fmt: skip

    def for_question(self, question: str, language: str) -> ReviewedAnswer | None:
        """The reviewed answer to this question, if one was given for it (in this language)."""
        rows = [r for r in self.active() if (r.language or language) == language]
        if not rows:
            return None
        asked = _unit(np.asarray(self.embedder.embed([question])[0], dtype=np.float32))
        known = np.stack([_unit(np.asarray(r.embedding, dtype=np.float32)) for r in rows])
        said = _stems(question)
        same = [
            (float(score), row)
            for score, row in zip(known @ asked, rows, strict=True)
            if score >= NEARLY_THE_SAME or (score >= SAYS_THE_SAME and _says(said, row.question))
        ]
        return max(same, key=lambda sr: sr[0])[1] if same else None


def _stems(text: str) -> set[str]:
    return {stem(w) for w in content_words(text)}


def _says(said: set[str], question: str) -> bool:
    """The same content words, one set holding the other, most of them shared."""
    other = _stems(question)
    if not said or not other or not (said <= other or other <= said):
        return False
    return len(said & other) / len(said | other) >= SHARED_WORDS


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector
