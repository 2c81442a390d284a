/**
 * The report page's stylesheet, inlined into a `<style>` element. Plain CSS with custom
 * properties for the light and dark palettes; the system font stack, so nothing is fetched.
 */
export const REPORT_CSS = String.raw`
:root {
  color-scheme: light dark;
  --bg: #ffffff; --bg-soft: #f6f8fa; --bg-hover: #eef2f6; --border: #d8dee4; --text: #1f2328;
  --muted: #59636e; --accent: #0969da; --accent-soft: #ddf4ff; --track: #e6eaef;
  --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #cf222e; --fail-bg: #ffebe9;
  --error: #9a6700; --error-bg: #fff8c5; --new: #8250df; --new-bg: #fbefff;
  --bar: #2f81f7; --shadow: 0 1px 2px rgba(31, 35, 40, .06);
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --bg-soft: #151b23; --bg-hover: #1c2430; --border: #30363d; --text: #e6edf3;
    --muted: #9198a1; --accent: #4493f8; --accent-soft: #12263f; --track: #262c36;
    --pass: #3fb950; --pass-bg: #12301c; --fail: #f85149; --fail-bg: #3a1618;
    --error: #d29922; --error-bg: #342a0f; --new: #ab7df8; --new-bg: #2a1e46;
    --bar: #4493f8; --shadow: none;
  }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "Liberation Sans", Arial, sans-serif;
}
main { max-width: 1280px; margin: 0 auto; padding: 24px 24px 48px; }
h1 { font-size: 22px; line-height: 1.25; margin: 0 0 4px; font-weight: 600; overflow-wrap: anywhere; }
h1 .version { color: var(--muted); font-weight: 400; }
h2 { font-size: 15px; margin: 0 0 12px; font-weight: 600; }
h3 { font-size: 12px; margin: 0 0 6px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.muted { color: var(--muted); }
.mono, code, pre { font-family: var(--mono); font-size: 12.5px; }
:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }

.run-model { font-size: 15px; margin: 0 0 8px; overflow-wrap: anywhere; }
.meta { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 0; padding: 0; list-style: none; color: var(--muted); font-size: 13px; }
.meta li { overflow-wrap: anywhere; }
.meta b { font-weight: 500; color: var(--text); }
.baseline-note { margin-top: 10px; padding: 8px 12px; border: 1px solid var(--border); border-radius: 6px; background: var(--bg-soft); font-size: 13px; overflow-wrap: anywhere; }
.baseline-note.warn { border-color: var(--error); }

section { margin-top: 28px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(168px, 1fr)); gap: 10px; }
.card { border: 1px solid var(--border); border-radius: 8px; padding: 10px 14px; background: var(--bg); box-shadow: var(--shadow); min-width: 0; }
.card.primary { background: var(--accent-soft); border-color: transparent; }
.card .label { font-size: 12px; color: var(--muted); }
.card .value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; line-height: 1.3; }
.card .sub { font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; }
.delta { display: inline-block; font-size: 12px; font-weight: 600; border-radius: 10px; padding: 0 7px; margin-left: 6px; vertical-align: 3px; font-variant-numeric: tabular-nums; }
.delta.good { color: var(--pass); background: var(--pass-bg); }
.delta.bad { color: var(--fail); background: var(--fail-bg); }
.delta.same { color: var(--muted); background: var(--bg-soft); }

.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 16px; align-items: start; }
.chart { border: 1px solid var(--border); border-radius: 8px; padding: 14px 16px; min-width: 0; }
.chart svg { display: block; width: 100%; height: auto; }
.chart svg text { fill: var(--text); font-size: 12px; font-family: inherit; }
.chart svg .val { fill: var(--muted); font-variant-numeric: tabular-nums; }
.chart svg .track { fill: var(--track); }
.chart svg .bar { fill: var(--bar); }
.chart svg .base { stroke: var(--text); stroke-width: 2; }
.chart .legend, .chart .more { font-size: 12px; color: var(--muted); margin: 8px 0 0; }
.legend-tick { display: inline-block; width: 2px; height: 10px; background: var(--text); vertical-align: -1px; margin-right: 4px; }

.toolbar { display: flex; flex-wrap: wrap; gap: 10px 14px; align-items: end; margin-bottom: 10px; }
.field { display: flex; flex-direction: column; gap: 3px; font-size: 12px; color: var(--muted); }
.field.grow { flex: 1 1 260px; }
input[type=search], select {
  font: inherit; font-size: 13px; color: var(--text); background: var(--bg); border: 1px solid var(--border);
  border-radius: 6px; padding: 5px 8px; min-height: 32px;
}
input[type=search] { width: 100%; }
.summary { font-size: 13px; color: var(--muted); margin: 0 0 8px; }

.table-wrap { border: 1px solid var(--border); border-radius: 8px; overflow-x: auto; }
table.cases { width: 100%; min-width: 760px; border-collapse: collapse; table-layout: fixed; }
table.cases th, table.cases td { padding: 7px 10px; text-align: left; vertical-align: top; border-bottom: 1px solid var(--border); }
table.cases thead th { position: sticky; top: 0; z-index: 1; background: var(--bg-soft); font-size: 12px; font-weight: 600; color: var(--muted); white-space: nowrap; }
table.cases tbody tr:last-child td { border-bottom: 0; }
table.cases th.num, table.cases td.num { text-align: right; font-variant-numeric: tabular-nums; }
col.c-id { width: 22%; } col.c-status { width: 84px; } col.c-score { width: 76px; } col.c-lat { width: 90px; }
col.c-tags { width: 17%; } col.c-change { width: 96px; }
tr.case { cursor: pointer; }
tr.case:hover td { background: var(--bg-hover); }
tr.case.open td { background: var(--bg-soft); border-bottom-color: transparent; }
td.input-cell { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; color: var(--muted); }
.case-toggle {
  all: unset; cursor: pointer; font-family: var(--mono); font-size: 12.5px; color: var(--accent);
  display: block; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 100%;
}
.case-toggle::before { content: "\25B8"; content: "\25B8" / ""; display: inline-block; width: 1em; color: var(--muted); }
.case-toggle[aria-expanded=true]::before { content: "\25BE"; content: "\25BE" / ""; }
.case-toggle:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; border-radius: 3px; }
.sort { all: unset; cursor: pointer; }
.sort:focus-visible { outline: 2px solid var(--accent); border-radius: 3px; }
.sort::after { content: ""; margin-left: 4px; }
th[aria-sort=ascending] .sort::after { content: "\2191"; content: "\2191" / ""; }
th[aria-sort=descending] .sort::after { content: "\2193"; content: "\2193" / ""; }

.badge { display: inline-block; font-size: 12px; font-weight: 600; line-height: 18px; border-radius: 10px; padding: 0 8px; }
.badge.pass, .badge.fixed { color: var(--pass); background: var(--pass-bg); }
.badge.fail, .badge.regressed { color: var(--fail); background: var(--fail-bg); }
.badge.error { color: var(--error); background: var(--error-bg); }
.badge.new { color: var(--new); background: var(--new-bg); }
.tag { display: inline-block; font-size: 11.5px; border: 1px solid var(--border); border-radius: 10px; padding: 0 7px; margin: 0 4px 2px 0; max-width: 100%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; vertical-align: top; }
.empty td { text-align: center; color: var(--muted); padding: 28px; cursor: default; }

tr.detail > td { background: var(--bg-soft); padding: 4px 16px 18px; }
.detail-body { display: grid; gap: 14px; min-width: 0; }
.kv { display: flex; flex-wrap: wrap; gap: 2px 18px; margin: 0; font-size: 12.5px; color: var(--muted); }
.kv div { overflow-wrap: anywhere; }
.kv dt { display: inline; } .kv dd { display: inline; margin: 0 0 0 4px; color: var(--text); }
.pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 12px; }
.block { min-width: 0; }
.block pre, .msg pre {
  margin: 0; padding: 8px 10px; background: var(--bg); border: 1px solid var(--border); border-radius: 6px;
  white-space: pre-wrap; overflow-wrap: anywhere; max-height: 22em; overflow: auto;
}
.block pre.none { color: var(--muted); font-style: italic; }
.msgs { display: grid; gap: 6px; }
.msg .role { font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.errbox { border: 1px solid var(--error); background: var(--error-bg); border-radius: 6px; padding: 8px 10px; overflow-wrap: anywhere; }
table.scorers { width: 100%; border-collapse: collapse; font-size: 13px; background: var(--bg); border: 1px solid var(--border); border-radius: 6px; }
table.scorers th, table.scorers td { padding: 5px 10px; border-bottom: 1px solid var(--border); text-align: left; vertical-align: top; overflow-wrap: anywhere; }
table.scorers th { font-size: 12px; color: var(--muted); font-weight: 600; }
table.scorers tr:last-child td { border-bottom: 0; }
ol.targets { margin: 0; padding-left: 20px; }

.pager { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; justify-content: flex-end; margin-top: 10px; font-size: 13px; }
button.pg {
  font: inherit; font-size: 13px; color: var(--text); background: var(--bg); border: 1px solid var(--border);
  border-radius: 6px; padding: 4px 10px; min-height: 30px; cursor: pointer;
}
button.pg:hover:not(:disabled) { background: var(--bg-hover); }
button.pg:disabled { opacity: .45; cursor: default; }
footer { margin-top: 32px; font-size: 12px; color: var(--muted); }
.noscript { padding: 24px; }
@media (max-width: 720px) {
  main { padding: 16px 12px 32px; }
}
`
