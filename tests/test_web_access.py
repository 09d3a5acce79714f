"""Who may do what: every route, as an anonymous client and as each role, against the table.

The table below is the specification (issue 13's roles): the least role each endpoint needs,
or PUBLIC. The test walks every rule of the app's URL map, so a route added without a rule
here fails, and so does a route whose view declares a different role than the table.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.conftest import add_user, import_seed, log_in
from tm.accounts.tokens import create_token
from tm.models import Role, Translation, User
from web.access import PUBLIC

V, T, R, M, A = Role.VIEWER, Role.TRANSLATOR, Role.REVIEWER, Role.MANAGER, Role.ADMIN
ACCESS = {
    "static": PUBLIC, "login.form": PUBLIC, "login.submit": PUBLIC, "login.link": PUBLIC,
    "settings.update": PUBLIC, "settings.api_settings": PUBLIC, "health.healthz": PUBLIC,
    "login.logout": V, "account.page": V, "account.profile": V, "account.password": V,
    "account.create": V, "account.revoke": V, "account.logout_everywhere": V,
    "index": V, "documents.api_list": V, "documents.api_show": V, "documents.show": V,
    "align.edit": V, "align.api_get": V, "align.api_apply": T, "align.api_save": T,
    "editor.edit": V, "editor.api_units": V, "editor.api_suggestions": V,
    "editor.api_history": V, "editor.api_create": T, "editor.api_update": T,
    "editor.api_restore": R,
    "search.api_search": V, "search.api_concordance": V, "search.api_segment_matches": V,
    "memory.index": V, "memory.api_list": V, "memory.download_memory": V,
    "memory.download_document": V, "memory.api_download_memory": V,
    "memory.api_download_document": V, "memory.upload": M, "memory.api_upload": M,
    "memory.export_job": V, "memory.api_export_job": V, "memory.browse": V,
    "memory.unit": V, "memory.edit": R, "memory.delete_unit": M, "memory.delete_found": M,
    "scores.index": V, "scores.report": V, "scores.document": V,
    "importing.form": M, "importing.preview": M, "importing.save": M,
    "importing.progress": M, "importing.api_job": M,
    "admin.users": A, "admin.add": A, "admin.change": A, "admin.audit": A,
    "jobs.index": V, "jobs.api_index": V, "jobs.show": V, "jobs.api_show": V,
    "jobs.retry_view": V, "jobs.api_retry": V, "jobs.cancel_view": V, "jobs.api_cancel": V,
    "jobs.download": V, "jobs.api_download": V,
    "health.readyz": PUBLIC, "documents.pretranslate": T, "documents.api_pretranslate": T,
    "handoff.download_xliff": V, "handoff.api_download_xliff": V,
    "handoff.download_omegat": V, "handoff.api_download_omegat": V,
    "handoff.upload": T, "handoff.api_upload": T,
}


def test_every_route_has_a_rule_in_the_table_and_its_view_declares_it(app: Flask) -> None:
    from web.access import access_rule

    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(ACCESS), "add each new route to ACCESS (and @requires on its view)"
    with app.test_request_context():
        declared = {endpoint: access_rule(endpoint) for endpoint in endpoints}
    assert declared == ACCESS


def _requests(app: Flask, values: dict[str, object]) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) of every rule, its parts filled from ``values``."""
    found = []
    for rule in app.url_map.iter_rules():
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(values[name]), url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, url))
    return found


def _refused(client: FlaskClient, method: str, url: str) -> bool:
    """Whether the access rules refused the request: sent to log in, or forbidden.

    No body is sent: an allowed request fails its own checks (400, 404, 422) instead.
    """
    response = client.open(url, method=method)
    response.close()
    to_login = response.status_code == 303 and response.headers["Location"].startswith(
        "/login?next=")
    unauthorized = response.status_code == 401 and "WWW-Authenticate" in response.headers
    return to_login or unauthorized or response.status_code == 403


@pytest.fixture
def world(session: Session) -> dict[str, object]:
    """Real rows for every URL part: a document, a translation, a segment, a user."""
    result = import_seed(session)
    session.commit()
    translation = session.query(Translation).first()
    assert translation is not None
    return {"document_id": result.document.id, "translation_id": translation.id,
            "segment_id": translation.segment_id, "name": "main", "job_id": "no-such-job",
            "token_id": 999999, "unit_id": 999999, "secret": "svl_not-a-link",
            "login": "nobody",
            "filename": "style.css"}


def test_an_anonymous_client_may_use_only_the_public_routes(
        app: Flask, anonymous: FlaskClient, world: dict[str, object]) -> None:
    wrong = [(endpoint, method, url) for endpoint, method, url in _requests(app, world)
             if (ACCESS[endpoint] == PUBLIC) == _refused(anonymous, method, url)]
    assert not wrong


@pytest.mark.parametrize("role", list(Role))
def test_each_role_may_use_exactly_the_routes_the_table_gives_it(
        app: Flask, clean_db: Engine, world: dict[str, object], role: Role) -> None:
    user_id = add_user(clean_db, role.value, role)
    wrong = []
    for endpoint, method, url in _requests(app, world):
        rule = ACCESS[endpoint]
        allowed = rule == PUBLIC or role.includes(Role(rule))
        if allowed == _refused(log_in(app.test_client(), clean_db, user_id), method, url):
            wrong.append((endpoint, method, url))
    assert not wrong


def test_a_refusal_is_a_403_in_the_users_language_page_or_json(
        app: Flask, client_as: Callable[[Role], FlaskClient]) -> None:
    translator = client_as(Role.TRANSLATOR)
    page = translator.get("/import", headers={"Accept-Language": "ru"})
    assert page.status_code == 403 and "переводчик" in page.get_data(as_text=True)
    api = translator.post("/api/memories/import")
    assert api.status_code == 403 and api.get_json()["error"] == "ForbiddenError"


def test_the_pages_hide_what_the_role_may_not_do(
        client_as: Callable[[Role], FlaskClient]) -> None:
    viewer = client_as(Role.VIEWER).get("/").get_data(as_text=True)
    manager = client_as(Role.MANAGER).get("/").get_data(as_text=True)
    assert 'href="/import"' not in viewer and 'href="/import"' in manager
    assert 'href="/admin/users"' not in manager


def test_statuses_are_checked_on_the_server(
        seed_document: int, client_as: Callable[[Role], FlaskClient]) -> None:
    translator, reviewer = client_as(Role.TRANSLATOR), client_as(Role.REVIEWER)
    unit = translator.get(f"/api/documents/{seed_document}/units?track=human").get_json()
    translation = unit["units"][2]["translation"]
    url = f"/api/translations/{translation['id']}"
    approve = {"status": "approved", "expected_version": translation["version"]}
    refused = translator.put(url, json=approve)
    assert refused.status_code == 403 and "reviewer" in refused.get_json()["message"]
    assert reviewer.put(url, json=approve).status_code == 200
    edit = {"text": "A translator's change.", "expected_version": translation["version"] + 1}
    assert translator.put(url, json=edit).status_code == 403  # approved stays approved
    assert translator.post(f"{url}/restore", json={"number": 1}).status_code == 403


def test_a_token_acts_for_its_user_on_the_api_without_csrf_and_never_beyond_their_role(
        guarded_app: Flask, clean_db: Engine, seed_document: int) -> None:
    manager_id = add_user(clean_db, "mira", Role.MANAGER, display_name="Mira")
    with Session(clean_db) as session:
        user = session.get(User, manager_id)
        assert user is not None
        _token, secret = create_token(session, user, "script")
        session.commit()
    client = guarded_app.test_client()
    auth = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/documents", headers=auth).status_code == 200
    upload = client.post("/api/memories/import", headers=auth)  # no CSRF token: none needed
    assert upload.status_code in (400, 422)
    assert client.get("/memories", headers=auth).status_code == 303  # pages need a login
    with Session(clean_db) as session:
        user = session.get(User, manager_id)
        assert user is not None
        user.role = Role.VIEWER
        session.commit()
    assert client.post("/api/memories/import", headers=auth).status_code == 403
    bogus = client.get("/api/documents", headers={"Authorization": "Bearer svt_forged"})
    assert bogus.status_code == 401 and "WWW-Authenticate" in bogus.headers


@pytest.fixture
def guarded_app(database_url: str, clean_db: Engine) -> Iterator[Flask]:
    """The app with CSRF on, as in production."""
    from web import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    yield app
    app.extensions["sverka_engine"].dispose()


def test_only_a_role_that_may_not_edit_is_told_so_in_the_editors(
        seed_document: int, client_as: Callable[[Role], FlaskClient]) -> None:
    notice = "Your role lets you read this, not change it."
    viewer, translator = client_as(Role.VIEWER), client_as(Role.TRANSLATOR)
    for path in (f"/documents/{seed_document}/edit", f"/documents/{seed_document}/align"):
        assert notice in viewer.get(path).get_data(as_text=True)
        assert notice not in translator.get(path).get_data(as_text=True)


def test_the_alignment_editor_disables_what_the_role_may_not_save(
        seed_document: int, client_as: Callable[[Role], FlaskClient]) -> None:
    def disabled(role: Role) -> set[str]:
        page = client_as(role).get(f"/documents/{seed_document}/align").get_data(as_text=True)
        return set(re.findall(r'<button[^>]*(?:data-op|id)="([\w-]+)"[^>]* disabled>', page))

    assert disabled(Role.VIEWER) == {"edit", "split", "save-alignment"}
    assert disabled(Role.TRANSLATOR) == {"edit", "split"}  # sources are a reviewer's
    assert disabled(Role.REVIEWER) == set()
