"""Every error leaves the API as {"error": code, "detail": ...}."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException

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


def error_response(status: int, code: str, detail: object) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": code, "detail": detail}, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def app_error(_: Request, exc: AppError) -> JSONResponse:
        response = error_response(exc.status_code, exc.code, exc.detail)
        wait = getattr(exc, "retry_after_seconds", None)
        if wait is not None:
            response.headers["Retry-After"] = str(wait)
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [
            {"loc": ".".join(str(p) for p in err["loc"]), "msg": err["msg"]} for err in exc.errors()
        ]
        return error_response(422, "validation_error", detail)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        if isinstance(exc.__cause__, RecursionError | ValueError):
            # FastAPI's 400 for a body json.loads refused (nested too deep, bad UTF-8, an
            # integer too long), where a plain syntax error is a 422: answer alike.
            reason = exc.__cause__.__class__.__name__
            return error_response(
                422, "validation_error", [{"loc": "body", "msg": f"not readable JSON: {reason}"}]
            )
        response = error_response(
            exc.status_code, _HTTP_CODES.get(exc.status_code, "http_error"), exc.detail
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
