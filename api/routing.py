"""Routes whose unit of work ends in the thread that did the work.

A sync endpoint runs in a worker thread; FastAPI then validates its answer in another worker
thread, and only after that closes the dependencies, where the request's session commits. A
write transaction on SQLite holds the database's one write lock until it commits: with every
worker thread busy waiting for that lock, the answer of the request that holds it waits for a
thread that never comes free (a stall until the busy timeout). So the request's session commits
and gives its connection back as the endpoint returns, in the endpoint's own thread.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.routing import APIRoute

_REQUEST = "unit_of_work_request"


def _committing(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(endpoint)
    # FastAPI hands the request to one parameter only: the endpoint's own if it has one.
    own = [n for n, p in signature.parameters.items() if p.annotation in (Request, "Request")]
    name = own[0] if own else _REQUEST

    @functools.wraps(endpoint)
    def run(*args: Any, **kwargs: Any) -> Any:
        request: Request = kwargs[name] if own else kwargs.pop(name)
        result = endpoint(*args, **kwargs)
        session = getattr(request.state, "session", None)
        if session is not None:
            session.commit()
            # Its connection goes back to the pool now: held until the dependencies close, it
            # would wait for a worker thread like the write lock did.
            session.close()
        return result

    if not own:  # FastAPI reads what to inject from the signature
        extra = inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=Request)
        run.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[*signature.parameters.values(), extra]
        )
    return run


class UnitOfWorkRoute(APIRoute):
    """An APIRoute whose sync endpoint commits the request's session before it returns."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(endpoint):
            endpoint = _committing(endpoint)
        super().__init__(path, endpoint, **kwargs)
