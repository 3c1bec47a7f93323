"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from api import (
    auth_views,
    automations_views,
    chat_views,
    console_views,
    dashboard_views,
    health_views,
    home_views,
    import_views,
    improvements_views,
    insights_views,
    journey_views,
    knowledge_views,
    next_steps_views,
    privacy_views,
    queue_views,
    theme_views,
    users_views,
    widget_views,
)
from api.errors import install_error_handlers
from api.limits import MB, BodyLimit
from api.openapi import document_errors, errors
from api.security import SameOrigin, SecurityHeaders
from api.services import Services
from api.throttle import Throttle
from api.visitors import VisitorTokens

# Bodies are read whole before validation: bound them. A batch of events and uploaded files
# get larger limits of their own.
BODY_LIMITS = {"/events/batch": 16 * MB, "/imports/": 50 * MB, "/admin/knowledge/": 50 * MB}

# The API documentation pages' scripts, styles and icon, served by the app itself (FastAPI's
# defaults load them from a CDN). Versions and licenses: api/static/vendor/README.md.
VENDOR = "/static/vendor"
# And the pages may load nothing from elsewhere: ReDoc's sidebar would fetch its maker's logo
# from a CDN (it hides the image when that fails). The pages' own inline script and styles stay.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:"
)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    app.state.container.stop_background_work()


def create_app(container: Services) -> FastAPI:
    app = FastAPI(
        lifespan=lifespan,
        title="Journey Assistant",
        version="0.1.0",
        description="Conversational AI for the B2B customer journey.",
        docs_url=None,  # served by add_docs below, without a CDN
        redoc_url=None,
    )
    app.state.container = container
    app.state.throttle = Throttle(container.settings.limits)
    app.state.visitor_tokens = VisitorTokens(container.settings)
    # The widget runs on the company's own sites; no credentials cross origins, so staff
    # cookies never ride along.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=app.state.container.settings.server.cors_origins,
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type", "Journey-Visitor"],
    )
    app.add_middleware(BodyLimit, default=MB, by_prefix=BODY_LIMITS)
    app.add_middleware(SameOrigin)
    app.add_middleware(SecurityHeaders)
    install_error_handlers(app)
    for module in (
        health_views,
        auth_views,
        journey_views,
        queue_views,
        insights_views,
        next_steps_views,
        automations_views,
        improvements_views,
        theme_views,
        users_views,
        privacy_views,
        home_views,
        console_views,
        dashboard_views,
        widget_views,
    ):
        app.include_router(module.router)
    app.include_router(chat_views.router, responses=errors(409))  # a closed conversation
    app.include_router(import_views.router)
    app.include_router(knowledge_views.router)
    document_errors(app)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    add_docs(app)
    return app


def add_docs(app: FastAPI) -> None:
    """`/docs` (Swagger UI) and `/redoc` (ReDoc) as FastAPI's defaults serve them, but with
    their assets from `/static/vendor`: the pages work without internet."""
    openapi_url = app.openapi_url or "/openapi.json"
    oauth2_redirect_url = app.swagger_ui_oauth2_redirect_url

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui_html(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        page = get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=root + oauth2_redirect_url if oauth2_redirect_url else None,
            init_oauth=app.swagger_ui_init_oauth,
            swagger_ui_parameters=app.swagger_ui_parameters,
            swagger_js_url=f"{root}{VENDOR}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{VENDOR}/swagger-ui.css",
            swagger_favicon_url=f"{root}{VENDOR}/swagger-ui-favicon-32x32.png",
        )
        page.headers["Content-Security-Policy"] = DOCS_CSP
        return page

    if oauth2_redirect_url:

        @app.get(oauth2_redirect_url, include_in_schema=False)
        async def swagger_ui_redirect() -> HTMLResponse:
            return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    async def redoc_html(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        page = get_redoc_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{VENDOR}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{VENDOR}/swagger-ui-favicon-32x32.png",
            with_google_fonts=False,
        )
        page.headers["Content-Security-Policy"] = DOCS_CSP
        return page
