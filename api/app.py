"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from api import (
    auth_views,
    automations_views,
    chat_views,
    health_views,
    home_views,
    import_views,
    insights_views,
    journey_views,
    knowledge_views,
    next_steps_views,
    queue_views,
    theme_views,
    widget_views,
)
from api.errors import install_error_handlers
from api.limits import MB, BodyLimit
from api.openapi import document_errors, errors
from api.services import Services

# Bodies are read whole before validation: bound them. A batch of events and uploaded files
# get larger limits of their own.
BODY_LIMITS = {"/events/batch": 16 * MB, "/imports/": 50 * MB, "/admin/knowledge/": 50 * MB}


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
    )
    app.state.container = container
    # The widget runs on the company's own sites; no credentials cross origins, so staff
    # cookies never ride along.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=app.state.container.settings.server.cors_origins,
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type"],
    )
    app.add_middleware(BodyLimit, default=MB, by_prefix=BODY_LIMITS)
    install_error_handlers(app)
    for module in (
        health_views,
        auth_views,
        journey_views,
        queue_views,
        insights_views,
        next_steps_views,
        automations_views,
        theme_views,
        home_views,
        widget_views,
    ):
        app.include_router(module.router)
    app.include_router(chat_views.router, responses=errors(409))  # a closed conversation
    app.include_router(import_views.router)
    app.include_router(knowledge_views.router)
    document_errors(app)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    return app
