/**
 * The comparison page in a real browser: opened from file://, its rank table read, a flipped
 * case expanded to show both runs' answers, and watched for network requests, dialogs, scripts
 * and CSP complaints.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compareRuns } from '../../src/compare/compare.js'
import { renderCompareReport } from '../../src/report/compare-html.js'
import { runsFromBlocks, THREE_RUNS, TWO_RUNS } from '../compare/fixtures.js'
import { CHROMIUM_SKIP_REASON, hasChromium, launchBrowser, openHtml, type Opened } from '../helpers/browser.js'

const OUT_DIR = resolve('test-output')
const HOSTILE_RESPONSE = '</pre></details><script>window.__pwned = 1; alert(1)</script><img src=x onerror="window.__pwned = 2">\nAnswer: 1'

if (!hasChromium) console.warn(`compare.html browser tests ${CHROMIUM_SKIP_REASON}`)

describe.skipIf(!hasChromium)(`compare.html in Chromium${hasChromium ? '' : ` (${CHROMIUM_SKIP_REASON})`}`, () => {
  let browser: Browser
  let dir: string

  beforeAll(async () => {
    browser = await launchBrowser()
    dir = mkdtempSync(join(tmpdir(), 'benchgen-compare-html-'))
    mkdirSync(OUT_DIR, { recursive: true })
  })

  afterAll(async () => {
    await browser?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const open = (html: string, name: string): Promise<Opened> => openHtml(browser, dir, html, name)

  /** Nothing left the file, no dialog opened, nothing ran, nothing was blocked. */
  async function expectClean(o: Opened): Promise<void> {
    expect(o.requests.length).toBeGreaterThan(0)
    for (const url of o.requests) expect(url).toMatch(/^(file|data):/)
    expect(o.dialogs).toEqual([])
    expect(o.problems).toEqual([])
    // Expressions as strings: they run in the page, and this project's tsconfig has no DOM types.
    expect(await o.page.evaluate('typeof window.__pwned')).toBe('undefined')
    expect(await o.page.evaluate('document.scripts.length')).toBe(0)
    expect(await o.page.evaluate("document.querySelectorAll('img, iframe, object, embed').length")).toBe(0)
  }

  const cells = (page: Page, selector: string): Promise<string[][]> =>
    page.$$eval(selector, (rows) => rows.map((row) => [...row.children].map((cell) => (cell.textContent ?? '').trim())))

  it('two runs: shows the verdict, the rank table, and a flipped case with both answers as text', async () => {
    const runs = runsFromBlocks(TWO_RUNS, [{}, { response: (i) => (i === 0 ? HOSTILE_RESPONSE : `model-b says: Answer: ${i * 2}`) }])
    const o = await open(renderCompareReport(compareRuns(runs.map((r, i) => ({ ...r, dir: `runs/${'ab'[i]}` })))), 'compare-two')
    const { page } = o

    expect(await page.title()).toBe('gsm8k · B vs A — BenchGen Eval comparison')
    expect(await page.locator('#verdict').textContent()).toBe('B is better by 10.0 pp (95% CI +2.9 pp to +17.1 pp), p = 0.0129')
    expect(await page.locator('#verdict').isVisible()).toBe(true)

    const rank = await cells(page, '#rank-table tbody tr')
    expect(rank.map((row) => row.slice(0, 5))).toEqual([
      ['1', 'B', 'model-b', '62.0%', '52.2% to 70.9%'],
      ['2', 'A', 'model-a', '52.0%', '42.3% to 61.5%']
    ])
    expect(rank[1]![7]).toBe('p = 0.0129, significantly lower')
    expect(await page.locator('#rank-table svg.ci').count()).toBe(2)

    // The first regressed case is closed; opening it shows both answers side by side.
    const flip = page.locator('#regressed details.flip').first()
    expect(await flip.getAttribute('data-key')).toBe('test/q0001')
    const bResponse = flip.locator('[data-field=b-response]')
    expect(await bResponse.isVisible()).toBe(false)
    await flip.locator('summary').click()
    expect(await bResponse.isVisible()).toBe(true)
    expect(await bResponse.textContent()).toBe(HOSTILE_RESPONSE)
    expect(await flip.locator('[data-field=a-response]').textContent()).toBe('model-a says: Answer: 0')
    expect(await flip.locator('[data-field=input]').textContent()).toBe('What is 0 + 0?')
    expect(await flip.locator('[data-field=target]').textContent()).toBe('0')
    expect(await flip.locator('[data-run=A] .badge').textContent()).toBe('pass')
    expect(await flip.locator('[data-run=B] .badge').textContent()).toBe('fail')
    // The two answers sit next to each other, not one under the other.
    const a = await flip.locator('[data-run=A]').boundingBox()
    const b = await flip.locator('[data-run=B]').boundingBox()
    expect(a && b && Math.abs(a.y - b.y) < 2 && b.x > a.x + a.width - 1).toBe(true)

    await page.screenshot({ path: join(OUT_DIR, 'compare-two.png'), fullPage: true })
    await expectClean(o)
  })

  it('three runs: ranks them and highlights the significant Holm-corrected pairs', async () => {
    const o = await open(renderCompareReport(compareRuns(runsFromBlocks(THREE_RUNS))), 'compare-three')
    const { page } = o
    const rank = await cells(page, '#rank-table tbody tr')
    expect(rank.map((row) => [row[0], row[1], row[3], row[7]])).toEqual([
      ['1', 'B', '62.0%', '—'],
      ['2', 'C', '60.0%', 'p = 0.69, not significant'],
      ['3', 'A', '52.0%', 'p = 0.0259, significantly lower']
    ])
    expect(await cells(page, '#matrix-table tbody tr')).toEqual([
      ['B', '—', '0.69', '0.0259'],
      ['C', '0.69', '—', '0.0234'],
      ['A', '0.0259', '0.0234', '—']
    ])
    expect(await page.$$eval('#matrix-table td.sig', (tds) => tds.map((td) => td.getAttribute('data-pair')))).toEqual(['B-A', 'C-A', 'A-B', 'A-C'])
    await page.screenshot({ path: join(OUT_DIR, 'compare-three.png'), fullPage: true })
    await expectClean(o)
  })
})
