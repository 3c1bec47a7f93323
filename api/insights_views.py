"""Questions about the journey in plain language, for CX managers."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from api.deps import ServicesDep, SessionDep, require_role
from api.routing import UnitOfWorkRoute
from assistant.insights.service import Answer, InsightsService
from journey.schemas import Day

router = APIRouter(
    route_class=UnitOfWorkRoute,
    prefix="/insights",
    tags=["insights"],
    dependencies=[Depends(require_role("manager"))],
)


class Question(BaseModel):
    question: str = Field(max_length=500)
    as_of: Day | None = Field(
        default=None, description="relative periods end here; today if not given"
    )


@router.post("/ask")
def ask(body: Question, session: SessionDep, services: ServicesDep) -> Answer:
    """A sentence, the table, a chart spec, the SQL that was run and the query spec; or, for a
    question that cannot be read, a clarification saying what can be asked. With a model
    configured, the model proposes the spec and the rules read the question when it fails."""
    settings = services.settings
    insights = InsightsService(
        session, settings.vocabulary, services.chat_model, settings.insights.milestones
    )
    return insights.ask(body.question, body.as_of)
