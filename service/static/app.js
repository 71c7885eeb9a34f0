"use strict";
// The page talks to the same HTTP API as any other client: /documents, /ask, /documents/{id}/paragraphs/{n}.
// Its own words come from i18n.js, in the language of the last question unless the reader picks one.
const $ = (id) => document.getElementById(id);
const LANGS = window.UNQA_LANGUAGES;
const TEXT = window.UNQA_TEXT;

const state = {
  override: "auto",        // the selector's choice
  questionLang: null,      // the API's `language` of the last question
  docs: new Map(),         // doc_id -> document from /documents
  last: null,              // the last /ask response
  status: null,            // {key, params, kind} of the status line, redrawn on a language change
  seq: 0,                  // completed asks (and other status updates), for tests and assistive tech
};

function browserLang() {
  for (const l of navigator.languages || [navigator.language || "en"]) {
    const base = String(l).toLowerCase().split("-")[0];
    if (LANGS.includes(base)) return base;
  }
  return "en";
}

const uiLang = () => (state.override !== "auto" ? state.override : state.questionLang || browserLang());
const dirOf = (lang) => (lang === "ar" ? "rtl" : "ltr");
const t = (key) => TEXT[uiLang()][key] ?? TEXT.en[key];

// The language of a record's text: its document's, from /documents; failing that, from its script.
function textLang(docId, text) {
  const doc = state.docs.get(docId);
  if (doc && LANGS.includes(doc.language)) return doc.language;
  if (/[\u4e00-\u9fff]/.test(text)) return "zh";
  if (/[\u0600-\u06ff]/.test(text)) return "ar";
  if (/[\u0400-\u04ff]/.test(text)) return "ru";
  return state.questionLang || uiLang();
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined) continue;
    if (k === "class") node.className = v; else if (k === "dataset") Object.assign(node.dataset, v); else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

// A text in language `lang`, marked so (and with its direction) for screen readers, fonts and the browser.
const inLang = (tag, lang, text, attrs = {}) => el(tag, { lang, dir: dirOf(lang), ...attrs }, text);

// A template of the interface language with {name} filled by strings or nodes.
function fill(key, params = {}) {
  const frag = document.createDocumentFragment();
  const parts = t(key).split(/\{(\w+)\}/);
  parts.forEach((p, i) => frag.append(i % 2 ? (params[p] ?? "") : p));
  return frag;
}

// text with the answer's spans marked, built from text nodes only (no HTML injection)
function highlighted(text, spans) {
  const frag = document.createDocumentFragment();
  let pos = 0;
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    frag.append(text.slice(pos, s.start));
    frag.append(el("mark", { "data-testid": "highlight" }, text.slice(s.start, s.end)));
    pos = s.end;
  }
  frag.append(text.slice(pos));
  return frag;
}

// ---- the status line (role=status: read out by screen readers) ----

function setStatus(key, params = {}, kind = "info") {
  state.status = { key, params, kind };
  drawStatus();
}

function drawStatus() {
  const box = $("status");
  const s = state.status;
  box.replaceChildren();
  box.className = s ? s.kind : "";
  box.dataset.kind = s ? s.kind : "";
  if (s) {
    const params = typeof s.params === "function" ? s.params() : s.params;
    box.append(fill(s.key, params));
  }
  box.dataset.seq = String(++state.seq);
}

// ---- the interface language ----

function applyLanguage() {
  const lang = uiLang();
  const root = document.documentElement;
  root.lang = lang;
  root.dir = dirOf(lang);
  document.title = t("title");
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = t(node.dataset.i18nPlaceholder);
  for (const node of document.querySelectorAll("[data-i18n-aria-label]")) node.setAttribute("aria-label", t(node.dataset.i18nAriaLabel));
  drawDocuments();
  if (state.last) render(state.last);
  if (state.status) drawStatus();
}

// ---- documents ----

let docsLoaded;
const docsReady = new Promise((resolve) => { docsLoaded = resolve; });

async function loadDocuments() {
  let res;
  try {
    res = await fetch("/documents");
  } catch {
    setStatus("documentsFailed", {}, "error");
    docsLoaded();
    return;
  }
  if (res.status === 503) {  // the index is still loading: try again shortly
    if (!state.last) setStatus("indexLoading");
    docsLoaded();
    setTimeout(loadDocuments, 1000);
    return;
  }
  if (!res.ok) { setStatus("documentsFailed", {}, "error"); docsLoaded(); return; }
  try {
    const docs = await res.json();
    state.docs = new Map(docs.map((d) => [d.doc_id, d]));
  } catch {
    setStatus("documentsFailed", {}, "error");
  }
  if (state.status && state.status.key === "indexLoading") { state.status = null; drawStatus(); }
  drawDocuments();
  docsLoaded();
}

function drawDocuments() {
  const list = $("documents");
  const ticked = new Map([...list.querySelectorAll("input")].map((b) => [b.value, b.checked]));
  list.replaceChildren();
  for (const d of state.docs.values()) {
    const id = "doc-" + d.doc_id;
    const box = el("input", { type: "checkbox", value: d.doc_id, id });
    box.checked = ticked.get(d.doc_id) ?? true;
    const docLang = LANGS.includes(d.language) ? d.language : null;
    list.append(el("li", {}, box, " ", el("label", { for: id, class: "doc-label" },
      d.symbol ? el("span", { class: "symbol" }, d.symbol + " — ") : "",
      docLang ? inLang("span", docLang, d.title) : d.title,
      " (", fill("paragraphsCount", { n: String(d.paragraphs) }), ")")));
  }
}

// ---- asking ----

function errorKey(status) {
  if (status === 413) return "errTooLong";
  if (status === 422 || status === 400 || status === 415) return "errInvalid";
  if (status === 404) return "errDocGone";
  if (status === 408 || status === 504) return "errTimeout";
  if (status >= 500) return "errServer";
  return "errHttp";
}

function showHttpError(res) {
  if (res.status === 503 || res.status === 429) {
    const wait = parseInt(res.headers.get("Retry-After") || "", 10);
    if (Number.isFinite(wait) && wait > 0) setStatus("errBusyIn", { n: String(wait) }, "error");
    else setStatus("errBusy", {}, "error");
    return;
  }
  setStatus(errorKey(res.status), { status: String(res.status) }, "error");
}

function updateUrl(question) {
  const url = new URL(window.location.href);
  if (url.searchParams.get("q") === question) return;
  url.searchParams.set("q", question);
  history.pushState({ q: question }, "", url);
}

async function ask(event) {
  if (event) event.preventDefault();
  const question = $("question").value.trim();
  if (!question) { setStatus("emptyQuestion", {}, "error"); $("question").focus(); return; }
  const boxes = [...document.querySelectorAll("#documents input")];
  const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
  if (boxes.length && !chosen.length) {
    state.last = null;
    $("result").hidden = true;
    $("filters").open = true;
    setStatus("noDocuments", {}, "error");
    return;
  }
  updateUrl(question);
  const body = { question, top_k: 5, documents: !boxes.length || chosen.length === boxes.length ? null : chosen };
  $("ask").disabled = true;
  $("result").setAttribute("aria-busy", "true");
  setStatus("searching");
  try {
    let res;
    try {
      res = await fetch("/ask", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    } catch {
      setStatus("errNetwork", {}, "error");
      return;
    }
    if (!res.ok) { showHttpError(res); return; }
    let data;
    try {
      data = await res.json();
    } catch {
      setStatus("errServer", { status: String(res.status) }, "error");
      return;
    }
    await docsReady;  // the documents' languages mark the citations' text
    state.questionLang = LANGS.includes(data.language) ? data.language : state.questionLang;
    state.last = data;
    state.status = null;
    applyLanguage();  // follows the question's language (unless chosen), and draws the result
    announce(data);
  } finally {
    $("ask").disabled = false;
    $("result").removeAttribute("aria-busy");
  }
}

function answerLang(data) {
  const span = data.answer_spans[0];
  if (!data.answered || !span) return data.language;
  const c = data.citations[span.citation];
  return textLang(c.doc_id, c.text);
}

function sourcesOf(data) {
  return [...new Set(data.answer_spans.map((s) => data.citations[s.citation].label))];
}

function announce(data) {
  if (data.answered) {
    setStatus("announceAnswer", {
      answer: inLang("span", answerLang(data), data.answer),
      sources: inLang("span", data.language, sourcesOf(data).join("; ")),
    }, "answer");
  } else {
    setStatus("announceNotFound", { n: String(data.citations.length) }, "not-found");
  }
}

function render(data) {
  const ui = uiLang();
  $("result").hidden = false;
  const box = $("answer-box");
  box.classList.toggle("not-found", !data.answered);
  box.dataset.answered = String(data.answered);
  $("answer-title").textContent = data.answered ? t("answer") : t("notFoundTitle");
  const answer = $("answer");
  if (data.answered) {
    const lang = answerLang(data);
    answer.lang = lang;
    answer.dir = dirOf(lang);
    answer.textContent = data.answer;
    const source = $("answer-source");
    source.replaceChildren(t("source"), inLang("span", data.language, sourcesOf(data).join("; ")));
  } else {
    answer.lang = ui;
    answer.dir = dirOf(ui);
    answer.textContent = t("notFoundBody");
    $("answer-source").replaceChildren();
  }
  $("citations-title").textContent = data.answered ? t("citations") : t("closest");
  const list = $("citations");
  list.replaceChildren();
  data.citations.forEach((c, i) => list.append(card(data, c, i)));
}

function card(data, c, i) {
  const spans = data.answer_spans.filter((s) => s.citation === i);
  const lang = textLang(c.doc_id, c.text);
  const label = inLang("button", data.language, c.label, { type: "button", class: "label", "data-testid": "citation-label" });
  label.addEventListener("click", () => openRecord(c, data.language));
  const copy = el("button", { type: "button", class: "copy", "data-testid": "copy-citation" }, t("copy"));
  copy.addEventListener("click", () => copyCitation(c, copy));
  const actions = el("div", { class: "actions" }, copy);
  if (c.official_url) {
    actions.append(el("a", { href: c.official_url, target: "_blank", rel: "noopener noreferrer", class: "official",
                             "data-testid": "official-link" },
      t("official"), c.symbol ? " " : "", c.symbol ? inLang("span", "en", c.symbol, { dir: "ltr" }) : "",
      " ", el("span", { class: "visually-hidden" }, t("newTab"))));
  }
  return el("li", { class: "card", "data-testid": "citation" },
    label,
    c.section.length ? inLang("div", lang, c.section.join(" › "), { class: "section" }) : "",
    inLang("p", lang, highlighted(c.text, spans), { class: "text", "data-testid": "citation-text" }),
    actions,
    el("div", { class: "score" }, fill("score", { s: c.score.toFixed(3) })));
}

// ---- copy a citation ----

async function writeClipboard(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try { await navigator.clipboard.writeText(text); return true; } catch { /* fall back below */ }
  }
  const area = el("textarea", { class: "offscreen", readonly: "", "aria-hidden": "true" });
  area.value = text;
  document.body.append(area);
  area.select();
  let ok = false;
  try { ok = document.execCommand("copy"); } catch { ok = false; }
  area.remove();
  return ok;
}

async function copyCitation(c, button) {
  const ok = await writeClipboard(`${c.label}\n${c.text}`);
  if (!ok) { setStatus("copyFailed", {}, "error"); return; }
  button.textContent = "✓ " + t("copied");
  button.classList.add("done");
  setTimeout(() => { button.textContent = t("copy"); button.classList.remove("done"); }, 2500);
  setStatus("copiedStatus", { label: inLang("span", state.last ? state.last.language : uiLang(), c.label) }, "info");
}

// ---- the full paragraph, with the ones before and after ----

async function openRecord(c, language) {
  const lang = encodeURIComponent(language);
  const url = c.kind === "paragraph"
    ? `/documents/${encodeURIComponent(c.doc_id)}/paragraphs/${c.paragraph}?lang=${lang}`
    : `/records/${encodeURIComponent(c.id)}?lang=${lang}`;
  let res, data;
  try {
    res = await fetch(url);
  } catch {
    setStatus("paraNetwork", {}, "error");
    return;
  }
  if (!res.ok) {
    setStatus(res.status === 404 ? "paraMissing" : "paraError", { status: String(res.status) }, "error");
    return;
  }
  try {
    data = await res.json();
  } catch {
    setStatus("paraError", { status: String(res.status) }, "error");
    return;
  }
  const body = $("reader-body");
  body.replaceChildren();
  const textLangOf = (r) => textLang(r.doc_id, r.text);
  const para = (r, cls, extra = {}) => inLang("p", textLangOf(r), "", { class: cls, ...extra });
  const title = $("reader-title");
  title.lang = language;
  title.dir = dirOf(language);
  if (c.kind === "paragraph") {
    title.textContent = data.paragraph.label;
    for (const [r, cls, extra] of [[data.previous, "context", {}],
                                   [data.paragraph, "current", { "data-testid": "reader-current" }],
                                   [data.next, "context", {}]]) {
      if (!r) continue;
      const p = para(r, cls, extra);
      p.append(el("span", { class: "num" }, r.paragraph + ". "), r.text);
      body.append(p);
    }
  } else {
    title.textContent = data.label;
    const p = para(data, "current", { "data-testid": "reader-current" });
    p.append(data.text);
    body.append(p);
  }
  $("reader").showModal();
}

// ---- the question box: grows with its text; Enter asks, Shift+Enter starts a new line ----

const question = $("question");
function grow() {
  if (window.CSS && CSS.supports("field-sizing", "content")) return;  // the stylesheet does it
  question.rows = 2;
  while (question.scrollHeight > question.clientHeight && question.rows < 12) question.rows += 1;
}
question.addEventListener("input", grow);
question.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
    e.preventDefault();
    $("ask-form").requestSubmit();
  }
});

$("ui-lang").addEventListener("change", (e) => { state.override = e.target.value; applyLanguage(); });
$("ask-form").addEventListener("submit", ask);

// ?q=... asks at once; the back and forward buttons ask the question of that page again
function askFromUrl() {
  const q = new URL(window.location.href).searchParams.get("q");
  if (q && q.trim()) {
    question.value = q;
    grow();
    ask();
  }
}
window.addEventListener("popstate", askFromUrl);

applyLanguage();
loadDocuments();
askFromUrl();
