"""The FastAPI application: /ask, the documents, health, metrics and the web page.

The index loads in a background thread at start-up, so /health can answer 503 until it is
ready. /ask runs in a bounded pool of its own (service/admission.py); the other handlers are
quick. The embedding engine, FAISS and BM25 are shared read-only between requests.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import threading
import time
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Header, HTTPException, Path as PathParam, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from unqa.index import Index, SearchError, load_index
from unqa.index.citations import LABEL_LANGUAGES, official_url

from .admission import Admission, Busy, Limits
from .answering import Answerer
from .hardening import Hardening, validation_error
from .models import DOC_ID_PATTERN, AskRequest, AskResponse, DocumentDetail, DocumentInfo, Health, ParagraphContext, RecordOut
from .responses import ask_response, record_out

STATIC = Path(__file__).resolve().parent / "static"
MAX_BODY_BYTES = 16 * 1024
DRAIN_LIMIT = 1024 * 1024  # a chunked body over the limit is read (and dropped) up to this, then 413
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


async def _send_json(send, status: int, detail: str, close: bool = False) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if close:  # the rest of the body is not read, so the connection cannot carry another request
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class RequestGuard:
    """Bodies must be JSON, small, and arrive in time: 415, 413 and 408 before any handler runs.

    The body is read here, whole (chunked or not), and handed on; a handler never waits on a
    slow client and never sees a body over the limit."""

    def __init__(self, app, max_body: int = MAX_BODY_BYTES, body_timeout_s: float = 10.0) -> None:
        self.app = app
        self.max_body = max_body
        self.body_timeout_s = body_timeout_s

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        length = headers.get(b"content-length")
        has_body = (length is not None and length != b"0") or b"transfer-encoding" in headers
        content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        too_large = f"request body too large (limit {self.max_body} bytes)"
        problem = None  # answered once the body is read: closing on unread data would reset the connection
        if sum(1 for k, _ in scope["headers"] if k.lower() == b"content-type") > 1:
            problem = (415, "Content-Type is given more than once")
        elif has_body and content_type != b"application/json":
            problem = (415, "Content-Type must be application/json")
        if length is not None and (not length.isdigit() or int(length) > DRAIN_LIMIT):
            return await _send_json(send, *(problem or (413, too_large)), close=True)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.body_timeout_s
        body = bytearray()
        received = 0
        while True:
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - loop.time()))
            except TimeoutError:
                return await _send_json(send, 408, f"request body not received within {self.body_timeout_s:g} s",
                                        close=True)
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            received += len(chunk)
            if received <= self.max_body and problem is None:
                body += chunk
            elif received > DRAIN_LIMIT:  # past this, the client is not worth reading: answer and hang up
                return await _send_json(send, *(problem or (413, too_large)), close=True)
            if not message.get("more_body", False):
                break
        if problem:
            return await _send_json(send, *problem)
        if received > self.max_body:  # read to its end, so the client can read the answer
            return await _send_json(send, 413, too_large)
        pending = [{"type": "http.request", "body": bytes(body), "more_body": False}]

        async def replay():
            return pending.pop() if pending else await receive()

        await self.app(scope, replay, send)


class Metrics:
    """Prometheus metrics in a registry of the app's own (no process globals)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("unqa_http_requests_total", "HTTP requests", ["method", "route", "status"],
                                registry=self.registry)
        self.latency = Histogram("unqa_http_request_seconds", "HTTP request latency", ["route"],
                                 buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
                                 registry=self.registry)
        self.answers = Counter("unqa_answers_total", "Answers given by /ask", ["answered"], registry=self.registry)
        self.records = Gauge("unqa_index_records", "Records in the loaded index", registry=self.registry)


class MetricsMiddleware:
    def __init__(self, app, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        status = {"code": "none"}  # the client went away (or the server stopped) before an answer
        start = time.perf_counter()

        async def capture(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"] if scope["method"] in METHODS else "other"  # labels from a fixed set
            self.metrics.requests.labels(method, route, str(status["code"])).inc()
            self.metrics.latency.labels(route).observe(time.perf_counter() - start)


def create_app(index_dir: str | Path | None = None, corpus_dir: str | Path | None = None,
               index: Index | None = None, max_body: int = MAX_BODY_BYTES, admin_token: str | None = None,
               cors_origins: list[str] | None = None, limits: Limits = Limits(), embedder: str | None = None,
               ) -> FastAPI:
    """The app serves `index`, or loads the index in `index_dir` in the background.

    `admin_token` enables POST /admin/reload (off without it); `cors_origins` opens CORS to
    those origins only (closed without them); `embedder`, when given, must be the index's."""
    metrics = Metrics()
    state: dict = {"answerer": Answerer(index) if index is not None else None, "error": None}
    swap_lock = threading.Lock()  # start-up loading and reloads install one at a time, in order

    def load() -> None:
        with swap_lock:
            if state["answerer"] is not None:  # given, or a reload came first: never replaced by an older one
                metrics.records.set(len(state["answerer"].index.records))
                return
            try:
                ix = load_index(index_dir, embedder=embedder, corpus_dir=corpus_dir)
                answerer = Answerer(ix)
                answerer.ask("warm-up 预热", top_k=1)  # first-use costs are paid here, not by the first user
                metrics.records.set(len(ix.records))
                state["answerer"] = answerer
            except Exception as exc:  # reported by /health; `unqa serve` exits on it
                state["error"] = str(exc)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.admission = Admission(limits)
        thread = threading.Thread(target=load, name="unqa-index-loader", daemon=True)
        thread.start()
        app.state.loader = thread
        yield
        app.state.admission.close()

    # FastAPIOffline: FastAPI with /docs and /redoc served from the package's own copies of
    # Swagger UI and ReDoc (fastapi-offline), so the API docs work without internet
    app = FastAPIOffline(
        title="unqa",
        description="Questions over United Nations reports, answered with official paragraph citations.",
        version="0.1.0",
        lifespan=lifespan,
        redirect_slashes=False,  # a redirect would be built from the client's Host header
    )
    app.state.service = state
    if cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["Content-Type"])
    app.add_middleware(RequestGuard, max_body=max_body, body_timeout_s=limits.body_timeout_s)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(Hardening)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    def answerer() -> Answerer:
        if state["answerer"] is None:
            raise HTTPException(503, detail=state["error"] or "the index is still loading")
        return state["answerer"]

    def find_document(doc_id: str):
        ix = answerer().index
        if doc_id not in ix.documents:
            raise HTTPException(404, detail=f"unknown document '{doc_id}'")
        return ix, ix.documents[doc_id]

    def info(ix: Index, doc_id: str) -> DocumentInfo:
        records = ix.records_of(doc_id)
        meta = ix.documents[doc_id]
        return DocumentInfo(**meta.model_dump(), paragraphs=sum(r.kind == "paragraph" for r in records),
                            records=len(records), official_url=official_url(meta.symbol, meta.language))

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    # /health and /metrics are coroutines: they run on the event loop, never behind /ask's workers
    @app.get("/health", response_model=Health, responses={503: {"model": Health}})
    async def health():
        if state["answerer"] is None:
            status = "error" if state["error"] else "loading"
            return JSONResponse(status_code=503, content=Health(status=status, detail=state["error"]).model_dump())
        ix = state["answerer"].index
        return Health(status="ok", records=len(ix.records), index_version=ix.version.name)

    @app.get("/metrics", include_in_schema=False)
    async def prometheus() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.post("/ask", response_model=AskResponse,
              responses={404: {"description": "unknown document"}, 408: {}, 413: {}, 415: {},
                         422: {"description": "invalid, or longer than the token budget"},
                         503: {"description": "loading, or busy: see Retry-After"},
                         504: {"description": "ran past its time budget"}})
    async def ask(req: AskRequest, request: Request) -> AskResponse:
        current = answerer()
        try:
            result = await request.app.state.admission.run(
                lambda: current.ask(req.question, top_k=req.top_k, documents=req.documents),
                size=len(req.question.encode("utf-8")))
        except Busy as exc:
            raise HTTPException(exc.status, detail=str(exc), headers={"Retry-After": str(exc.retry_after)}) from None
        except SearchError as exc:
            raise HTTPException(404 if "unknown document" in str(exc) else 422, detail=str(exc)) from None
        metrics.answers.labels(str(result.answered).lower()).inc()
        return ask_response(result)

    @app.get("/documents", response_model=list[DocumentInfo])
    def documents() -> list[DocumentInfo]:
        ix = answerer().index
        return [info(ix, d) for d in ix.doc_ids]

    @app.get("/documents/{doc_id}", response_model=DocumentDetail, responses={404: {}})
    def document(doc_id: str = PathParam(..., pattern=DOC_ID_PATTERN),
                 lang: str | None = Query(None, pattern="^(" + "|".join(LABEL_LANGUAGES) + ")$")) -> DocumentDetail:
        ix, meta = find_document(doc_id)
        language = lang or meta.language
        return DocumentDetail(**info(ix, doc_id).model_dump(),
                              contents=[record_out(r, language) for r in ix.records_of(doc_id)])

    @app.get("/documents/{doc_id}/paragraphs/{n}", response_model=ParagraphContext, responses={404: {}})
    def paragraph(doc_id: str = PathParam(..., pattern=DOC_ID_PATTERN),
                  n: str = PathParam(..., pattern=r"^[1-9][0-9]{0,5}$", description="paragraph number, digits only"),
                  lang: str | None = Query(None, pattern="^(" + "|".join(LABEL_LANGUAGES) + ")$")) -> ParagraphContext:
        ix, meta = find_document(doc_id)
        n = int(n)
        paras = {r.paragraph: r for r in ix.records_of(doc_id) if r.kind == "paragraph" and not r.part}
        if n not in paras:
            numbered = f"its paragraphs are 1 to {max(paras)}" if paras else \
                "it numbers no paragraphs; see /documents/" + doc_id + " for its blocks, cited by page"
            raise HTTPException(404, detail=f"document '{doc_id}' has no paragraph {n} ({numbered})")
        language = lang or meta.language
        return ParagraphContext(
            paragraph=record_out(paras[n], language),
            previous=record_out(paras[n - 1], language) if n - 1 in paras else None,
            next=record_out(paras[n + 1], language) if n + 1 in paras else None,
        )

    @app.get("/records/{record_id}", response_model=RecordOut, responses={404: {}})
    def record(record_id: str = PathParam(..., pattern=r"^[a-z0-9][a-z0-9-]{0,79}:[a-z]+[0-9]*(?:-p[0-9]+)?$"),
               lang: str | None = Query(None, pattern="^(" + "|".join(LABEL_LANGUAGES) + ")$")) -> RecordOut:
        """Any record by id: front matter, footnotes and annexes too."""
        ix = answerer().index
        found = ix.record_by_id(record_id)
        if found is None:
            raise HTTPException(404, detail=f"unknown record '{record_id}'")
        return record_out(found, lang or found.language)

    if admin_token:
        @app.post("/admin/reload", responses={401: {}, 409: {}})
        def reload(authorization: str | None = Header(None)) -> dict:
            """Load the index again (after `unqa index`) and swap it in; requests in flight finish
            on the old one. Needs `Authorization: Bearer <UNQA_ADMIN_TOKEN>`."""
            scheme, _, given = (authorization or "").partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), admin_token.encode()):
                raise HTTPException(401, detail="missing or wrong admin token", headers={"WWW-Authenticate": "Bearer"})
            if index_dir is None:
                raise HTTPException(409, detail="this service was given an index object, not a folder to reload")
            with swap_lock:
                try:
                    fresh = Answerer(load_index(index_dir, embedder=embedder, corpus_dir=corpus_dir))
                except Exception as exc:  # the old index keeps serving
                    raise HTTPException(409, detail=f"reload refused, still serving the previous index: {exc}") from None
                fresh.ask("warm-up 预热", top_k=1)
                state["answerer"] = fresh
                metrics.records.set(len(fresh.index.records))
            return {"status": "reloaded", "index_version": fresh.index.version.name, "records": len(fresh.index.records)}

    return app
