"""Every error leaves the API as {"error": code, "detail": ...}; a page a browser navigates
to gets it as a page instead (a mistyped address, a conversation that is gone)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException

from api.pages import templates
from journey.db import is_overloaded
from journey.errors import AppError, Unavailable

log = logging.getLogger(__name__)

_HTTP_CODES = {
    404: "not_found",
    405: "method_not_allowed",
    401: "unauthorized",
    403: "forbidden",
    413: "content_too_large",
}


_PAGE_TITLES = {
    404: "This page does not exist",
    403: "This page is not for your role",
    401: "Please sign in",
    409: "That cannot be done now",
    422: "That did not work",
    429: "Too many requests: wait a moment",
    503: "Busy: try again in a moment",
}


def error_response(status: int, code: str, detail: object) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": code, "detail": detail}, status_code=status, headers=headers)


def error_for(request: Request, status: int, code: str, detail: object) -> Response:
    """The error as JSON, or as a page to a browser navigating to one (a GET asking for
    HTML; the widget's and the pages' own requests ask for JSON or refresh a part)."""
    navigating = (
        request.method == "GET"
        and "text/html" in request.headers.get("accept", "")
        and "journey-refresh" not in request.headers
    )
    if not navigating:
        return error_response(status, code, detail)
    title = _PAGE_TITLES.get(status, "Something went wrong")
    return templates.TemplateResponse(
        request,
        "error.html",
        {"title": title, "detail": _readable(detail), "user": None},
        status_code=status,
    )


def _readable(detail: object) -> str:
    """An error's detail as a sentence: as written, or a validation error's fields."""
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list):
        return "; ".join(f"{d.get('loc')}: {d.get('msg')}" for d in detail if isinstance(d, dict))
    return ""


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def app_error(request: Request, exc: AppError) -> Response:
        response = error_for(request, exc.status_code, exc.code, exc.detail)
        wait = getattr(exc, "retry_after_seconds", None)
        if wait is not None:
            response.headers["Retry-After"] = str(wait)
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        detail = [
            {"loc": ".".join(str(p) for p in err["loc"]), "msg": err["msg"]} for err in exc.errors()
        ]
        return error_for(request, 422, "validation_error", detail)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if isinstance(exc.__cause__, RecursionError | ValueError):
            # FastAPI's 400 for a body json.loads refused (nested too deep, bad UTF-8, an
            # integer too long), where a plain syntax error is a 422: answer alike.
            reason = exc.__cause__.__class__.__name__
            return error_response(
                422, "validation_error", [{"loc": "body", "msg": f"not readable JSON: {reason}"}]
            )
        response = error_for(
            request, exc.status_code, _HTTP_CODES.get(exc.status_code, "http_error"), exc.detail
        )
        response.headers.update(exc.headers or {})  # e.g. Allow on a 405
        return response

    # Database errors get a handler of their own: one for Exception answers, then re-raises to
    # the server, which drops the client's keep-alive connection; an overload is no crash.
    @app.exception_handler(SQLAlchemyError)
    async def database_error(_: Request, exc: SQLAlchemyError) -> JSONResponse:
        if not is_overloaded(exc):
            return unexpected_error(exc)
        log.warning("database overloaded: %s", exc)
        busy = Unavailable("the service is busy; retry in a moment")
        response = error_response(busy.status_code, busy.code, busy.detail)
        response.headers["Retry-After"] = str(busy.retry_after_seconds)
        return response

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        return unexpected_error(exc)


def unexpected_error(exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    return error_response(500, "internal_error", "an unexpected error occurred; see the server log")
