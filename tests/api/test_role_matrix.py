"""Every staff route of the API, tried with no credential, with each role below the one it
needs, and with the one it needs: 401, 403, and neither."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator

from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from journey.auth import ROLES


def needed_role(route: APIRoute) -> str | None:
    """The role a route's `require_role` dependency asks for, if it has one."""

    def calls(dependant: object) -> Iterator[object]:
        for dependency in getattr(dependant, "dependencies", []):
            yield dependency.call
            yield from calls(dependency)

    for call in calls(route.dependant):
        if getattr(call, "__qualname__", "").startswith("require_role."):
            return str(inspect.getclosurevars(call).nonlocals["minimum"])  # type: ignore[arg-type]
    return None


def staff_routes(app: object) -> list[tuple[str, str, str]]:
    found = []
    for context in iter_route_contexts(app.routes):  # type: ignore[attr-defined]
        route = context.original_route
        if isinstance(route, APIRoute) and route.include_in_schema:
            role = needed_role(route)
            for method in sorted(context.methods or ()):
                if role and method != "HEAD":
                    found.append((method, re.sub(r"\{[^}]+\}", "1", context.path_format), role))
    return found


def test_every_staff_route_refuses_the_roles_below_its_own(
    client: TestClient, staff_token: Callable[[str], str]
) -> None:
    routes = staff_routes(client.app)
    assert len(routes) > 40  # the matrix covers the API, not a handful
    tokens = {role: {"Authorization": f"Bearer {staff_token(role)}"} for role in ROLES}
    for method, path, role in routes:
        anonymous = client.request(method, path, json={})
        assert anonymous.status_code == 401, (method, path, anonymous.text)
        for other in ROLES:
            if path.endswith("/revoke-tokens") and ROLES.index(other) >= ROLES.index(role):
                continue  # it would sign out the tester itself; its test is its own
            answer = client.request(method, path, json={}, headers=tokens[other])
            if ROLES.index(other) < ROLES.index(role):
                assert answer.status_code == 403, (method, path, other, answer.text)
            else:
                assert answer.status_code not in (401, 403), (method, path, other, answer.text)
