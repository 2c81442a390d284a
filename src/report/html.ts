/**
 * `report.html`: one self-contained page for a run (and optionally its baseline). Inline CSS and
 * script, the data embedded once as JSON, and a Content-Security-Policy that allows no network
 * access at all, so it opens the same from file://, an artifact download or a static host.
 *
 * Model and dataset text is untrusted. It only ever travels inside the JSON block, escaped so it
 * cannot end that block, and the page's script inserts it with `textContent`. The static markup
 * below contains no run data at all.
 */
import { createHash } from 'node:crypto'
import { buildPayload, type ReportInput } from './html/data.js'
import { REPORT_SCRIPT } from './html/script.js'
import { REPORT_CSS } from './html/style.js'

export type { ReportInput, ReportRun } from './html/data.js'

/** Renders the report page. Pure: the same input gives the same string. */
export function renderReport(input: ReportInput): string {
  const data = jsonForScript(buildPayload(input))
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(REPORT_SCRIPT)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="benchgen-eval">
<title>BenchGen Eval report</title>
<link rel="icon" href="data:,">
<style>${REPORT_CSS}</style>
</head>
<body>
${BODY}
<script type="application/json" id="report-data">${data}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`
}

/**
 * Serialises a value for a `<script type="application/json">` block. `<`, `>` and `&` become
 * \u escapes, so no `</script>` or `<!--` can appear and end or bend the block; U+2028/U+2029
 * are escaped too so the text stays valid wherever it is pasted. JSON.parse reads it back as is.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/**
 * No fetches, frames, fonts or remote images; styles and the page's own script inline. The script
 * is also pinned by its sha256: browsers that understand hashes then ignore 'unsafe-inline', so
 * even an injected inline script would not run. 'unsafe-inline' stays for older browsers.
 */
/**
 * The pages' Content-Security-Policy: no network of any kind, and only the page's own script (by
 * its hash; 'unsafe-inline' is the fallback for browsers without hash support).
 */
export function contentSecurityPolicy(script: string): string {
  const hash = createHash('sha256').update(script, 'utf8').digest('base64')
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `script-src 'unsafe-inline' 'sha256-${hash}'`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'"
  ].join('; ')
}

/** The page skeleton; the script fills it from the data block. */
const BODY = `<main>
<header>
<h1 id="run-title">BenchGen Eval report</h1>
<p class="run-model" id="run-model"></p>
<ul class="meta" id="run-meta"></ul>
<p class="baseline-note" id="baseline-note" hidden></p>
<p class="errbox" id="fatal" role="alert" hidden></p>
<noscript><p class="noscript">This report needs JavaScript to show its data. The same data is in results.jsonl and scores.json.</p></noscript>
</header>
<section aria-labelledby="h-metrics">
<h2 id="h-metrics">Scores</h2>
<div class="cards" id="metrics"></div>
</section>
<section aria-labelledby="h-breakdown" id="breakdown">
<h2 id="h-breakdown">Breakdown</h2>
<div class="charts" id="charts"></div>
</section>
<section aria-labelledby="h-cases">
<h2 id="h-cases">Cases</h2>
<div class="toolbar" role="search" aria-label="Filter cases">
<label class="field grow" for="f-q">Search input, response and target<input type="search" id="f-q" placeholder="Search (press /)" autocomplete="off" spellcheck="false"></label>
<label class="field" for="f-status">Status<select id="f-status"></select></label>
<label class="field" for="f-tag" id="w-tag">Tag<select id="f-tag"></select></label>
<label class="field" for="f-phase" id="w-phase">Phase<select id="f-phase"></select></label>
<label class="field" for="f-change" id="w-change" hidden>Change vs baseline<select id="f-change"></select></label>
<label class="field" for="f-size">Rows per page<select id="f-size"><option>50</option><option selected>100</option><option>250</option><option>500</option></select></label>
</div>
<p class="summary" id="summary" aria-live="polite"></p>
<div class="table-wrap"><table class="cases" id="cases"><caption class="sr-only">Cases; activate a case id to show its details</caption></table></div>
<nav class="pager" aria-label="Pages">
<button type="button" class="pg" id="pg-first" aria-label="First page">&laquo;</button>
<button type="button" class="pg" id="pg-prev">&lsaquo; Previous</button>
<span id="pg-info"></span>
<button type="button" class="pg" id="pg-next">Next &rsaquo;</button>
<button type="button" class="pg" id="pg-last" aria-label="Last page">&raquo;</button>
</nav>
</section>
<footer>Generated by benchgen-eval. This page works offline and loads nothing from the network.</footer>
</main>`
