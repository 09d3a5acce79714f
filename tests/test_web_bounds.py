"""Every route answers out-of-range ids and unknown values with a 4xx, never a 500.

The routes are enumerated from the app's URL map, so a new route is covered the day it is
added: each integer part of its URL gets ids no row can have (0, past PostgreSQL's INTEGER,
past any 64-bit integer), each string part a name nothing has, and each method is tried.
"""
from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.routing.converters import NumberConverter

from tm.documents import get_document

OUT_OF_RANGE_IDS = (0, 2**31, 99999999999999999999)
UNKNOWN_NAME = "no-such-name"


def _urls(app: Flask, ids: dict[str, int] | None = None) -> list[tuple[str, str]]:
    """Return (method, URL) for every route, its parts filled with ids and names of nothing
    (or with the real ``ids`` given by name)."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        converters = dict(rule._converters)  # name -> converter
        fills: list[dict[str, object]] = [{}]
        for name, converter in converters.items():
            numeric = isinstance(converter, NumberConverter)
            values = OUT_OF_RANGE_IDS if numeric else (UNKNOWN_NAME,)
            if ids and name in ids:
                values = (ids[name],)
            fills = [{**f, name: v} for f in fills for v in values]
        for fill in fills:
            url = rule.rule
            for name, value in fill.items():
                url = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(value), url)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((method, url))
    return found


def test_every_route_is_enumerated(app: Flask) -> None:
    urls = _urls(app)
    assert ("GET", "/documents/99999999999999999999") in urls
    assert len({url for _, url in urls}) > 20


# Every numeric parameter of a route (count, page, per_page, limit, run…) past any bound:
# each must be refused or clamped, never do unbounded work or overflow the database.
BOGUS_QUERY = ("?status=bogus&track=bogus&page=99999999999999999999&min=-5"
               "&limit=99999999999999999999&q=x&format=bogus&memory=bogus"
               "&count=99999999999999999999&per_page=99999999999999999999"
               "&run=99999999999999999999&translation=99999999999999999999")


@pytest.mark.parametrize("query", ["", BOGUS_QUERY])
def test_no_route_fails_with_a_server_error_on_ids_and_values_of_nothing(
        app: Flask, client: FlaskClient, query: str) -> None:
    failures = []
    for method, url in _urls(app):
        response = client.open(url + query, method=method, json={})
        if response.status_code >= 500:
            failures.append(f"{method} {url}{query}: {response.status_code}")
    assert not failures, failures


def test_no_route_fails_with_a_server_error_on_unknown_values_for_a_real_document(
        app: Flask, client: FlaskClient, session: Session, seed_document: int) -> None:
    document = get_document(session, seed_document)
    translation = document.segments[4].translations[0]
    ids = {"document_id": seed_document, "segment_id": document.segments[4].id,
           "translation_id": translation.id}
    failures = []
    for method, url in _urls(app, ids):
        if method != "GET":  # a change with unknown values is refused, tested per route
            continue
        response = client.open(url + BOGUS_QUERY, method=method)
        if response.status_code >= 500:
            failures.append(f"{method} {url}{BOGUS_QUERY}: {response.status_code}")
    assert not failures, failures
