/* The bilingual editor: save in place, confirm with Ctrl+Enter, history, notes, matches. */
"use strict";
(function () {
  const { api, el, strings, say } = window.Sverka;
  const T = strings("editor-strings");
  const workspace = document.querySelector(".workspace");
  const track = workspace.dataset.track;
  const rows = Array.from(document.querySelectorAll("tr.unit"));
  const saved = new Map(rows.map((row) => [row, textarea(row).value]));
  const STATUS_KEYS = ["draft", "translated", "reviewed", "approved", "rejected"];
  const $ = (id) => document.getElementById(id);
  let active = null;

  function textarea(row) { return row.querySelector("textarea"); }
  /* Grow a textarea to its text, so a long sentence is never cut off. */
  function fit(area) { area.style.height = "auto"; area.style.height = area.scrollHeight + 2 + "px"; }
  function dirty(row) { return textarea(row).value !== saved.get(row); }

  function setTranslation(row, translation) {
    row.dataset.translation = translation.id;
    row.dataset.version = translation.version;
    row.dataset.status = translation.status;
    row.className = row.className.replace(/\brow-\S+/, "row-" + translation.status);
    const badge = row.querySelector(".status");
    badge.className = "status status-" + translation.status;
    badge.textContent = translation.status_label;
    textarea(row).value = translation.text;
    fit(textarea(row));
    saved.set(row, translation.text);
    row.querySelector(".conflict").hidden = true;
    if (row === active) $("panel-status").value = translation.status;
  }

  function applyUnit(row, unit) {
    setTranslation(row, unit.translation);
    const list = row.querySelector(".qa");
    list.replaceChildren(...unit.warnings.map(
      (w) => el("li", { class: "qa-" + w.code, title: w.detail }, w.label)));
    if (row === active) { $("panel-note").value = unit.translation.note; loadHistory(row); }
  }

  async function send(row, payload) {
    const id = row.dataset.translation;
    if (id) {
      return api("PUT", `/api/translations/${id}`,
        { ...payload, expected_version: Number(row.dataset.version) });
    }
    return api("POST", `/api/segments/${row.dataset.segment}/translation`,
      { track, status: "draft", ...payload });
  }

  async function save(row, extra) {
    const payload = { text: textarea(row).value, ...(extra || {}) };
    const result = await send(row, payload);
    if (result.ok) { applyUnit(row, result.data); say(T.saved); return true; }
    if (result.status === 409 && result.data && result.data.theirs) {
      showConflict(row, result.data.theirs, payload);
    } else {
      say(`${T.error} ${result.data ? result.data.message : result.status}`);
    }
    return false;
  }

  function showConflict(row, theirs, yours) {
    const box = row.querySelector(".conflict");
    const keep = el("button", { type: "button", class: "keep-mine", onclick: async () => {
      row.dataset.translation = theirs.id;
      row.dataset.version = theirs.version;
      if (await save(row, { status: yours.status })) textarea(row).focus();
    } }, T.keepMine);
    const take = el("button", { type: "button", class: "secondary take-theirs", onclick: () => {
      setTranslation(row, theirs);
      textarea(row).focus();
      if (row === active) loadHistory(row);
    } }, T.takeTheirs);
    box.replaceChildren(
      el("p", {}, T.conflict.replace("{v}", theirs.version)
        .replace("{who}", theirs.author || "?")),
      el("blockquote", { lang: textarea(row).lang, class: "theirs" }, theirs.text),
      keep, " ", take);
    box.hidden = false;
    keep.focus();
  }

  function neighbour(row, step) {
    return rows[rows.indexOf(row) + step] || null;
  }

  function go(row, step) {
    const next = neighbour(row, step);
    if (next) { textarea(next).focus(); next.scrollIntoView({ block: "center" }); }
  }

  async function loadSuggestions(row) {
    const list = $("suggestions");
    const params = new URLSearchParams({ count: row.dataset.count });
    if (row.dataset.translation) params.set("translation", row.dataset.translation);
    const result = await api("GET", `/api/segments/${row.dataset.segment}/suggestions?${params}`);
    if (row !== active) return;
    const hits = result.ok ? result.data : [];
    list.replaceChildren(...(hits.length ? hits.map((hit) => el("li", {},
      el("span", { class: "score" }, `${hit.score}%`), " ",
      el("span", { class: "hit-target" }, hit.target), " ",
      el("small", {}, `${hit.memory}${hit.changed_by ? " · " + hit.changed_by : ""}`), " ",
      el("button", { type: "button", class: "secondary use-match", onclick: () => use(hit.target) },
        T.use))) : [el("li", { class: "empty" }, T.noMatches)]));
  }

  function use(text) {
    if (!active) return;
    textarea(active).value = text;
    fit(textarea(active));
    textarea(active).focus();
  }

  function renderDiff(diff) {
    return el("p", { class: "diff" }, ...diff.map((c) =>
      c.op === "equal" ? c.text : el(c.op === "insert" ? "ins" : "del", {}, c.text)));
  }

  async function loadHistory(row) {
    const list = $("history");
    if (!row.dataset.translation) { list.replaceChildren(el("li", { class: "empty" }, T.noHistory)); return; }
    const result = await api("GET", `/api/translations/${row.dataset.translation}/history`);
    if (row !== active || !result.ok) return;
    list.replaceChildren(...result.data.map((rev, i) => el("li", { class: "revision" },
      el("div", { class: "rev-head" },
        `${T.revision} ${rev.number} · ${rev.status_label} · ${T.actions[rev.action] || rev.action}`,
        ` · ${rev.author || "?"} · `, el("time", { datetime: rev.changed_at }, rev.changed_label)),
      renderDiff(rev.diff),
      i === 0 ? null : el("button", { type: "button", class: "secondary restore",
        "aria-label": `${T.restore} ${T.revision} ${rev.number}`,
        onclick: () => restore(row, rev.number) }, T.restore))));
  }

  async function restore(row, number) {
    const result = await api("POST", `/api/translations/${row.dataset.translation}/restore`,
      { number, expected_version: Number(row.dataset.version) });
    if (result.ok) { applyUnit(row, result.data); say(T.restored); }
    else if (result.status === 409) showConflict(row, result.data.theirs, { text: textarea(row).value });
    else say(`${T.error} ${result.data ? result.data.message : result.status}`);
  }

  function activate(row) {
    if (active === row) return;
    if (active) active.classList.remove("active");
    active = row;
    row.classList.add("active");
    $("panel-number").textContent = row.querySelector(".num").firstChild.textContent;
    $("panel-status").value = row.dataset.status || "draft";
    $("panel-note").value = "";
    loadSuggestions(row);
    loadHistory(row);
    loadNote(row);
  }

  function loadNote(row) {
    const title = row.querySelector(".has-note");
    $("panel-note").value = title ? title.title : "";
  }

  async function saveNote() {
    if (!active || !active.dataset.translation) return;
    const result = await api("PUT", `/api/translations/${active.dataset.translation}`,
      { note: $("panel-note").value, expected_version: Number(active.dataset.version) });
    if (result.ok) {
      applyUnit(active, result.data);
      let mark = active.querySelector(".has-note");
      const note = result.data.translation.note;
      if (note && !mark) {
        mark = el("span", { class: "has-note" }, "✎");
        active.querySelector(".state").append(mark);
      }
      if (mark) { if (note) mark.title = note; else mark.remove(); }
      say(T.noteSaved);
    } else if (result.status === 409) showConflict(active, result.data.theirs, {});
    else say(`${T.error} ${result.data ? result.data.message : result.status}`);
  }

  rows.forEach((row) => fit(textarea(row)));
  workspace.addEventListener("input", (event) => {
    if (event.target.tagName === "TEXTAREA" && event.target.closest("tr.unit")) fit(event.target);
  });
  workspace.addEventListener("focusin", (event) => {
    const row = event.target.closest("tr.unit");
    if (row) activate(row);
  });

  document.addEventListener("keydown", async (event) => {
    const row = event.target.closest ? event.target.closest("tr.unit") : null;
    if (row && event.target.tagName === "TEXTAREA") {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        event.preventDefault();
        if (await save(row, { status: $("confirm-as").value })) go(row, 1);
        return;
      }
      if ((event.ctrlKey || event.metaKey) && event.code === "KeyS") {
        event.preventDefault();
        save(row);
        return;
      }
      if (event.altKey && /^Digit[1-5]$/.test(event.code)) {
        event.preventDefault();
        save(row, { status: STATUS_KEYS[Number(event.code.slice(5)) - 1] });
        return;
      }
      if (event.altKey && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
        event.preventDefault();
        go(row, event.key === "ArrowDown" ? 1 : -1);
        return;
      }
      if (event.key === "Escape") { textarea(row).value = saved.get(row); fit(textarea(row)); return; }
    }
    if (!event.altKey) return;
    if (event.code === "KeyM") {
      event.preventDefault();
      const first = document.querySelector("#suggestions .hit-target");
      if (first) use(first.textContent);
    } else if (event.code === "KeyN") { event.preventDefault(); $("panel-note").focus(); }
    else if (event.code === "KeyH") { event.preventDefault(); $("history-title").focus(); }
    else if (event.code === "KeyK") { event.preventDefault(); $("concordance-q").focus(); }
  });

  $("btn-save").addEventListener("click", () => active && save(active));
  $("btn-confirm").addEventListener("click", async () => {
    if (active && await save(active, { status: $("confirm-as").value })) go(active, 1);
  });
  $("btn-status").addEventListener("click", () =>
    active && save(active, { status: $("panel-status").value }));
  $("btn-note").addEventListener("click", saveNote);
  $("concordance").addEventListener("submit", async (event) => {
    event.preventDefault();
    const q = $("concordance-q").value;
    const result = await api("GET", `/api/concordance?q=${encodeURIComponent(q)}`);
    const hits = result.ok ? result.data : [];
    $("concordance-results").replaceChildren(...(hits.length ? hits.map((hit) => el("li", {},
      el("span", { lang: "ru" }, hit.source), " → ", el("span", { class: "hit-target" }, hit.target),
      " ", el("small", {}, hit.memory))) : [el("li", { class: "empty" }, T.noResults)]));
  });
  window.addEventListener("beforeunload", (event) => {
    if (rows.some(dirty)) { event.preventDefault(); event.returnValue = T.unsaved; }
  });
})();
