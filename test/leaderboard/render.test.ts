import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { addRun } from '../../src/leaderboard/board.js'
import { renderLeaderboardHtml } from '../../src/leaderboard/html.js'
import { LEADERBOARD_SCRIPT } from '../../src/leaderboard/html/script.js'
import { leaderboardMarkdown, safeUrl } from '../../src/leaderboard/markdown.js'
import { emptyLeaderboard, type Leaderboard } from '../../src/leaderboard/schema.js'
import { HASH_B, makeRun, type RunSpec } from './fixtures.js'

const HOSTILE_NAME = '<img src=x onerror=alert(1)> | @octocat #12 [click](http://evil.example) `tick` **bold**\nsecond line'
const HOSTILE_ENV = 'env</script><script>alert(2)</script>'

function boardOf(specs: RunSpec[]): Leaderboard {
  return specs.reduce((board, spec) => addRun(board, makeRun(spec)), emptyLeaderboard())
}

/** Rows of the first markdown table: the lines starting with a pipe. */
function tableRows(markdown: string): string[] {
  return markdown.split('\n').filter((line) => line.startsWith('|'))
}

/** Cell separators of a row: pipes not inside an entity (escaped pipes are `&#124;`). */
const separators = (row: string): number => row.split('|').length - 1

describe('leaderboardMarkdown', () => {
  it('renders one ranked table per environment with the score interval and formatted metrics', () => {
    const board = boardOf([
      { model: 'model-b', score: 0.7, cost: 1.5, latency: 1234, day: 2, runUrl: 'https://github.com/octo/demo/actions/runs/7' },
      { model: 'model-a', score: 0.8, day: 1 },
      { env: 'arith', model: 'model-a', score: null, day: 1 }
    ])
    const md = leaderboardMarkdown(board)
    expect(md).toMatch(/^## Leaderboard\n/)
    expect(md.indexOf('### arith')).toBeLessThan(md.indexOf('### gsm8k'))
    expect(md).toContain('best run of each model · 2 models')
    const rows = tableRows(md.slice(md.indexOf('### gsm8k')))
    expect(rows[0]!.split('|').map((cell) => cell.trim())).toEqual(['', '#', 'Model', 'Score (95% CI)', 'Accuracy', 'Answer rate', 'Cost', 'Latency p50', 'Cases', 'Date', 'Commit', ''])
    expect(rows[2]).toMatch(/^\|\s+1 \| model-a\s+\| 80\.0% \(75\.0% to 85\.0%\)/)
    expect(rows[3]).toContain('70.0% (65.0% to 75.0%)')
    expect(rows[3]).toContain('$1.50')
    expect(rows[3]).toContain('1.2 s')
    expect(rows[3]).toContain('2025-03-02')
    expect(rows[3]).toContain('[`0123456`](https://github.com/octo/demo/actions/runs/7)')
    // A run without a score shows n/a, not 0%.
    expect(tableRows(md.slice(md.indexOf('### arith'), md.indexOf('### gsm8k')))[2]).toMatch(/\|\s+n\/a \|/)
  })

  it('escapes hostile model and environment names so they cannot inject HTML, links, mentions or cells', () => {
    const board = boardOf([
      { env: HOSTILE_ENV, model: 'evil-key|x', modelName: HOSTILE_NAME, score: 0.5, runUrl: 'javascript:alert(3)' },
      { env: HOSTILE_ENV, model: 'fine', score: 0.4, runUrl: 'https://example.com/a(b)|c' }
    ])
    const md = leaderboardMarkdown(board)
    expect(md).not.toContain('<img')
    expect(md).not.toContain('<script')
    expect(md).not.toContain('](http://evil')
    expect(md).not.toContain('javascript:')
    expect(md).not.toMatch(/@octocat/)
    expect(md).not.toMatch(/#12(?!\d)/)
    expect(md).not.toContain('**bold**')
    expect(md).toContain('&lt;img src=x onerror=alert(1)&gt;')
    const rows = tableRows(md)
    expect(rows).toHaveLength(4)
    // Every row has exactly the 10 columns: no pipe or newline from the name split a cell.
    for (const row of rows) expect(separators(row)).toBe(11)
    // The hostile URL is not linked; the odd but http(s) one is, with ( ) | encoded.
    expect(md).toContain('(https://example.com/a%28b%29%7Cc)')
  })

  it('marks runs on an older environment hash and explains the mark', () => {
    const board = boardOf([
      { model: 'old', score: 0.9, day: 1 },
      { model: 'new', score: 0.5, day: 2, hash: HASH_B }
    ])
    const md = leaderboardMarkdown(board)
    const old = tableRows(md).find((row) => row.includes('old'))!
    expect(old).toContain('old †')
    expect(md).toContain('† Run on another environment hash than the newest (`bbbbbbbbbbbb`)')
    expect(leaderboardMarkdown(boardOf([{ model: 'a' }]))).not.toContain('†')
  })

  it('says so when there is nothing to show, and can show one environment', () => {
    expect(leaderboardMarkdown(emptyLeaderboard())).toContain('_No runs on the leaderboard yet._')
    const board = boardOf([{ env: 'one' }, { env: 'two' }])
    const md = leaderboardMarkdown(board, { env: 'two', title: '' })
    expect(md).toMatch(/^### two/)
    expect(md).not.toContain('### one')
  })

  it.each([
    ['https://github.com/o/r/actions/runs/1', 'https://github.com/o/r/actions/runs/1'],
    ['http://ci.local/x y', 'http://ci.local/x%20y'],
    ['javascript:alert(1)', undefined],
    ['data:text/html,x', undefined],
    ['not a url', undefined]
  ])('safeUrl(%j) is %j', (url, expected) => {
    expect(safeUrl(url)).toBe(expected)
  })
})

describe('renderLeaderboardHtml', () => {
  const board = boardOf([
    { env: HOSTILE_ENV, model: 'evil', modelName: HOSTILE_NAME, score: 0.5 },
    { env: HOSTILE_ENV, model: 'good', score: 0.7 }
  ])
  const html = renderLeaderboardHtml(board)

  it('is self-contained: a CSP that allows no network, the script pinned by its hash', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]
    expect(csp).toContain("default-src 'none'")
    const hash = createHash('sha256').update(LEADERBOARD_SCRIPT, 'utf8').digest('base64')
    expect(csp).toContain(`'sha256-${hash}'`)
    expect(html).not.toMatch(/<(link|img|iframe)[^>]+(href|src)="(https?:)?\/\//)
    expect(html).not.toMatch(/@import|url\(http/)
  })

  it('carries untrusted names only inside the JSON block, where they cannot end it', () => {
    expect(html).not.toContain('<img src=x')
    expect(html).not.toContain('<script>alert(2)')
    expect(html.match(/<\/script>/g)).toHaveLength(2)
    const json = /<script type="application\/json" id="board-data">([^<]*)<\/script>/.exec(html)![1]!
    const payload = JSON.parse(json)
    expect(payload.environments[0].name).toBe(HOSTILE_ENV)
    expect(payload.environments[0].rows.map((r: { modelName: string }) => r.modelName)).toEqual(['good', HOSTILE_NAME])
  })

  it('keeps the script a plain string with nothing that could end or bend its element', () => {
    expect(LEADERBOARD_SCRIPT).not.toMatch(/`|\$\{|<\/script|innerHTML|insertAdjacentHTML|document\.write|eval\(/i)
  })
})
