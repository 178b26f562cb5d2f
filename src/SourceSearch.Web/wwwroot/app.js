// SourceSearch page: plain DOM, no build step. Article text is only ever placed with textContent.
"use strict";

const texts = {
  zh: {
    brand: "SourceSearch 文献检索", search: "搜索", searchPlaceholder: "搜索，例如：蘇州 人工智能", datePlaceholder: "年或日期", script: "字形",
    original: "原文", askTitle: "提问", askPlaceholder: "例如：苏州人工智能产业规模有多大？", ask: "提问",
    addTitle: "添加文章", title: "标题", source: "来源", date: "日期", author: "作者", text: "正文",
    token: "管理令牌（服务器要求时填写）", add: "添加", back: "← 返回搜索",
    results: (n, lower, ms) => `${lower ? "超过 " : ""}${n} 篇结果（${ms} 毫秒）`, none: "没有找到结果。",
    prev: "上一页", next: "下一页", searching: "搜索中…", asking: "思考中…",
    extractive: "摘录", llm: "LLM", notFound: "语料中没有找到答案。", untitled: "（无标题）",
    added: "已添加：", alsoAs: "其他版本：", loading: "加载中…", error: "出错了：", searched: "检索词：",
    sources: "来源", allSources: "全部来源",
    noneHelp: "检查用字，或换一个说法。", noneFilters: "去掉筛选条件", noneTry: "试试：",
    from: "起", to: "止", sortBy: "排序", sortRelevance: "相关度", sortDate: "日期（新的在前）", filter: "筛选", clearFilters: "清除筛选", years: "年份", file: "或上传文件",
    needText: "请填写正文或选择一个文件。", copyCitation: "复制引用", copied: "已复制引用：", passage: "段",
    backToResults: "← 返回结果", uploaded: (n) => `已添加 ${n} 篇：`, failedFiles: "未能添加：",
    fileMeta: "上传文件时，标题、来源、日期和作者取自文件本身；要自己填写，请先清除所选文件。",
    whyTranslated: "英文译词匹配：", whyTitle: "标题中匹配", closest: "最接近的段落：", translated: "英文译为：", without: (w) => `去掉“${w}”`, didYouMean: "你是不是要找：", titleKind: "标题", polyphonic: "多音字，读法之一", polyphonicShort: "多音", reading: "拼音",
  },
  en: {
    brand: "SourceSearch", search: "Search", searchPlaceholder: "Search, e.g. 蘇州 人工智能", datePlaceholder: "YYYY[-MM[-DD]]", script: "Script",
    original: "Original", askTitle: "Ask a question", askPlaceholder: "e.g. 苏州人工智能产业规模有多大？", ask: "Ask",
    addTitle: "Add an article", title: "Title", source: "Source", date: "Date", author: "Author", text: "Text",
    token: "Admin token (if the server needs one)", add: "Add", back: "← Back to search",
    results: (n, lower, ms) => `${lower ? "more than " : ""}${n} results (${ms} ms)`, none: "No results.",
    prev: "Previous", next: "Next", searching: "Searching…", asking: "Thinking…",
    extractive: "extractive", llm: "LLM", notFound: "No answer found in the corpus.", untitled: "(untitled)",
    added: "Added: ", alsoAs: "Also as: ", loading: "Loading…", error: "Error: ", searched: "Searched: ",
    sources: "Sources", allSources: "All sources",
    noneHelp: "Check the characters, or put it another way.", noneFilters: "remove the filters", noneTry: "Try: ",
    from: "From", to: "To", sortBy: "Sort", sortRelevance: "Relevance", sortDate: "Newest first", filter: "Filter", clearFilters: "Clear filters", years: "Years", file: "Or upload a file",
    needText: "Write the text or choose a file.", copyCitation: "Copy citation", copied: "Citation copied: ", passage: "Passage",
    backToResults: "← Back to the results", uploaded: (n) => `Added ${n}: `, failedFiles: "Not added: ",
    fileMeta: "With a file, the title, source, date and author come from the file itself; to type them, clear the chosen file first.",
    whyTranslated: "Matched the translations: ", whyTitle: "Matched in the title", closest: "Closest passages:", translated: "Translated: ", without: (w) => `without ${w}`, didYouMean: "Did you mean: ", titleKind: "title", polyphonic: "polyphonic: one of its readings", polyphonicShort: "polyphonic", reading: "pinyin",
  },
};

let lang = localStorage.getItem("lang") || ((navigator.language || "").toLowerCase().startsWith("zh") ? "zh" : "en");
const t = (key) => texts[lang][key] ?? texts.en[key] ?? key;
// A message of the server in the page's language: {code, text, zh}, or a plain string.
const said = (m) => (m == null ? "" : typeof m === "string" ? m : lang === "zh" ? m.zh : m.text);
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
  if ($("add-form")) fileChosen($("add-form")); // the note about a chosen file, in the new language
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
    // The server says it in both languages (detail in English, zh in Chinese); the code is for programs.
    return (lang === "zh" && body.zh) || body.detail || body.title || response.statusText;
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

// ---- search ----

// Each search gets a number and aborts the one before: a slow answer to an older query never
// overwrites the results of a newer one.
let searchSerial = 0, searchAbort = null;

async function runSearch() {
  const serial = ++searchSerial;
  searchAbort?.abort();
  const abort = searchAbort = new AbortController();
  const params = new URLSearchParams(location.search);
  const q = params.get("q") || "";
  const page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
  $("q").value = q;
  $("from").value = params.get("from") || "";
  $("to").value = params.get("to") || "";
  $("sort").value = params.get("sort") === "date" ? "date" : "relevance";
  const results = $("results"), status = $("status"), notices = $("notices"), pager = $("pager");
  results.replaceChildren(); notices.replaceChildren(); pager.replaceChildren();
  if (!q.trim()) { status.textContent = ""; $("facets")?.replaceChildren(); return; }
  sessionStorage.setItem("lastSearch", location.pathname + location.search);
  status.textContent = t("searching");
  const api = new URLSearchParams({ q, page: String(page), size: String(PAGE_SIZE) });
  const script = currentScript();
  if (script !== "original") api.set("script", script);
  for (const f of ["source", "from", "to"]) if (params.get(f)) api.set(f, params.get(f));
  if (params.get("sort") === "date") api.set("sort", "date");
  const failed = (node) => { $("facets")?.replaceChildren(); status.replaceChildren(node); };
  let data;
  try {
    const response = await fetch(`/api/search?${api}`, { signal: abort.signal });
    if (serial !== searchSerial) return;
    if (!response.ok) {
      const problem = await problemText(response);
      if (serial === searchSerial) failed(el("span", { class: "error", text: t("error") + problem }));
      return;
    }
    data = await response.json();
  } catch (e) {
    if (serial === searchSerial) failed(el("span", { class: "error", text: t("error") + e.message }));
    return;
  }
  if (serial !== searchSerial) return;
  status.textContent = data.total === 0 ? t("none") : t("results")(data.total, data.totalIsLowerBound, Math.round(data.took_ms));
  for (const n of data.notices) notices.append(el("li", { text: said(n), "data-code": n.code }));
  if (data.didYouMean) notices.append(didYouMean(data.didYouMean));
  if (data.total === 0) notices.append(noneHelp(q, params));
  renderFacets(data.facets, params);
  const translated = data.understood?.translation?.length > 0;
  for (const hit of data.hits) results.append(renderHit(hit, translated));
  renderPager(q, page, Math.ceil(data.total / PAGE_SIZE));
}

// Facets with their counts: a source link filters by that source (?source=), a year link by that year
// (?from=Y&to=Y); "all sources" removes the source filter. Every filter lives in the URL.
function renderFacets(facets, params) {
  let box = $("facets");
  if (!box) { box = el("nav", { id: "facets", class: "facets" }); $("results").before(box); }
  box.replaceChildren();
  const link = (change, label, active) => {
    const next = new URLSearchParams(location.search);
    next.delete("page");
    for (const [k, v] of Object.entries(change)) { if (v) next.set(k, v); else next.delete(k); }
    const a = el("a", { href: `/?${next}`, text: label, class: "facet" });
    if (active) a.setAttribute("aria-current", "true");
    a.addEventListener("click", (e) => { e.preventDefault(); history.pushState(null, "", a.href); runSearch(); });
    return a;
  };
  const current = params.get("source");
  const sources = Object.entries(facets?.sources || {});
  if (sources.length || current) {
    const row = el("p", { class: "facet-row" }, el("span", { class: "label", text: t("sources") + (lang === "zh" ? "：" : ":") }));
    if (current) row.append(link({ source: null }, t("allSources"), false), " ");
    // Under a display script the names are shown converted; the link filters by the stored name.
    const label = (source) => facets?.sourceLabels?.[source] ?? source;
    for (const [source, count] of sources) { const a = link({ source }, `${label(source)} (${count})`, source === current); a.dataset.source = source; row.append(a, " "); }
    box.append(row);
  }
  const years = Object.entries(facets?.years || {}).sort((a, b) => Number(b[0]) - Number(a[0]));
  if (years.length > 1 || (years.length && (params.get("from") || params.get("to")))) {
    const row = el("p", { class: "facet-row" }, el("span", { class: "label", text: t("years") + (lang === "zh" ? "：" : ":") }));
    for (const [year, count] of years.slice(0, 12)) {
      const a = link({ from: year, to: year }, `${year} (${count})`, params.get("from") === year && params.get("to") === year);
      a.dataset.year = year; row.append(a, " ");
    }
    box.append(row);
  }
}

// Every hit says why it matched: its highlights, and a note when those alone would not (the title matched, or
// the words are translations of an English query).
function renderHit(hit, translated) {
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
  const title = el("a", { class: "title", href: articleLink(hit.id, hit.start, hit.end) });
  if (!hit.title) title.textContent = t("untitled");
  else {
    // The words of the query the title holds are marked, as in the snippet.
    let from = 0;
    for (const h of hit.titleHighlights || []) {
      if (h.start < from) continue;
      title.append(document.createTextNode(hit.title.slice(from, h.start)), el("mark", { text: hit.title.slice(h.start, h.end) }));
      from = h.end;
    }
    title.append(document.createTextNode(hit.title.slice(from)));
  }
  const item = el("li", { class: "hit" },
    title,
    el("p", { class: "meta", text: meta }),
    snippet);
  const marked = [...new Set(hit.highlights.map((h) => hit.snippet.slice(h.snippetStart, h.snippetEnd)))];
  if (translated && marked.length) item.append(el("p", { class: "meta why", text: t("whyTranslated") + marked.join(" ") }));
  else if (!hit.highlights.length && hit.titleHighlights?.length) item.append(el("p", { class: "meta why", text: t("whyTitle") }));
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
    // Not found: why, what was searched, and the nearest passages, each opening its place in the article.
    box.replaceChildren(el("p", { class: "not-found" }, label, " ", t("notFound")));
    const reason = said(a.reasonMessage) || a.reasonText;
    if (reason) box.append(el("p", { class: "meta reason", "data-code": a.reasonMessage?.code ?? "" , text: reason }));
    if (a.searched?.length) box.append(el("p", { class: "meta searched", text: t("searched") + a.searched.join(" ") }));
    if (a.translation?.length) box.append(el("p", { class: "meta", text: t("translated") + a.translation.map((w) => `${w.english} → ${w.chinese.join("/")}`).join("; ") }));
    if (a.closest?.length) {
      const list = el("ol", { class: "closest" });
      for (const c of a.closest)
        list.append(el("li", {}, el("a", { href: articleLink(c.id, c.start, c.end), text: c.title || c.id }), " ", el("q", { text: c.quote })));
      box.append(el("p", { class: "closest-title", text: t("closest") }), list);
    }
    if (a.notice) box.append(el("p", { class: "meta", text: said(a.noticeMessage) || a.notice }));
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
      el("a", { href: articleLink(c.id, c.start, c.end), text: `[${c.n}] ${c.title || c.id}` }), " ",
      el("q", { text: c.quote })));
  }
  box.replaceChildren(text, list);
  if (a.notice) box.append(el("p", { class: "meta", text: said(a.noticeMessage) || a.notice }));
  if (a.searched?.length) box.append(el("p", { class: "meta", text: t("searched") + a.searched.join(" ") }));
}

// ---- article view ----

async function showArticle() {
  $("search-view").hidden = true;
  $("article-view").hidden = false;
  $("copy-status").textContent = "";
  const back = sessionStorage.getItem("lastSearch");
  $("back").href = back || "/";
  $("back").textContent = back ? t("backToResults") : t("back");
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
  $("article-meta").textContent = [shown.source ?? a.source, a.date, shown.author ?? a.author, a.id].filter(Boolean).join(" · ");
  const versions = $("article-versions");
  versions.replaceChildren();
  if (a.otherVersions.length) {
    versions.append(t("alsoAs"));
    for (const v of a.otherVersions) versions.append(el("a", { href: articleLink(v), text: v }), " ");
  }
  // The range to mark: ?start=&end= (a citation or a hit), else the passage named by #pN.
  const mark = a.display ? a.display.mark : (params.has("start") ? { start: +params.get("start"), end: +params.get("end") } : null);
  body.replaceChildren(...renderPassages(shown.text, shown.passages, mark, a, shown.title || a.title));
  const target = markTarget();
  const focus = document.getElementById("cited") || target;
  if (focus) focus.scrollIntoView({ block: "center" });
}

// The passage named by #pN gets class "target" (:target does not follow elements made after the page loaded).
function markTarget() {
  for (const p of document.querySelectorAll(".passage.target")) p.classList.remove("target");
  const n = /^#p(\d+)$/.exec(location.hash)?.[1];
  const target = n ? document.getElementById(`p${n}`) : null;
  target?.classList.add("target");
  return target;
}

// The text as its passages, each a paragraph with a stable anchor (#pN: the N-th passage of the unchanged
// text), a link to it and a copy-citation button. Text between passages (white space) is left out.
function renderPassages(text, passages, mark, article, title) {
  if (!passages.length) passages = [{ n: 1, start: 0, end: text.length }];
  const nodes = [];
  let first = true;
  for (const p of passages) {
    const para = el("p", { class: "passage", id: `p${p.n}` });
    const from = mark ? Math.max(p.start, mark.start) : 0, to = mark ? Math.min(p.end, mark.end) : 0;
    if (mark && from < to) {
      const m = el("mark", { text: text.slice(from, to) });
      if (first) { m.id = "cited"; first = false; }
      para.append(text.slice(p.start, from), m, text.slice(to, p.end));
    } else para.append(text.slice(p.start, p.end));
    const link = `${location.origin}/articles/${encodeURIComponent(article.id)}#p${p.n}`;
    const tools = el("span", { class: "passage-tools" }, " ",
      el("a", { class: "plink", href: `#p${p.n}`, title: `${t("passage")} ${p.n}`, text: `¶${p.n}` }), " ",
      el("button", { type: "button", class: "link copy", "data-n": String(p.n), text: t("copyCitation") }));
    tools.querySelector("button").addEventListener("click", () => copyCitation(article, title, p.n, link));
    para.append(tools);
    nodes.push(para);
  }
  return nodes;
}

async function copyCitation(article, title, n, link) {
  const citation = [title || article.id, article.source, article.date, `${t("passage")} ${n}`].filter(Boolean).join(", ") + ". " + link;
  try { await navigator.clipboard.writeText(citation); }
  catch {
    // Without the clipboard API (a page over plain http on another host), copy through a selected text area.
    const area = el("textarea", { readonly: "" }); area.value = citation; document.body.append(area);
    area.select(); document.execCommand("copy"); area.remove();
  }
  $("copy-status").textContent = t("copied") + citation;
}

// ---- add ----

// Pasted text goes as JSON; a chosen file as a multipart upload read by the importer. After saving, the
// article opens (it is searchable at once); errors stay inline under the form.
async function addArticle(form) {
  const status = $("add-status");
  const data = Object.fromEntries(new FormData(form));
  const file = data.file instanceof File && data.file.name ? data.file : null;
  const token = data.token;
  delete data.token; delete data.file;
  for (const k of Object.keys(data)) if (typeof data[k] !== "string" || data[k].trim() === "") delete data[k];
  if (!file && !data.text) { status.replaceChildren(el("span", { class: "error", text: t("needText") })); return; }
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  let body;
  if (file) { body = new FormData(); body.append("file", file, file.name); }
  else { headers["Content-Type"] = "application/json"; body = JSON.stringify(data); }
  status.textContent = t("loading");
  let response;
  try { response = await fetch("/api/articles", { method: "POST", headers, body }); }
  catch (e) { status.replaceChildren(el("span", { class: "error", text: t("error") + e.message })); return; }
  if (!response.ok) { status.replaceChildren(el("span", { class: "error", text: t("error") + await problemText(response) })); return; }
  const written = await response.json();
  const added = written.added || [written];
  status.replaceChildren(file ? t("uploaded")(added.length) : t("added"));
  for (const a of added) status.append(el("a", { href: articleLink(a.id), text: a.id }), " ");
  if (written.failed?.length) status.append(el("span", { class: "error", text: t("failedFiles") + written.failed.map((f) => `${f.file}: ${lang === "zh" && f.zh ? f.zh : f.reason}`).join("; ") }));
  form.reset();
  if (added.length === 1 && !written.failed?.length) { history.pushState(null, "", articleLink(added[0].id)); route(); }
}

// An upload is read by the importer, which takes the title and metadata from the file: the typed fields
// would be silently dropped, so they are disabled (and left out of the form data) while a file is chosen.
function fileChosen(form) {
  const chosen = form.elements.file.files.length > 0;
  for (const name of ["title", "source", "date", "author", "text"]) form.elements[name].disabled = chosen;
  $("file-note").textContent = chosen ? t("fileMeta") : "";
}

// Nothing found: what would help. Search already ignores script, and words typed apart already find the articles
// with some of them, so what is left to take away is the filters; else the words themselves.
function noneHelp(q, params) {
  const li = el("li", { class: "help" });
  const words = queryParts(q);
  if (["source", "from", "to"].some((f) => params.get(f))) {
    const a = el("a", { href: "#", class: "none-filters", text: t("noneFilters") });
    a.addEventListener("click", (e) => { e.preventDefault(); setFilters({ source: "", from: "", to: "" }); });
    li.append(t("noneTry"), a);
  } else if (words.length > 1) {
    // A phrase, a title: clause or an exclusion can rule everything out: offer the query without each part.
    li.append(t("noneTry"));
    words.slice(0, 5).forEach((w, i) => {
      const rest = words.filter((_, j) => j !== i).join(" ");
      const a = el("a", { href: "#", class: "none-without", text: t("without")(w) });
      a.addEventListener("click", (e) => { e.preventDefault(); search(rest); });
      li.append(i ? "、" : "", a);
    });
  } else li.textContent = t("noneHelp");
  return li;
}

// The parts of a query as typed: words, and "quoted phrases" kept whole.
function queryParts(q) {
  return q.match(/[-\w:]*["“「][^"”」]*["”」]?|[^\s\u3000]+/gu)?.filter((w) => w.trim()) ?? [];
}

// A query mended from the index's vocabulary (pinyin, a near-miss character), as a link that searches it.
function didYouMean(better) {
  const a = el("a", { href: "#", text: better });
  a.addEventListener("click", (e) => { e.preventDefault(); search(better); });
  return el("li", { class: "did-you-mean" }, t("didYouMean"), a);
}

// Searches for `q` as the search box would (the filters and sort in the URL stay).
function search(q) {
  $("q").value = q;
  $("search-form").requestSubmit();
}

// ---- suggestions as you type ----

// Debounced: a request goes out once typing pauses, and each aborts the one before, so an older answer never
// replaces a newer one. Arrow keys move through the list, Enter takes the active one, Escape closes it.
let suggestTimer = 0, suggestAbort = null, suggestItems = [], suggestActive = -1;
const SUGGEST_DELAY_MS = 120;

function closeSuggestions() {
  suggestAbort?.abort();
  clearTimeout(suggestTimer);
  suggestItems = []; suggestActive = -1;
  $("suggestions").hidden = true;
  $("suggestions").replaceChildren();
  $("q").setAttribute("aria-expanded", "false");
  $("q").removeAttribute("aria-activedescendant");
}

function scheduleSuggestions() {
  clearTimeout(suggestTimer);
  const q = $("q").value;
  if (!q.trim()) { closeSuggestions(); return; }
  suggestTimer = setTimeout(() => fetchSuggestions(q), SUGGEST_DELAY_MS);
}

async function fetchSuggestions(q) {
  suggestAbort?.abort();
  const abort = suggestAbort = new AbortController();
  const api = new URLSearchParams({ q });
  const script = currentScript();
  if (script !== "original") api.set("script", script);
  let data;
  try {
    const response = await fetch(`/api/suggest?${api}`, { signal: abort.signal });
    if (!response.ok) return;
    data = await response.json();
  } catch { return; }
  if (abort !== suggestAbort || $("q").value !== q || document.activeElement !== $("q")) return;
  renderSuggestions(data.suggestions);
}

function renderSuggestions(items) {
  const list = $("suggestions");
  suggestItems = items; suggestActive = -1;
  list.replaceChildren();
  $("q").removeAttribute("aria-activedescendant");
  if (!items.length) { list.hidden = true; $("q").setAttribute("aria-expanded", "false"); return; }
  items.forEach((s, i) => {
    const li = el("li", { id: `suggestion-${i}`, role: "option", "aria-selected": "false", "data-kind": s.kind }, el("span", { class: "text", text: s.text }));
    if (s.kind === "title") li.append(el("span", { class: "kind", text: t("titleKind") }));
    if (s.pinyin?.length) {
      // A polyphonic term shows all its readings and says so: the typed letters matched one of them.
      const reading = el("span", { class: "reading" + (s.polyphonic ? " polyphonic" : ""),
        text: s.pinyin.join(" / ") + (s.polyphonic ? ` (${t("polyphonicShort")})` : "") });
      reading.title = s.polyphonic ? t("polyphonic") : t("reading");
      li.append(reading);
    }
    // mousedown, not click: the input's blur would close the list first.
    li.addEventListener("mousedown", (e) => { e.preventDefault(); chooseSuggestion(i); });
    list.append(li);
  });
  list.hidden = false;
  $("q").setAttribute("aria-expanded", "true");
}

function moveSuggestion(step) {
  if (!suggestItems.length) return;
  const items = $("suggestions").children;
  items[suggestActive]?.classList.remove("active");
  items[suggestActive]?.setAttribute("aria-selected", "false");
  const n = suggestItems.length;
  suggestActive = suggestActive < 0 ? (step > 0 ? 0 : n - 1) : (suggestActive + step + n) % n;
  items[suggestActive].classList.add("active");
  items[suggestActive].setAttribute("aria-selected", "true");
  $("q").setAttribute("aria-activedescendant", items[suggestActive].id);
}

// A term goes into the box and is searched; a title opens its article.
function chooseSuggestion(i) {
  const s = suggestItems[i];
  closeSuggestions();
  if (!s) return;
  if (s.kind === "title" && s.id) { history.pushState(null, "", articleLink(s.id)); route(); return; }
  search(s.text);
}

function suggestKeys(e) {
  if (e.key === "ArrowDown" || e.key === "ArrowUp") {
    if (!suggestItems.length) return;
    e.preventDefault();
    moveSuggestion(e.key === "ArrowDown" ? 1 : -1);
  } else if (e.key === "Enter" && suggestActive >= 0) {
    e.preventDefault();
    chooseSuggestion(suggestActive);
  } else if (e.key === "Escape" && !$("suggestions").hidden) {
    e.preventDefault();
    closeSuggestions();
  }
}

// ---- wiring ----

function setFilters(change) {
  const params = new URLSearchParams(location.search);
  params.delete("page");
  for (const [k, v] of Object.entries(change)) { if (v) params.set(k, v); else params.delete(k); }
  history.pushState(null, "", `/?${params}`);
  runSearch();
}

let routed = "";  // the path and query the view shows

function route() {
  routed = location.pathname + location.search;
  if (location.pathname.startsWith("/articles/")) showArticle();
  else { $("search-view").hidden = false; $("article-view").hidden = true; runSearch(); }
}

document.addEventListener("DOMContentLoaded", () => {
  applyLanguage();
  $("script").value = currentScript();
  $("search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    closeSuggestions();
    const params = new URLSearchParams({ q: $("q").value });
    const script = currentScript();
    if (script !== "original") params.set("script", script);
    // The date filter shown beside the results applies to the new search too.
    for (const f of ["from", "to"]) if ($(f).value.trim()) params.set(f, $(f).value.trim());
    if ($("sort").value === "date") params.set("sort", "date");
    if (location.pathname !== "/") { location.href = `/?${params}`; return; }
    history.pushState(null, "", `/?${params}`);
    runSearch();
  });
  $("q").addEventListener("input", scheduleSuggestions);
  $("q").addEventListener("keydown", suggestKeys);
  $("q").addEventListener("blur", () => setTimeout(closeSuggestions, 0));
  $("ask-form").addEventListener("submit", (e) => { e.preventDefault(); if ($("question").value.trim()) ask($("question").value); });
  $("add-form").addEventListener("submit", (e) => { e.preventDefault(); addArticle(e.target); });
  $("add-form").elements.file.addEventListener("change", () => fileChosen($("add-form")));
  $("add-form").addEventListener("reset", () => setTimeout(() => fileChosen($("add-form"))));
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
  $("filters").addEventListener("submit", (e) => { e.preventDefault(); setFilters({ from: $("from").value.trim(), to: $("to").value.trim() }); });
  // Sorting applies at once, and lives in the URL like the filters.
  $("sort").addEventListener("change", () => setFilters({ sort: $("sort").value === "date" ? "date" : "" }));
  $("clear-filters").addEventListener("click", () => setFilters({ from: "", to: "", source: "" }));
  // A jump to #pN within the same article needs no new request: the browser scrolls and :target marks it.
  window.addEventListener("popstate", () => {
    if (location.pathname + location.search === routed && location.hash) { markTarget()?.scrollIntoView({ block: "center" }); return; }
    route();
  });
  route();
});
