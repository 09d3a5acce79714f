/* The alignment editor: keyboard-driven link operations, undo/redo, save. The operations
   themselves run on the server (tm.align.editing); this file only keeps state and draws.
   The whole alignment stays here, so operations work across page boundaries, but only one
   page of links is drawn: a 5,000-link document opens and scrolls like a 100-link one.
   An operation sends the server only a window (the links it reads and changes, their
   sentences numbered from 0, texts only if it needs them) and splices the answer back, as
   tm.align.editing.window/splice do: a few hundred bytes, whatever the document's size. */
"use strict";
(function () {
  const { api, el, pager: drawPages, strings, say, sayError } = window.Sverka;
  const T = strings("align-strings");
  const grid = document.getElementById("align-grid");
  const body = document.getElementById("links");
  const high = Number(grid.dataset.high), low = Number(grid.dataset.low);
  let alignment = JSON.parse(document.getElementById("alignment-data").textContent);
  let undo = [], redo = [], dirty = false, busy = false;
  const pageSize = Number(grid.dataset.pageSize);
  // How far an operation reaches beyond its link, and the ones that need the texts
  // (tm.align.editing.NEIGHBOURS and TEXT_OPERATIONS).
  const neighbours = Number(grid.dataset.neighbours), TEXT_OPS = new Set(grid.dataset.textOps.split(" "));
  const pager = document.getElementById("align-pager"), pageInfo = document.getElementById("page-info");
  const number = new Intl.NumberFormat(document.documentElement.lang || undefined);
  let page = 1;  // the page drawn: it always holds the cursor's link
  let cursor = { link: (Math.max(1, Number(grid.dataset.page) || 1) - 1) * pageSize, side: "src", k: 0 };  // k: sentence within the side of the link

  function confidence(link) {
    if (!link.src.length || !link.tgt.length) return "unaligned";
    if (link.score === null) return "conf-manual";
    return link.score >= high ? "conf-high" : link.score >= low ? "conf-mid" : "conf-low";
  }

  function pages() { return Math.max(1, Math.ceil(alignment.links.length / pageSize)); }
  function firstOnPage() { return (page - 1) * pageSize; }
  function pageOf(link) { return Math.floor(link / pageSize) + 1; }

  function cellOf(i, side) {
    const tr = i >= firstOnPage() ? body.children[i - firstOnPage()] : null;
    return tr ? tr.querySelector(`td.${side}`) : null;
  }

  function key(link) {
    const texts = (side) => link[side].map((i) => alignment[side][i]).join("\u0001");
    return [link.src.join(","), link.tgt.join(","), link.score, link.confirmed,
      texts("src"), texts("tgt")].join("\u0002");
  }

  function row(link) {
    const cell = (side) => el("td", { class: `side ${side}`, role: "gridcell",
      lang: side === "src" ? "ru" : "en", "data-side": side },
      ...link[side].flatMap((index, k) => [el("span", { class: "sent", "data-k": k },
        alignment[side][index]), " "]));
    const score = link.score === null ? T.manual : `${Math.round(link.score * 100)}%`;
    // Row numbers come from a CSS counter, so inserting a row renumbers nothing here.
    return el("tr", { class: `link ${confidence(link)}${link.confirmed ? " confirmed" : ""}`,
      role: "row" },
      el("td", { class: "num" }), cell("src"), cell("tgt"),
      el("td", { class: "score" }, score, link.confirmed ? el("span", { class: "tick", title: T.confirmed }, " ✓") : null));
  }

  /* Redraw the cursor's page, reusing the rows of links that did not change (an operation
     touches one or two links). */
  function render(scroll = false) {
    clamp();
    page = pageOf(cursor.link);
    const start = firstOnPage();
    const old = new Map();
    for (const tr of body.children) old.set(tr.dataset.key, tr);
    const rows = alignment.links.slice(start, start + pageSize).map((link) => {
      const k = key(link);
      let tr = old.get(k);
      if (tr) old.delete(k);
      else { tr = row(link); tr.dataset.key = k; }
      return tr;
    });
    old.forEach((tr) => tr.remove());
    let at = body.firstChild;  // move only what moved: most rows stay where they are
    rows.forEach((tr, i) => {
      tr.setAttribute("aria-rowindex", start + i + 2);  // the header is row 1
      if (tr === at) at = at.nextSibling;
      else body.insertBefore(tr, at);
    });
    body.style.counterReset = `link ${start}`;  // row numbers count from the page's first link
    grid.setAttribute("aria-rowcount", alignment.links.length + 1);
    drawPager(start, rows.length);
    markCursor(scroll);
  }

  function drawPager(start, shown) {
    pageInfo.textContent = T.pageInfo.replace("{from}", number.format(start + 1))
      .replace("{to}", number.format(start + shown)).replace("{total}", number.format(alignment.links.length))
      .replace("{page}", number.format(page)).replace("{pages}", number.format(pages()));
    drawPages(pager, page, pages());
    const url = new URL(window.location.href);
    if (String(page) !== (url.searchParams.get("page") || "1")) {
      url.searchParams.set("page", page);
      window.history.replaceState(null, "", url);
    }
  }

  function clamp() {
    cursor.link = Math.max(0, Math.min(cursor.link, alignment.links.length - 1));
    const n = alignment.links[cursor.link][cursor.side].length;
    cursor.k = Math.max(0, Math.min(cursor.k, Math.max(0, n - 1)));
  }

  /* Put the cursor on its link, turning the page if the link is on another one. */
  function drawCursor(scroll = true) {
    clamp();
    if (pageOf(cursor.link) !== page) render(scroll);
    else markCursor(scroll);
  }

  function markCursor(scroll) {
    grid.querySelectorAll(".cursor").forEach((node) => node.classList.remove("cursor"));
    const previous = document.getElementById("cursor-cell");
    if (previous) previous.removeAttribute("id");
    const cell = cellOf(cursor.link, cursor.side);
    if (!cell) return;
    cell.classList.add("cursor");
    cell.id = "cursor-cell";
    const sentence = cell.querySelectorAll(".sent")[cursor.k];
    if (sentence) sentence.classList.add("cursor");
    grid.setAttribute("aria-activedescendant", cell.id);
    if (scroll) cell.scrollIntoView({ block: "nearest" });
  }

  function goToPage(n) {
    cursor.link = (Math.max(1, Math.min(n, pages())) - 1) * pageSize;
    cursor.k = 0;
    render();
    grid.focus();
    window.scrollTo(0, grid.offsetTop);
  }

  /* The links [start, stop) an operation reads and changes (tm.align.editing.bounds). */
  function bounds(op) {
    const n = alignment.links.length;
    if (op.op === "confirm_above") return [0, n];
    if (TEXT_OPS.has(op.op)) {
      const at = alignment.links.findIndex((x) => x[op.side].includes(op.sentence));
      return [at, at + 1];
    }
    return [Math.max(0, op.link - neighbours), Math.min(n, op.link + neighbours + 1)];
  }

  function moved(link, bySrc, byTgt) {
    if (!bySrc && !byTgt) return link;
    return { ...link, src: link.src.map((i) => i + bySrc), tgt: link.tgt.map((j) => j + byTgt) };
  }

  /* Links [start, stop) as an alignment of their own (tm.align.editing.window); without
     ``texts``, the numbers of their sentences only. */
  function cut(start, stop, texts) {
    const at = { src: 0, tgt: 0 };
    for (let i = 0; i < start; i += 1) {
      at.src += alignment.links[i].src.length;
      at.tgt += alignment.links[i].tgt.length;
    }
    const links = alignment.links.slice(start, stop);
    const size = { src: 0, tgt: 0 };
    links.forEach((x) => { size.src += x.src.length; size.tgt += x.tgt.length; });
    const sentences = (side) => (texts ? alignment[side].slice(at[side], at[side] + size[side]) : size[side]);
    return { start, stop, at, size, window: { src: sentences("src"), tgt: sentences("tgt"),
      links: links.map((x) => moved(x, -at.src, -at.tgt)),
      src_keys: texts ? alignment.src_keys.slice(at.src, at.src + size.src) : [] } };
  }

  /* The alignment with the operation's result on ``part`` in its place
     (tm.align.editing.splice). Sentences and keys are shared with the one before unless the
     operation changed them: the undo history keeps no copy of them per step. */
  function splice(part, result) {
    const { start, stop, at, size } = part;
    const next = { ...alignment };
    const grown = { src: 0, tgt: 0 };
    const put = (list, from, count, items) => [...list.slice(0, from), ...items, ...list.slice(from + count)];
    if (Array.isArray(result.src)) {
      for (const side of ["src", "tgt"]) {
        grown[side] = result[side].length - size[side];
        next[side] = put(alignment[side], at[side], size[side], result[side]);
      }
      if (alignment.src_keys.length) next.src_keys = put(alignment.src_keys, at.src, size.src, result.src_keys);
    }
    next.links = [...alignment.links.slice(0, start), ...result.links.map((x) => moved(x, at.src, at.tgt)),
      ...alignment.links.slice(stop).map((x) => moved(x, grown.src, grown.tgt))];
    return next;
  }

  async function run(op) {
    if (busy || !op) return false;
    busy = true;
    try {
      const [start, stop] = bounds(op);
      if (start < 0) return false;
      const part = cut(start, stop, TEXT_OPS.has(op.op));
      const local = { ...op };
      if ("link" in local) local.link -= start;
      if (TEXT_OPS.has(op.op)) local.sentence -= part.at[op.side];
      const result = await api("POST", grid.dataset.applyUrl, { alignment: part.window, op: local });
      if (!result.ok) { sayError(T.error, result); return false; }
      undo.push(alignment);
      redo = [];
      alignment = splice(part, result.data);
      dirty = true;
      render();
      return true;
    } finally { busy = false; }
  }

  function operation(name) {
    const i = cursor.link, link = alignment.links[i], side = cursor.side;
    switch (name) {
      case "merge_next": case "merge_previous": case "unalign": return { op: name, link: i };
      case "shift_up": case "shift_down": return { op: name, link: i, side };
      case "split_link": return { op: name, link: i, src_count: Math.min(1, link.src.length),
        tgt_count: Math.min(1, link.tgt.length) };
      case "confirm": return { op: name, link: i, value: !link.confirmed };
      default: return null;
    }
  }

  function history(from, to, message, empty) {
    if (!from.length) { say(empty); return; }
    to.push(alignment);
    alignment = from.pop();
    dirty = true;
    render();
    say(message);
  }

  /* The word boundary nearest the middle: where a long sentence most likely splits. */
  function middle(text) {
    const half = Math.floor(text.length / 2);
    for (let d = 0; d < half; d += 1) {
      if (text[half + d] === " ") return half + d + 1;
      if (text[half - d] === " ") return half - d + 1;
    }
    return half;
  }

  /* Edit the sentence at the cursor in place; with ``splitting``, Enter splits it at the
     caret instead (a source sentence splits for every track when the alignment is saved). */
  function startEdit(splitting = false) {
    const link = alignment.links[cursor.link];
    const index = link[cursor.side][cursor.k];
    if (index === undefined) return;
    const span = cellOf(cursor.link, cursor.side).querySelectorAll(".sent")[cursor.k];
    const area = el("textarea", { class: "sent-edit", rows: 2,
      "aria-label": splitting ? T.splitLabel : T.editLabel });
    area.value = alignment[cursor.side][index];
    span.replaceWith(area);
    area.focus();
    if (splitting) {
      const at = middle(area.value);
      area.setSelectionRange(at, at);
      say(T.splitHelp);
    }
    const side = cursor.side;
    async function splitAtCaret() {
      const offset = area.selectionStart, text = area.value;
      if (text !== alignment[side][index] && !await run({ op: "edit", side, sentence: index, text })) return;
      if (await run({ op: "split", side, sentence: index, offset }) && side === "src") say(T.sourceSplit);
      grid.focus();
    }
    area.addEventListener("keydown", async (event) => {
      event.stopPropagation();
      if (event.key === "Escape") { event.preventDefault(); render(); grid.focus(); }
      else if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        if (splitting) await splitAtCaret();
        else {
          if (area.value !== alignment[side][index]) {
            await run({ op: "edit", side, sentence: index, text: area.value });
          } else render();
          grid.focus();
        }
      } else if (event.altKey && event.code === "KeyS") {
        event.preventDefault();
        await splitAtCaret();
      }
    });
  }

  async function save() {
    const status = document.getElementById("save-status").value;
    const result = await api("PUT", grid.dataset.saveUrl, { alignment, status, version: grid.dataset.version });
    if (!result.ok) { sayError(T.error, result); return; }
    const r = result.data.report;
    alignment = result.data.alignment;
    grid.dataset.version = result.data.version;
    undo = []; redo = []; dirty = false;
    render();
    let message = T.saved.replace("{created}", r.created).replace("{changed}", r.changed).replace("{removed}", r.removed);
    if (r.sources_split) message += " " + T.sourcesSplit.replace("{split}", r.sources_split);
    say(message);
  }

  function move(step) {
    // Left/right walk the sentences of the link: source ones, then target ones.
    const link = alignment.links[cursor.link];
    const order = [...link.src.map((_, k) => ["src", k]), ...link.tgt.map((_, k) => ["tgt", k])];
    let at = order.findIndex(([s, k]) => s === cursor.side && k === cursor.k);
    if (at < 0) at = cursor.side === "src" ? -1 : order.length;
    const next = order[at + step];
    if (next) [cursor.side, cursor.k] = next;
    else cursor.side = step > 0 ? "tgt" : "src";
    drawCursor();
  }

  grid.addEventListener("keydown", (event) => {
    if (event.target !== grid) return;
    const key = event.key, ctrl = event.ctrlKey || event.metaKey;
    let handled = true;
    if (ctrl && event.code === "KeyZ" && !event.shiftKey) history(undo, redo, T.undone, T.nothingToUndo);
    else if (ctrl && (event.code === "KeyY" || (event.code === "KeyZ" && event.shiftKey))) history(redo, undo, T.redone, T.nothingToRedo);
    else if (ctrl && event.code === "KeyS") save();
    else if (ctrl) handled = false;
    else if (event.altKey && key === "ArrowUp") run(operation("shift_up"));
    else if (event.altKey && key === "ArrowDown") run(operation("shift_down"));
    else if (key === "ArrowUp") { cursor.link -= 1; cursor.k = 0; drawCursor(); }
    else if (key === "ArrowDown") { cursor.link += 1; cursor.k = 0; drawCursor(); }
    else if (key === "ArrowLeft") move(-1);
    else if (key === "ArrowRight") move(1);
    else if (key === "PageDown") { cursor.link = Math.min(cursor.link + pageSize, alignment.links.length - 1); cursor.k = 0; drawCursor(); }
    else if (key === "PageUp") { cursor.link = Math.max(cursor.link - pageSize, 0); cursor.k = 0; drawCursor(); }
    else if (key === "Home") { cursor.link = 0; drawCursor(); }
    else if (key === "End") { cursor.link = alignment.links.length - 1; drawCursor(); }
    else if (event.code === "KeyM") run(operation(event.shiftKey ? "merge_previous" : "merge_next"));
    else if (event.code === "KeyL") run(operation("split_link"));
    else if (event.code === "KeyX") run(operation("unalign"));
    else if (event.code === "KeyC") run(operation("confirm"));
    else if (key === "Enter" || key === "F2") startEdit();
    else if (event.code === "KeyS" && !event.altKey) startEdit(true);
    else handled = false;
    if (handled) event.preventDefault();
  });

  body.addEventListener("click", (event) => {
    const cell = event.target.closest("td.side");
    if (!cell) return;
    cursor.link = firstOnPage() + Array.prototype.indexOf.call(body.children, cell.parentElement);
    cursor.side = cell.dataset.side;
    const sentence = event.target.closest(".sent");
    cursor.k = sentence ? Number(sentence.dataset.k) : 0;
    drawCursor(false);
    grid.focus();
  });
  document.querySelectorAll("[data-op]").forEach((button) => button.addEventListener("click", () => {
    if (button.dataset.op === "edit") startEdit();
    else if (button.dataset.op === "split") startEdit(true);
    else { run(operation(button.dataset.op)); grid.focus(); }
  }));
  pager.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-page]");
    if (button) goToPage(Number(button.dataset.page));
  });
  document.getElementById("undo").addEventListener("click", () => history(undo, redo, T.undone, T.nothingToUndo));
  document.getElementById("redo").addEventListener("click", () => history(redo, undo, T.redone, T.nothingToRedo));
  document.getElementById("confirm-above").addEventListener("click", () =>
    run({ op: "confirm_above", threshold: Number(document.getElementById("threshold").value) }));
  document.getElementById("save-alignment").addEventListener("click", save);
  window.addEventListener("beforeunload", (event) => {
    if (dirty) { event.preventDefault(); event.returnValue = T.unsaved; }
  });
  render();
})();
