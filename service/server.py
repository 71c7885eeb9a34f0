"""uvicorn, configured so that slow or stuck clients cost nothing: a deadline for a request's
headers (uvicorn has none: a client sending a header a minute holds its socket forever), and
a bounded grace period on SIGTERM after which requests still open are cancelled, and malformed
HTTP answered in JSON like every other error."""
from __future__ import annotations

import errno
import json
import socket

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from .admission import Limits

KEEP_ALIVE_S = 5


class DeadlineH11Protocol(H11Protocol):
    """uvicorn's h11 protocol; a connection whose next request's headers are not complete
    within `header_timeout_s` of its opening (or of the previous response) is closed."""

    header_timeout_s = 10.0

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._deadline = None
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        """Malformed HTTP (a bad request line, broken chunks, huge headers) answered in JSON like the rest."""
        body = json.dumps({"detail": f"malformed HTTP request: {msg}"}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                   (b"connection", b"close")]
        for event in (h11.Response(status_code=400, headers=headers, reason=b"Bad Request"), h11.Data(data=body),
                      h11.EndOfMessage()):
            self.transport.write(self.conn.send(event))
        self.transport.close()

    def _arm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = self.loop.call_later(self.header_timeout_s, self._headers_late)

    def _headers_late(self) -> None:
        waiting_for_headers = self.cycle is None or self.cycle.response_complete
        if waiting_for_headers and not self.transport.is_closing():
            self.transport.close()


def make_server(app, host: str, port: int, limits: Limits = Limits()) -> uvicorn.Server:
    protocol = type("DeadlineH11", (DeadlineH11Protocol,), {"header_timeout_s": limits.header_timeout_s})
    return uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="info", access_log=False, http=protocol,
                                         timeout_keep_alive=KEEP_ALIVE_S, timeout_graceful_shutdown=limits.grace_s))


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before the index is built or loaded: a port in use is said at once."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        why = "is in use (another unqa serve?)" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc.strerror})"
        raise OSError(exc.errno, f"port {port} on {host} {why}: choose another with --port or UNQA_PORT") from None
    sock.set_inheritable(True)
    return sock
