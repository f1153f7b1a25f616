/* spinscope comparison page. Article text reaches the DOM only through text nodes. */
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const techniques = new Map();

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      node.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    }
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function setStatus(msg) { $("status").textContent = msg; }
  function showError(msg) { $("error").textContent = msg; $("error").hidden = !msg; }
  const num = (v, d) => (typeof v === "number" ? v.toFixed(d) : "–");
  const pct = (v) => (typeof v === "number" ? Math.round(v * 100) + "%" : "–");

  async function errorMessage(resp) {
    try {
      const body = await resp.json();
      if (body && typeof body.error === "string") return body.error;
    } catch (e) { /* not JSON */ }
    return "the server answered " + resp.status;
  }

  async function analyse(side) {
    const url = $("url-" + side).value.trim();
    const text = $("text-" + side).value;
    let body;
    if (text.trim()) body = url ? { text: text, url: url } : { text: text };
    else if (url) body = { url: url };
    else throw new Error("Article " + side.toUpperCase() + ": give a link or paste the text.");
    const resp = await fetch("/api/analyze", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    if (!resp.ok) throw new Error("Article " + side.toUpperCase() + ": " + (await errorMessage(resp)));
    return resp.json();
  }

  function table(id, head, rows) {
    const t = $(id);
    clear(t);
    t.append(el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { scope: "col" }, h)))));
    const body = el("tbody", {});
    for (const r of rows) body.append(el("tr", {}, el("th", { scope: "row" }, r[0]), ...r.slice(1).map((c) => el("td", {}, c))));
    t.append(body);
  }

  function swatch(name) {
    const t = techniques.get(name) || { letter: "?", colour: "#777", short: name };
    const s = el("span", { class: "swatch", "aria-hidden": "true" }, t.letter);
    s.style.setProperty("--c", t.colour);
    return el("span", {}, s, " " + name.replace(/_/g, " ").replace(/,/g, ", "));
  }

  function render(c) {
    const side = (s) => [s.outlet, s.date].filter(Boolean).join(" · ") || "unknown";
    table("overview", ["", "A", "B"], [
      ["Headline", c.a.title || "(untitled)", c.b.title || "(untitled)"],
      ["Outlet, date", side(c.a), side(c.b)],
      ["Words analysed", String(c.a.words), String(c.b.words)],
      ["Technique spans", String(c.a.spans), String(c.b.spans)],
      ["Techniques per 100 words", num(c.a.techniques_per_100_words, 1), num(c.b.techniques_per_100_words, 1)],
      ["Persuasion score", num(c.a.persuasion, 2), num(c.b.persuasion, 2)],
      ["Clickbait", pct(c.a.clickbait), pct(c.b.clickbait)],
      ["Body vs headline", c.a.stance || "–", c.b.stance || "–"],
      ["Headline terms the body never supports", c.a.unsupported_terms.join(", ") || "none", c.b.unsupported_terms.join(", ") || "none"],
    ]);
    const t = $("techniques");
    clear(t);
    t.append(el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Technique"), el("th", { scope: "col" }, "A"), el("th", { scope: "col" }, "B"))));
    const tb = el("tbody", {});
    for (const x of c.techniques) tb.append(el("tr", {}, el("th", { scope: "row" }, swatch(x.technique)), el("td", { class: "n" }, String(x.a)), el("td", { class: "n" }, String(x.b))));
    if (!c.techniques.length) tb.append(el("tr", {}, el("td", { colspan: "3" }, "No technique in either article.")));
    t.append(tb);
    table("sources", ["", "A", "B"], [
      ["Cited by both", c.sources_both.join(", ") || "none", c.sources_both.length ? "(the same)" : "none"],
      ["Cited by one only", c.sources_only_a.join(", ") || "none", c.sources_only_b.join(", ") || "none"],
      ["Anonymous sources", String(c.anonymous.a || 0), String(c.anonymous.b || 0)],
    ]);
    for (const [id, items] of [["only-a", c.only_a], ["only-b", c.only_b]]) {
      const ul = $(id);
      clear(ul);
      if (!items.length) ul.append(el("li", { class: "muted" }, "Nothing: every sentence has a counterpart in the other article."));
      for (const x of items) {
        const li = el("li", {}, el("blockquote", {}, x.text));
        if (typeof x.claim_score === "number") li.append(el("div", { class: "muted" }, "claim worth checking, " + pct(x.claim_score)));
        ul.append(li);
      }
    }
    $("comparison").hidden = false;
    $("comparison-heading").focus();
  }

  async function submit(event) {
    event.preventDefault();
    showError("");
    const button = $("compare-button");
    button.disabled = true;
    try {
      setStatus("Analysing both articles…");
      const [a, b] = await Promise.all([analyse("a"), analyse("b")]);
      setStatus("Comparing…");
      const resp = await fetch("/api/compare", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ a: a, b: b }),
      });
      if (!resp.ok) throw new Error(await errorMessage(resp));
      render(await resp.json());
      setStatus("Done.");
    } catch (e) {
      showError(e.message);
      setStatus("");
    } finally {
      button.disabled = false;
    }
  }

  async function init() {
    $("compare-form").addEventListener("submit", submit);
    try {
      const resp = await fetch("/api/techniques");
      if (resp.ok) for (const t of (await resp.json()).techniques) techniques.set(t.name, t);
    } catch (e) { /* letters fall back to "?" */ }
    document.body.dataset.ready = "true";
  }

  document.addEventListener("DOMContentLoaded", init);
})();
