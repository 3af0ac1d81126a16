"use strict";
// policyqa chat UI: plain browser JavaScript, no build step, no external libraries.

const MARKER = /［([^［］\n]{1,40})］/g;
const MAX_TURNS = 20;
const state = { history: [] };
const $ = (id) => document.getElementById(id);

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null) node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

const API_KEY_STORAGE = "policyqa-api-key";

// With POLICYQA_API_KEY set on the server, /api/* needs it: the page asks once per session.
async function api(path, options = {}, retried = false) {
  let response;
  const headers = { ...(options.headers || {}) };
  const key = sessionStorage.getItem(API_KEY_STORAGE);
  if (key && path.startsWith("/api/") && !headers.Authorization) headers.Authorization = `Bearer ${key}`;
  try {
    response = await fetch(path, { ...options, headers });
  } catch (error) {
    throw new Error("无法连接服务器，请检查网络或稍后再试。");
  }
  let body = null;
  try {
    body = await response.json();
  } catch (error) {
    body = null;
  }
  if (response.status === 401 && path.startsWith("/api/") && !retried) {
    const entered = window.prompt("此服务需要访问密钥（API 密钥），请输入：");
    if (entered && entered.trim()) {
      sessionStorage.setItem(API_KEY_STORAGE, entered.trim());
      return api(path, options, true);
    }
  }
  if (!response.ok) {
    const message = body && body.error && body.error.message;
    throw new Error(message || `请求失败（${response.status}），请稍后再试。`);
  }
  return body;
}

function setStatus(text, kind = "") {
  const status = $("status");
  status.textContent = text;
  status.className = `status ${kind}`.trim();
}

function deepLink(docId, locator) {
  return `#/doc/${encodeURIComponent(docId)}/${locator.split("/").map(encodeURIComponent).join("/")}`;
}

// ---- the clause panel -------------------------------------------------------------------

function markHighlights(paragraph, highlights) {
  const p = el("p");
  let rest = paragraph;
  while (rest) {
    let best = null;
    for (const sentence of highlights) {
      const at = sentence ? rest.indexOf(sentence) : -1;
      if (at >= 0 && (best === null || at < best.at)) best = { at, sentence };
    }
    if (best === null) {
      p.append(rest);
      break;
    }
    p.append(rest.slice(0, best.at), el("mark", {}, best.sentence));
    rest = rest.slice(best.at + best.sentence.length);
  }
  return p;
}

async function openClause(docId, locator, highlights = []) {
  const panel = $("panel");
  try {
    const clause = await api(`/api/clauses/${encodeURIComponent(docId)}/${locator.split("/").map(encodeURIComponent).join("/")}`);
    $("panel-title").textContent = clause.label;
    $("panel-breadcrumb").textContent = clause.breadcrumb.join(" › ");
    const lead = $("panel-lead");
    lead.hidden = !clause.lead_unit;
    lead.textContent = clause.lead_unit ? `牵头单位：${clause.lead_unit}` : "";
    const text = $("panel-text");
    text.replaceChildren(...clause.paragraphs.map((p) => markHighlights(p, highlights)));
    const link = deepLink(docId, clause.locator);
    $("panel-link").setAttribute("href", link);
    history.replaceState(null, "", link);
    panel.hidden = false;
    $("panel-close").focus();
  } catch (error) {
    setStatus(error.message, "error");
  }
}

function closePanel() {
  $("panel").hidden = true;
  history.replaceState(null, "", location.pathname);
}

function openFromHash() {
  const match = location.hash.match(/^#\/doc\/([^/]+)\/(.+)$/);
  if (match) openClause(decodeURIComponent(match[1]), match[2].split("/").map(decodeURIComponent).join("/"));
}

// ---- conversation -----------------------------------------------------------------------

function chip(citation) {
  const label = citation.marker.slice(1, -1);
  const source = citation.document || "";
  const button = el(
    "button",
    {
      type: "button",
      class: "chip",
      title: source ? `《${source}》${citation.label}` : citation.label,
      "aria-label": source ? `查看条款 《${source}》${citation.label}` : `查看条款 ${citation.label}`,
      onclick: () => openClause(citation.doc_id, citation.locator, citation.highlights || []),
    },
    label,
  );
  if (!source) return button;
  // The short title is in the button's name already; shown beside it for the eye only.
  return el("span", { class: "cited" }, button, el("span", { class: "chip-doc", "aria-hidden": "true" }, source));
}

function answerText(answer) {
  const byMarker = new Map(answer.citations.map((c) => [c.marker, c]));
  const body = el("div", { class: "answer-text" });
  let last = 0;
  for (const found of answer.answer.matchAll(MARKER)) {
    body.append(answer.answer.slice(last, found.index));
    const citation = byMarker.get(found[0]);
    body.append(citation ? chip(citation) : found[0]);
    last = found.index + found[0].length;
  }
  body.append(answer.answer.slice(last));
  return body;
}

function copyText(answer) {
  if (answer.abstained || !answer.citations.length) return answer.answer;
  const lines = answer.citations.map((c) => `${c.marker} ${c.document ? `《${c.document}》` : ""}${c.label}`);
  return `${answer.answer}\n\n参考条款：\n${lines.join("\n")}`;
}

async function copyAnswer(answer) {
  const text = copyText(answer);
  try {
    await navigator.clipboard.writeText(text);
  } catch (error) {
    const area = el("textarea", { class: "visually-hidden" }, text);
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  setStatus("已复制回答及出处。");
}

function addMessage(role, content) {
  $("starters").hidden = true;
  const message = el("div", { class: `message ${role}` }, content);
  $("messages").append(message);
  message.scrollIntoView({ block: "nearest" });
  return message;
}

function showAnswer(answer) {
  const message = addMessage("assistant", answerText(answer));
  if (answer.abstained) {
    message.classList.add("abstained");
    message.prepend(el("span", { class: "badge" }, "文件未涉及"), el("br"));
  }
  if (answer.notice) message.append(el("p", { class: "notice" }, answer.notice));
  const tools = el("div", { class: "tools" });
  tools.append(el("button", { type: "button", class: "copy", onclick: () => copyAnswer(answer) }, "复制回答"));
  message.append(tools);
}

async function ask(question) {
  const text = question.trim();
  if (!text) {
    setStatus("请输入问题。", "error");
    return;
  }
  addMessage("user", text);
  $("question").value = "";
  $("send").disabled = true;
  setStatus("正在查找答案", "loading");
  try {
    const answer = await api("/api/ask", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ question: text, history: state.history.slice(-MAX_TURNS) }),
    });
    showAnswer(answer);
    state.history.push({ role: "user", content: text }, { role: "assistant", content: answer.answer });
    setStatus("");
  } catch (error) {
    addMessage("assistant error", error.message);
    setStatus(error.message, "error");
  } finally {
    $("send").disabled = false;
    $("question").focus();
  }
}

function newConversation() {
  state.history = [];
  for (const message of [...document.querySelectorAll("#messages .message")]) message.remove();
  $("starters").hidden = false;
  setStatus("");
  $("question").focus();
}

// ---- document browser -------------------------------------------------------------------

function tocList(docId, nodes) {
  const list = el("ul");
  for (const node of nodes) {
    const item = el("li");
    if (node.is_clause) {
      const open = () => openClause(docId, node.locator);
      item.append(el("button", { type: "button", class: "clause", title: node.label, onclick: open }, node.short_label));
      if (node.children.length) item.append(tocList(docId, node.children));
    } else {
      item.append(el("details", { open: "" }, el("summary", {}, node.short_label), tocList(docId, node.children)));
    }
    list.append(item);
  }
  return list;
}

let tocLoaded = false;
async function loadToc() {
  if (tocLoaded) return;
  try {
    const { documents } = await api("/api/documents");
    $("toc").replaceChildren(...documents.flatMap((d) => [el("h3", {}, d.title), tocList(d.doc_id, d.toc)]));
    tocLoaded = true;
  } catch (error) {
    $("toc").replaceChildren(el("p", { class: "status error" }, error.message));
  }
}

// ---- policy fit ---------------------------------------------------------------------------

function supportItem(measure) {
  // Older servers sent plain strings; now each measure is {text, form, amount, rate, basis, …}.
  if (typeof measure === "string") return el("li", {}, measure);
  const rate = measure.basis ? `按${measure.basis}的${measure.rate}` : measure.rate;
  const figures = [measure.amount, rate].filter(Boolean).join("；");
  const item = el("li");
  if (measure.form) item.append(el("span", { class: "support-form" }, measure.form));
  if (figures) item.append(el("strong", {}, figures), "：");
  item.append(measure.text);
  return item;
}

function fitMatch(match) {
  const reasons = match.reasons.map((r) => `${r.term}（${r.words.join("、")}）`).join("；");
  const card = el(
    "article",
    { class: "fit-match" },
    el("h4", {}, el("span", { class: `level level-${match.level}` }, match.level), match.label, " ", chip(match)),
  );
  if (match.document_title) card.append(el("p", { class: "fit-document" }, `文件：《${match.document_title}》`));
  if (match.lead_unit) card.append(el("p", {}, `牵头单位：${match.lead_unit}`));
  if (reasons) card.append(el("p", {}, `匹配原因：${reasons}`));
  if (match.support.length) {
    card.append(el("p", {}, "支持内容："), el("ul", { class: "fit-support" }, ...match.support.map(supportItem)));
  }
  if (match.conditions.length) card.append(el("p", {}, `条件：${match.conditions.join(" ")}`));
  if (match.excerpt) card.append(el("p", { class: "excerpt" }, match.excerpt));
  if (match.related.length) {
    card.append(el("p", {}, `相关重大项目：${match.related.map((r) => `${r.label}（${r.lead_unit}）`).join("；")}`));
  }
  return card;
}

function showFit(result) {
  const terms = result.profile_terms;
  const named = [...terms.districts, ...terms.industries, ...terms.needs].join("、") || "（未识别）";
  const parts = [el("div", { class: "fit-summary" }, el("p", {}, `识别出的关键词：${named}`), el("p", {}, result.summary))];
  const groups = new Map();
  for (const match of result.matches) {
    if (!groups.has(match.theme)) groups.set(match.theme, []);
    groups.get(match.theme).push(match);
  }
  for (const [theme, matches] of groups) {
    parts.push(el("section", { class: "fit-group" }, el("h3", {}, theme), ...matches.map(fitMatch)));
  }
  $("fit-results").replaceChildren(...parts);
}

async function runFit() {
  const profile = $("fit-profile").value.trim();
  const status = $("fit-status");
  if (!profile) {
    status.textContent = "请先描述您的企业。";
    status.className = "status error";
    return;
  }
  $("fit-send").disabled = true;
  status.textContent = "正在匹配";
  status.className = "status loading";
  try {
    const result = await api("/api/fit", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ profile, district: $("fit-district").value.trim(), industry: $("fit-industry").value.trim() }),
    });
    showFit(result);
    status.textContent = "";
    status.className = "status";
  } catch (error) {
    status.textContent = error.message;
    status.className = "status error";
  } finally {
    $("fit-send").disabled = false;
  }
}

function showView(name) {
  for (const view of ["chat", "fit", "browse", "library"]) {
    $(`${view}-view`).hidden = view !== name;
    $(`tab-${view}`).setAttribute("aria-pressed", String(view === name));
  }
  if (name === "browse") loadToc();
  if (name === "library") loadLibrary();
}

// ---- document library (文件库) ------------------------------------------------------------

const KEY_STORAGE = "policyqa-admin-key"; // sessionStorage only: the key leaves with the tab
const REINDEX_POLL_MS = 1000;
const library = { busy: false };

function setLibraryStatus(text, kind = "") {
  const status = $("library-status");
  status.textContent = text;
  status.className = `status ${kind}`.trim();
}

function admin(path, key, options = {}) {
  return api(path, { ...options, headers: { ...(options.headers || {}), Authorization: `Bearer ${key}` } });
}

function setBusy(busy) {
  library.busy = busy;
  $("upload-send").disabled = busy;
  for (const button of document.querySelectorAll("#library-rows button")) button.disabled = busy;
}

function libraryRow(doc) {
  const name = doc.short_title || doc.title;
  const title = el("td", {}, el("span", { class: "doc-title" }, doc.title));
  if (doc.short_title && doc.short_title !== doc.title) title.append(el("span", { class: "doc-short" }, doc.short_title));
  const remove = el(
    "button",
    {
      type: "button",
      class: "secondary",
      "aria-label": `删除 ${name}`,
      disabled: library.busy ? "" : undefined,
      onclick: () => removeDocument(doc),
    },
    "删除",
  );
  return el(
    "tr",
    {},
    title,
    el("td", {}, doc.number || "—"),
    el("td", {}, doc.issuer || "—"),
    el("td", { class: "date" }, doc.date || "—"),
    el("td", { class: "num" }, String(doc.clauses)),
    el("td", {}, remove),
  );
}

async function loadLibrary() {
  try {
    const { documents } = await api("/api/documents");
    $("library-rows").replaceChildren(...documents.map(libraryRow));
    $("library-count").textContent = `共 ${documents.length} 个文档`;
  } catch (error) {
    setLibraryStatus(error.message, "error");
  }
}

function enteredKey() {
  const key = $("admin-key").value.trim();
  if (!key) setLibraryStatus("请先输入管理密钥。", "error");
  return key;
}

async function waitForReindex(key) {
  const started = Date.now();
  for (;;) {
    const status = await admin("/admin/reindex", key);
    if (status.state === "failed") throw new Error(`索引重建失败，原索引继续服务：${status.error}`);
    if (status.state !== "running") return status;
    const seconds = Math.round((Date.now() - started) / 1000);
    setLibraryStatus(`正在重建索引（已用 ${seconds} 秒）`, "loading");
    await new Promise((resolve) => setTimeout(resolve, REINDEX_POLL_MS));
  }
}

// One change to the library: make it, wait for the re-index, then show the new list.
async function changeLibrary(key, change) {
  setBusy(true);
  try {
    const done = await change();
    setLibraryStatus("正在重建索引", "loading");
    await waitForReindex(key);
    tocLoaded = false; // the browse tab reads the new documents next time it opens
    await loadLibrary();
    setLibraryStatus(`已完成：${done}`);
  } catch (error) {
    setLibraryStatus(error.message, "error");
  } finally {
    setBusy(false);
  }
}

async function upload() {
  if (library.busy) return;
  const key = enteredKey();
  if (!key) return;
  const file = $("upload-file").files[0];
  if (!file) {
    setLibraryStatus("请选择要上传的文件。", "error");
    return;
  }
  const form = new FormData();
  form.append("file", file);
  form.append("short_title", $("upload-short").value.trim());
  await changeLibrary(key, async () => {
    setLibraryStatus("上传中", "loading");
    const added = await admin("/admin/documents", key, { method: "POST", body: form });
    $("upload-file").value = "";
    $("upload-short").value = "";
    return `已上传《${added.document.short_title || added.document.title}》。`;
  });
}

async function removeDocument(doc) {
  if (library.busy) return;
  const key = enteredKey();
  if (!key) return;
  const name = doc.short_title || doc.title;
  if (!confirm(`确定从文件库删除《${name}》吗？删除后将重建索引。`)) return;
  await changeLibrary(key, async () => {
    setLibraryStatus("正在删除", "loading");
    const removed = await admin(`/admin/documents/${encodeURIComponent(doc.doc_id)}`, key, { method: "DELETE" });
    return `已删除《${removed.title}》。`;
  });
}

// ---- wiring -----------------------------------------------------------------------------

$("ask-form").addEventListener("submit", (event) => {
  event.preventDefault();
  ask($("question").value);
});
$("question").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    ask($("question").value);
  }
});
$("new-chat").addEventListener("click", newConversation);
$("panel-close").addEventListener("click", closePanel);
$("tab-chat").addEventListener("click", () => showView("chat"));
$("tab-browse").addEventListener("click", () => showView("browse"));
$("tab-fit").addEventListener("click", () => showView("fit"));
$("tab-library").addEventListener("click", () => showView("library"));
$("admin-key").value = sessionStorage.getItem(KEY_STORAGE) || "";
$("admin-key").addEventListener("input", () => {
  const key = $("admin-key").value.trim();
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
});
$("upload-form").addEventListener("submit", (event) => {
  event.preventDefault();
  upload();
});
$("fit-form").addEventListener("submit", (event) => {
  event.preventDefault();
  runFit();
});
for (const starter of document.querySelectorAll(".starter")) {
  starter.addEventListener("click", () => ask(starter.textContent));
}
window.addEventListener("hashchange", openFromHash);
openFromHash();
