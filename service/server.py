"""uvicorn, configured so that slow or stuck clients cost nothing: a deadline for a request's
headers (uvicorn has none: a client sending a header a minute holds its socket forever), and
a bounded grace period on SIGTERM after which requests still open are cancelled."""
from __future__ import annotations

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
