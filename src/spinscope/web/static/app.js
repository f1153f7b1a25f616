/* spinscope web page. Article text only ever reaches the DOM through text nodes (textContent /
   createTextNode), never through innerHTML, so markup inside an article stays inert text. */
"use strict";

(function () {
  const state = {
    techniques: new Map(), // name -> {name, short, colour, letter, pattern, definition, ptc}
    report: null,
    hidden: new Set(), // technique names switched off
    input: null, // what was submitted, for the permalink
    selected: null, // index of the span whose explanation is shown
    code: null, // the permalink fragment of the analysis on the page
  };

  const $ = (id) => document.getElementById(id);

  /* el("p", {class: "x"}, "text", child) -- attributes through setAttribute, children as text nodes. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      node.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function technique(name) {
    return (
      state.techniques.get(name) || {
        name: name, short: name.replace(/_/g, " "), colour: "#777777", letter: "?", pattern: "solid",
        definition: "", ptc: false,
      }
    );
  }

  function paint(node, tech) {
    node.style.setProperty("--c", tech.colour);
    node.classList.add("pat-" + tech.pattern);
  }

  /* A quotation without the quotation marks around it: the page draws the quote itself, so marks that
     the detector kept in the text would be doubled. */
  const QUOTE_MARKS = "\"'“”‘’«»„";
  function unquote(text) {
    let a = 0, b = String(text).length;
    const t = String(text);
    while (a < b && (QUOTE_MARKS.includes(t[a]) || /\s/.test(t[a]))) a++;
    while (b > a && (QUOTE_MARKS.includes(t[b - 1]) || /\s/.test(t[b - 1]))) b--;
    return t.slice(a, b);
  }

  function fmt(value) {
    if (value === null || value === undefined) return "none";
    if (typeof value === "boolean") return value ? "yes" : "no";
    if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toFixed(3).replace(/0+$/, "").replace(/\.$/, "");
    if (typeof value === "string") return value;
    return JSON.stringify(value);
  }

  /* ---- status and errors ------------------------------------------------------------------- */
  function setStatus(msg) {
    $("status").textContent = msg;
  }

  function showError(msg) {
    const box = $("error");
    box.textContent = msg;
    box.hidden = !msg;
  }

  async function errorMessage(resp) {
    try {
      const body = await resp.json();
      if (body && typeof body.error === "string") return body.error;
    } catch (e) {
      /* not JSON */
    }
    return "the server answered " + resp.status + " " + resp.statusText;
  }

  /* fetch(), but when the server is busy (503) or this browser is over the rate limit (429), say so and try
     again after the server's Retry-After (1 to 30 s), at most three times; then the refusal is shown. */
  async function fetchPolitely(url, init) {
    for (let attempt = 1; ; attempt++) {
      const resp = await fetch(url, init);
      if ((resp.status !== 503 && resp.status !== 429) || attempt > 3) return resp;
      const seconds = Math.min(30, Math.max(1, Number(resp.headers.get("Retry-After")) || 2 * attempt));
      const why = resp.status === 429 ? "Too many articles from this browser in a short time" : "The server is busy";
      for (let left = seconds; left > 0; left--) {
        setStatus(why + "; trying again in " + left + " s (attempt " + (attempt + 1) + " of 4)…");
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      setStatus("Analysing…");
    }
  }

  /* ---- input ------------------------------------------------------------------------------- */
  function currentMode() {
    const checked = document.querySelector('input[name="mode"]:checked');
    return checked ? checked.value : "text";
  }

  function showMode() {
    const mode = currentMode();
    for (const m of ["text", "file", "url"]) $("panel-mode-" + m).hidden = m !== mode;
    $("meta-url-field").hidden = mode === "url"; // a fetched page has its own address
  }

  function buildRequest() {
    const mode = currentMode();
    const maxChars = Number(document.body.dataset.maxChars || "0");
    if (mode === "text") {
      const text = $("text-input").value;
      const title = $("title-input").value.trim();
      if (!text.trim()) throw new Error("Paste the article text first.");
      if (maxChars && text.length + title.length > maxChars) {
        throw new Error("The article is longer than " + maxChars + " characters.");
      }
      const meta = metadata(true);
      const body = Object.assign(title ? { title: title, text: text } : { text: text }, meta);
      return { init: { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) },
               input: Object.assign({ k: "text", t: text, h: title }, metaInput(meta)) };
    }
    if (mode === "url") {
      const url = $("url-input").value.trim();
      if (!/^https?:\/\/\S+$/i.test(url)) throw new Error("Give a link starting with http:// or https://.");
      const meta = metadata(false);
      const body = Object.assign({ url: url }, meta);
      return { init: { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) },
               input: Object.assign({ k: "url", u: url }, metaInput(meta)) };
    }
    const file = $("file-input").files[0];
    if (!file) throw new Error("Choose a .txt or .html file first.");
    const maxBytes = Number(document.body.dataset.maxBytes || "0");
    if (maxBytes && file.size > maxBytes) throw new Error("The file is larger than " + maxBytes + " bytes.");
    const form = new FormData();
    form.append("file", file, file.name);
    const meta = metadata(true);
    for (const [k, v] of Object.entries(meta)) form.append(k, v);
    return { init: { method: "POST", body: form }, input: Object.assign({ k: "file" }, metaInput(meta)) };
  }

  /* Where the article comes from (optional): its link (not fetched) for pasted text or a file, its outlet
     and its publication date for any input. Only filled fields are sent. */
  function metadata(withLink) {
    const out = {};
    const link = $("meta-url").value.trim();
    const outlet = $("meta-outlet").value.trim();
    const date = $("meta-date").value.trim();
    if (withLink && link) {
      if (!/^https?:\/\/\S+$/i.test(link)) throw new Error("The article's link must start with http:// or https://.");
      out.url = link;
    }
    if (outlet) out.outlet = outlet;
    if (date) out.date = date;
    return out;
  }

  /* The metadata in a permalink's input: o(utlet), d(ate), l(ink). */
  function metaInput(meta) {
    const out = {};
    if (meta.outlet) out.o = meta.outlet;
    if (meta.date) out.d = meta.date;
    if (meta.url) out.l = meta.url;
    return out;
  }

  async function analyse(event) {
    if (event) event.preventDefault();
    showError("");
    let request;
    try {
      request = buildRequest();
    } catch (e) {
      showError(e.message);
      return;
    }
    const button = $("analyze-button");
    button.disabled = true;
    $("analyze-form").setAttribute("aria-busy", "true");
    setStatus("Analysing…");
    const t0 = performance.now();
    try {
      const resp = await fetchPolitely("/api/analyze", request.init);
      if (!resp.ok) {
        showError("Could not analyse the article: " + (await errorMessage(resp)));
        setStatus("");
        return;
      }
      const report = await resp.json();
      state.report = report;
      state.hidden.clear();
      state.selected = null;
      state.input = request.input.k === "file" ? Object.assign({}, request.input, { k: "text", t: report.text, h: "" })
        : request.input;
      render();
      const degraded = report.degraded || [];
      if (degraded.length) {
        showError("This report is incomplete: the " + degraded.join(", ") + " detector" + (degraded.length > 1 ? "s" : "") +
                  " failed, so " + (degraded.length > 1 ? "their" : "its") + " findings are missing (see Notes).");
      }
      setStatus("Done in " + ((performance.now() - t0) / 1000).toFixed(1) + " s: " + report.spans.length + " highlights.");
      await updatePermalink();
      $("results-heading").focus();
    } catch (e) {
      showError("Could not reach the server: " + e.message);
      setStatus("");
    } finally {
      button.disabled = false;
      $("analyze-form").removeAttribute("aria-busy");
    }
  }

  /* ---- rendering --------------------------------------------------------------------------- */
  function render() {
    $("results").hidden = false;
    renderSummary();
    renderLegend();
    renderArticle();
    renderDetails();
    const r = state.report;
    renderPanel("panel-headline", headlinePanel(r.headline));
    renderPanel("panel-outlet", outletPanel(r.outlet, r.metadata || {}));
    renderPanel("panel-sources", sourcesPanel(r.sources || []));
    renderPanel("panel-quotes", quotesPanel(r.quotes || []));
    renderPanel("panel-claims", claimsPanel(r.claims || []));
    renderPanel("panel-warnings", warningsPanel(r.warnings || []));
  }

  function renderSummary() {
    const r = state.report;
    const box = $("summary");
    clear(box);
    const scores = r.scores || {};
    const dl = el("dl", { class: "scores" });
    const add = (k, v) => dl.append(el("dt", {}, k), el("dd", {}, v));
    if (r.title) add("Headline", r.title);
    const meta = r.metadata || {};
    if (meta.url) add("Link", meta.url);
    if (meta.source) add("Outlet", meta.source);
    if (meta.date) add("Published", meta.date);
    if (typeof scores.persuasion === "number") add("Persuasion score", Math.round(scores.persuasion * 100) + " / 100");
    if (typeof scores.techniques_per_100_words === "number") add("Techniques per 100 words", scores.techniques_per_100_words.toFixed(1));
    if (typeof scores.words === "number") add("Words analysed", fmt(scores.words));
    add("Highlights", String(r.spans.length));
    if (r.language) add("Language", r.language);
    box.append(dl, el("p", { class: "help" },
      "The persuasion score is the score-weighted share of sentences that use a technique. It describes how the article argues, not whether it is true."));
  }

  function renderLegend() {
    const box = $("legend");
    for (const n of Array.from(box.querySelectorAll(".legend-item, .muted"))) n.remove();
    const counts = new Map();
    for (const s of state.report.spans) counts.set(s.technique, (counts.get(s.technique) || 0) + 1);
    if (counts.size === 0) {
      box.append(el("p", { class: "muted" }, "No techniques were found in this article."));
      return;
    }
    const names = Array.from(state.techniques.keys()).filter((n) => counts.has(n));
    for (const n of counts.keys()) if (!names.includes(n)) names.push(n);
    names.forEach((name, i) => {
      const t = technique(name);
      const id = "toggle-" + i;
      const input = el("input", { type: "checkbox", id: id, "data-technique": name });
      input.checked = !state.hidden.has(name);
      const swatch = el("span", { class: "swatch", "aria-hidden": "true" }, t.letter);
      paint(swatch, t);
      const label = el("label", { for: id, title: t.definition },
        swatch, " ", t.short + " ", el("span", { class: "count" }, "(" + counts.get(name) + ")"));
      label.append(el("span", { class: "visually-hidden" }, ", letter " + t.letter + ", " + t.pattern + " underline"));
      box.append(el("span", { class: "legend-item" }, input, label));
    });
  }

  /* Split the text at every span boundary; each piece covered by a visible span becomes a <mark>. */
  function renderArticle() {
    const r = state.report;
    const text = r.text;
    const box = $("article");
    clear(box);
    const spans = [];
    r.spans.forEach((s, i) => {
      const start = Math.max(0, Math.min(text.length, s.start));
      const end = Math.max(0, Math.min(text.length, s.end));
      if (end > start && !state.hidden.has(s.technique)) spans.push({ i: i, start: start, end: end, s: s });
    });
    const cuts = new Set([0, text.length]);
    for (const x of spans) { cuts.add(x.start); cuts.add(x.end); }
    for (const x of r.excluded || []) { cuts.add(Math.max(0, Math.min(text.length, x.start))); cuts.add(Math.max(0, Math.min(text.length, x.end))); }
    const points = Array.from(cuts).sort((a, b) => a - b);
    const frag = document.createDocumentFragment();
    for (let p = 0; p + 1 < points.length; p++) {
      const a = points[p], b = points[p + 1];
      if (b <= a) continue;
      const piece = text.slice(a, b);
      const active = spans.filter((x) => x.start <= a && b <= x.end);
      const excluded = (r.excluded || []).some((x) => x.start <= a && b <= x.end);
      if (active.length === 0) {
        if (excluded) {
          frag.append(el("span", { class: "excluded", title: "Page clutter: not analysed" }, piece));
        } else {
          frag.append(document.createTextNode(piece));
        }
        continue;
      }
      active.sort((x, y) => (x.end - x.start) - (y.end - y.start) || y.s.score - x.s.score);
      const top = technique(active[0].s.technique);
      const mark = el("mark", { class: "hl", "data-spans": active.map((x) => x.i).join(",") }, piece);
      paint(mark, top);
      if (active.length > 1) mark.classList.add("multi");
      const starting = active.filter((x) => x.start === a);
      if (starting.length) {
        const letters = starting.map((x) => technique(x.s.technique).letter).join("");
        mark.dataset.letters = letters;
        mark.tabIndex = 0;
        mark.setAttribute("role", "button");
        const names = starting.map((x) => technique(x.s.technique).short + " " + Math.round(x.s.score * 100) + "%").join(", ");
        mark.setAttribute("aria-label", piece + " (highlight: " + names + ")");
      }
      if (state.selected !== null && active.some((x) => x.i === state.selected)) mark.classList.add("selected");
      frag.append(mark);
    }
    box.append(frag);
  }

  function spansOf(mark) {
    return (mark.dataset.spans || "").split(",").filter(Boolean).map(Number);
  }

  function select(mark) {
    const idx = spansOf(mark);
    if (!idx.length) return;
    const r = state.report;
    idx.sort((x, y) => (r.spans[x].end - r.spans[x].start) - (r.spans[y].end - r.spans[y].start));
    state.selected = idx[0];
    for (const m of $("article").querySelectorAll("mark.selected")) m.classList.remove("selected");
    for (const m of $("article").querySelectorAll("mark.hl")) {
      if (spansOf(m).includes(state.selected)) m.classList.add("selected");
    }
    renderDetails(idx);
  }

  /* Why a span was marked, one reason per layer (a finding merged from several layers says "… Also from
     the <layer>: …"), without the technique's definition, which the panel shows once. As
     spinscope.render.common.reasons does for the terminal and HTML reports. */
  function reasons(s, definition) {
    const out = [];
    for (const line of String(s.explanation || "").replace(/ \| /g, "\n").split("\n")) {
      for (let part of line.split(/\s+(?=Also from the [^:]{1,40}: )/)) {
        if (definition) part = part.split(definition).join("");
        part = part.replace(/\s+/g, " ").trim();
        if (part && !out.includes(part)) out.push(part);
      }
    }
    return out;
  }

  function renderDetails(indexes) {
    const box = $("details-body");
    clear(box);
    if (!indexes || !indexes.length) {
      box.append(el("p", { class: "muted" }, "Select a highlight to see the technique's definition, the score and why it was marked."));
      return;
    }
    for (const i of indexes) {
      const s = state.report.spans[i];
      const t = technique(s.technique);
      const swatch = el("span", { class: "swatch", "aria-hidden": "true" }, t.letter);
      paint(swatch, t);
      const item = el("div", { class: "detail" },
        el("h4", {}, swatch, " ", t.short, el("span", { class: "tech-name" }, " (" + s.technique.replace(/_/g, " ") + ")")),
        el("blockquote", {}, s.text || state.report.text.slice(s.start, s.end)));
      const dl = el("dl", {});
      dl.append(el("dt", {}, "Score"), el("dd", {}, Math.round(s.score * 100) + " / 100"));
      const why = reasons(s, t.definition);
      if (why.length === 1) dl.append(el("dt", {}, "Why"), el("dd", {}, why[0]));
      else if (why.length > 1) dl.append(el("dt", {}, "Why"), el("dd", {}, el("ul", { class: "reasons" }, ...why.map((r) => el("li", {}, r)))));
      if (t.definition) dl.append(el("dt", {}, "Definition"), el("dd", {}, t.definition));
      if (!t.ptc && state.techniques.has(s.technique)) dl.append(el("dt", {}, "Note"), el("dd", {}, "Not one of the 14 PTC techniques."));
      if (s.detector) dl.append(el("dt", {}, "Found by"), el("dd", {}, s.detector.split("+").join(" + ")));
      item.append(dl);
      box.append(item);
    }
  }

  function isEmpty(v) {
    if (v === null || v === undefined) return true;
    if (Array.isArray(v)) return v.length === 0;
    if (typeof v === "object") return Object.keys(v).length === 0;
    return v === "";
  }

  function snippet(start, end) {
    const t = state.report.text.slice(start, end);
    return t.length > 200 ? t.slice(0, 197) + "…" : t;
  }

  /* Select characters [start, end) of the article on the page and scroll them into view. */
  function showRange(start, end) {
    const box = $("article");
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let pos = 0, begun = false, node;
    while ((node = walker.nextNode())) {
      const len = node.nodeValue.length;
      if (!begun && start < pos + len) { range.setStart(node, start - pos); begun = true; }
      if (begun && end <= pos + len) { range.setEnd(node, end - pos); break; }
      pos += len;
    }
    if (!begun) return;
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    const target = range.startContainer.parentElement || box;
    target.scrollIntoView({ block: "center" });
    setStatus("Selected in the article: " + snippet(start, end));
  }

  /* ---- the side panels: each says in words what the report holds, or why it holds nothing ---- */
  const pct = (p) => Math.round(p * 100) + "%";

  function showButton(start, end, label) {
    const btn = el("button", { type: "button", class: "link" }, label || "show in article");
    btn.addEventListener("click", () => showRange(start, end));
    return btn;
  }

  function empty(text) {
    return el("p", { class: "muted empty" }, text);
  }

  function renderPanel(id, nodes) {
    const body = $(id).querySelector(".panel-body");
    clear(body);
    for (const n of nodes) body.append(n);
  }

  function row(dl, label, ...value) {
    dl.append(el("dt", {}, label), el("dd", {}, ...value));
  }

  function headlinePanel(h) {
    if (!h || isEmpty(h)) return [empty("The headline check did not run.")];
    if (h.available === false) return [empty("Not checked: " + (h.reason || "no headline") + ".")];
    const dl = el("dl", {});
    const cb = h.clickbait || {};
    if (typeof cb.probability === "number") {
      row(dl, "Clickbait", pct(cb.probability) + " likely: " + (cb.is_clickbait ? "reads as clickbait" : "not clickbait"));
      for (const c of cb.cues || []) row(dl, "Clickbait cue", el("q", {}, c.cue), " ", c.explanation || "");
    }
    const st = h.stance;
    if (st && st.label) {
      const words = { agree: "agrees with it", disagree: "disputes it", discuss: "discusses it without taking a side",
        unrelated: "is about something else" };
      const probs = st.probabilities || {};
      const others = Object.entries(probs).filter(([k]) => k !== st.label).sort((a, b) => b[1] - a[1])
        .map(([k, v]) => k + " " + pct(v)).join(", ");
      row(dl, "Does the body support the headline?",
        "The body " + (words[st.label] || st.label) + " (" + pct(probs[st.label] || 0) + "; " + others + ").");
      if (st.explanation) row(dl, "Why", st.explanation);
      const ev = st.evidence || [];
      if (ev.length) {
        const ul = el("ul", { class: "evidence" });
        for (const e of ev) {
          ul.append(el("li", {}, el("span", { class: "role role-" + e.role }, e.role + " (" + pct(e.score) + " similar)"),
            " ", el("q", {}, snippet(e.start, e.end)), " ", showButton(e.start, e.end)));
        }
        row(dl, "Closest body sentences", ul);
      }
    } else if (h.reason) {
      row(dl, "Body", h.reason + ".");
    }
    const terms = h.unsupported_terms || [];
    if (terms.length) {
      const dd = [];
      terms.forEach((t, i) => { if (i) dd.push(", "); dd.push(showButton(t.start, t.end, t.term)); });
      row(dl, "Headline words the body never uses", ...dd);
    }
    return [dl];
  }

  function outletPanel(o, meta) {
    if (!o || isEmpty(o) || !o.domain) {
      const why = meta.url ? "The link's site could not be read as an outlet domain." :
        "The text was given without a link, so the publisher is unknown. Give the article's link to see what is known about its outlet.";
      return [empty(why)];
    }
    const dl = el("dl", {});
    row(dl, "Outlet", (o.name ? o.name + " (" + o.domain + ")" : o.domain));
    if (o.match === "subdomain") row(dl, "Matched", o.matched_host + " as part of " + o.domain);
    if (!o.rated) {
      row(dl, "Rating", el("strong", { class: "unrated" }, "Unrated"), ": no source in the bundled tables rates this outlet. That says nothing about its quality.");
      return [dl];
    }
    const used = (field) => (o.sources || []).find((x) => x.field === field && x.used);
    const cite = (field) => { const x = used(field); return x ? " [" + x.source + (x.date ? ", " + x.date : "") + "]" : ""; };
    for (const [field, label] of [["factuality", "Factual reporting"], ["bias", "Political bias"],
      ["reliability", "Wikipedia status"], ["credibility", "MBFC credibility"]]) {
      if (o[field]) row(dl, label, String(o[field]), el("span", { class: "muted" }, cite(field)));
      else row(dl, label, el("span", { class: "unrated" }, "not rated"));
    }
    const disagree = (o.sources || []).filter((x) => !x.used && (x.field === "factuality" || x.field === "bias") && x.value !== o[x.field]);
    if (disagree.length) {
      row(dl, "Other ratings", disagree.map((x) => x.field + " " + x.value + " [" + x.source + (x.date ? ", " + x.date : "") + "]").join("; "));
    }
    if ((o.labels || []).length) row(dl, "Labels", o.labels.join(", "));
    const about = [o.country, o.media_type].filter(Boolean).join(", ");
    if (about) row(dl, "About", about);
    return [dl, el("p", { class: "help" }, "Factuality and bias are rated separately, by the sources named; they describe the outlet, not this article.")];
  }

  function sourcesPanel(sources) {
    if (!sources.length) return [empty("No one is quoted or cited as a source in the analysed text.")];
    const kinds = { person: "named person", anonymous: "anonymous", organisation: "organisation", outlet: "news outlet",
      document: "document" };
    const ul = el("ul", { class: "items" });
    for (const s of sources) {
      const n = (s.mentions || []).length;
      const li = el("li", {}, el("strong", {}, s.name), " ",
        el("span", { class: "kind kind-" + s.kind }, kinds[s.kind] || s.kind),
        el("span", { class: "muted" }, ", " + n + (n === 1 ? " mention" : " mentions")));
      if (s.role) li.append(el("div", { class: "muted" }, s.role));
      const att = (s.attributed || []).length;
      if (att) li.append(el("div", { class: "muted" }, att + (att === 1 ? " passage" : " passages") + " attributed"));
      if (n) li.append(" ", showButton(s.mentions[0].start, s.mentions[0].end, "first mention"));
      ul.append(li);
    }
    const anon = sources.filter((s) => s.anonymous).length;
    const note = anon ? anon + " of " + sources.length + " sources are anonymous." : "No anonymous sources.";
    return [el("p", { class: "help" }, note), ul];
  }

  function quotesPanel(quotes) {
    if (!quotes.length) return [empty("No quotations in the analysed text.")];
    const ul = el("ul", { class: "items" });
    const speech = quotes.filter((q) => q.kind === "speech");
    const ordered = speech.concat(quotes.filter((q) => q.kind !== "speech"));
    for (const q of ordered) {
      const li = el("li", {}, el("blockquote", {}, unquote(q.text)));
      if (q.kind === "speech") {
        const sp = q.speaker;
        const who = sp && sp.name ? sp.name + (sp.role ? ", " + sp.role : "") : "speaker unknown";
        const via = sp && sp.resolved_from && sp.resolved_from.text ? " (from “" + sp.resolved_from.text + "”)" :
          (sp && sp.resolved_from === "previous quote" ? " (as the quote before)" : "");
        li.append(el("div", {}, "— ", el("span", { class: sp && sp.name ? "" : "muted" }, who + via)));
      } else {
        li.append(el("div", { class: "muted" }, q.kind === "scare" ? "scare quotes: the writer keeps a distance from these words" : q.kind));
      }
      if (q.broken) li.append(el("div", { class: "muted" }, "quote marks repaired: " + String(q.broken).replace(/_/g, " ")));
      li.append(showButton(q.start, q.end));
      ul.append(li);
    }
    const unknown = speech.filter((q) => !(q.speaker && q.speaker.name)).length;
    const note = speech.length + " quoted " + (speech.length === 1 ? "statement" : "statements") +
      (unknown ? ", " + unknown + " without a named speaker" : "") + "; " + (quotes.length - speech.length) + " scare or other quotes.";
    return [el("p", { class: "help" }, note), ul];
  }

  function claimsPanel(claims) {
    if (!claims.length) return [empty("No sentence reads as a checkable factual claim.")];
    const ul = el("ul", { class: "items" });
    for (const c of claims) {
      const li = el("li", {}, el("blockquote", {}, c.text || snippet(c.start, c.end)));
      const bits = ["#" + c.rank, "chosen by fact-checkers " + pct(c.score)];
      if (c.attributed) bits.push("attributed to a source");
      const feats = (c.features || []).filter((f) => !String(f).startsWith("term:")).map((f) => String(f).replace(/_/g, " "));
      if (feats.length) bits.push(feats.join(", "));
      li.append(el("div", { class: "muted" }, bits.join(" · ")), showButton(c.start, c.end));
      ul.append(li);
    }
    return [el("p", { class: "help" }, "Ranked by how much each sentence looks like a factual claim worth checking; the percentage is how often fact-checkers chose sentences scored like it in political debates (2.7% of all sentences). It does not say whether the claim is true."), ul];
  }

  function warningsPanel(warnings) {
    if (!warnings.length) return [el("p", { class: "muted not-available" }, "Not available for this article.")];
    const ul = el("ul", { class: "items" });
    for (const w of warnings) ul.append(el("li", {}, String(w)));
    return [ul];
  }

  /* ---- interaction ------------------------------------------------------------------------- */
  function onArticleEvent(event) {
    const mark = event.target.closest ? event.target.closest("mark.hl") : null;
    if (!mark) return;
    if (event.type === "keydown") {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
    }
    select(mark);
  }

  function onToggle(event) {
    const input = event.target;
    if (!input || input.type !== "checkbox") return;
    const name = input.dataset.technique;
    if (input.checked) state.hidden.delete(name);
    else state.hidden.add(name);
    renderArticle();
  }

  function setAll(visible) {
    state.hidden.clear();
    if (!visible) for (const s of state.report.spans) state.hidden.add(s.technique);
    for (const box of $("legend").querySelectorAll("input[type=checkbox]")) box.checked = visible;
    renderArticle();
  }

  /* ---- export and permalink ---------------------------------------------------------------- */
  function download(blob, name) {
    const url = URL.createObjectURL(blob);
    const a = el("a", { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  function safeId() {
    return String(state.report.id || "report").replace(/[^A-Za-z0-9_-]/g, "").slice(0, 64) || "report";
  }

  function exportJson() {
    if (!state.report) return;
    download(new Blob([JSON.stringify(state.report, null, 2)], { type: "application/json" }), "spinscope-" + safeId() + ".json");
  }

  async function exportHtml() {
    if (!state.report) return;
    showError("");
    try {
      const resp = await fetch("/api/render/html", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(state.report),
      });
      if (!resp.ok) {
        showError("Could not make the HTML report: " + (await errorMessage(resp)));
        return;
      }
      download(await resp.blob(), "spinscope-" + safeId() + ".html");
    } catch (e) {
      showError("Could not reach the server: " + e.message);
    }
  }

  function toBase64Url(bytes) {
    let s = "";
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function fromBase64Url(text) {
    const b = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    const out = new Uint8Array(b.length);
    for (let i = 0; i < b.length; i++) out[i] = b.charCodeAt(i);
    return out;
  }

  async function pipe(bytes, stream) {
    const out = new Response(new Blob([bytes]).stream().pipeThrough(stream));
    return new Uint8Array(await out.arrayBuffer());
  }

  /* The permalink carries the input itself in the URL fragment (never sent to the server): opening it
     re-runs the same analysis on any worker, even after a restart. */
  async function encodeInput(input) {
    const raw = new TextEncoder().encode(JSON.stringify(input));
    if (typeof CompressionStream === "function") return "z." + toBase64Url(await pipe(raw, new CompressionStream("deflate-raw")));
    return "b." + toBase64Url(raw);
  }

  async function decodeInput(code) {
    const kind = code.slice(0, 2), data = fromBase64Url(code.slice(2));
    let raw;
    if (kind === "z.") raw = await pipe(data, new DecompressionStream("deflate-raw"));
    else if (kind === "b.") raw = data;
    else throw new Error("unknown permalink format");
    return JSON.parse(new TextDecoder().decode(raw));
  }

  async function updatePermalink() {
    if (!state.input) return;
    const code = await encodeInput(state.input);
    state.code = code;
    const link = location.origin + location.pathname + "#a=" + code;
    $("permalink").value = link;
    history.replaceState(null, "", "#a=" + code);
  }

  async function copyLink() {
    const field = $("permalink");
    try {
      await navigator.clipboard.writeText(field.value);
      setStatus("Permalink copied.");
    } catch (e) {
      field.focus();
      field.select();
      setStatus("Press Ctrl+C to copy the selected permalink.");
    }
  }

  async function openPermalink() {
    const m = /^#a=([A-Za-z0-9._-]+)$/.exec(location.hash);
    if (!m || m[1] === state.code) return; // nothing to open, or the analysis already on the page
    try {
      const input = await decodeInput(m[1]);
      $("meta-outlet").value = typeof input.o === "string" ? input.o : "";
      $("meta-date").value = typeof input.d === "string" ? input.d : "";
      $("meta-url").value = typeof input.l === "string" ? input.l : "";
      if (input.k === "url" && typeof input.u === "string") {
        $("mode-url").checked = true;
        $("url-input").value = input.u;
      } else if (typeof input.t === "string") {
        $("mode-text").checked = true;
        $("text-input").value = input.t;
        $("title-input").value = typeof input.h === "string" ? input.h : "";
      } else {
        throw new Error("nothing to analyse");
      }
      showMode();
      await analyse(null);
    } catch (e) {
      showError("This permalink could not be read: " + e.message);
    }
  }

  async function loadTechniques() {
    try {
      const resp = await fetch("/api/techniques");
      if (!resp.ok) throw new Error(await errorMessage(resp));
      const body = await resp.json();
      for (const t of body.techniques) state.techniques.set(t.name, t);
    } catch (e) {
      showError("Could not load the technique definitions: " + e.message);
    }
  }

  async function init() {
    $("analyze-form").addEventListener("submit", analyse);
    for (const r of document.querySelectorAll('input[name="mode"]')) r.addEventListener("change", showMode);
    const article = $("article");
    article.addEventListener("click", onArticleEvent);
    article.addEventListener("keydown", onArticleEvent);
    article.addEventListener("focusin", onArticleEvent);
    article.addEventListener("mouseover", onArticleEvent);
    $("legend").addEventListener("change", onToggle);
    $("show-all").addEventListener("click", () => setAll(true));
    $("hide-all").addEventListener("click", () => setAll(false));
    $("export-json").addEventListener("click", exportJson);
    $("export-html").addEventListener("click", exportHtml);
    $("copy-link").addEventListener("click", copyLink);
    showMode();
    await loadTechniques();
    document.body.dataset.ready = "true";
    // A permalink pasted into the address bar of an open page changes only the fragment: open it too.
    window.addEventListener("hashchange", openPermalink);
    await openPermalink();
  }

  document.addEventListener("DOMContentLoaded", init);
})();
