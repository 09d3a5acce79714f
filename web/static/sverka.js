/* Shared helpers: JSON requests with the CSRF token, safe element building, messages for
   the page's live region. No dependencies; base.html loads it before every page's script. */
"use strict";
window.Sverka = (function () {
  const token = document.querySelector('meta[name="csrf-token"]').content;

  async function api(method, url, body) {
    const options = { method, headers: { "Accept": "application/json" } };
    if (method !== "GET") options.headers["X-CSRF-Token"] = token;
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(url, options);
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    return { ok: response.ok, status: response.status, data };
  }

  /* el("li", {class: "x"}, "text", child…): text is always set as text, never as HTML. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /* A URL the page gave (web/urls.py): its ``{name}`` holes filled from ``holes``, and
     ``query`` (URLSearchParams or an object) added as its query string. */
  function url(template, holes, query) {
    const filled = template.replace(/\{(\w+)\}/g, (hole, name) => encodeURIComponent(holes[name]));
    const search = query ? new URLSearchParams(query).toString() : "";
    return search ? filled + (filled.includes("?") ? "&" : "?") + search : filled;
  }

  /* Fill a pager (templates/_pager.html) for page ``page`` of ``pages``: previous and next,
     the first and last two pages, two either side of this one, "…" for the gaps. Its pages
     are links if the pager has a URL (data-href, with a {page} hole), else buttons. */
  function pager(nav, page, pages) {
    const number = new Intl.NumberFormat(document.documentElement.lang || undefined);
    const href = nav.dataset.href;
    const item = (label, n, rel) => {
      const attrs = { "data-page": n, ...(rel ? { rel } : {}),
        "aria-label": rel ? label : nav.dataset.pageLabel.replace("{page}", number.format(n)) };
      return href ? el("a", { href: url(href, { page: n }), ...attrs }, label)
        : el("button", { type: "button", class: "secondary", ...attrs }, label);
    };
    const items = [];
    if (page > 1) items.push(item(nav.dataset.previous, page - 1, "prev"));
    for (let n = 1; n <= pages; n += 1) {
      if (n === page) items.push(el("span", { "aria-current": "page" }, number.format(n)));
      else if (n <= 2 || n > pages - 2 || Math.abs(n - page) <= 2) items.push(item(number.format(n), n));
      else if (n === 3 || n === pages - 2) items.push(el("span", {}, "…"));
    }
    if (page < pages) items.push(item(nav.dataset.next, page + 1, "next"));
    nav.replaceChildren(...items);
    nav.hidden = pages < 2;
  }

  function strings(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }

  function say(message) {
    const live = document.getElementById("live");
    if (live) { live.textContent = ""; live.textContent = message; }
  }

  /* Say that a request failed: ``prefix`` (the page's "Not saved:") and the server's
     message, or the HTTP status when the answer has none. */
  function sayError(prefix, result) {
    say(`${prefix} ${result.data && result.data.message ? result.data.message : result.status}`);
  }

  // A pager of links that the server numbered (the documents list) needs no page script.
  document.querySelectorAll("nav.pager[data-href][data-static]").forEach((nav) => {
    pager(nav, Number(nav.dataset.page), Number(nav.dataset.pages));
  });

  return { api, el, url, pager, strings, say, sayError };
})();
