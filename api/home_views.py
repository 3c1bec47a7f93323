"""The staff pages: sign-in and an overview of the journey store."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SESSION_COOKIE, SessionDep, SettingsDep, UnitsOfWorkDep, staff_or_none
from api.pages import templates
from api.routing import UnitOfWorkRoute
from api.throttle import client_address, throttle_of
from journey.auth import AuthService
from journey.errors import AppError
from journey.overview import overview

router = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    return templates.TemplateResponse(request, "login.html", {"error": None})


@router.post("/login")
def login_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
) -> Response:
    auth = AuthService(session, settings.auth.token_ttl_days)
    try:
        _, token = throttle_of(request).sign_in(
            client_address(request), email, lambda: auth.login(email, password)
        )
    except AppError as exc:
        return templates.TemplateResponse(
            request, "login.html", {"error": exc.detail, "email": email},
            status_code=exc.status_code,
        )  # fmt: skip
    response = RedirectResponse("/", status_code=303)
    # Sent to this site only (strict), over TLS when served so, and gone when the token is.
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https",
                        max_age=settings.auth.token_ttl_days * 86400)  # fmt: skip
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        AuthService(session, settings.auth.token_ttl_days).revoke(token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request, session: SessionDep, settings: SettingsDep, units: UnitsOfWorkDep
) -> Response:
    user = staff_or_none(request, settings, units)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    data = overview(session, settings.vocabulary)
    return templates.TemplateResponse(request, "home.html", {"user": user, "data": data})
