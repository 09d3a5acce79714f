/* The bilingual editor: save in place, confirm with Ctrl+Enter, history, notes, fuzzy matches,
   concordance. */
"use strict";
(function () {
  const { api, el, url, pager, strings, say, sayError } = window.Sverka;
  const T = strings("editor-strings");
  const workspace = document.querySelector(".workspace");
  const track = workspace.dataset.track;
  // The server's URLs, from the page (url_for), with holes for ids: {segment_id}, {translation_id}.
  const urls = workspace.dataset;
  const rows = Array.from(document.querySelectorAll("tr.unit"));
  const saved = new Map(rows.map((row) => [row, textarea(row).value]));
  // Every status in workflow order (Alt+1…5), from the page: the first is a new translation's.
  const STATUS_KEYS = T.statuses.map((status) => status.value);
  const $ = (id) => document.getElementById(id);
  let active = null;

  function textarea(row) { return row.querySelector("textarea"); }
  /* Grow a textarea to its text, so a long sentence is never cut off. */
  function fit(area) { area.style.height = "auto"; area.style.height = area.scrollHeight + 2 + "px"; }
  function dirty(row) { return textarea(row).value !== saved.get(row); }

  /* A save's answer updates the row; ``sent`` is the text that save sent: if the user has
     typed on since, their newer text stays in the box (it is saved next, or still dirty). */
  function setTranslation(row, translation, sent) {
    row.dataset.translation = translation.id;
    row.dataset.version = translation.version;
    row.dataset.status = translation.status;
    row.className = row.className.replace(/\brow-\S+/, "row-" + translation.status);
    const badge = row.querySelector(".status");
    badge.className = "status status-" + translation.status;
    badge.textContent = translation.status_label;
    if (sent === undefined || textarea(row).value === sent) {
      textarea(row).value = translation.text;
      fit(textarea(row));
    }
    saved.set(row, translation.text);
    row.querySelector(".conflict").hidden = true;
    if (row === active) $("panel-status").value = translation.status;
  }

  function applyUnit(row, unit, sent) {
    setTranslation(row, unit.translation, sent);
    const list = row.querySelector(".qa");
    list.replaceChildren(...unit.warnings.map((w) => el("li", { class: "qa-" + w.code }, w.label,
      w.detail ? el("span", { class: "qa-detail" }, `: ${w.detail}`) : null)));
    showNote(row, unit.translation.note);
    if (row === active) { $("panel-note").value = unit.translation.note; loadHistory(row); }
  }

  async function send(row, payload) {
    const id = row.dataset.translation;
    if (id) {
      return api("PUT", url(urls.updateUrl, { translation_id: id }),
        { ...payload, expected_version: Number(row.dataset.version) });
    }
    return api("POST", url(urls.createUrl, { segment_id: row.dataset.segment }),
      { track, status: STATUS_KEYS[0], ...payload });
  }

  /* Saves of one row go one after another: each is sent with the version the one before it
     answered, so saving faster than the server answers (Ctrl+S twice, Ctrl+Enter down the
     page) is never a conflict with yourself. What is saved is the text at the keypress. */
  const saving = new WeakMap();

  function save(row, extra) {
    const payload = { text: textarea(row).value, ...(extra || {}) };
    const run = () => saveNow(row, payload);
    const queued = (saving.get(row) || Promise.resolve(true)).then(run, run);
    saving.set(row, queued);
    return queued;
  }

  async function saveNow(row, payload) {
    const result = await send(row, payload);
    if (result.ok) { applyUnit(row, result.data, payload.text); say(T.saved); return true; }
    if (result.status === 409 && result.data && result.data.theirs) {
      showConflict(row, result.data.theirs, payload);
    } else {
      sayError(T.error, result);
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

  /* The memory's fuzzy matches for the active unit, best first: percentage, the memory
     source marked against the segment, the suggestion, where it came from, number notes. */
  let matches = [];

  function provenance(m) {
    const p = m.provenance;
    return [m.memory, p.document_title, p.track, p.status ? m.status_label : null, p.author,
      m.date_label].filter((part) => part).join(" · ");
  }

  function sourceDiff(diff) {
    return el("p", { class: "diff match-source", lang: workspace.dataset.src, title: T.matchSource },
      ...diff.map((c) => c.op === "equal" ? c.text
        : el(c.op === "insert" ? "ins" : "del",
          { title: c.op === "insert" ? T.onlySegment : T.onlyMemory }, c.text)));
  }

  function renderMatch(m) {
    return el("li", { class: "match" },
      el("div", { class: "match-head" },
        el("span", { class: "score", title: m.score_label }, `${m.score}%`), " ",
        el("small", { class: "provenance" }, provenance(m)), " ",
        el("button", { type: "button", class: "secondary use-match", onclick: () => use(m.suggestion) },
          T.use)),
      sourceDiff(m.source_diff),
      el("p", { class: "hit-target", lang: workspace.dataset.tgt }, m.suggestion),
      m.notes.length ? el("ul", { class: "placeables" },
        ...m.notes.map((n) => el("li", { title: n.detail }, n.text))) : null);
  }

  async function loadSuggestions(row) {
    const list = $("suggestions");
    matches = [];
    const params = new URLSearchParams({ count: row.dataset.count });
    if (row.dataset.translation) params.set("translation", row.dataset.translation);
    const result = await api("GET", url(urls.suggestionsUrl, { segment_id: row.dataset.segment }, params));
    if (row !== active) return;
    matches = result.ok ? result.data : [];
    list.replaceChildren(...(matches.length ? matches.map(renderMatch)
      : [el("li", { class: "empty" }, T.noMatches)]));
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
    const result = await api("GET", url(urls.historyUrl, { translation_id: row.dataset.translation }));
    if (row !== active || !result.ok) return;
    // A source edit shows the source's diff (old → new), a split its parts; one from before
    // this translation existed has no number: the unit's history, not a version to restore.
    const action = (rev) => T.actions[rev.action] || rev.action;
    const latest = result.data.findIndex((rev) => rev.number !== null);
    list.replaceChildren(...result.data.map((rev, i) => el("li", { class: `revision${rev.source ? " source-edit" : ""}` },
      el("div", { class: "rev-head" },
        rev.number === null ? action(rev)
          : `${T.revision} ${rev.number} · ${rev.status_label} · ${action(rev)}`,
        ` · ${rev.author || "?"} · `, el("time", { datetime: rev.changed_at }, rev.changed_label)),
      rev.source ? el("div", { class: "source-diff", lang: workspace.dataset.src },
        el("span", { class: "meta" }, rev.source.parts ? T.sourceSplitInto : T.sourceChanged),
        rev.source.parts ? el("ol", { class: "parts" }, ...rev.source.parts.map((part) => el("li", {}, part)))
          : renderDiff(rev.source.diff)) : null,
      rev.number === null ? null : renderDiff(rev.diff),
      i === latest || rev.number === null ? null : el("button", { type: "button", class: "secondary restore",
        "aria-label": `${T.restore} ${T.revision} ${rev.number}`,
        onclick: () => restore(row, rev.number) }, T.restore))));
  }

  async function restore(row, number) {
    const result = await api("POST", url(urls.restoreUrl, { translation_id: row.dataset.translation }),
      { number, expected_version: Number(row.dataset.version) });
    if (result.ok) { applyUnit(row, result.data); say(T.restored); }
    else if (result.status === 409) showConflict(row, result.data.theirs, { text: textarea(row).value });
    else sayError(T.error, result);
  }

  function activate(row) {
    if (active === row) return;
    if (active) active.classList.remove("active");
    active = row;
    row.classList.add("active");
    $("panel-number").textContent = row.querySelector(".num").firstChild.textContent;
    $("panel-status").value = row.dataset.status || STATUS_KEYS[0];
    $("panel-note").value = "";
    loadSuggestions(row);
    loadHistory(row);
    loadNote(row);
  }

  /* The unit's note, shown under its status (hidden when there is none). */
  function showNote(row, note) {
    row.querySelector(".has-note").hidden = !note;
    row.querySelector(".note-text").textContent = note;
  }

  function loadNote(row) {
    $("panel-note").value = row.querySelector(".note-text").textContent;
  }

  async function saveNote() {
    if (!active || !active.dataset.translation) return;
    const result = await api("PUT", url(urls.updateUrl, { translation_id: active.dataset.translation }),
      { note: $("panel-note").value, expected_version: Number(active.dataset.version) });
    if (result.ok) { applyUnit(active, result.data); say(T.noteSaved); }
    else if (result.status === 409) showConflict(active, result.data.theirs, {});
    else sayError(T.error, result);
  }

  const pages = $("editor-pager");
  pager(pages, Number(pages.dataset.page), Number(pages.dataset.pages));
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
      if (matches.length) use(matches[0].suggestion);
    } else if (event.code === "KeyN") { event.preventDefault(); $("panel-note").focus(); }
    else if (event.code === "KeyH") { event.preventDefault(); $("history-title").focus(); }
    else if (event.code === "KeyK") { event.preventDefault(); $("concordance-q").focus(); }
  });

  /* "Confirm as" is a translator's standing choice (a reviewer confirms as reviewed): it is
     kept in this browser and chosen again on every page, when their role still offers it. */
  const CONFIRM_KEY = "sverka.confirm-as";
  const confirmAs = $("confirm-as");
  try {
    const kept = window.localStorage.getItem(CONFIRM_KEY);
    if (kept && Array.from(confirmAs.options).some((o) => o.value === kept)) confirmAs.value = kept;
    confirmAs.addEventListener("change", () => window.localStorage.setItem(CONFIRM_KEY, confirmAs.value));
  } catch (error) { /* storage off (private mode): the page's default stays */ }

  $("btn-save").addEventListener("click", () => active && save(active));
  $("btn-confirm").addEventListener("click", async () => {
    if (active && await save(active, { status: $("confirm-as").value })) go(active, 1);
  });
  $("btn-status").addEventListener("click", () =>
    active && save(active, { status: $("panel-status").value }));
  $("btn-note").addEventListener("click", saveNote);
  /* Concordance through the memory search: every form of a Russian word, hits marked. */
  const CYRILLIC = /[\u0400-\u04FF]/;
  let search = { q: "", side: "source", page: 1 };

  function marked(text, spans) {
    const parts = [];
    let at = 0;
    for (const [start, end] of spans) {
      parts.push(text.slice(at, start), el("mark", {}, text.slice(start, end)));
      at = end;
    }
    parts.push(text.slice(at));
    return parts;
  }

  function renderHit(hit) {
    const source = hit.side === "source" ? marked(hit.source, hit.spans) : [hit.source];
    const target = hit.side === "target" ? marked(hit.target, hit.spans) : [hit.target];
    return el("li", {},
      el("span", { lang: workspace.dataset.src }, ...source), " → ",
      el("span", { class: "hit-target", lang: workspace.dataset.tgt }, ...target),
      " ", el("small", {}, hit.memory));
  }

  async function concordance(page) {
    search.page = page;
    const params = new URLSearchParams({ q: search.q, page, src: workspace.dataset.src,
      tgt: workspace.dataset.tgt });
    if (search.side === "target") params.set("target", "1");
    const result = await api("GET", url(urls.concordanceUrl, {}, params));
    const data = result.ok ? result.data : null;
    const hits = data ? data.hits : [];
    $("concordance-results").replaceChildren(...(hits.length ? hits.map(renderHit)
      : [el("li", { class: "empty" }, result.ok || !result.data ? T.noResults : result.data.message)]));
    $("concordance-info").textContent = hits.length ? (data.truncated ? T.hitsMore : T.hits)
      .replace("{from}", (data.page - 1) * data.per_page + 1)
      .replace("{to}", (data.page - 1) * data.per_page + hits.length)
      .replace("{total}", data.total) : "";
    $("concordance-pager").hidden = !data || data.pages < 2;
    $("concordance-prev").disabled = !data || data.page <= 1;
    $("concordance-next").disabled = !data || data.page >= data.pages;
  }

  $("concordance").addEventListener("submit", (event) => {
    event.preventDefault();
    const q = $("concordance-q").value.trim();
    if (!q) return;
    const side = $("concordance-side").value;
    search = { q, side: side === "auto" ? (CYRILLIC.test(q) ? "source" : "target") : side, page: 1 };
    concordance(1);
  });
  $("concordance-prev").addEventListener("click", () => concordance(search.page - 1));
  $("concordance-next").addEventListener("click", () => concordance(search.page + 1));
  window.addEventListener("beforeunload", (event) => {
    if (rows.some(dirty)) { event.preventDefault(); event.returnValue = T.unsaved; }
  });
})();
