// SourceSearch page: plain DOM, no build step. Article text is only ever placed with textContent.
"use strict";

const texts = {
  zh: {
    brand: "SourceSearch 文献检索", search: "搜索", searchPlaceholder: "搜索，例如：蘇州 人工智能", script: "字形",
    original: "原文", askTitle: "提问", askPlaceholder: "例如：苏州人工智能产业规模有多大？", ask: "提问",
    addTitle: "添加文章", title: "标题", source: "来源", date: "日期", author: "作者", text: "正文",
    token: "管理令牌（服务器要求时填写）", add: "添加", back: "← 返回搜索",
    results: (n, lower, ms) => `${lower ? "超过 " : ""}${n} 篇结果（${ms} 毫秒）`, none: "没有找到结果。",
    prev: "上一页", next: "下一页", searching: "搜索中…", asking: "思考中…",
    extractive: "摘录", llm: "LLM", notFound: "语料中没有找到答案。", untitled: "（无标题）",
    added: "已添加：", alsoAs: "其他版本：", loading: "加载中…", error: "出错了：", searched: "检索词：",
    sources: "来源", allSources: "全部来源",
    noneHelp: "试试另一种字形（简体/繁體）、去掉一个词，或去掉筛选条件。",
  },
  en: {
    brand: "SourceSearch", search: "Search", searchPlaceholder: "Search, e.g. 蘇州 人工智能", script: "Script",
    original: "Original", askTitle: "Ask a question", askPlaceholder: "e.g. 苏州人工智能产业规模有多大？", ask: "Ask",
    addTitle: "Add an article", title: "Title", source: "Source", date: "Date", author: "Author", text: "Text",
    token: "Admin token (if the server needs one)", add: "Add", back: "← Back to search",
    results: (n, lower, ms) => `${lower ? "more than " : ""}${n} results (${ms} ms)`, none: "No results.",
    prev: "Previous", next: "Next", searching: "Searching…", asking: "Thinking…",
    extractive: "extractive", llm: "LLM", notFound: "No answer found in the corpus.", untitled: "(untitled)",
    added: "Added: ", alsoAs: "Also as: ", loading: "Loading…", error: "Error: ", searched: "Searched: ",
    sources: "Sources", allSources: "All sources",
    noneHelp: "Try the other script (简体/繁體), remove a word, or remove the filters.",
  },
};

let lang = localStorage.getItem("lang") || ((navigator.language || "").toLowerCase().startsWith("zh") ? "zh" : "en");
const t = (key) => texts[lang][key] ?? texts.en[key] ?? key;
const $ = (id) => document.getElementById(id);
const PAGE_SIZE = 10;

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "text") node.textContent = v;
    else if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

function applyLanguage() {
  document.documentElement.lang = lang === "zh" ? "zh" : "en";
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = t(node.dataset.i18nPlaceholder);
  $("lang").textContent = lang === "zh" ? "English" : "中文";
}

// Links to an article: the id is percent-encoded as one path segment (ids may hold / # ? and spaces).
function articleLink(id, start, end) {
  const params = new URLSearchParams();
  if (start != null && end != null) { params.set("start", start); params.set("end", end); }
  const script = currentScript();
  if (script !== "original") params.set("script", script);
  const query = params.toString();
  return `/articles/${encodeURIComponent(id)}${query ? "?" + query : ""}`;
}

function currentScript() {
  return new URLSearchParams(location.search).get("script") || localStorage.getItem("script") || "original";
}

async function problemText(response) {
  try {
    const body = await response.json();
    return body.detail || body.title || response.statusText;
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

// ---- search ----

async function runSearch() {
  const params = new URLSearchParams(location.search);
  const q = params.get("q") || "";
  const page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
  $("q").value = q;
  const results = $("results"), status = $("status"), notices = $("notices"), pager = $("pager");
  results.replaceChildren(); notices.replaceChildren(); pager.replaceChildren();
  if (!q.trim()) { status.textContent = ""; return; }
  status.textContent = t("searching");
  const api = new URLSearchParams({ q, page: String(page), size: String(PAGE_SIZE) });
  const script = currentScript();
  if (script !== "original") api.set("script", script);
  for (const f of ["source", "from", "to"]) if (params.get(f)) api.set(f, params.get(f));
  let response;
  try { response = await fetch(`/api/search?${api}`); }
  catch (e) { status.textContent = t("error") + e.message; return; }
  if (!response.ok) { status.textContent = t("error") + await problemText(response); return; }
  const data = await response.json();
  status.textContent = data.total === 0 ? t("none") : t("results")(data.total, data.totalIsLowerBound, Math.round(data.took_ms));
  for (const n of data.notices) notices.append(el("li", { text: n }));
  if (data.total === 0) notices.append(el("li", { class: "help", text: t("noneHelp") }));
  renderFacets(data.facets, params.get("source"));
  for (const hit of data.hits) results.append(renderHit(hit));
  renderPager(q, page, Math.ceil(data.total / PAGE_SIZE));
}

// Source facets with their counts; a link filters by one source (kept in the URL as ?source=), another removes it.
function renderFacets(facets, current) {
  let box = $("facets");
  if (!box) { box = el("nav", { id: "facets", class: "facets" }); $("results").before(box); }
  box.replaceChildren();
  const entries = Object.entries(facets?.sources || {});
  if (!entries.length && !current) return;
  box.append(el("span", { class: "label", text: t("sources") + "：" }));
  const link = (source, label, active) => {
    const params = new URLSearchParams(location.search);
    params.delete("page");
    if (source) params.set("source", source); else params.delete("source");
    const a = el("a", { href: `/?${params}`, text: label, class: "facet" });
    if (active) a.setAttribute("aria-current", "true");
    a.addEventListener("click", (e) => { e.preventDefault(); history.pushState(null, "", a.href); runSearch(); });
    return a;
  };
  if (current) box.append(link(null, t("allSources"), false), " ");
  for (const [source, count] of entries) { const a = link(source, `${source} (${count})`, source === current); a.dataset.source = source; box.append(a, " "); }
}

function renderHit(hit) {
  const snippet = el("p", { class: "snippet" });
  let at = 0;
  for (const h of hit.highlights) {
    if (h.snippetStart < at) continue;
    snippet.append(document.createTextNode(hit.snippet.slice(at, h.snippetStart)));
    snippet.append(el("mark", { text: hit.snippet.slice(h.snippetStart, h.snippetEnd) }));
    at = h.snippetEnd;
  }
  snippet.append(document.createTextNode(hit.snippet.slice(at)));
  const meta = [hit.source, hit.date, hit.author].filter(Boolean).join(" · ");
  const item = el("li", { class: "hit" },
    el("a", { class: "title", href: articleLink(hit.id, hit.start, hit.end), text: hit.title || t("untitled") }),
    el("p", { class: "meta", text: meta }),
    snippet);
  if (hit.otherVersions.length) {
    const versions = el("p", { class: "meta", text: t("alsoAs") });
    for (const v of hit.otherVersions) versions.append(el("a", { href: articleLink(v), text: v }), " ");
    item.append(versions);
  }
  return item;
}

function pageLink(q, page, label, current) {
  const params = new URLSearchParams(location.search);
  params.set("q", q); params.set("page", String(page));
  const a = el("a", { href: `/?${params}`, text: label });
  if (current) a.setAttribute("aria-current", "page");
  a.addEventListener("click", (e) => { e.preventDefault(); history.pushState(null, "", a.href); runSearch(); scrollTo(0, 0); });
  return a;
}

function renderPager(q, page, pages) {
  const pager = $("pager");
  if (pages <= 1) return;
  if (page > 1) pager.append(pageLink(q, page - 1, t("prev")));
  const first = Math.max(1, page - 4), last = Math.min(pages, first + 8);
  for (let p = first; p <= last; p++) pager.append(pageLink(q, p, String(p), p === page));
  if (page < pages) pager.append(pageLink(q, page + 1, t("next")));
}

// ---- ask ----

async function ask(question) {
  const box = $("answer");
  box.replaceChildren(el("p", { class: "status", text: t("asking") }));
  const api = new URLSearchParams({ question });
  const script = currentScript();
  if (script !== "original") api.set("script", script);
  let response;
  try { response = await fetch(`/api/ask/stream?${api}`, { headers: { Accept: "text/event-stream" } }); }
  catch (e) { box.replaceChildren(el("p", { class: "error", text: t("error") + e.message })); return; }
  if (!response.ok) { box.replaceChildren(el("p", { class: "error", text: t("error") + await problemText(response) })); return; }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "", streamed = "";
  const live = el("p", { class: "answer-text" });
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut); buffer = buffer.slice(cut + 2);
      let event = "message", data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (event === "delta") { streamed += data.join("\n"); live.textContent = streamed; box.replaceChildren(live); }
      else if (event === "answer") renderAnswer(JSON.parse(data.join("\n")));
    }
  }
}

function renderAnswer(a) {
  const box = $("answer");
  const label = el("span", { class: `label ${a.mode}`, text: t(a.mode === "llm" ? "llm" : "extractive") });
  if (!a.found) {
    box.replaceChildren(el("p", {}, label, " ", a.answer || t("notFound")));
    return;
  }
  const byN = new Map(a.citations.map((c) => [c.n, c]));
  const text = el("p", { class: "answer-text" }, label, " ");
  // The answer's [n] markers become links to the cited place.
  const parts = a.answer.split(/\[(\d+)\]/);
  parts.forEach((part, i) => {
    if (i % 2 === 0) { text.append(document.createTextNode(part)); return; }
    const c = byN.get(Number(part));
    text.append(c ? el("a", { class: "cite", href: articleLink(c.id, c.start, c.end), text: `[${part}]` }) : `[${part}]`);
  });
  const list = el("ol", { class: "citations" });
  for (const c of a.citations) {
    list.append(el("li", { value: String(c.n) },
      el("a", { href: articleLink(c.id, c.start, c.end), text: `[${c.n}] ${c.id}` }), " ",
      el("q", { text: c.quote })));
  }
  box.replaceChildren(text, list);
  if (a.notice) box.append(el("p", { class: "meta", text: a.notice }));
  if (a.searched?.length) box.append(el("p", { class: "meta", text: t("searched") + a.searched.join(" ") }));
}

// ---- article view ----

async function showArticle() {
  $("search-view").hidden = true;
  $("article-view").hidden = false;
  const id = decodeURIComponent(location.pathname.slice("/articles/".length));
  const params = new URLSearchParams(location.search);
  const api = new URLSearchParams();
  const script = currentScript();
  if (script !== "original") api.set("script", script);
  if (params.has("start") && params.has("end")) { api.set("start", params.get("start")); api.set("end", params.get("end")); }
  const body = $("article-text");
  body.textContent = t("loading");
  const response = await fetch(`/api/articles/${encodeURIComponent(id)}?${api}`);
  if (!response.ok) { body.textContent = t("error") + await problemText(response); return; }
  const a = await response.json();
  const shown = a.display || a;
  $("article-title").textContent = shown.title || a.title || t("untitled");
  document.title = `${shown.title || a.id} · SourceSearch`;
  $("article-meta").textContent = [a.source, a.date, a.author, a.id].filter(Boolean).join(" · ");
  const versions = $("article-versions");
  versions.replaceChildren();
  if (a.otherVersions.length) {
    versions.append(t("alsoAs"));
    for (const v of a.otherVersions) versions.append(el("a", { href: articleLink(v), text: v }), " ");
  }
  // The passage to mark: ?start=&end= (a citation), or #pN (the N-th passage).
  let mark = a.display ? a.display.mark : (params.has("start") ? { start: +params.get("start"), end: +params.get("end") } : null);
  const p = /^#p(\d+)$/.exec(location.hash);
  if (!mark && p) mark = shown.passages.find((x) => x.n === Number(p[1])) || null;
  const text = shown.text;
  if (!mark) { body.textContent = text; return; }
  const marked = el("mark", { id: "cited", text: text.slice(mark.start, mark.end) });
  body.replaceChildren(document.createTextNode(text.slice(0, mark.start)), marked, document.createTextNode(text.slice(mark.end)));
  marked.scrollIntoView({ block: "center" });
}

// ---- add ----

async function addArticle(form) {
  const status = $("add-status");
  const data = Object.fromEntries(new FormData(form));
  const token = data.token; delete data.token;
  for (const k of Object.keys(data)) if (data[k] === "") delete data[k];
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch("/api/articles", { method: "POST", headers, body: JSON.stringify(data) });
  if (!response.ok) { status.textContent = t("error") + await problemText(response); return; }
  const written = await response.json();
  status.replaceChildren(t("added"), el("a", { href: articleLink(written.id), text: written.id }));
  form.reset();
}

// ---- wiring ----

function route() {
  if (location.pathname.startsWith("/articles/")) showArticle();
  else { $("search-view").hidden = false; $("article-view").hidden = true; runSearch(); }
}

document.addEventListener("DOMContentLoaded", () => {
  applyLanguage();
  $("script").value = currentScript();
  $("search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const params = new URLSearchParams({ q: $("q").value });
    const script = currentScript();
    if (script !== "original") params.set("script", script);
    if (location.pathname !== "/") { location.href = `/?${params}`; return; }
    history.pushState(null, "", `/?${params}`);
    runSearch();
  });
  $("ask-form").addEventListener("submit", (e) => { e.preventDefault(); if ($("question").value.trim()) ask($("question").value); });
  $("add-form").addEventListener("submit", (e) => { e.preventDefault(); addArticle(e.target); });
  $("lang").addEventListener("click", () => { lang = lang === "zh" ? "en" : "zh"; localStorage.setItem("lang", lang); applyLanguage(); route(); });
  $("script").addEventListener("change", () => {
    const script = $("script").value;
    localStorage.setItem("script", script);
    const params = new URLSearchParams(location.search);
    if (script === "original") params.delete("script"); else params.set("script", script);
    const query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
    route();
  });
  window.addEventListener("popstate", route);
  route();
});
