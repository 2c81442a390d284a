/**
 * The leaderboard page's script, inlined into a `<script>` element: plain ES2017, no network.
 * It reads the payload (see `data.ts`) from the `#board-data` JSON block and builds one sortable
 * table per environment.
 *
 * As in the run report: data reaches the DOM only through `textContent`, `setAttribute` and
 * properties, never `innerHTML`. Kept as a string with no backtick, no dollar-brace and no
 * closing script tag (a test checks).
 */
import { DOM_HELPERS } from '../../report/html/script.js'

export const LEADERBOARD_SCRIPT = String.raw`(function () {
  'use strict';
  var DASH = '\u2014', DOT = ' \u00b7 ', DAGGER = '\u2020';
  var collator = new Intl.Collator('en', { numeric: true });
  var POLICY = { best: 'Best run of each model', latest: 'Latest run of each model' };
  /* first: the direction of the first click (1 ascending, -1 descending): best values first. */
  var COLUMNS = [
    { key: 'rank', label: '#', num: true, first: 1 },
    { key: 'model', label: 'Model', first: 1 },
    { key: 'score', label: 'Score (95% CI)', num: true, first: -1 },
    { key: 'accuracy', label: 'Accuracy', num: true, first: -1 },
    { key: 'answerRate', label: 'Answer rate', num: true, first: -1 },
    { key: 'costUsd', label: 'Cost', num: true, first: 1 },
    { key: 'latencyP50Ms', label: 'Latency p50', num: true, first: 1 },
    { key: 'cases', label: 'Cases', num: true, first: -1 },
    { key: 'date', label: 'Date', first: -1 },
    { key: 'commit', label: 'Commit', first: 1 }
  ];

${DOM_HELPERS}
  function shortHash(h) { return String(h || '').replace(/^sha256:/, '').slice(0, 12); }
  function versionText(v) { return /^v/i.test(v) ? v : 'v' + v; }
  function safeHref(url) { return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : null; }

  function value(row, key) {
    if (key === 'model') return row.modelName;
    if (key === 'commit') return row.commitSha || '';
    return row[key];
  }
  /* Missing values (null, '') sort last in both directions; ties keep the rank order. */
  function comparator(key, dir) {
    return function (a, b) {
      var x = value(a, key), y = value(b, key), r;
      var mx = x === null || x === undefined || x === '', my = y === null || y === undefined || y === '';
      if (mx || my) r = mx && my ? 0 : mx ? 1 : -1;
      else r = dir * (typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y)));
      return r || a.rank - b.rank || collator.compare(a.modelKey, b.modelKey);
    };
  }

  function cell(tr, cls, text, title) {
    var td = add(tr, el('td', cls, text));
    if (title) td.title = title;
    return td;
  }
  function renderRows(tbody, rows) {
    while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
    rows.forEach(function (r) {
      var tr = add(tbody, el('tr', r.hashChanged ? 'stale' : ''));
      tr.setAttribute('data-model-key', r.modelKey);
      cell(tr, 'num rank', r.rank);
      var model = cell(tr, 'model');
      add(model, el('span', 'name', r.modelName));
      if (r.modelKey !== r.modelName) add(model, el('span', 'key muted', r.modelKey));
      if (r.hashChanged) {
        var mark = add(model, el('span', 'stale-mark', DAGGER));
        mark.title = 'Run on environment hash ' + shortHash(r.envHash) + ', not the newest: its numbers may not compare.';
        mark.setAttribute('aria-label', 'older environment hash');
      }
      var score = cell(tr, 'num score');
      add(score, el('span', 'value', r.scoreText));
      if (r.ciText) add(score, el('span', 'ci', r.ciText));
      cell(tr, 'num', r.accuracyText);
      cell(tr, 'num', r.answerRateText);
      cell(tr, 'num', r.costText);
      cell(tr, 'num', r.latencyText);
      cell(tr, 'num', r.casesText);
      cell(tr, 'date', r.dateText, r.date);
      var commit = cell(tr, 'mono commit', null, r.ref ? r.commitSha + ' (' + r.ref + ')' : r.commitSha);
      var text = r.commitSha ? r.commitSha.slice(0, 7) : (r.runUrl ? 'run' : DASH);
      var href = safeHref(r.runUrl);
      if (href) {
        var a = add(commit, el('a', null, text));
        a.setAttribute('href', href);
        a.setAttribute('rel', 'noopener noreferrer');
        a.title = 'The CI run that produced this result';
      } else commit.textContent = text;
    });
  }

  function renderEnvironment(box, env, index) {
    var section = add(box, el('section', 'board'));
    section.setAttribute('aria-labelledby', 'env-' + index);
    var h2 = add(section, el('h2', null, env.name + ' '));
    h2.id = 'env-' + index;
    add(h2, el('span', 'version', versionText(env.version)));
    var meta = add(section, el('ul', 'meta'));
    var hash = add(meta, el('li', null, 'Environment hash '));
    add(hash, el('b', 'mono', shortHash(env.hash))).title = env.hash;
    add(meta, el('li', null, POLICY[env.policy] || env.policy));
    add(meta, el('li', null, env.rows.length + (env.rows.length === 1 ? ' model' : ' models')));
    var wrap = add(section, el('div', 'table-wrap'));
    var table = add(wrap, el('table', 'board'));
    add(table, el('caption', 'sr-only', env.name + ': models ranked by score; activate a column header to sort'));
    var tr = add(add(table, el('thead')), el('tr'));
    var tbody = add(table, el('tbody'));
    var state = { key: 'rank', dir: 1 };
    COLUMNS.forEach(function (c) {
      var th = add(tr, el('th', c.num ? 'num' : ''));
      th.setAttribute('scope', 'col');
      th.setAttribute('data-sort-key', c.key);
      th.setAttribute('aria-sort', c.key === 'rank' ? 'ascending' : 'none');
      var btn = add(th, el('button', 'sort', c.label));
      btn.type = 'button';
      btn.addEventListener('click', function () {
        state.dir = state.key === c.key ? -state.dir : c.first;
        state.key = c.key;
        tr.querySelectorAll('th').forEach(function (h) { h.setAttribute('aria-sort', 'none'); });
        th.setAttribute('aria-sort', state.dir > 0 ? 'ascending' : 'descending');
        renderRows(tbody, env.rows.slice().sort(comparator(state.key, state.dir)));
      });
    });
    renderRows(tbody, env.rows);
    if (env.rows.some(function (r) { return r.hashChanged; })) {
      add(section, el('p', 'note', DAGGER + ' Run on another environment hash than the newest (' + shortHash(env.hash) + '): its data or scoring differed, so its numbers may not compare.'));
    }
  }

  function main() {
    var D = JSON.parse($('board-data').textContent);
    document.title = D.title + ' ' + DASH + ' BenchGen Eval';
    $('board-title').textContent = D.title;
    var envs = D.environments;
    $('board-summary').textContent = envs.length + (envs.length === 1 ? ' environment' : ' environments') + DOT + 'sort a table by activating its column headers';
    var box = $('boards');
    if (!envs.length) add(box, el('p', 'muted', 'No runs on the leaderboard yet.'));
    envs.forEach(function (env, i) { renderEnvironment(box, env, i); });
    document.body.setAttribute('data-ready', 'true');
  }
  try { main(); } catch (e) {
    var f = $('fatal');
    f.hidden = false;
    f.textContent = 'This page could not show its data: ' + (e && e.message ? e.message : String(e));
  }
})();`
