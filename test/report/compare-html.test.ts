import { describe, expect, it } from 'vitest'
import { compareRuns } from '../../src/compare/compare.js'
import { COMPARE_CSP, renderCompareReport } from '../../src/report/compare-html.js'
import { REPORT_CSS } from '../../src/report/html/style.js'
import { OTHER_HASH, runsFromBlocks, THREE_RUNS, TWO_RUNS } from '../compare/fixtures.js'

const HOSTILE_MODEL = '</title><script>alert(1)</script>'
const HOSTILE_ID = 'x" onmouseover="alert(2)'
const HOSTILE_RESPONSE = '</pre></details><script>window.__pwned = 1</script><img src=x onerror=alert(3)>\u202eevil'

function hostilePage(options: Parameters<typeof renderCompareReport>[1] = {}): string {
  const runs = runsFromBlocks(TWO_RUNS, [
    { model: HOSTILE_MODEL, id: (i) => (i === 0 ? HOSTILE_ID : `q${i}`), tags: (i) => [i % 2 ? 'plain' : '<b>tag</b>'] },
    { model: 'model-b', id: (i) => (i === 0 ? HOSTILE_ID : `q${i}`), tags: (i) => [i % 2 ? 'plain' : '<b>tag</b>'], response: (i) => (i === 0 ? HOSTILE_RESPONSE : `ok ${i}`) }
  ])
  return renderCompareReport(compareRuns([{ ...runs[0]!, dir: 'runs/<i>a</i>' }, runs[1]!], { allowHashMismatch: true }), options)
}

describe('renderCompareReport', () => {
  const two = renderCompareReport(compareRuns(runsFromBlocks(TWO_RUNS).map((r, i) => ({ ...r, dir: `runs/${'ab'[i]}` }))))

  it('is one self-contained page: the report stylesheet, a CSP without script or network', () => {
    expect(two.startsWith('<!doctype html>')).toBe(true)
    expect(two).toContain(`<meta http-equiv="Content-Security-Policy" content="${COMPARE_CSP}">`)
    expect(COMPARE_CSP).toBe("default-src 'none'; style-src 'unsafe-inline'; script-src 'none'; img-src data:; base-uri 'none'; form-action 'none'")
    expect(two).toContain(REPORT_CSS)
    expect(two).not.toMatch(/<script|<link rel="stylesheet"|<img|<iframe|https?:\/\//i)
    expect(two).toContain('<title>gsm8k · B vs A — BenchGen Eval comparison</title>')
  })

  it('shows the verdict, the test, the rank table, the metrics and the 2×2 table', () => {
    expect(two).toContain('<p class="verdict good" id="verdict">B is better by 10.0 pp (95% CI +2.9 pp to +17.1 pp), p = 0.0129</p>')
    expect(two).toContain('b = 2 regressed (A pass → B not), c = 12 fixed (A not → B pass), p = 0.0129 (two-sided), 100 cases in both runs, α = 0.05.')
    const rows = [...two.matchAll(/<tr data-run="([A-Z]+)"><td class="num">(\d+)<\/td>/g)].map((m) => `${m[2]}${m[1]}`)
    expect(rows).toEqual(['1B', '2A'])
    expect(two).toMatch(/<tr data-metric="score"><th scope="row">Score<\/th><td class="num">52\.0%<div class="sub muted">95% CI 42\.3% to 61\.5%<\/div><\/td>/)
    expect(two).toContain('paired 95% CI +2.9 pp to +17.1 pp')
    expect(two).toContain('<td class="num" data-cell="b">2 <span class="muted">(b, regressed)</span></td>')
    expect(two).toContain('<td class="num" data-cell="c">12 <span class="muted">(c, fixed)</span></td>')
    expect(two).toContain('<h2 id="h-fixed">Fixed in B (12)</h2>')
    expect(two).toContain('<h2 id="h-regressed">Regressed in B (2)</h2>')
    expect(two.match(/<details class="flip"/g)).toHaveLength(14)
    expect(two).toContain('<pre data-field="a-response">model-a says: Answer: 0</pre>')
    expect(two).toContain('<pre data-field="b-response">model-b says: Answer: 1</pre>')
  })

  it('lists flips beyond maxCaseDetails by id, and cuts long text with a marker', () => {
    const runs = runsFromBlocks(TWO_RUNS, [{}, { response: (i) => (i === 0 ? 'y'.repeat(500) : `ok ${i}`) }])
    const html = renderCompareReport(compareRuns(runs), { maxCaseDetails: 1, maxTextChars: 100 })
    expect(html.match(/<details class="flip"/g)).toHaveLength(2)
    expect(html).toContain('<p class="legend">11 more, by id:</p>\n<p class="ids">test/q0004, test/q0005,')
    expect(html).toContain('<p class="legend">1 more, by id:</p>\n<p class="ids">test/q0002</p>')
    expect(html).toContain(`<pre data-field="b-response">${'y'.repeat(100)} … (400 more characters)</pre>`)
  })

  it('escapes everything from the run folders, in text and in attributes', () => {
    const html = hostilePage()
    expect(html).not.toMatch(/<script/i)
    expect(html).not.toContain('<img')
    expect(html).not.toContain('<b>tag</b>')
    expect(html).not.toContain('<i>a</i>')
    expect(html).not.toContain('" onmouseover="')
    expect(html).not.toContain('\u202e')
    expect(html.match(/<\/title>/g)).toHaveLength(1)
    expect(html).toContain('&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).toContain('data-key="test/x&quot; onmouseover=&quot;alert(2)"')
    expect(html).toContain('<pre data-field="b-response">&lt;/pre&gt;&lt;/details&gt;&lt;script&gt;window.__pwned = 1&lt;/script&gt;&lt;img src=x onerror=alert(3)&gt;\ufffdevil</pre>')
    expect(html).toContain('&lt;b&gt;tag&lt;/b&gt;')
    // Structure intact: every details and pre the page opened, it closed.
    expect(html.match(/<details /g)?.length).toBe(html.match(/<\/details>/g)?.length)
    expect(html.match(/<pre[ >]/g)?.length).toBe(html.match(/<\/pre>/g)?.length)
  })

  it('warns when environment hashes differ', () => {
    const [a, b] = runsFromBlocks(TWO_RUNS, [{}, { hash: OTHER_HASH, version: '1.1.0' }])
    const html = renderCompareReport(compareRuns([a!, b!], { allowHashMismatch: true }))
    expect(html).toContain('<span class="version">v1.0.0 / v1.1.0</span>')
    expect(html).toContain('<b class="mono">3f2a9c1b7d4e / 9d0e1f2a3b4c</b>')
    expect(html).toContain('<p class="baseline-note warn" role="note">Environment hashes differ (A: gsm8k 1.0.0 3f2a9c1b7d4e; B: gsm8k 1.1.0 9d0e1f2a3b4c)')
  })

  it('ranks three runs with the Holm-corrected matrix and the pairs', () => {
    const html = renderCompareReport(compareRuns(runsFromBlocks(THREE_RUNS)))
    const rows = [...html.matchAll(/<tr data-run="([A-Z]+)"><td class="num">(\d+)<\/td>/g)].map((m) => `${m[2]}${m[1]}`)
    expect(rows).toEqual(['1B', '2C', '3A'])
    expect(html).toContain('<td class="sig">p = 0.0259, significantly lower</td>')
    expect(html).toContain('<td>p = 0.69, not significant</td>')
    expect(html).toMatch(/<td class="num sig" title="B − A: 12 fixed, 2 regressed, raw p = 0\.0129, Holm p = 0\.0259" data-pair="B-A">0\.0259<\/td>/)
    expect(html.match(/<td class="num sig"[^>]*data-pair=/g)).toHaveLength(4)
    expect(html).toContain('corrected for 3 tested pairs')
    expect(html).not.toContain('id="verdict"')
  })
})
