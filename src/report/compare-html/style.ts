/**
 * What the comparison page adds to the run report's stylesheet (`REPORT_CSS`, reused as is for
 * the palette, cards, badges, blocks and layout): plain tables, the verdict banner, interval
 * bars, the p-value matrix and the collapsible case pairs.
 */
export const COMPARE_CSS = String.raw`
.table-wrap + .table-wrap { margin-top: 12px; }
table.grid { width: 100%; border-collapse: collapse; font-size: 13px; }
table.grid th, table.grid td { padding: 6px 10px; border-bottom: 1px solid var(--border); text-align: left; vertical-align: middle; overflow-wrap: anywhere; }
table.grid thead th { background: var(--bg-soft); font-size: 12px; font-weight: 600; color: var(--muted); white-space: nowrap; }
table.grid tbody tr:last-child td, table.grid tbody tr:last-child th { border-bottom: 0; }
table.grid tbody th { font-weight: 600; }
table.grid .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.grid td.sig { font-weight: 600; color: var(--accent); }
table.matrix td.sig { background: var(--accent-soft); }
table.matrix td.self { color: var(--muted); text-align: center; }
table.matrix { width: auto; }
table.matrix th, table.matrix td { min-width: 76px; }
.table-wrap.fit { display: inline-block; max-width: 100%; vertical-align: top; }
.verdict { margin: 14px 0 6px; padding: 10px 14px; border: 1px solid var(--border); border-radius: 8px; font-size: 16px; font-weight: 600; overflow-wrap: anywhere; }
.verdict.good { color: var(--pass); background: var(--pass-bg); border-color: transparent; }
.verdict.bad { color: var(--fail); background: var(--fail-bg); border-color: transparent; }
.verdict.same { background: var(--bg-soft); }
.test-line { margin: 0; font-size: 13px; color: var(--muted); }
.legend { font-size: 12px; color: var(--muted); margin: 8px 0 0; }
svg.ci { display: block; }
svg.ci .axis { stroke: var(--track); stroke-width: 6; stroke-linecap: round; }
svg.ci .range { stroke: var(--bar); stroke-width: 3; stroke-linecap: round; }
svg.ci .point { fill: var(--text); }
.flips { display: grid; gap: 8px; }
details.flip { border: 1px solid var(--border); border-radius: 8px; background: var(--bg); min-width: 0; }
details.flip > summary { cursor: pointer; padding: 7px 12px; overflow-wrap: anywhere; }
details.flip > summary:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; border-radius: 8px; }
details.flip[open] > summary { border-bottom: 1px solid var(--border); background: var(--bg-soft); border-radius: 8px 8px 0 0; }
details.flip .key { font-family: var(--mono); font-size: 12.5px; color: var(--accent); margin-right: 6px; }
details.flip .detail-body { padding: 12px; }
.block .answer { margin: 6px 0 0; font-size: 12.5px; color: var(--muted); overflow-wrap: anywhere; }
.block .answer b { color: var(--text); font-family: var(--mono); font-weight: 500; }
.ids { font-family: var(--mono); font-size: 12.5px; color: var(--muted); overflow-wrap: anywhere; }
`
