from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.deps import ServicesDep
from api.errors import error_response
from api.openapi import ErrorOut
from api.routing import UnitOfWorkRoute
from journey.db import current_revision, head_revision

router = APIRouter(route_class=UnitOfWorkRoute, tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    response_model=None,
    responses={503: {"model": ErrorOut, "description": "The database is unreachable or behind."}},
)
def readyz(container: ServicesDep) -> dict[str, str | None] | JSONResponse:
    """The database answers and its schema is at the newest migration."""
    try:
        with container.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        current, head = current_revision(container.engine), head_revision(container.engine)
    except Exception as exc:  # any driver error means "not ready"
        return error_response(503, "not_ready", f"database unreachable: {exc.__class__.__name__}")
    if current != head:
        return error_response(
            503, "not_ready", f"schema at {current}, expected {head}: run journey init"
        )
    return {"status": "ready", "database": container.engine.dialect.name, "revision": current}
