/* The alignment editor: keyboard-driven link operations, undo/redo, save. The operations
   themselves run on the server (tm.align.editing); this file only keeps state and draws. */
"use strict";
(function () {
  const { api, el, strings, say } = window.Sverka;
  const T = strings("align-strings");
  const grid = document.getElementById("align-grid");
  const body = document.getElementById("links");
  const high = Number(grid.dataset.high), low = Number(grid.dataset.low);
  let alignment = JSON.parse(document.getElementById("alignment-data").textContent);
  let undo = [], redo = [], dirty = false, busy = false;
  let cursor = { link: 0, side: "src", k: 0 };  // k: sentence within the side of the link

  function confidence(link) {
    if (!link.src.length || !link.tgt.length) return "unaligned";
    if (link.score === null) return "conf-manual";
    return link.score >= high ? "conf-high" : link.score >= low ? "conf-mid" : "conf-low";
  }

  function cellOf(i, side) {
    const tr = body.children[i];
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

  /* Redraw, reusing the rows of links that did not change (an operation touches one or two
     links; rebuilding 5,000 rows each time would make the page sluggish). */
  function render() {
    const old = new Map();
    for (const tr of body.children) old.set(tr.dataset.key, tr);
    const rows = alignment.links.map((link) => {
      const k = key(link);
      let tr = old.get(k);
      if (tr) old.delete(k);
      else { tr = row(link); tr.dataset.key = k; }
      return tr;
    });
    old.forEach((tr) => tr.remove());
    let at = body.firstChild;  // move only what moved: most rows stay where they are
    for (const tr of rows) {
      if (tr === at) at = at.nextSibling;
      else body.insertBefore(tr, at);
    }
    drawCursor(false);
  }

  function clamp() {
    cursor.link = Math.max(0, Math.min(cursor.link, alignment.links.length - 1));
    const n = alignment.links[cursor.link][cursor.side].length;
    cursor.k = Math.max(0, Math.min(cursor.k, Math.max(0, n - 1)));
  }

  function drawCursor(scroll = true) {
    clamp();
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

  async function run(op) {
    if (busy || !op) return false;
    busy = true;
    try {
      const result = await api("POST", "/api/alignment/apply", { alignment, op });
      if (!result.ok) { say(`${T.error} ${result.data ? result.data.message : result.status}`); return false; }
      undo.push(alignment);
      redo = [];
      alignment = result.data;
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
    const url = `/api/documents/${grid.dataset.document}/alignment?track=${encodeURIComponent(grid.dataset.track)}`;
    const result = await api("PUT", url, { alignment, status, version: grid.dataset.version });
    if (!result.ok) { say(`${T.error} ${result.data ? result.data.message : result.status}`); return; }
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
    cursor.link = Array.prototype.indexOf.call(body.children, cell.parentElement);
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
