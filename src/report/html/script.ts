/**
 * The report page's script, inlined into a `<script>` element. Plain ES2017 that any current
 * browser runs from file:// with no network. It reads the payload (see `data.ts`) from the
 * `#report-data` JSON block and builds everything from it.
 *
 * Rules this file keeps, because model and dataset text is untrusted:
 * - data reaches the DOM only through `textContent`, `setAttribute` and properties such as
 *   `title`; never `innerHTML`, `insertAdjacentHTML`, `document.write` or `eval`;
 * - only the current page of rows exists in the DOM; a case's details are built when it is opened.
 *
 * Kept as a string (not a function's source) so bundlers and test transforms cannot rewrite it;
 * the test suite parses it and drives it in a real browser. It must contain no backtick, no
 * dollar-brace and no closing script tag.
 */

/**
 * The DOM helpers both page scripts (this one and the leaderboard's) are built on, spliced into
 * each one's function body: `$` by id, `el` to make an element whose text goes in only as
 * `textContent`, and `add`. The same string rules as the scripts apply.
 */
export const DOM_HELPERS = String.raw`  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function add(parent, child) { parent.appendChild(child); return child; }`

/** The report page's script; see the file comment for the rules it keeps. */
export const REPORT_SCRIPT = String.raw`(function () {
  'use strict';
  var SVGNS = 'http://www.w3.org/2000/svg';
  var DASH = '\u2014', NDASH = '\u2013', DOT = ' \u00b7 ';
  var D, T, C, B, hasBase;
  var S = { q: '', status: '', tag: '', phase: '', change: '', sort: '', dir: 1, page: 0, size: 100 };
  var filtered = [], hay = [], opened = {}, ncols = 0, searchTimer = 0;

${DOM_HELPERS}
  function svg(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, String(attrs[k]));
    return e;
  }
  function txt(i) { return i === null || i === undefined ? null : T[i]; }
  function isNum(v) { return typeof v === 'number' && isFinite(v); }
  function clip(s, n) { return s.length > n ? s.slice(0, n - 1) + '\u2026' : s; }

  /* ---------- formatting: the same rules as src/report/format.ts, for per-case values ---------- */
  var collator = new Intl.Collator('en', { numeric: true });
  function group(v) { return String(v).replace(/\B(?=(\d{3})+(?!\d))/g, ','); }
  var INT = { format: function (v) { return group(Math.round(v)); } };
  function pct(v) { return (v * 100).toFixed(1) + '%'; }
  function casePct(v) { return v === 0 || v === 1 ? (v * 100) + '%' : pct(v); }
  function pad2(n) { return (n < 10 ? '0' : '') + n; }
  function fmt(v, kind) {
    if (!isNum(v)) return 'n/a';
    var sign = v < 0 ? '-' : '';
    v = Math.abs(v);
    switch (kind) {
      case 'fraction': return sign + pct(v);
      case 'ms': return sign + (v < 1000 ? Math.round(v) + ' ms' : (v / 1000).toFixed(1) + ' s');
      case 'tokens':
        if (v < 1000) return sign + Math.round(v);
        if (+(v / 1000).toFixed(1) < 1000) return sign + (v / 1000).toFixed(1) + 'k';
        return sign + (v / 1e6).toFixed(1) + 'M';
      case 'usd':
        if (v === 0) return '$0.00';
        if (v >= 1) return sign + '$' + group(v.toFixed(2).split('.')[0]) + '.' + v.toFixed(2).split('.')[1];
        return v >= 0.0001 ? sign + '$' + v.toFixed(4) : '<$0.0001';
      case 'seconds':
        if (v < 10) return sign + +v.toFixed(1) + 's';
        var r = Math.round(v);
        if (r < 60) return sign + r + 's';
        if (r < 3600) return sign + Math.floor(r / 60) + 'm ' + pad2(r % 60) + 's';
        var mins = Math.round(r / 60);
        return sign + Math.floor(mins / 60) + 'h ' + pad2(mins % 60) + 'm';
      default: return sign + group(v);
    }
  }
  function fmtDate(iso) {
    var d = new Date(iso);
    if (!iso || isNaN(d.getTime())) return iso || DASH;
    return d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  }
  function shortHash(h) { return String(h || '').replace(/^sha256:/, '').slice(0, 12); }
  function targetText(t) { return Array.isArray(t) ? t.join('\n') : String(t); }

  /* ---------- header ---------- */
  function metaItem(list, label, value, title) {
    var li = add(list, el('li'));
    li.appendChild(document.createTextNode(label + ' '));
    var b = add(li, el('b', null, value));
    if (title) b.title = title;
    return li;
  }
  function versionText(v) { return /^v/i.test(v) ? v : 'v' + v; }
  function renderHeader() {
    var run = D.run;
    document.title = run.env.name + DOT + run.model.name + ' ' + DASH + ' BenchGen Eval report';
    var h1 = $('run-title');
    h1.textContent = run.env.name + ' ';
    add(h1, el('span', 'version', versionText(run.env.version)));
    var model = $('run-model');
    model.appendChild(document.createTextNode('Model '));
    add(model, el('b', null, run.model.name));
    if (run.model.key && run.model.key !== run.model.name) add(model, el('span', 'muted', ' (' + run.model.key + ')'));
    var meta = $('run-meta');
    metaItem(meta, 'Environment hash', shortHash(run.env.hash), run.env.hash).lastChild.classList.add('mono');
    metaItem(meta, 'Started', fmtDate(run.startedAt));
    if (isNum(run.durationMs)) metaItem(meta, 'Duration', fmt(run.durationMs / 1000, 'seconds'));
    metaItem(meta, 'Cases', INT.format(C.length));
    metaItem(meta, 'Phase', run.phase);
    if (run.git && run.git.sha) metaItem(meta, 'Commit', run.git.sha.slice(0, 7) + (run.git.ref ? ' (' + run.git.ref + ')' : ''), run.git.sha);
    metaItem(meta, 'Source', run.env.source);
    metaItem(meta, 'Tool', run.tool);
    if (!hasBase) return;
    var note = $('baseline-note');
    note.hidden = false;
    note.appendChild(document.createTextNode('Compared with baseline '));
    add(note, el('b', null, B.run.model.name));
    note.appendChild(document.createTextNode(DOT + B.run.env.name + ' ' + versionText(B.run.env.version) + DOT));
    add(note, el('code', null, shortHash(B.run.env.hash))).title = B.run.env.hash;
    var bits = [fmtDate(B.run.startedAt)];
    if (B.run.git && B.run.git.sha) bits.push('commit ' + B.run.git.sha.slice(0, 7));
    note.appendChild(document.createTextNode(DOT + bits.join(DOT) + '.'));
    if (B.onlyInBaseline > 0) {
      note.appendChild(document.createTextNode(' ' + INT.format(B.onlyInBaseline) + (B.onlyInBaseline === 1 ? ' baseline case is' : ' baseline cases are') + ' not in this run.'));
    }
    if (B.run.env.hash !== D.run.env.hash) {
      note.classList.add('warn');
      note.appendChild(document.createTextNode(' The environment hash differs from this run' + "'" + 's, so the two may not be comparable.'));
    }
  }

  /* ---------- headline metrics (formatted by the server, see format.ts) ---------- */
  function renderMetrics() {
    var box = $('metrics');
    if (!D.metrics.length) add(box, el('p', 'muted', 'No metrics in scores.json.'));
    D.metrics.forEach(function (m) {
      var card = add(box, el('div', 'card' + (m.key === 'score' ? ' primary' : '')));
      card.setAttribute('data-metric', m.key);
      add(card, el('div', 'label', m.label));
      var value = add(card, el('div', 'value'));
      add(value, el('span', 'num', m.value));
      if (m.delta) {
        var badge = add(value, el('span', 'delta ' + m.delta.tone, m.delta.text));
        badge.title = 'Baseline: ' + m.delta.baseline;
        badge.setAttribute('aria-label', 'change from baseline ' + m.delta.text + ', baseline ' + m.delta.baseline);
      }
      if (m.sub) add(card, el('div', 'sub', m.sub));
    });
  }

  /* ---------- breakdown charts ---------- */
  var CHART_MAX = 30, LABEL_W = 160;
  function chart(title, groups, noun) {
    var box = el('figure', 'chart');
    box.style.margin = '0';
    add(box, el('h3', null, title));
    var shown = groups.slice(0, CHART_MAX);
    var rowH = 26, labelW = LABEL_W, barX = labelW + 10, barW = 250, W = barX + barW + 120, H = shown.length * rowH;
    var root = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, role: 'img',
      'aria-label': title + ', ' + shown.length + ' ' + noun + (shown.length === 1 ? '' : 's') });
    root.style.maxWidth = W + 'px';
    var anyBase = false;
    shown.forEach(function (g, k) {
      var y = k * rowH, score = isNum(g.score) ? Math.max(0, Math.min(1, g.score)) : 0;
      var grp = add(root, svg('g', {}));
      var desc = g.name + ': score ' + fmt(g.score, 'fraction') + ', accuracy ' + fmt(g.accuracy, 'fraction') + ', n ' + fmt(g.n, 'count');
      if (isNum(g.baseScore)) desc += ', baseline score ' + fmt(g.baseScore, 'fraction');
      add(grp, svg('title', {})).textContent = desc;
      add(grp, svg('text', { 'class': 'label', x: labelW, y: y + rowH / 2, 'text-anchor': 'end', 'dominant-baseline': 'central' })).textContent = clip(g.name, 48);
      add(grp, svg('rect', { 'class': 'track', x: barX, y: y + 6, width: barW, height: rowH - 12, rx: 3 }));
      if (score > 0) add(grp, svg('rect', { 'class': 'bar', x: barX, y: y + 6, width: (score * barW).toFixed(1), height: rowH - 12, rx: 3 }));
      if (isNum(g.baseScore)) {
        anyBase = true;
        var bx = (barX + Math.max(0, Math.min(1, g.baseScore)) * barW).toFixed(1);
        add(grp, svg('line', { 'class': 'base', x1: bx, x2: bx, y1: y + 2, y2: y + rowH - 2 }));
      }
      var val = add(grp, svg('text', { x: barX + barW + 10, y: y + rowH / 2, 'dominant-baseline': 'central' }));
      val.textContent = fmt(g.score, 'fraction');
      if (isNum(g.n)) add(grp, svg('text', { 'class': 'val', x: barX + barW + 62, y: y + rowH / 2, 'dominant-baseline': 'central' })).textContent = 'n=' + INT.format(g.n);
    });
    box.appendChild(root);
    if (groups.length > CHART_MAX) {
      add(box, el('p', 'more', 'Showing the ' + CHART_MAX + ' largest of ' + INT.format(groups.length) + ' ' + noun + 's; the Tag filter lists them all.'));
    }
    if (anyBase) {
      var legend = add(box, el('p', 'legend'));
      add(legend, el('span', 'legend-tick')).setAttribute('aria-hidden', 'true');
      legend.appendChild(document.createTextNode('baseline score'));
    }
    return box;
  }
  /* Shortens labels that do not fit left of the bars; needs layout, so runs once they are shown. */
  function fitLabels(root, width) {
    var labels = root.querySelectorAll('text.label');
    for (var k = 0; k < labels.length; k++) {
      var t = labels[k], full = t.textContent, n = full.length;
      if (!t.getComputedTextLength) return;
      while (n > 1 && t.getComputedTextLength() > width) t.textContent = full.slice(0, --n) + '\u2026';
    }
  }
  function renderCharts() {
    var box = $('charts');
    if (D.phases.length) box.appendChild(chart('Score by phase', D.phases, 'phase'));
    if (D.tags.length) box.appendChild(chart('Score by tag', D.tags, 'tag'));
    if (!D.phases.length && !D.tags.length) $('breakdown').hidden = true;
    box.querySelectorAll('svg').forEach(function (root) { fitLabels(root, LABEL_W - 4); });
  }

  /* ---------- filters ---------- */
  function option(select, value, label) {
    var o = add(select, el('option', null, label));
    o.value = value;
    return o;
  }
  function count(pred) { var n = 0; for (var i = 0; i < C.length; i++) if (pred(C[i])) n++; return n; }
  function setupFilters() {
    var st = $('f-status');
    option(st, '', 'All (' + INT.format(C.length) + ')');
    ['pass', 'fail', 'error'].forEach(function (s) {
      option(st, s, s.charAt(0).toUpperCase() + s.slice(1) + ' (' + INT.format(count(function (c) { return c.status === s; })) + ')');
    });

    var tagCounts = {}, phaseCounts = {}, phases = [];
    C.forEach(function (c) {
      c.tags.forEach(function (t) { tagCounts[t] = (tagCounts[t] || 0) + 1; });
      if (!Object.prototype.hasOwnProperty.call(phaseCounts, c.phase)) { phaseCounts[c.phase] = 0; phases.push(c.phase); }
      phaseCounts[c.phase]++;
    });
    var tg = $('f-tag'), tags = Object.keys(tagCounts).sort(collator.compare);
    option(tg, '', 'All tags');
    tags.forEach(function (t) { option(tg, t, clip(t, 60) + ' (' + INT.format(tagCounts[t]) + ')'); });
    if (!tags.length) $('w-tag').hidden = true;

    var ph = $('f-phase');
    option(ph, '', 'All phases');
    phases.forEach(function (p) { option(ph, p, clip(p, 60) + ' (' + INT.format(phaseCounts[p]) + ')'); });
    if (phases.length < 2) $('w-phase').hidden = true;

    if (hasBase) {
      $('w-change').hidden = false;
      var ch = $('f-change');
      var n = function (k) { return count(function (c) { return c.change === k; }); };
      var fixed = n('fixed'), regressed = n('regressed'), fresh = n('new');
      option(ch, '', 'All');
      option(ch, 'changed', 'Changed (' + INT.format(fixed + regressed) + ')');
      option(ch, 'fixed', 'Fixed (' + INT.format(fixed) + ')');
      option(ch, 'regressed', 'Regressed (' + INT.format(regressed) + ')');
      if (fresh) option(ch, 'new', 'New (' + INT.format(fresh) + ')');
    }

    function onChange(id, key) {
      $(id).addEventListener('change', function (e) { S[key] = e.target.value; applyFilters(true); });
    }
    onChange('f-status', 'status');
    onChange('f-tag', 'tag');
    onChange('f-phase', 'phase');
    onChange('f-change', 'change');
    $('f-size').addEventListener('change', function (e) {
      var first = S.page * S.size;
      S.size = parseInt(e.target.value, 10) || 100;
      S.page = Math.floor(first / S.size);
      render();
    });
    $('f-q').addEventListener('input', function (e) {
      clearTimeout(searchTimer);
      var value = e.target.value;
      searchTimer = setTimeout(function () { S.q = value.trim().toLowerCase(); applyFilters(true); }, 150);
    });
    document.addEventListener('keydown', function (e) {
      var t = e.target, typing = t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA');
      if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); $('f-q').focus(); }
    });
  }

  function haystack(i) {
    var h = hay[i];
    if (h === undefined) {
      var c = C[i];
      h = (c.id + '\n' + txt(c.input) + '\n' + (txt(c.response) || '') + '\n' + targetText(c.target) + '\n' + (c.extracted || '')).toLowerCase();
      hay[i] = h;
    }
    return h;
  }
  function matches(c, i) {
    if (S.status && c.status !== S.status) return false;
    if (S.phase && c.phase !== S.phase) return false;
    if (S.tag && c.tags.indexOf(S.tag) < 0) return false;
    if (S.change) {
      if (S.change === 'changed') { if (c.change !== 'fixed' && c.change !== 'regressed') return false; }
      else if (c.change !== S.change) return false;
    }
    if (S.q && haystack(i).indexOf(S.q) < 0) return false;
    return true;
  }
  function compare(a, b) {
    var x = C[a], y = C[b], r = 0;
    if (S.sort === 'id') r = collator.compare(x.id, y.id);
    else if (S.sort === 'score') r = x.score - y.score;
    else if (S.sort === 'latency') r = x.latencyMs - y.latencyMs;
    return r * S.dir || a - b;
  }
  function applyFilters(resetPage) {
    filtered = [];
    for (var i = 0; i < C.length; i++) if (matches(C[i], i)) filtered.push(i);
    if (S.sort) filtered.sort(compare);
    if (resetPage) S.page = 0;
    render();
  }

  /* ---------- table ---------- */
  function setupTable() {
    var table = $('cases');
    var cols = [
      { label: 'Case', cls: 'c-id', sort: 'id', first: 1 },
      { label: 'Status', cls: 'c-status' },
      { label: 'Score', cls: 'c-score', sort: 'score', num: true, first: -1 },
      { label: 'Latency', cls: 'c-lat', sort: 'latency', num: true, first: -1 },
      { label: 'Tags', cls: 'c-tags' },
      { label: 'Input', cls: 'c-input' }
    ];
    if (hasBase) cols.push({ label: 'vs baseline', cls: 'c-change' });
    ncols = cols.length;
    var cg = add(table, el('colgroup'));
    var tr = add(add(table, el('thead')), el('tr'));
    cols.forEach(function (c) {
      add(cg, el('col', c.cls));
      var th = add(tr, el('th', c.num ? 'num' : ''));
      th.scope = 'col';
      if (!c.sort) { th.textContent = c.label; return; }
      th.setAttribute('aria-sort', 'none');
      var btn = add(th, el('button', 'sort', c.label));
      btn.type = 'button';
      btn.title = 'Sort by ' + c.label.toLowerCase();
      btn.addEventListener('click', function () {
        S.dir = S.sort === c.sort ? -S.dir : c.first;
        S.sort = c.sort;
        tr.querySelectorAll('th[aria-sort]').forEach(function (h) { h.setAttribute('aria-sort', 'none'); });
        th.setAttribute('aria-sort', S.dir > 0 ? 'ascending' : 'descending');
        applyFilters(false);
      });
    });
    var tbody = add(table, el('tbody'));
    tbody.addEventListener('click', function (e) {
      var row = e.target.closest ? e.target.closest('tr.case') : null;
      if (!row || !tbody.contains(row)) return;
      var onButton = e.target.closest('button');
      var sel = window.getSelection ? String(window.getSelection()) : '';
      if (!onButton && sel) return; // the reader is selecting text, not opening the case
      toggle(row);
    });
    ['first', 'prev', 'next', 'last'].forEach(function (k) {
      $('pg-' + k).addEventListener('click', function () {
        var pages = Math.max(1, Math.ceil(filtered.length / S.size));
        S.page = k === 'first' ? 0 : k === 'last' ? pages - 1 : k === 'prev' ? S.page - 1 : S.page + 1;
        render();
        $('cases').scrollIntoView({ block: 'nearest' });
      });
    });
  }

  function badge(kind) { return el('span', 'badge ' + kind, kind); }
  function caseRow(i) {
    var c = C[i], tr = el('tr', 'case'), detailId = 'case-detail-' + i;
    tr.setAttribute('data-i', String(i));
    tr.setAttribute('data-status', c.status);
    var btn = add(add(tr, el('td')), el('button', 'case-toggle', c.id));
    btn.type = 'button';
    btn.title = c.id;
    btn.setAttribute('aria-controls', detailId);
    add(add(tr, el('td')), badge(c.status));
    add(tr, el('td', 'num', casePct(c.score)));
    add(tr, el('td', 'num', fmt(c.latencyMs, 'ms')));
    var tags = add(tr, el('td'));
    c.tags.slice(0, 3).forEach(function (t) { add(tags, el('span', 'tag', t)).title = t; });
    if (c.tags.length > 3) add(tags, el('span', 'muted', '+' + (c.tags.length - 3)));
    var input = txt(c.input) || '';
    add(tr, el('td', 'input-cell', clip(input.replace(/\s+/g, ' ').trim(), 200))).title = clip(input, 1000);
    if (hasBase) {
      var cell = add(tr, el('td'));
      if (c.change && c.change !== 'same') add(cell, badge(c.change));
    }
    var isOpen = !!opened[i];
    btn.setAttribute('aria-expanded', String(isOpen));
    if (isOpen) tr.classList.add('open');
    return tr;
  }
  function toggle(row) {
    var i = +row.getAttribute('data-i'), btn = row.querySelector('.case-toggle');
    if (opened[i]) {
      delete opened[i];
      var next = row.nextElementSibling;
      if (next && next.classList.contains('detail')) next.remove();
      row.classList.remove('open');
      btn.setAttribute('aria-expanded', 'false');
    } else {
      opened[i] = true;
      row.after(detailRow(i));
      row.classList.add('open');
      btn.setAttribute('aria-expanded', 'true');
    }
  }

  function render() {
    var tbody = $('cases').tBodies[0], total = filtered.length;
    var pages = Math.max(1, Math.ceil(total / S.size));
    S.page = Math.max(0, Math.min(S.page, pages - 1));
    var start = S.page * S.size, end = Math.min(total, start + S.size);
    var frag = document.createDocumentFragment();
    for (var k = start; k < end; k++) {
      var i = filtered[k];
      frag.appendChild(caseRow(i));
      if (opened[i]) frag.appendChild(detailRow(i));
    }
    if (!total) {
      var td = add(add(frag, el('tr', 'empty')), el('td', null, 'No cases match these filters.'));
      td.colSpan = ncols;
    }
    tbody.textContent = '';
    tbody.appendChild(frag);
    var summary = total
      ? 'Showing ' + INT.format(start + 1) + NDASH + INT.format(end) + ' of ' + INT.format(total) + (total === C.length ? ' cases' : ' matching cases (' + INT.format(C.length) + ' in total)')
      : 'No matching cases (' + INT.format(C.length) + ' in total).';
    $('summary').textContent = summary;
    $('pg-info').textContent = 'Page ' + INT.format(S.page + 1) + ' of ' + INT.format(pages);
    $('pg-first').disabled = $('pg-prev').disabled = S.page === 0;
    $('pg-next').disabled = $('pg-last').disabled = S.page >= pages - 1;
  }

  /* ---------- case details, built on demand ---------- */
  function kv(dl, label, value) {
    if (value === undefined || value === null || value === '') return;
    var d = add(dl, el('div'));
    add(d, el('dt', null, label));
    add(d, el('dd', null, value));
  }
  function textBlock(parent, title, text, field, empty) {
    var b = add(parent, el('div', 'block'));
    var h = add(b, el('h3', null, title));
    var pre = add(b, el('pre', text === null || text === '' ? 'none' : ''));
    pre.textContent = text === null ? empty : text === '' ? '(empty)' : text;
    pre.setAttribute('data-field', field);
    return h;
  }
  function responseHeading(h, status, score) {
    h.appendChild(document.createTextNode(' '));
    add(h, badge(status));
    h.appendChild(document.createTextNode(' ' + casePct(score)));
  }
  function detailRow(i) {
    var c = C[i], tr = el('tr', 'detail');
    tr.id = 'case-detail-' + i;
    var td = add(tr, el('td'));
    td.colSpan = ncols;
    var body = add(td, el('div', 'detail-body'));

    var dl = add(body, el('dl', 'kv'));
    kv(dl, 'Case', c.id);
    kv(dl, 'Phase', c.phase);
    kv(dl, 'Index', String(c.index));
    kv(dl, 'Source', c.source);
    kv(dl, 'Attempts', String(c.attempts));
    kv(dl, 'Latency', fmt(c.latencyMs, 'ms'));
    if (c.finishReason) kv(dl, 'Finish', c.finishReason);
    if (c.usage) kv(dl, 'Tokens', INT.format(c.usage.promptTokens) + ' in' + DOT + INT.format(c.usage.completionTokens) + ' out');
    if (isNum(c.costUsd)) kv(dl, 'Cost', fmt(c.costUsd, 'usd'));
    if (c.tags.length) kv(dl, 'Tags', c.tags.join(', '));

    if (c.error) {
      var eb = add(body, el('div', 'errbox'));
      eb.setAttribute('data-field', 'error');
      add(eb, el('b', null, c.error.type));
      eb.appendChild(document.createTextNode(': ' + c.error.message + (isNum(c.error.status) ? ' (HTTP ' + c.error.status + ')' : '')));
    }

    var prompt = add(body, el('div', 'block'));
    if (c.messages && c.messages.length) {
      add(prompt, el('h3', null, 'Prompt messages'));
      var msgs = add(prompt, el('div', 'msgs'));
      c.messages.forEach(function (m) {
        var box = add(msgs, el('div', 'msg'));
        add(box, el('div', 'role', m[0]));
        add(box, el('pre', null, T[m[1]])).setAttribute('data-field', 'message');
      });
    } else if (c.prompt !== undefined) {
      textBlock(body, 'Prompt', txt(c.prompt), 'prompt', '');
    } else {
      textBlock(body, 'Input', txt(c.input), 'input', '');
    }
    if (!prompt.childNodes.length) prompt.remove();

    var pair = add(body, el('div', 'pair'));
    if (c.base) {
      responseHeading(textBlock(pair, 'Response, this run', txt(c.response), 'response', '(no response)'), c.status, c.score);
      responseHeading(textBlock(pair, 'Response, baseline', txt(c.base.response), 'base-response', '(no response)'), c.base.status, c.base.score);
    } else {
      textBlock(pair, 'Response', txt(c.response), 'response', '(no response)');
    }

    var answers = add(body, el('div', 'pair'));
    textBlock(answers, c.base ? 'Extracted answer, this run' : 'Extracted answer', c.extracted, 'extracted', '(none found)');
    if (c.base) textBlock(answers, 'Extracted answer, baseline', c.base.extracted, 'base-extracted', '(none found)');
    if (Array.isArray(c.target) && c.target.length > 1) {
      var tb = add(answers, el('div', 'block'));
      add(tb, el('h3', null, 'Target (any of)'));
      var ol = add(tb, el('ol', 'targets'));
      ol.setAttribute('data-field', 'target');
      c.target.forEach(function (t) { add(ol, el('li', 'mono', t)); });
    } else {
      textBlock(answers, 'Target', Array.isArray(c.target) ? (c.target[0] || '') : c.target, 'target', '');
    }

    if (c.choices && c.choices.length) {
      var cb = add(body, el('div', 'block'));
      add(cb, el('h3', null, 'Choices'));
      var cl = add(cb, el('ol', 'targets'));
      c.choices.forEach(function (t) { add(cl, el('li', null, t)); });
    }

    if (c.scores.length) {
      var sb = add(body, el('div', 'block'));
      add(sb, el('h3', null, 'Scorers'));
      var table = add(sb, el('table', 'scorers'));
      var head = add(add(table, el('thead')), el('tr'));
      var labels = ['Scorer', 'Value', 'Result', 'Extracted', 'Reason'];
      if (c.base) labels.push('Baseline');
      labels.forEach(function (l) { add(head, el('th', null, l)).scope = 'col'; });
      var tbody = add(table, el('tbody'));
      c.scores.forEach(function (s) {
        var row = add(tbody, el('tr'));
        row.setAttribute('data-scorer', s.name);
        add(row, el('td', 'mono', s.name));
        add(row, el('td', null, casePct(s.value)));
        add(add(row, el('td')), badge(s.passed ? 'pass' : 'fail'));
        add(row, el('td', 'mono', s.extracted === null ? DASH : s.extracted));
        add(row, el('td', 'reason', s.reason));
        if (c.base) {
          var cell = add(row, el('td'));
          var bs = c.base.scores.filter(function (x) { return x.name === s.name; })[0];
          if (bs) {
            add(cell, badge(bs.passed ? 'pass' : 'fail'));
            cell.appendChild(document.createTextNode(' ' + casePct(bs.value)));
            add(cell, el('div', 'muted', bs.reason));
          } else {
            cell.textContent = DASH;
          }
        }
      });
    }

    if (c.metadata) {
      var mb = add(body, el('div', 'block'));
      add(mb, el('h3', null, 'Metadata'));
      add(mb, el('pre', null, JSON.stringify(c.metadata, null, 2)));
    }
    return tr;
  }

  /* ---------- start ---------- */
  try {
    D = JSON.parse($('report-data').textContent);
    T = D.texts; C = D.cases; B = D.baseline; hasBase = !!B;
    renderHeader();
    renderMetrics();
    renderCharts();
    setupFilters();
    setupTable();
    applyFilters(true);
    document.documentElement.setAttribute('data-ready', 'true');
  } catch (err) {
    var box = $('fatal');
    box.hidden = false;
    box.textContent = 'This report could not be displayed: ' + (err && err.message ? err.message : String(err));
    throw err;
  }
})();
`
