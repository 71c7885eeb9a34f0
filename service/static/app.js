"use strict";
// The page talks to the same HTTP API as any other client: /documents, /ask, /documents/{id}/paragraphs/{n}.
const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else if (k === "dataset") Object.assign(node.dataset, v); else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
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

async function loadDocuments() {
  const res = await fetch("/documents");
  if (!res.ok) { $("status").textContent = "The index is still loading…"; setTimeout(loadDocuments, 1000); return; }
  const list = $("documents");
  list.replaceChildren();
  for (const d of await res.json()) {
    const box = el("input", { type: "checkbox", value: d.doc_id, checked: "", id: "doc-" + d.doc_id });
    list.append(el("li", {}, box, " ", el("label", { for: "doc-" + d.doc_id, class: "doc-label" },
      `${d.symbol ? d.symbol + " — " : ""}${d.title} (${d.paragraphs} paragraphs)`)));
  }
}

async function ask(event) {
  event.preventDefault();
  const question = $("question").value.trim();
  if (!question) return;
  const boxes = [...document.querySelectorAll("#documents input")];
  const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
  const body = { question, top_k: 5, documents: chosen.length === boxes.length ? null : chosen };
  $("ask").disabled = true;
  $("status").textContent = "Searching…";
  try {
    const res = await fetch("/ask", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const data = await res.json();
    if (!res.ok) {
      const detail = Array.isArray(data.detail) ? data.detail.map((d) => d.msg).join("; ") : data.detail;
      $("status").textContent = "Error: " + detail;
      return;
    }
    render(data);
    $("status").textContent = `${data.citations.length} citations in ${Math.round(data.took_ms)} ms`;
  } catch (err) {
    $("status").textContent = "Error: " + err;
  } finally {
    $("ask").disabled = false;
  }
}

function render(data) {
  $("result").hidden = false;
  const box = $("answer-box");
  box.classList.toggle("not-found", !data.answered);
  box.dataset.answered = String(data.answered);
  $("answer-title").textContent = data.answered ? "Answer" : "Not found in these reports";
  $("answer").textContent = data.answer;
  const sources = [...new Set(data.answer_spans.map((s) => data.citations[s.citation].label))];
  $("answer-source").textContent = data.answered ? "Source: " + sources.join("; ") : "";
  const list = $("citations");
  list.replaceChildren();
  data.citations.forEach((c, i) => {
    const spans = data.answer_spans.filter((s) => s.citation === i);
    const label = el("button", { type: "button", class: "label", "data-testid": "citation-label" }, c.label);
    label.addEventListener("click", () => openRecord(c, data.language));
    list.append(el("li", { class: "card", "data-testid": "citation" },
      label,
      el("div", { class: "section" }, c.section.join(" › ")),
      el("p", { class: "text" }, highlighted(c.text, spans)),
      el("div", { class: "score" }, `score ${c.score.toFixed(3)}`)));
  });
}

async function openRecord(c, language) {
  const lang = encodeURIComponent(language);
  const url = c.kind === "paragraph"
    ? `/documents/${encodeURIComponent(c.doc_id)}/paragraphs/${c.paragraph}?lang=${lang}`
    : `/records/${encodeURIComponent(c.id)}?lang=${lang}`;
  const res = await fetch(url);
  const data = await res.json();
  const body = $("reader-body");
  body.replaceChildren();
  if (c.kind === "paragraph") {
    $("reader-title").textContent = data.paragraph.label;
    if (data.previous) body.append(el("p", { class: "context" }, el("span", { class: "num" }, data.previous.paragraph + ". "), data.previous.text));
    body.append(el("p", { class: "current", "data-testid": "reader-current" }, el("span", { class: "num" }, data.paragraph.paragraph + ". "), data.paragraph.text));
    if (data.next) body.append(el("p", { class: "context" }, el("span", { class: "num" }, data.next.paragraph + ". "), data.next.text));
  } else {
    $("reader-title").textContent = data.label;
    body.append(el("p", { class: "current", "data-testid": "reader-current" }, data.text));
  }
  $("reader").showModal();
}

$("ask-form").addEventListener("submit", ask);
loadDocuments();
