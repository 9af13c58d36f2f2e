// peacesim studio: the trainers' page. Hand-written, no libraries, no network beyond this
// server. The server runs the model; this page draws what it sends.
"use strict";

const $ = (sel) => document.querySelector(sel);
const SVG = "http://www.w3.org/2000/svg";

const S = {
  scenarios: [],
  toml: "",
  source: "",
  set: {},          // changed settings: field path -> value
  info: null,       // /api/describe answer
  trace: null,      // /api/trace answer
  month: 1,
  timer: null,
  pending: null,    // debounce timer for a new trace
  seq: 0,           // answers older than the latest request are dropped
};

// ---------------------------------------------------------------- helpers

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text != null) e.textContent = text;
  return e;
}

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  };
  const response = await fetch(path, options);
  const type = response.headers.get("Content-Type") || "";
  const data = type.startsWith("application/json") ? await response.json() : await response.text();
  if (!response.ok) {
    const err = new Error(typeof data === "object" ? (data.message || data.error) : String(data));
    err.data = data;
    err.status = response.status;
    throw err;
  }
  return { data, response };
}

function request(extra) {
  return Object.assign({ toml: S.toml, source: S.source, set: S.set }, extra || {});
}

function status(text, isError) {
  const s = $("#status");
  s.textContent = text;
  s.classList.toggle("error", !!isError);
}

function pct(x) { return x == null ? "–" : (100 * x).toFixed(1) + "%"; }

function regimes() { return [$("#regime-a").value, $("#regime-b").value]; }

// ---------------------------------------------------------------- scenarios and settings

async function init() {
  const { data } = await api("/api/scenarios");
  S.scenarios = data.scenarios;
  const select = $("#scenario");
  for (const s of S.scenarios) select.append(el("option", { value: s.id, text: s.label }));
  select.value = data.initial;
  $("#n").max = data.limits.replicates;
  await loadScenario(data.initial);
}

async function loadScenario(id) {
  const s = S.scenarios.find((x) => x.id === id);
  if (!s) return;
  S.toml = s.toml;
  S.source = s.source;
  S.set = {};
  $("#editor").value = s.toml;
  updateGutter();
  await describe(true);
}

// Asks the server for the scenario's controls and regimes; rebuilds the controls.
async function describe(newScenario) {
  try {
    const { data } = await api("/api/describe", request());
    S.info = data;
    showEditorErrors(null);
    buildControls(data.params);
    if (newScenario) fillRegimes(data);
    $("#replicate").max = Math.max(0, data.replicates - 1);
    if (newScenario) $("#n").value = Math.min(data.replicates, Number($("#n").max) || 5000);
    status(data.check);
    await retrace();
    return true;
  } catch (e) {
    showProblem(e);
    return false;
  }
}

function fillRegimes(info) {
  for (const [k, select] of [[0, $("#regime-a")], [1, $("#regime-b")]]) {
    const keep = select.value;
    select.replaceChildren(...info.regimes.map((r) => el("option", { value: r, text: r.replace(/_/g, " ") })));
    select.value = info.regimes.includes(keep) && S.trace ? keep : info.pair[k];
  }
}

function controlId(id) { return "ctl-" + id.replace(/[^A-Za-z0-9_-]/g, "_"); }

function buildControls(params) {
  const root = $("#controls");
  const open = new Set([...root.querySelectorAll("details[open] > summary")].map((s) => s.textContent));
  root.replaceChildren();
  const groups = new Map();
  for (const p of params) {
    if (!groups.has(p.group)) groups.set(p.group, []);
    groups.get(p.group).push(p);
  }
  let first = true;
  for (const [name, list] of groups) {
    const details = el("details", {}, el("summary", { text: name }));
    if (open.has(name) || (open.size === 0 && (name === "Mechanisms" || name === "Key parameters" || first))) details.open = true;
    first = false;
    for (const p of list) details.append(buildControl(p));
    root.append(details);
  }
}

function buildControl(p) {
  const wrap = el("div", { class: "control", "data-control": p.id, title: p.help });
  const changed = Object.prototype.hasOwnProperty.call(S.set, p.id);
  const current = changed ? S.set[p.id] : p.value;
  wrap.classList.toggle("changed", changed);
  const name = el("span", { class: "name", text: p.label });
  const err = el("div", { class: "err", "data-err-for": p.field || p.id });
  const id = controlId(p.id);
  if (p.kind === "bool") {
    const box = el("input", { type: "checkbox", id, "data-id": p.id });
    box.checked = !!current;
    box.addEventListener("change", () => change(p, box.checked, wrap));
    wrap.append(el("label", { class: "row" }, el("span", {}, box, " ", name)), err);
    return wrap;
  }
  if (p.kind === "choice") {
    const select = el("select", { id, "data-id": p.id });
    for (const c of p.choices) select.append(el("option", { value: c, text: c }));
    select.value = current;
    select.addEventListener("change", () => change(p, select.value, wrap));
    wrap.append(el("label", { class: "row" }, name, select), err);
    return wrap;
  }
  const number = el("input", { type: "number", class: "value", step: p.kind === "int" ? 1 : p.step, "data-id": p.id });
  number.value = current;
  if (p.kind === "int") {
    number.id = id;
    number.addEventListener("change", () => {
      const v = Number(number.value);
      change(p, Number.isFinite(v) && number.value.trim() !== "" ? v : number.value, wrap);
    });
    wrap.append(el("label", { class: "row" }, name, number), err);
    return wrap;
  }
  const range = el("input", { type: "range", id, min: p.min, max: p.max, step: p.step, "data-id": p.id, "aria-label": p.label });
  range.value = current;
  range.addEventListener("input", () => { number.value = range.value; change(p, Number(range.value), wrap); });
  number.addEventListener("change", () => {
    const v = Number(number.value);
    if (number.value.trim() === "" || !Number.isFinite(v)) { showFieldError(p.id, "must be a number"); return; }
    range.value = v;
    change(p, v, wrap);
  });
  wrap.append(el("label", { class: "row", for: id }, name, number), range, err);
  return wrap;
}

function change(p, value, wrap) {
  if (value === p.value) delete S.set[p.id]; else S.set[p.id] = value;
  wrap.classList.toggle("changed", Object.prototype.hasOwnProperty.call(S.set, p.id));
  scheduleTrace();
}

function scheduleTrace() {
  clearTimeout(S.pending);
  S.pending = setTimeout(retrace, 120);
}

function clearFieldErrors() {
  for (const e of document.querySelectorAll("[data-err-for]")) e.textContent = "";
  for (const c of document.querySelectorAll(".control.invalid")) c.classList.remove("invalid");
}

function showFieldError(field, message) {
  const target = document.querySelector(`[data-err-for="${CSS.escape(field)}"]`);
  if (!target) return false;
  target.textContent = message;
  target.parentElement.classList.add("invalid");
  const details = target.closest("details");
  if (details) details.open = true;
  return true;
}

// Shows an API error where it belongs: next to its control, in the editor, or on top.
function showProblem(e) {
  const data = e.data || {};
  clearFieldErrors();
  const problems = data.problems || [];
  let placed = problems.length > 0;
  for (const p of problems) placed = showFieldError(p.field, p.message) && placed;
  status(data.message || e.message, true);
  if (!placed && S.editorOpen !== false && data.error === "invalid scenario") showEditorErrors(data);
}

// ---------------------------------------------------------------- editor

function updateGutter(bad) {
  const lines = $("#editor").value.split("\n").length;
  const g = $("#gutter");
  g.replaceChildren();
  for (let i = 1; i <= lines; i++) {
    g.append(el("span", { class: i === bad ? "bad" : "", text: String(i) }), "\n");
  }
  g.scrollTop = $("#editor").scrollTop;
}

function showEditorErrors(data) {
  const box = $("#editor-errors");
  if (!data) { box.hidden = true; box.textContent = ""; updateGutter(); return; }
  $("#editor-panel").hidden = false;
  box.hidden = false;
  box.textContent = "error: " + data.message;
  updateGutter(data.line || undefined);
  if (data.line) {
    const ed = $("#editor");
    const lines = ed.value.split("\n");
    const start = lines.slice(0, data.line - 1).reduce((n, l) => n + l.length + 1, 0);
    ed.setSelectionRange(start, start + (lines[data.line - 1] || "").length);
    ed.scrollTop = Math.max(0, (data.line - 5) * parseFloat(getComputedStyle(ed).lineHeight || 16));
    updateGutter(data.line);
  }
}

async function toggleEditor() {
  const panel = $("#editor-panel");
  if (panel.hidden) {
    // The text shows the current settings: they are written into it.
    if (Object.keys(S.set).length > 0) {
      try {
        const { data } = await api("/api/export", request());
        S.toml = data;
        S.set = {};
      } catch (e) { showProblem(e); }
    }
    $("#editor").value = S.toml;
    updateGutter();
    panel.hidden = false;
    $("#edit-toggle").textContent = "Hide scenario text";
  } else {
    panel.hidden = true;
    $("#edit-toggle").textContent = "Edit scenario text";
  }
}

async function applyEditor() {
  const previous = [S.toml, S.set];
  S.toml = $("#editor").value;
  S.set = {};
  try {
    const { data } = await api("/api/describe", request());
    S.info = data;
    showEditorErrors(null);
    clearFieldErrors();
    buildControls(data.params);
    fillRegimes(data);
    status(data.check);
    await retrace();
  } catch (e) {
    [S.toml, S.set] = previous;
    const data = e.data || { message: e.message };
    showEditorErrors(data);
    status("The scenario text has a problem (see the editor); the page still shows the last valid scenario.", true);
  }
}

// ---------------------------------------------------------------- one replicate, two regimes

async function retrace() {
  const seq = ++S.seq;
  const replicate = Math.max(0, Math.floor(Number($("#replicate").value) || 0));
  try {
    const { data } = await api("/api/trace", request({ regimes: regimes(), replicate }));
    if (seq !== S.seq) return;
    clearFieldErrors();
    if (S.info) status(S.info.check + (Object.keys(S.set).length ? ` · ${Object.keys(S.set).length} setting(s) changed` : ""));
    S.trace = data;
    $("#scrub").max = data.months;
    S.month = Math.min(Math.max(1, S.month), data.months);
    $("#seed-note").textContent =
      `Replicate ${data.replicate} of master seed ${data.master_seed} (run seed ${data.seed}): ` +
      `the same simulated conflict for both regimes, and the same run as replicate ${data.replicate} of \`peacesim run\` with these settings.`;
    render();
  } catch (e) {
    if (seq !== S.seq) return;
    showProblem(e);
  }
}

function setMonth(m) {
  if (!S.trace) return;
  S.month = Math.min(Math.max(1, m), S.trace.months);
  render();
}

function play() {
  if (S.timer) { stop(); return; }
  if (!S.trace) return;
  if (S.month >= S.trace.months) S.month = 1;
  $("#play").textContent = "❚❚ Pause";
  const tick = () => {
    if (S.month >= S.trace.months) { stop(); return; }
    setMonth(S.month + 1);
    S.timer = setTimeout(tick, Number($("#speed").value));
  };
  S.timer = setTimeout(tick, Number($("#speed").value));
}

function stop() {
  clearTimeout(S.timer);
  S.timer = null;
  $("#play").textContent = "▶ Play";
}

function phaseText(frame, run) {
  const o = run.outcome;
  switch (frame.phase) {
    case "implementing": return `Agreement signed in month ${o.agreement_month}; implementing`;
    case "durable": return `Agreement signed in month ${o.agreement_month}; it held`;
    case "relapsed": return `The agreement collapsed in month ${o.relapse_month}`;
    case "expired": return "No agreement within the horizon";
    default: {
      const open = frame.open.filter(Boolean).length;
      return `Negotiating · ${open} open table${open === 1 ? "" : "s"}`;
    }
  }
}

function render() {
  const t = S.trace;
  if (!t) return;
  $("#scrub").value = S.month;
  $("#month-label").textContent = `Month ${S.month} / ${t.months}`;
  t.runs.forEach((run, k) => {
    const panel = $(`#panel-${k}`);
    if (!panel) return;
    const frame = run.frames[S.month - 1];
    panel.querySelector(".regime-name").textContent = run.regime.replace(/_/g, " ");
    const phase = panel.querySelector(".phase");
    phase.textContent = phaseText(frame, run);
    phase.className = "phase " + (frame.phase === "relapsed" ? "relapse" : (frame.phase === "implementing" || frame.phase === "durable") ? "agreement" : "");
    drawNetwork(panel.querySelector(".network"), t, frame);
    drawChronicle(panel.querySelector(".chronicle"), run);
  });
  drawCharts();
  const legend = $("#chart-legend");
  if (legend) legend.textContent = `${t.runs[0].regime.replace(/_/g, " ")}: solid line · ${t.runs[1] ? t.runs[1].regime.replace(/_/g, " ") + ": dashed line · " : ""}dotted: end of the negotiation horizon`;
}

function drawChronicle(list, run) {
  const shown = run.chronicle.filter((c) => c.month <= S.month);
  if (list.childElementCount !== shown.length || list.dataset.regime !== run.regime || list.dataset.rep !== String(S.trace.seed)) {
    list.replaceChildren(...shown.map((c) => {
      const li = el("li", { "data-month": `m${c.month}`, text: c.text });
      if (c.month === S.month) li.classList.add("new");
      if (/sign an agreement/.test(c.text)) li.classList.add("agreement");
      if (/collapses/.test(c.text)) li.classList.add("relapse");
      return li;
    }));
    list.dataset.regime = run.regime;
    list.dataset.rep = String(S.trace.seed);
    list.scrollTop = list.scrollHeight;
  }
}

function cssVar(name) { return getComputedStyle(document.body).getPropertyValue(name).trim(); }

const KIND_SHORT = { mediator: "M", diplomat: "D", support_org: "S", insider: "I" };

// The network view: third parties on a ring, the conflict parties inside it.
function drawNetwork(root, t, frame) {
  root.replaceChildren();
  const W = 420, H = 320, cx = W / 2, cy = H / 2;
  const nt = t.third_parties.length, np = t.parties.length;
  const R = H / 2 - 44;
  const actors = t.third_parties.map((a, j) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * j) / Math.max(1, nt);
    return { x: cx + 1.25 * R * Math.cos(angle), y: cy + R * Math.sin(angle) };
  });
  const parties = t.parties.map((p, i) => {
    const angle = Math.PI + (2 * Math.PI * i) / Math.max(1, np);
    const r = np === 1 ? 0 : 48;
    return { x: cx + r * Math.cos(angle), y: cy + 0.7 * r * Math.sin(angle) };
  });
  const trustColour = cssVar("--trust"), tableColour = cssVar("--table"), partyColour = cssVar("--party"), fg = cssVar("--fg"), bg = cssVar("--panel");
  // Trust: thin lines, as strong as the trust.
  for (let i = 0; i < np; i++) {
    for (let j = 0; j < nt; j++) {
      const trust = frame.trust[i * nt + j] || 0;
      root.append(svg("line", {
        x1: parties[i].x, y1: parties[i].y, x2: actors[j].x, y2: actors[j].y,
        stroke: trustColour, "stroke-width": 0.5 + 2.5 * trust, "stroke-opacity": 0.12 + 0.6 * trust,
      }));
    }
  }
  // Where each party sits.
  for (let i = 0; i < np; i++) {
    const f = frame.table[i];
    if (f == null) continue;
    root.append(svg("line", {
      x1: parties[i].x, y1: parties[i].y, x2: actors[f].x, y2: actors[f].y,
      stroke: tableColour, "stroke-width": 5, "stroke-linecap": "round",
    }));
  }
  // Third parties: open tables carry a ring and a progress arc.
  t.third_parties.forEach((a, j) => {
    const { x, y } = actors[j];
    const g = svg("g", { "data-actor": a.name });
    if (frame.open[j]) {
      const r = 19, circumference = 2 * Math.PI * r, progress = frame.progress[j] || 0;
      g.append(svg("circle", { cx: x, cy: y, r, fill: "none", stroke: tableColour, "stroke-opacity": 0.35, "stroke-width": 5 }));
      g.append(svg("circle", {
        cx: x, cy: y, r, fill: "none", stroke: tableColour, "stroke-width": 5,
        "stroke-dasharray": `${circumference * progress} ${circumference}`, transform: `rotate(-90 ${x} ${y})`,
      }));
    }
    g.append(svg("circle", { cx: x, cy: y, r: 13, fill: bg, stroke: fg, "stroke-width": 1.5 }));
    g.append(svg("text", { x, y: y + 4, "text-anchor": "middle", "font-weight": 700 }, KIND_SHORT[a.kind] || "?"));
    const label = a.name.length > 22 ? a.name.slice(0, 21) + "…" : a.name;
    g.append(svg("text", { x, y: y + (y < cy ? -24 : 32), "text-anchor": "middle" }, label));
    g.append(svg("title", {}, `${a.name} (${a.kind})${frame.open[j] ? `: table open, progress ${(100 * frame.progress[j]).toFixed(0)}%` : ""}`));
    root.append(g);
  });
  // Parties: squares filled to their readiness.
  t.parties.forEach((p, i) => {
    const { x, y } = parties[i];
    const s = 26, ready = Math.max(0, Math.min(1, frame.readiness[i] || 0));
    const g = svg("g", { "data-party": p });
    g.append(svg("rect", { x: x - s / 2, y: y - s / 2, width: s, height: s, fill: bg, stroke: partyColour, "stroke-width": 2 }));
    g.append(svg("rect", { x: x - s / 2, y: y + s / 2 - s * ready, width: s, height: s * ready, fill: partyColour, "fill-opacity": 0.75 }));
    const label = p.length > 18 ? p.slice(0, 17) + "…" : p;
    // Labels point away from the centre, so that two parties' names never overlap.
    const side = Math.abs(x - cx) < 1 ? 0 : Math.sign(x - cx);
    g.append(side === 0
      ? svg("text", { x, y: y + s / 2 + 13, "text-anchor": "middle", "font-weight": 700 }, label)
      : svg("text", { x: x + side * (s / 2 + 4), y: y + 4, "text-anchor": side < 0 ? "end" : "start", "font-weight": 700 }, label));
    const pressure = frame.pressure ? frame.pressure[i] : null;
    g.append(svg("title", {}, `${p}: readiness ${(100 * ready).toFixed(0)}%` + (pressure != null ? `, pressure ${pressure.toFixed(2)}` : "")));
    root.append(g);
  });
}

// Four small charts, both regimes drawn up to the current month.
function drawCharts() {
  const t = S.trace;
  const colours = [cssVar("--a"), cssVar("--b")];
  for (const fig of document.querySelectorAll(".chart")) {
    const key = fig.dataset.series;
    const root = fig.querySelector("svg");
    root.replaceChildren();
    const W = 320, H = 150, L = 34, B = 18, T = 8, Rm = 8;
    const all = t.runs.flatMap((r) => r.series[key]).filter((v) => v != null);
    let top = key === "readiness" ? 1 : Math.max(...all, key === "open_tables" ? 1 : 1e-9);
    if (key === "open_tables") top = Math.max(1, Math.ceil(top));
    const x = (m) => L + ((W - L - Rm) * (m - 1)) / Math.max(1, t.months - 1);
    const y = (v) => H - B - ((H - B - T) * Math.max(0, v)) / top;
    const axis = cssVar("--line");
    root.append(svg("line", { x1: L, y1: H - B, x2: W - Rm, y2: H - B, stroke: axis }));
    root.append(svg("line", { x1: L, y1: T, x2: L, y2: H - B, stroke: axis }));
    const fmt = (v) => (v >= 10 || key === "open_tables" ? v.toFixed(0) : v.toFixed(2));
    root.append(svg("text", { x: L - 4, y: T + 8, "text-anchor": "end" }, fmt(top)));
    root.append(svg("text", { x: L - 4, y: H - B, "text-anchor": "end" }, "0"));
    root.append(svg("text", { x: W - Rm, y: H - 4, "text-anchor": "end" }, `month ${t.months}`));
    if (t.horizon < t.months) {
      root.append(svg("line", { x1: x(t.horizon), y1: T, x2: x(t.horizon), y2: H - B, stroke: axis, "stroke-dasharray": "3 3" }));
    }
    t.runs.forEach((run, k) => {
      const values = run.series[key];
      const points = [];
      for (let m = 1; m <= S.month; m++) {
        const v = values[m - 1];
        if (v != null) points.push(`${x(m).toFixed(1)},${y(v).toFixed(1)}`);
      }
      root.append(svg("polyline", {
        points: points.join(" "), fill: "none", stroke: colours[k % 2], "stroke-width": 2,
        "stroke-dasharray": k === 1 ? "6 3" : "", "data-regime": run.regime,
      }));
    });
    root.append(svg("line", { x1: x(S.month), y1: T, x2: x(S.month), y2: H - B, stroke: cssVar("--fg"), "stroke-opacity": 0.5 }));
  }
}

// ---------------------------------------------------------------- many replicates

async function runBatch() {
  const n = Math.floor(Number($("#n").value));
  const button = $("#run-batch");
  button.disabled = true;
  $("#batch-status").textContent = `Running ${n} paired replicates…`;
  try {
    const { data } = await api("/api/replicates", request({ regimes: regimes(), replicates: n }));
    showBatch(data);
    $("#batch-status").textContent = `${data.replicates} replicates × ${data.regimes.length} regimes in ${data.elapsed_ms} ms (seed ${data.seed})`;
  } catch (e) {
    $("#batch-status").textContent = "";
    $("#batch-result").replaceChildren(el("div", { class: "err", role: "alert", text: e.message }));
    showProblem(e);
  } finally {
    button.disabled = false;
  }
}

function ciBar(rate, ci, colour) {
  const bar = el("div", { class: "ci" });
  if (ci) {
    const range = el("div", { class: "range" });
    range.style.left = `${100 * ci[0]}%`;
    range.style.width = `${100 * (ci[1] - ci[0])}%`;
    range.style.background = colour;
    bar.append(range);
  }
  if (rate != null) {
    const dot = el("div", { class: "dot" });
    dot.style.left = `${100 * rate}%`;
    dot.style.background = colour;
    bar.append(dot);
  }
  return bar;
}

function showBatch(data) {
  const colours = [cssVar("--a"), cssVar("--b")];
  const table = el("table", { class: "results" },
    el("thead", {}, el("tr", {},
      el("th", { text: "Regime" }), el("th", { text: "Agreement" }), el("th", { text: "95% interval" }),
      el("th", { text: "0% … 100%" }), el("th", { text: "Relapse after agreement" }), el("th", { text: "Mean violence" }))));
  const body = el("tbody");
  data.regimes.forEach((r, k) => {
    const ci = r.agreement.ci95;
    body.append(el("tr", { "data-regime": r.name },
      el("td", { text: r.name.replace(/_/g, " ") }),
      el("td", { class: "rate", text: pct(r.agreement.rate) }),
      el("td", { text: ci ? `${pct(ci[0])} – ${pct(ci[1])}` : "–" }),
      el("td", { class: "bar" }, ciBar(r.agreement.rate, ci, colours[k % 2])),
      el("td", { text: pct(r.relapse_given_agreement.rate) + ` (of ${r.relapse_given_agreement.n})` }),
      el("td", { text: r.cumulative_violence.mean == null ? "–" : r.cumulative_violence.mean.toFixed(1) })));
  });
  table.append(body);
  const parts = [table];
  const d = data.difference;
  if (d && d.mean != null) {
    const pp = (x) => (x >= 0 ? "+" : "−") + Math.abs(100 * x).toFixed(1);
    const ci = d.ci95 ? ` (95% interval ${pp(d.ci95[0])} to ${pp(d.ci95[1])} pp)` : "";
    parts.push(el("p", { class: "difference", text: `Paired difference in agreement, ${d.of.replace(/_/g, " ")}: ${pp(d.mean)} pp${ci}.` }));
  }
  $("#batch-result").replaceChildren(...parts);
}

// ---------------------------------------------------------------- export

async function exportToml() {
  try {
    const { data, response } = await api("/api/export", request());
    const disposition = response.headers.get("Content-Disposition") || "";
    const match = /filename="([^"]+)"/.exec(disposition);
    const blob = new Blob([data], { type: "application/toml" });
    const a = el("a", { href: URL.createObjectURL(blob), download: match ? match[1] : "scenario.toml" });
    document.body.append(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    status(`Exported ${a.download}: run it with \`peacesim run ${a.download}\`.`);
  } catch (e) {
    showProblem(e);
  }
}

// ---------------------------------------------------------------- wiring

function wire() {
  $("#scenario").addEventListener("change", (e) => { stop(); loadScenario(e.target.value); });
  $("#edit-toggle").addEventListener("click", toggleEditor);
  $("#apply").addEventListener("click", applyEditor);
  $("#editor").addEventListener("input", () => updateGutter());
  $("#editor").addEventListener("scroll", () => { $("#gutter").scrollTop = $("#editor").scrollTop; });
  $("#reset").addEventListener("click", () => { S.set = {}; clearFieldErrors(); if (S.info) buildControls(S.info.params); retrace(); });
  $("#export").addEventListener("click", exportToml);
  $("#classroom").addEventListener("change", (e) => { document.body.classList.toggle("classroom", e.target.checked); render(); });
  $("#settings-toggle").addEventListener("click", () => { document.body.classList.toggle("show-controls"); });
  $("#contrast").addEventListener("change", (e) => { document.body.classList.toggle("contrast", e.target.checked); render(); });
  $("#regime-a").addEventListener("change", retrace);
  $("#regime-b").addEventListener("change", retrace);
  $("#replicate").addEventListener("change", retrace);
  $("#play").addEventListener("click", play);
  $("#step").addEventListener("click", () => { stop(); setMonth(S.month + 1); });
  $("#back").addEventListener("click", () => { stop(); setMonth(S.month - 1); });
  $("#scrub").addEventListener("input", (e) => { stop(); setMonth(Number(e.target.value)); });
  $("#run-batch").addEventListener("click", runBatch);
  document.addEventListener("keydown", (e) => {
    if (e.target.closest("input, textarea, select")) return;
    if (e.key === " ") { e.preventDefault(); play(); }
    else if (e.key === "ArrowRight") { stop(); setMonth(S.month + 1); }
    else if (e.key === "ArrowLeft") { stop(); setMonth(S.month - 1); }
    else if (e.key === "c") { document.body.classList.toggle("show-controls"); }
  });
}

wire();
init().catch((e) => status("The studio could not start: " + e.message, true));
