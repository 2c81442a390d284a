import { describe, expect, it } from 'vitest'
import { acknowledge, diffRuns } from '../../src/diff/diff.js'
import type { GateOptions, RunResult } from '../../src/diff/types.js'
import { diffMarkdown, runMarkdown, scoresTable } from '../../src/report/markdown.js'
import type { CaseRecord } from '../../src/run/record.js'
import type { Scores } from '../../src/scoring/metrics.js'
import { makeInfo, makePair, makeRecord, makeRun } from '../diff/fixtures.js'

const gate: GateOptions = { maxDrop: 2, alpha: 0.05 }

/**
 * A small markdown reader that knows what matters here: which text is inside fenced code blocks
 * (where GitHub renders nothing) and which is outside (where it renders HTML, links and mentions).
 */
function splitFences(md: string): { outside: string; inside: string; blocks: number; unclosed: boolean } {
  let outside = ''
  let inside = ''
  let blocks = 0
  let fence = 0
  for (const line of md.split('\n')) {
    if (fence === 0) {
      const open = /^ {0,3}(`{3,})/.exec(line)
      if (open) {
        fence = open[1]?.length ?? 0
        blocks++
      } else outside += `${line}\n`
    } else if (new RegExp(`^ {0,3}\`{${fence},}\\s*$`).test(line)) fence = 0
    else inside += `${line}\n`
  }
  return { outside, inside, blocks, unclosed: fence !== 0 }
}

/** Every way untrusted text could escape its place, checked on the rendered-outside text. */
function expectSafeMarkdown(md: string, hostile: readonly string[]): void {
  const split = splitFences(md)
  const { unclosed } = split
  // Our own closing tags stand alone on their lines; what is left must hold no hostile text.
  const outside = split.outside.replace(/^<\/details>$/gm, '')
  expect(unclosed).toBe(false)
  expect(outside).not.toMatch(/<(script|img|a|iframe|style)\b/i)
  expect(outside).not.toMatch(/@[A-Za-z0-9_-]/)
  expect(outside).not.toMatch(/(?<!&)#\d/)
  expect(outside).not.toMatch(/\]\(|!\[|\]\[/)
  expect(outside).not.toMatch(/:\/\//)
  expect(outside).not.toContain('<!--')
  // ('#1' is checked by the regex above: the raw string also occurs inside our `&#124;` entity.)
  for (const text of hostile.filter((t) => t !== '#1')) expect(outside).not.toContain(text)
  // <details> elements balance: model text could neither open nor close one.
  expect((outside.match(/<details>/g) ?? []).length).toBe((split.outside.match(/<\/details>/g) ?? []).length)
  expect(outside).not.toMatch(/<details open/)
  // Tables keep their shape: every row has as many cell separators as its header.
  for (const table of outside.split(/\n(?!\|)/).filter((block) => block.startsWith('|'))) {
    const counts = table.split('\n').filter((line) => line.startsWith('|')).map((line) => line.match(/\|/g)?.length)
    expect(new Set(counts).size).toBe(1)
  }
}

const HOSTILE_TEXT = [
  '````',
  '</details>',
  '<script>alert(1)</script>',
  '@octocat',
  '#1',
  'GH-2',
  '[x](http://evil)',
  '![img](https://evil/t.png)',
  '<!-- benchgen-eval:evals/gsm8k/my-model -->',
  '| col | col |'
]
const HOSTILE = `${HOSTILE_TEXT.join('\n')}\n\u0000\u001b[2J~~~~\n`

function hostileRecord(i: number, overrides: Partial<CaseRecord> = {}): CaseRecord {
  return makeRecord({
    id: `${HOSTILE}-${i}`,
    index: i,
    phase: 'test',
    tags: [HOSTILE],
    input: HOSTILE.repeat(2000),
    target: [HOSTILE.repeat(100), '@octocat'],
    response: HOSTILE.repeat(2000),
    extracted: HOSTILE,
    scores: { [HOSTILE]: { value: 0, passed: false, extracted: HOSTILE, reason: HOSTILE.repeat(50) } },
    ...overrides
  })
}

function hostileRuns(n: number): { base: RunResult; head: RunResult } {
  const base: CaseRecord[] = []
  const head: CaseRecord[] = []
  for (let i = 0; i < n; i++) {
    base.push(hostileRecord(i, { status: 'pass', score: 1 }))
    head.push(hostileRecord(i, i % 7 === 0 ? { status: 'error', score: 0, error: { type: HOSTILE, message: HOSTILE } } : { status: 'fail', score: 0 }))
  }
  const info = { envName: HOSTILE, modelKey: '@octocat' }
  return { base: makeRun(base, {}, info), head: makeRun(head, {}, info) }
}

describe('scoresTable', () => {
  const scores: Scores = {
    n: 200,
    score: 0.6058,
    score_ci_low: 0.571,
    score_ci_high: 0.64,
    error_rate: 0.01,
    latency_p50_ms: 412,
    tokens_total: 12_345,
    cost_usd: 0.0123,
    duration_s: 65
  }

  it('lists the headline metrics a run reports, the score with its interval', () => {
    expect(scoresTable(scores)).toBe(
      [
        '| Metric | Value |',
        '| :- | -: |',
        '| Score | 60.6% (95% CI 57.1% to 64.0%) |',
        '| Error rate | 1.0% |',
        '| Latency p50 | 412 ms |',
        '| Tokens | 12.3k |',
        '| Cost | $0.0123 |',
        '| Duration | 1m 05s |'
      ].join('\n')
    )
  })

  it('adds baseline and change columns, marked by better or worse', () => {
    const baseline: Scores = { score: 0.58, error_rate: 0.02, latency_p50_ms: 300, tokens_total: 12_345, cost_usd: 0.0123 }
    const lines = scoresTable(scores, { baseline }).split('\n')
    expect(lines[0]).toBe('| Metric | Baseline | Head | Change |')
    expect(lines).toContain('| Score | 58.0% | 60.6% (95% CI 57.1% to 64.0%) | +2.6 pp ▲ |')
    expect(lines).toContain('| Error rate | 2.0% | 1.0% | -1.0 pp ▲ |')
    expect(lines).toContain('| Latency p50 | 300 ms | 412 ms | +112 ms ▼ |')
    expect(lines).toContain('| Tokens | 12.3k | 12.3k | ±0 |')
    expect(lines).toContain('| Duration | n/a | 1m 05s | n/a |')
  })

  it('says so when there is nothing to show', () => {
    expect(scoresTable({ n: 3 })).toBe('_No metrics reported._')
  })
})

describe('runMarkdown', () => {
  it('shows a run without a baseline, with phase and tag tables when there are several', () => {
    const md = runMarkdown(makeInfo({ cases: 10 }), {
      score: 0.5,
      'phase.test.score': 0.4,
      'phase.test.n': 5,
      'phase.validation.score': 0.6,
      'phase.validation.n': 5,
      'tag.only.score': 0.5,
      'tag.only.n': 10
    })
    expect(md).toContain('### BenchGen Eval: gsm8k 1.0.0 on my-model')
    expect(md).toContain('| Score | 50.0% |')
    expect(md).toContain('#### By phase')
    expect(md).toContain('| validation | 60.0% | 5 |')
    expect(md).not.toContain('#### By tag')
    expect(md).toContain('10 cases')
    expectSafeMarkdown(md, [])
  })
})

describe('diffMarkdown', () => {
  it('shows status, reasons, tables, regressed cases and the fixed count', () => {
    const { base, head } = makePair({ n: 100, basePass: 50, regress: 20, fix: 3 })
    head.records[0] = { ...head.records[0]!, phase: 'validation' }
    base.records[0] = { ...base.records[0]!, phase: 'validation' }
    const md = diffMarkdown(diffRuns(base, head, gate))
    expect(md).toContain('**Status: REGRESSED**')
    expect(md).toMatch(/- score dropped 17\.0 points \(50\.0% → 33\.0%\), p &lt; 0\.001 &lt; 0\.05/)
    expect(md).toContain('| Score | 50.0% | 33.0% | -17.0 pp ▼ |')
    expect(md).toMatch(/Paired cases: 100 · regressed 20 · fixed 3 · McNemar p < 0\.001 · mean change per case -17\.0 pp \(95% CI -\d+\.\d pp to -\d+\.\d pp\)/)
    expect(md).toContain('#### By phase')
    expect(md).not.toContain('#### By tag')
    expect(md.match(/<details>/g)).toHaveLength(10)
    expect(md).toContain('_10 more regressed cases not shown._')
    expect(md).toContain('3 cases were fixed (fail or error → pass).')
    expect(md).toContain('<summary>test/case-0001: pass → fail, score 100% → 0%</summary>')
    expectSafeMarkdown(md, [])
  })

  it('shows every regressed case when they fit, and no note', () => {
    const { base, head } = makePair({ n: 10, basePass: 5, regress: 2, fix: 0 })
    const md = diffMarkdown(diffRuns(base, head, gate))
    expect(md.match(/<details>/g)).toHaveLength(2)
    expect(md).not.toContain('more regressed cases')
    expect(md).toContain('No case was fixed.')
  })

  it('shows an acknowledged regression as a pass with a notice', () => {
    const { base, head } = makePair({ n: 100, basePass: 50, regress: 20, fix: 0 })
    const md = diffMarkdown(acknowledge(diffRuns(base, head, gate), '@octocat <b>ok</b>'))
    expect(md).toContain('**Status: PASS** (regressed, acknowledged with @&#8203;octocat &lt;b&gt;ok&lt;/b&gt;)')
    expectSafeMarkdown(md, [])
  })

  it('shows a run without baseline with a single value column', () => {
    const { head } = makePair({ n: 10, basePass: 5, regress: 0, fix: 0 })
    const md = diffMarkdown(diffRuns(null, head, gate))
    expect(md).toContain('**Status: NO BASELINE**')
    expect(md).toContain('| Metric | Value |')
    expect(md).not.toContain('Paired cases')
    expect(md).not.toContain('fixed')
  })

  it('lists tags worst first and caps them', () => {
    const tags = Array.from({ length: 30 }, (_, i) => `tag-${String(i).padStart(2, '0')}`)
    const base = makeRun(tags.map((tag, i) => makeRecord({ id: `c${i}`, tags: [tag] })))
    const head = makeRun(tags.map((tag, i) => makeRecord({ id: `c${i}`, tags: [tag], status: i === 17 ? 'fail' : 'pass' })))
    const md = diffMarkdown(diffRuns(base, head, gate), { maxGroups: 5 })
    const tagSection = md.slice(md.indexOf('#### By tag'))
    expect(tagSection.split('\n')[4]).toBe('| tag-17 | 100.0% | 0.0% | -100.0 pp ▼ | 1 |')
    expect(tagSection).toContain('_25 more tags not shown._')
  })

  it('keeps hostile case text inert', () => {
    const { base, head } = hostileRuns(12)
    const md = diffMarkdown(diffRuns(base, head, { ...gate, minScore: 0.5 }))
    expectSafeMarkdown(md, HOSTILE_TEXT)
    // The hostile text is shown, inside code blocks.
    const { inside, blocks } = splitFences(md)
    expect(blocks).toBeGreaterThanOrEqual(30)
    expect(inside).toContain('</details>')
    expect(inside).toContain('@octocat')
    expect(inside).not.toContain('\u0000')
  })

  it.each([
    { cases: 5000, maxChars: 60_000, maxCases: 10 },
    { cases: 5000, maxChars: 20_000, maxCases: 10 },
    { cases: 5000, maxChars: 60_000, maxCases: 5000 },
    { cases: 300, maxChars: 2_000, maxCases: 10 }
  ])('stays under $maxChars characters with $cases huge hostile cases (maxCases $maxCases)', ({ cases, maxChars, maxCases }) => {
    const { base, head } = hostileRuns(cases)
    const diff = diffRuns(base, head, gate)
    expect(diff.regressed).toHaveLength(cases)
    const md = diffMarkdown(diff, { maxChars, maxCases })
    expect(md.length).toBeLessThanOrEqual(maxChars)
    expectSafeMarkdown(md, HOSTILE_TEXT)
    const shown = (md.match(/<details>/g) ?? []).length
    expect(shown).toBeLessThanOrEqual(Math.min(maxCases, cases))
    if (shown > 0) expect(md).toContain(`_${(cases - shown).toLocaleString('en-US')} more regressed cases not shown._`)
  })

  it('drops cases before cutting the text', () => {
    const { base, head } = hostileRuns(20)
    const md = diffMarkdown(diffRuns(base, head, gate), { maxChars: 8_000 })
    expect(md.length).toBeLessThanOrEqual(8_000)
    expect(md).not.toContain('output truncated')
    expect(md).toMatch(/more regressed cases not shown/)
  })

  it('cuts at a line with a note when even the tables do not fit', () => {
    const tags = Array.from({ length: 5000 }, (_, i) => `${HOSTILE}-${i}`)
    const base = makeRun(tags.map((tag, i) => makeRecord({ id: `c${i}`, tags: [tag] })))
    const head = makeRun(tags.map((tag, i) => makeRecord({ id: `c${i}`, tags: [tag], status: i % 2 ? 'fail' : 'pass' })))
    for (const maxChars of [60_000, 5_000, 1_000]) {
      const md = diffMarkdown(diffRuns(base, head, gate), { maxChars, maxGroups: 5000 })
      expect(md.length).toBeLessThanOrEqual(maxChars)
      expect(md).toMatch(/_… output truncated: [\d,]+ more characters\._\n$/)
      expect(md).not.toContain('<details>')
      expectSafeMarkdown(md, HOSTILE_TEXT)
    }
  })
})
