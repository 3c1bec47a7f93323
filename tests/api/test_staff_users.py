"""Staff user management for admins: change a role, deactivate (every token of the user stops
at once), revoke a user's tokens; the last admin stays; only admins; each change audited."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from journey.auth import AuthService
from journey.models import AuditLog, StaffUser


def test_admins_change_deactivate_and_sign_out_staff(client: TestClient, session: Session) -> None:
    auth = AuthService(session)
    admin = auth.create_user("ada@staff.test", "Ada", "admin", None)
    avery = auth.create_user("avery@staff.test", "Avery", "agent", None)
    # Ada is the one active admin here (other tests' staff may share the database).
    session.execute(update(StaffUser).where(StaffUser.id != admin.id, StaffUser.role == "admin")
                    .values(active=False))  # fmt: skip
    admin_token, avery_token = auth.issue_token(admin), auth.issue_token(avery)
    second = auth.issue_token(avery, name="laptop")
    session.commit()
    as_admin = {"Authorization": f"Bearer {admin_token}"}
    as_avery = {"Authorization": f"Bearer {avery_token}"}

    listed = [u for u in client.get("/admin/users", headers=as_admin).json()
              if u["email"] in ("ada@staff.test", "avery@staff.test")]  # fmt: skip
    assert [(u["email"], u["role"], u["active"]) for u in listed] == [
        ("ada@staff.test", "admin", True), ("avery@staff.test", "agent", True)
    ]  # fmt: skip
    assert client.get("/admin/users", headers=as_avery).status_code == 403
    assert client.get("/improvements", headers=as_avery).status_code == 403  # a manager's
    promoted = client.patch(f"/admin/users/{avery.id}", json={"role": "manager"}, headers=as_admin)
    assert promoted.status_code == 200 and promoted.json()["role"] == "manager"
    assert client.get("/improvements", headers=as_avery).status_code == 200
    bad = client.patch(f"/admin/users/{avery.id}", json={"role": "boss"}, headers=as_admin)
    assert bad.status_code == 422 and "role" in bad.json()["detail"]

    revoked = client.post(f"/admin/users/{avery.id}/revoke-tokens", headers=as_admin)
    assert revoked.json() == {"revoked": 2}  # the CLI's and the laptop's
    assert client.get("/auth/me", headers={"Authorization": f"Bearer {second}"}).status_code == 401
    assert client.get("/auth/me", headers=as_avery).status_code == 401
    fresh = AuthService(session).issue_token(avery)
    session.commit()
    assert client.get("/auth/me", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200
    gone = client.patch(f"/admin/users/{avery.id}", json={"active": False}, headers=as_admin)
    assert gone.status_code == 200 and gone.json()["active"] is False
    assert client.get("/auth/me", headers={"Authorization": f"Bearer {fresh}"}).status_code == 401
    last = client.patch(f"/admin/users/{admin.id}", json={"role": "agent"}, headers=as_admin)
    assert last.status_code == 409 and "last active admin" in last.json()["detail"]
    assert client.patch("/admin/users/999999", json={"active": True},
                        headers=as_admin).status_code == 404  # fmt: skip
    audited = session.scalars(select(AuditLog.action).where(
        AuditLog.actor == "ada@staff.test")).all()  # fmt: skip
    assert sorted(audited) == ["user.changed", "user.changed", "user.tokens_revoked"]
