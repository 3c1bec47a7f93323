"""The error answers in the OpenAPI schema: the real body ({"error", "detail"}) on each status an
operation can give, worked out from the operation itself so a new route is documented too."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, Field

from api.deps import get_current_user, get_session


class ErrorOut(BaseModel):
    """Every refusal and failure of the API has this body."""

    error: str = Field(description="a stable code, such as not_found or validation_error")
    detail: Any = Field(
        description="a readable sentence; for validation_error, a list of {loc, msg}"
    )


_WHY = {
    401: "No staff token, or one that is unknown, expired or revoked.",
    403: "The staff user's role does not allow this.",
    404: "Nothing has this id.",
    409: "The resource is not in a state that allows this.",
    413: "The request body is over the size limit.",
    429: "Too many requests from this address (or failed sign-ins); retry after Retry-After.",
    422: "A parameter or the body is invalid (error `validation_error` or `invalid_input`).",
    503: "The database is busy; retry after the seconds in Retry-After.",
}
_HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer"}},
    429: {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds to wait"}},
    503: {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds to wait"}},
}
_REF = {"$ref": "#/components/schemas/ErrorOut"}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries for the statuses a route gives beyond those found by itself."""
    return {status: {"model": ErrorOut, "description": _WHY[status]} for status in statuses}


def _calls(dependant: Dependant) -> Iterator[Any]:
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from _calls(dependency)


def _statuses(route: APIRoute) -> list[int]:
    """The error statuses this operation can answer, from its parameters and dependencies."""
    calls = set(_calls(route.dependant))
    names = {getattr(call, "__qualname__", "") for call in calls}
    params = route.dependant.path_params or route.dependant.query_params
    found = []
    visitor = "visitor_access" in names  # a visitor's token, or a staff credential
    if get_current_user in calls or visitor:
        found.append(401)
    if any(name.startswith("require_role.") for name in names) or visitor:
        found.append(403)
    if route.dependant.path_params:
        found.append(404)
    if route.body_field is not None:
        found.append(413)
    if any(name.startswith("rate_limited.") for name in names):
        found.append(429)
    if params or route.body_field is not None:
        found.append(422)
    if get_session in calls:
        found.append(503)
    return found


def _response(status: int) -> dict[str, Any]:
    response = {"description": _WHY[status], "content": {"application/json": {"schema": _REF}}}
    return response | ({"headers": _HEADERS[status]} if status in _HEADERS else {})


def document_errors(app: FastAPI) -> None:
    """Build the schema as FastAPI does, then put the error answers on each operation. Our
    422 replaces FastAPI's HTTPValidationError, a body our handler never sends."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        components["ErrorOut"] = ErrorOut.model_json_schema()
        for context in iter_route_contexts(app.routes):
            route = context.original_route
            if not (isinstance(route, APIRoute) and route.include_in_schema):
                continue
            for method in context.methods or ():
                responses = schema["paths"][context.path_format][method.lower()]["responses"]
                for status in _statuses(route):
                    responses[str(status)] = _response(status)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
