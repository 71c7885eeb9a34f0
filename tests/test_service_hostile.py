"""Hostile requests against a real `unqa serve` over real HTTP: each gets a clear 4xx that can be
rendered, and the same keep-alive connection still serves the next request."""
from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import pytest

HOSTILE_BODIES = [
    b'{"question": "a", "top_k": NaN}',
    b'{"question": "a", "top_k": Infinity}',
    b'{"question": "a", "top_k": 1e400}',
    b"NaN",
    b'{"question": "\\ud800 space debris"}',
    b'{"question": "\\udfff", "top_k": NaN}',
    b'{"question": "a", "documents": ["\\ud800"]}',
]


@pytest.fixture
def connection(live_server):
    parts = urlsplit(live_server["url"])
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    yield conn
    conn.close()


def _post(conn, body: bytes):
    conn.request("POST", "/ask", body=body, headers={"Content-Type": "application/json"})
    res = conn.getresponse()
    return res.status, res.read()


@pytest.mark.parametrize("body", HOSTILE_BODIES)
def test_unrenderable_input_gets_a_422_and_the_connection_lives_on(connection, body):
    status, raw = _post(connection, body)
    assert status == 422, raw
    detail = json.loads(raw)["detail"]
    assert detail and all(d["msg"] and d["loc"] for d in detail)
    assert "input" not in json.dumps(detail)  # the input is never echoed
    connection.request("GET", "/health")  # same socket
    res = connection.getresponse()
    assert res.status == 200 and json.loads(res.read())["status"] == "ok"


def test_head_works_on_get_routes(connection):
    for path in ("/health", "/", "/documents", "/static/app.js"):
        connection.request("HEAD", path)
        res = connection.getresponse()
        assert res.status == 200, path
        assert res.read() == b""


def test_every_response_carries_security_headers(connection):
    for method, path, body in (("GET", "/", None), ("GET", "/static/app.js", None),
                               ("POST", "/ask", b'{"question": "\xe7\xa9\xba\xe9\x97\xb4\xe7\xa2\x8e\xe7\x89\x87"}'),
                               ("GET", "/documents/nope", None)):
        connection.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
        res = connection.getresponse()
        res.read()
        assert res.getheader("X-Content-Type-Options") == "nosniff", path
        assert res.getheader("X-Frame-Options") == "DENY"
        assert res.getheader("Referrer-Policy") == "no-referrer"
        csp = res.getheader("Content-Security-Policy")
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp


@pytest.mark.parametrize("n", ["+38", "3_8", "%2038", "038", "38.0", "-1", "0"])
def test_paragraph_numbers_are_digits_only(connection, n):
    connection.request("GET", f"/documents/a-ac-105-1235/paragraphs/{n}")
    res = connection.getresponse()
    body = json.loads(res.read())
    assert res.status == 422 and body["detail"], (n, body)
    connection.request("GET", "/documents/a-ac-105-1235/paragraphs/38")
    res = connection.getresponse()
    assert res.status == 200 and json.loads(res.read())["paragraph"]["paragraph"] == 38


def test_no_redirect_to_the_clients_host(connection):
    connection.request("GET", "/health/", headers={"Host": "evil.example"})
    res = connection.getresponse()
    res.read()
    assert res.status == 404 and res.getheader("Location") is None


def test_two_content_types_are_refused(connection):
    connection.putrequest("POST", "/ask")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Type", "text/plain")
    body = b'{"question": "space debris"}'
    connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body)
    res = connection.getresponse()
    assert res.status == 415 and "more than once" in json.loads(res.read())["detail"]

