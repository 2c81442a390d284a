import { describe, expect, it } from 'vitest'
import { compareRuns } from '../../src/compare/compare.js'
import { compareMarkdown } from '../../src/compare/markdown.js'
import { OTHER_HASH, runsFromBlocks, THREE_RUNS, TWO_RUNS } from './fixtures.js'

const HOSTILE_MODEL = '@octocat <script>alert(1)</script> [click](http://evil.example) | x'
const HOSTILE_ID = 'id|with`ticks`<img src=x onerror=alert(2)>'
const HOSTILE_TAG = '<b onmouseover=alert(3)>tag</b>'
const HOSTILE_RESPONSE = 'fine\n```\n</details>\n<script>alert(4)</script>\n@admin see #12\n````'

/**
 * The markdown outside fenced code blocks: what GitHub parses as markdown and HTML. Inside a
 * fence, text is shown verbatim, so `<script>` there is harmless (and the model's real output).
 * A fence closes only on a line of at least as many backticks as it opened with.
 */
function outsideFences(md: string): string {
  const out: string[] = []
  let fence = 0
  for (const line of md.split('\n')) {
    const run = /^(`{3,})/.exec(line)?.[1]?.length ?? 0
    if (fence === 0 && run > 0) fence = run
    else if (fence > 0 && run >= fence && line.trim() === '`'.repeat(run)) fence = 0
    else if (fence === 0) out.push(line)
  }
  return out.join('\n')
}

describe('compareMarkdown, two runs', () => {
  const runs = runsFromBlocks(TWO_RUNS).map((run, i) => ({ ...run, dir: `runs/${i === 0 ? 'base' : 'cand'}` }))
  const md = compareMarkdown(compareRuns(runs))

  it('leads with the verdict and the McNemar counts', () => {
    const lines = md.split('\n')
    expect(lines[0]).toBe('### BenchGen Eval compare: gsm8k 1.0.0, B vs A')
    expect(lines[2]).toBe('**B is better by 10.0 pp (95% CI +2.9 pp to +17.1 pp), p = 0.0129**')
    expect(lines[4]).toBe(
      'Exact McNemar test on the 14 paired cases that flipped between pass and not-pass: b = 2 regressed (A pass → B not), c = 12 fixed (A not → B pass), p = 0.0129 (two-sided), 100 cases in both runs, α = 0.05.'
    )
  })

  it('shows each run, the metrics with intervals, and the 2×2 table', () => {
    expect(md).toContain('| A (baseline) | model-a | 52.0% (42.3% to 61.5%) | 100 | 0123456789ab | runs/base |')
    expect(md).toContain('| B (candidate) | model-b | 62.0% (52.2% to 70.9%) | 100 | 0123456789ab | runs/cand |')
    expect(md).toContain('| Score | 52.0% (95% CI 42.3% to 61.5%) | 62.0% (95% CI 52.2% to 70.9%) | +10.0 pp ▲ (paired 95% CI +2.9 pp to +17.1 pp) |')
    expect(md).toContain('| **A pass** | 50 | 2 (b, regressed) |')
    expect(md).toContain('| **A fail or error** | 12 (c, fixed) | 36 |')
    expect(md).toContain('#### By tag')
    expect(md).not.toContain('#### By phase') // one phase only
  })

  it('lists fixed and regressed ids, with both answers for the first few', () => {
    expect(md).toContain('#### Fixed in B (12)\n\ntest/q0003, test/q0004, test/q0005, test/q0006, test/q0007, test/q0008, test/q0009, test/q0010, test/q0011, test/q0012, test/q0013, test/q0014')
    expect(md).toContain('#### Regressed in B (2)\n\ntest/q0001, test/q0002')
    expect(md.match(/<details>/g)).toHaveLength(3 + 2)
    const first = md.slice(md.indexOf('<summary>test/q0001'), md.indexOf('</details>', md.indexOf('<summary>test/q0001')))
    expect(first).toContain('<summary>test/q0001: A pass → B fail, score 100% → 0%</summary>')
    expect(first).toContain('**A (model-a) answered**\n\n```text\nmodel-a says: Answer: 0\n```\n\nExtracted answer: 0')
    expect(first).toContain('**B (model-b) answered**\n\n```text\nmodel-b says: Answer: 1\n```\n\nExtracted answer: 1')
  })

  it('caps the id lists and examples', () => {
    const short = compareMarkdown(compareRuns(runs), { examples: 1, maxIds: 4 })
    expect(short).toContain('test/q0003, test/q0004, test/q0005, test/q0006, … and 8 more')
    expect(short.match(/<details>/g)).toHaveLength(2)
  })

  it('shows the hash-mismatch caveat under the verdict', () => {
    const [a, b] = runsFromBlocks(TWO_RUNS, [{}, { hash: OTHER_HASH, version: '1.1.0' }])
    const text = compareMarkdown(compareRuns([a!, b!], { allowHashMismatch: true }))
    expect(text.split('\n')[0]).toBe('### BenchGen Eval compare: gsm8k 1.0.0 / 1.1.0, B vs A')
    expect(text).toContain('- ⚠ Environment hashes differ (A: gsm8k 1.0.0 3f2a9c1b7d4e; B: gsm8k 1.1.0 9d0e1f2a3b4c)')
  })

  it('shows the model key only when two runs share a model name', () => {
    const [a, b] = runsFromBlocks(TWO_RUNS, [{ model: 'llama' }, { model: 'llama' }])
    b!.info = { ...b!.info, model: { ...b!.info.model, key: 'llama@ckpt-2' } }
    const text = compareMarkdown(compareRuns([a!, b!]))
    expect(text).toContain('| A (baseline) | llama (llama@&#8203;t0) |')
    expect(text).toContain('| B (candidate) | llama (llama@&#8203;ckpt-2) |')
  })
})

describe('compareMarkdown escapes what came from the run folders', () => {
  const [a, b] = runsFromBlocks(TWO_RUNS, [
    { model: HOSTILE_MODEL, id: (i) => (i === 0 ? HOSTILE_ID : `q${i}`), tags: (i) => [i % 2 ? 'plain' : HOSTILE_TAG] },
    { model: 'model-b', id: (i) => (i === 0 ? HOSTILE_ID : `q${i}`), tags: (i) => [i % 2 ? 'plain' : HOSTILE_TAG], response: (i) => (i === 0 ? HOSTILE_RESPONSE : `ok ${i}`) }
  ])
  const md = compareMarkdown(compareRuns([{ ...a!, dir: 'runs/@team <i>x</i>' }, b!]))
  const parsed = outsideFences(md)

  it('lets no HTML, mention, link or table break through', () => {
    expect(parsed).not.toMatch(/<script/i)
    expect(parsed).not.toContain('<img')
    expect(parsed).not.toContain('<b onmouseover')
    expect(parsed).not.toContain('<i>x</i>')
    expect(parsed).not.toMatch(/@octocat|@team|@admin/)
    expect(parsed).not.toContain('[click](')
    expect(parsed).not.toContain('http://evil')
    expect(md).toContain('@&#8203;octocat &lt;script&gt;alert(1)&lt;/script&gt; &#91;click&#93;(http:&#8203;//evil.example) &#124; x')
    expect(md).toContain('test/id&#124;with&#96;ticks&#96;&lt;img src=x onerror=alert(2)&gt;')
    expect(md).toContain('&lt;b onmouseover=alert(3)&gt;tag&lt;/b&gt;')
  })

  it('fences model output so it cannot close the fence or the <details>', () => {
    const open = parsed.match(/<details>/g)?.length ?? 0
    expect(open).toBe(5)
    expect(parsed.match(/^<\/details>$/gm)).toHaveLength(open)
    // The response has a run of four backticks, so its fence has five.
    expect(md).toContain('`````text\nfine\n```\n</details>\n<script>alert(4)</script>\n@admin see #12\n````\n`````')
  })

  it('keeps every table row on one line with its cells intact', () => {
    for (const line of md.split('\n').filter((l) => l.startsWith('| A (baseline)'))) {
      expect(line.split(' | ')).toHaveLength(6)
    }
  })
})

describe('compareMarkdown, three runs', () => {
  const md = compareMarkdown(compareRuns(runsFromBlocks(THREE_RUNS)))

  it('ranks the runs, each against the leader, Holm-corrected', () => {
    expect(md.split('\n')[0]).toBe('### BenchGen Eval compare: gsm8k 1.0.0, 3 runs')
    expect(md).toContain('| Rank | Run | Model | Score (95% CI) | Cases | vs B (Holm) |')
    expect(md).toContain('| 1 | B | model-b | 62.0% (52.2% to 70.9%) | 100 | — |')
    expect(md).toContain('| 2 | C | model-c | 60.0% (50.2% to 69.1%) | 100 | p = 0.69, not significant |')
    expect(md).toContain('| 3 | A | model-a | 52.0% (42.3% to 61.5%) | 100 | p = 0.0259 ✱ significantly lower |')
  })

  it('shows the matrix of adjusted p-values and the pairs, most significant first', () => {
    expect(md).toContain('Holm-corrected for 3 tested pairs; ✱ marks adjusted p < 0.05.')
    expect(md).toContain('| | B | C | A |')
    expect(md).toContain('| **B** | — | 0.69 | 0.0259 ✱ |')
    expect(md).toContain('| **C** | 0.69 | — | 0.0234 ✱ |')
    expect(md).toContain('| **A** | 0.0259 ✱ | 0.0234 ✱ | — |')
    const pairRows = md.split('\n').filter((l) => /^\| [A-C] − [A-C] \|/.test(l))
    expect(pairRows).toEqual([
      '| C − A | +8.0 pp | +2.7 pp to +13.3 pp | 8 | 0 | 100 | 0.0078 | 0.0234 | ✱ significant |',
      '| B − A | +10.0 pp | +2.9 pp to +17.1 pp | 12 | 2 | 100 | 0.0129 | 0.0259 | ✱ significant |',
      '| C − B | -2.0 pp | -6.8 pp to +2.8 pp | 2 | 4 | 100 | 0.69 | 0.69 | not significant |'
    ])
    expect(md).toContain('| Score | 62.0% | 60.0% | 52.0% |')
  })
})
