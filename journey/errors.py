"""One error hierarchy; the API renders it as {"error": code, "detail": ...}, the CLI as a line."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    code = "error"
    status_code = 400

    def __init__(self, detail: Any = None) -> None:
        super().__init__(detail if isinstance(detail, str) else self.code)
        self.detail = detail


class InvalidInput(AppError):
    code = "invalid_input"
    status_code = 422


class UnreadableFile(InvalidInput):
    """A file (an import, a knowledge file) whose content cannot be read; `reason` reads on
    its own."""

    code = "unreadable_file"

    def __init__(self, filename: str, reason: str) -> None:
        super().__init__(f"{filename}: {reason}")
        self.reason = reason


class EmptyFile(UnreadableFile):
    code = "empty_file"


class NotFound(AppError):
    code = "not_found"
    status_code = 404


class Conflict(AppError):
    code = "conflict"
    status_code = 409


class Unauthorized(AppError):
    code = "unauthorized"
    status_code = 401


class Forbidden(AppError):
    code = "forbidden"
    status_code = 403


class Unavailable(AppError):
    """The database could not take the write in time: the client should retry shortly."""

    code = "unavailable"
    status_code = 503
    retry_after_seconds = 2


class TooManyRequests(AppError):
    """Over a rate limit: the client may try again after `retry_after_seconds` (if given)."""

    code = "too_many_requests"
    status_code = 429

    def __init__(self, detail: str, retry_after_seconds: int | None = None) -> None:
        super().__init__(detail)
        self.retry_after_seconds = retry_after_seconds
