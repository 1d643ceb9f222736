// The Pledge demo dashboard: polls /api/state once a second and draws it; the buttons POST actions.
'use strict';

const POLL_MS = 1000;
const CHART_SECONDS = 300;
const SVG = 'http://www.w3.org/2000/svg';

function el(tag, attrs, text) {
  const e = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

// Most branches are in doubt for milliseconds (a commit in flight); a stuck one for seconds or more.
function age(ms) {
  return ms < 10000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function clock(ms) {
  return new Date(ms).toLocaleTimeString();
}

// Lines over time in an SVG: series = [{values: [[atMs, y], ...], color}]; the x axis is the last CHART_SECONDS.
function drawChart(svg, series, nowMs) {
  svg.replaceChildren();
  const w = svg.width.baseVal.value, h = svg.height.baseVal.value;
  const left = 44, bottom = 20, top = 8, right = 8;
  const plotW = w - left - right, plotH = h - top - bottom;
  let yMax = 0;
  for (const s of series) for (const [, y] of s.values) yMax = Math.max(yMax, y);
  yMax = niceCeiling(yMax);
  const x = t => left + plotW * (1 - (nowMs - t) / (CHART_SECONDS * 1000));
  const y = v => top + plotH * (1 - v / yMax);
  for (let i = 0; i <= 4; i++) {
    const v = yMax * i / 4;
    svg.append(el('svg:line', {x1: left, x2: w - right, y1: y(v), y2: y(v), stroke: '#eee'}));
    svg.append(el('svg:text', {x: left - 4, y: y(v) + 4, 'text-anchor': 'end'}, Math.round(v * 10) / 10));
  }
  for (let s = 0; s <= CHART_SECONDS; s += 60) {
    svg.append(el('svg:text', {x: x(nowMs - s * 1000), y: h - 4, 'text-anchor': 'middle'}, s === 0 ? 'now' : `-${s / 60} min`));
  }
  for (const s of series) {
    const points = s.values.filter(([t]) => nowMs - t <= CHART_SECONDS * 1000)
      .map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    svg.append(el('svg:polyline', {points, fill: 'none', stroke: s.color, 'stroke-width': 1.5}));
  }
}

function niceCeiling(v) {
  if (v <= 0) return 1;
  const step = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 5, 10]) if (m * step >= v) return m * step;
  return 10 * step;
}

function countsTable(table, counts) {
  const body = table.tBodies[0];
  body.replaceChildren();
  const entries = Object.entries(counts || {}).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) body.append(rowOf(['none']));
  for (const [k, v] of entries) body.append(rowOf([k, v]));
}

function rowOf(cells) {
  const tr = el('tr');
  for (const c of cells) tr.append(c instanceof Node ? c : el('td', {}, String(c)));
  return tr;
}

function cell(content) {
  const td = el('td');
  td.append(content);
  return td;
}

function actionButtons(node) {
  const span = el('span');
  for (const action of ['kill', 'stop', 'continue', 'restart']) {
    const b = el('button', {'data-action': action}, action === 'kill' ? 'kill -9' : action);
    b.addEventListener('click', () => post(`/api/nodes/${node.name}/${action}`));
    span.append(b);
  }
  return span;
}

function drawNodes(nodes) {
  const body = document.querySelector('#nodes tbody');
  body.replaceChildren();
  for (const n of nodes) {
    const c = n.counters || {};
    const tr = rowOf([
      n.name + (n.role === 'coordinator' ? ' (coordinator)' : '')
        + (n.role === 'machine' && n.leads ? ` (machine; leads ${n.leads.length ? n.leads.join(', ') : 'nothing'})` : ''),
      n.address || '',
      cell(el('span', {class: 'state state-' + n.state.replace(' ', '-'), title: n.error || ''}, n.state)),
      n.epoch ?? n.incarnation ?? '',
      n.inDoubt ? n.inDoubt.count : '',
      c.cooperativeTerminations ?? '',
      c['heuristic.forced'] === undefined ? '' : `${c['heuristic.forced']} / ${c['heuristic.mixed']}`,
      c['locks.waits'] === undefined ? '' : `${c['locks.waits']} / ${c['locks.timeouts']} / ${c['locks.waitDieDeaths']}`,
      cell(n.metricsUrl ? el('a', {href: n.metricsUrl}, '/metrics') : el('span')),
      cell(actionButtons(n)),
    ]);
    tr.setAttribute('data-node', n.name);
    body.append(tr);
  }
}

function drawInDoubt(nodes) {
  const box = document.getElementById('in-doubt');
  box.replaceChildren();
  for (const n of nodes.filter(n => n.role === 'participant')) {
    const head = el('div', {'data-participant': n.name});
    if (!n.inDoubt) {
      head.textContent = `${n.name}: ${n.state} — cannot list its branches`;
      box.append(head);
      continue;
    }
    head.textContent = `${n.name}: ${n.inDoubt.count} in doubt`;
    box.append(head);
    for (const b of n.inDoubt.branches) {
      const peers = b.peers.map(p => `${p.participant} says ${p.said}`).join(', ');
      box.append(el('div', {class: 'muted'},
        `  ${b.txId} ${b.state}, prepared ${age(b.ageMs)} ago; coordinator: ${b.coordinator ?? '?'}; ${peers}`));
    }
  }
}

function draw(state) {
  const demo = state.demo;
  const last = demo.intervals[demo.intervals.length - 1];
  document.getElementById('summary').textContent =
    `${demo.mix} mix · ${state.nodes.length} nodes · ${demo.auditsRun} audits, ${demo.auditsDirty} with violations · ${clock(state.nowMs)}`
    + (demo.leaders && Object.keys(demo.leaders).length
      ? ' · leaders: ' + Object.entries(demo.leaders).map(([shard, m]) => `${shard} ${m ?? 'none'}`).join(', ') : '');
  if (last) {
    document.getElementById('tx-rate').textContent = Math.round(last.txPerS);
    document.getElementById('committed').textContent = last.committed;
    document.getElementById('latency').textContent = `p50 ${last.p50Ms.toFixed(1)} ms · p99 ${last.p99Ms.toFixed(1)} ms`;
    document.getElementById('latency-split').textContent =
      `mean ${last.meanMs.toFixed(1)} ms = ops & lock waits ${last.operationsMs.toFixed(1)} + commit ${last.commitMs.toFixed(1)}` +
      ` + retried ${last.retriedMs.toFixed(1)}; lock waits at participants ` +
      (last.lockWaitsPerS < 0 ? '?' : `${Math.round(last.lockWaitsPerS)}/s`);
    countsTable(document.getElementById('reasons'), last.reasons);
    countsTable(document.getElementById('retries'), last.retries);
  }
  drawChart(document.getElementById('throughput-chart'),
    [{values: demo.intervals.map(i => [i.atMs, i.txPerS]), color: '#1a7f37'}], state.nowMs);
  drawChart(document.getElementById('latency-chart'), [
    {values: demo.intervals.map(i => [i.atMs, i.p50Ms]), color: '#0969da'},
    {values: demo.intervals.map(i => [i.atMs, i.p99Ms]), color: '#cf222e'}], state.nowMs);
  drawNodes(state.nodes);
  drawInDoubt(state.nodes);
  if (demo.audit) {
    const outcome = document.getElementById('audit-outcome');
    outcome.textContent = demo.audit.outcome;
    outcome.className = 'big ' + demo.audit.outcome;
    document.getElementById('audit-text').textContent = `${clock(demo.audit.atMs)}: ${demo.audit.text}`;
  }
  const events = document.getElementById('events');
  events.replaceChildren(...demo.events.map(e => el('div', {}, `${clock(e.atMs)}  ${e.text}`)));
}

async function post(path) {
  const r = await fetch(path, {method: 'POST', headers: {'X-Pledge-Dashboard': '1'}});
  if (!r.ok) alert(`${path}: ${r.status} ${await r.text()}`);
  poll();
}

async function poll() {
  try {
    const r = await fetch('/api/state', {cache: 'no-store'});
    draw(await r.json());
  } catch (e) {
    document.getElementById('summary').textContent = `the demo is not answering (${e})`;
  }
}

document.getElementById('run-audit').addEventListener('click', () => post('/api/audit'));
poll();
setInterval(poll, POLL_MS);
