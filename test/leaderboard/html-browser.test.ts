/**
 * The leaderboard page in a real Chromium, opened from file://: sorted by clicking column
 * headers, hostile names shown as text, nothing loaded from the network.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addRun } from '../../src/leaderboard/board.js'
import { renderLeaderboardHtml } from '../../src/leaderboard/html.js'
import { emptyLeaderboard, type Leaderboard } from '../../src/leaderboard/schema.js'
import { CHROMIUM_SKIP_REASON, hasChromium, launchBrowser, openHtml } from '../helpers/browser.js'
import { HASH_B, makeRun, type RunSpec } from './fixtures.js'

const OUT_DIR = resolve('test-output')
const HOSTILE = '<img src=x onerror="window.__pwned=1">evil</script><script>window.__pwned=2</script>'

const SPECS: RunSpec[] = [
  { model: 'alpha', score: 0.8, cost: 0.5, latency: 900, day: 3 },
  { model: 'bravo', score: 0.9, cost: 2.0, latency: 300, day: 1, hash: HASH_B },
  { model: 'charlie', modelName: HOSTILE, score: 0.6, cost: 0.05, latency: 1500, day: 2 },
  { model: 'delta', score: 0.7, cost: 1.0, latency: 600, day: 4, runUrl: 'https://github.com/octo/demo/actions/runs/4' }
]

if (!hasChromium) console.warn(`leaderboard.html browser test ${CHROMIUM_SKIP_REASON}`)

describe.skipIf(!hasChromium)(`leaderboard.html in Chromium${hasChromium ? '' : ` (${CHROMIUM_SKIP_REASON})`}`, () => {
  let browser: Browser
  let dir: string

  beforeAll(async () => {
    browser = await launchBrowser()
    dir = mkdtempSync(join(tmpdir(), 'benchgen-leaderboard-'))
    mkdirSync(OUT_DIR, { recursive: true })
  })

  afterAll(async () => {
    await browser?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const order = (page: Page): Promise<string[]> => page.$$eval('table.board tbody tr', (rows) => rows.map((r) => r.getAttribute('data-model-key') ?? ''))
  const sortState = (page: Page, key: string): Promise<string | null> => page.locator(`th[data-sort-key=${key}]`).getAttribute('aria-sort')

  it('sorts by a column when its header is clicked, and back when clicked again', async () => {
    const board: Leaderboard = SPECS.reduce((b, spec) => addRun(b, makeRun(spec)), emptyLeaderboard())
    const { page, requests, dialogs, problems } = await openHtml(browser, dir, renderLeaderboardHtml(board), 'leaderboard', {
      viewport: { width: 1280, height: 800 },
      readySelector: 'body[data-ready=true]'
    })

    // Ranked by score at first. bravo ran on an older environment hash than the newest run (delta's), so it is flagged.
    expect(await order(page)).toEqual(['bravo', 'alpha', 'delta', 'charlie'])
    expect(await sortState(page, 'rank')).toBe('ascending')
    expect(await page.locator('tr[data-model-key=bravo] .stale-mark').count()).toBe(1)

    // Cost: cheapest first on the first click, most expensive first on the second.
    await page.getByRole('button', { name: 'Cost', exact: true }).click()
    expect(await order(page)).toEqual(['charlie', 'alpha', 'delta', 'bravo'])
    expect(await sortState(page, 'costUsd')).toBe('ascending')
    expect(await sortState(page, 'rank')).toBe('none')
    await page.getByRole('button', { name: 'Cost', exact: true }).click()
    expect(await order(page)).toEqual(['bravo', 'delta', 'alpha', 'charlie'])
    expect(await sortState(page, 'costUsd')).toBe('descending')

    // Date: newest first.
    await page.getByRole('button', { name: 'Date', exact: true }).click()
    expect(await order(page)).toEqual(['delta', 'alpha', 'charlie', 'bravo'])

    // Score with its interval, as text; the hostile name as text too.
    const alpha = page.locator('tr[data-model-key=alpha] td.score')
    expect(await alpha.textContent()).toBe('80.0%75.0% to 85.0%')
    expect(await page.locator('tr[data-model-key=charlie] td.model .name').textContent()).toBe(HOSTILE)
    expect(await page.locator('tr[data-model-key=delta] td.commit a').getAttribute('href')).toBe('https://github.com/octo/demo/actions/runs/4')

    await page.screenshot({ path: join(OUT_DIR, 'leaderboard.png'), fullPage: true })
    expect(problems).toEqual([])
    expect(dialogs).toEqual([])
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined')
    expect(await page.evaluate('document.scripts.length')).toBe(2)
    for (const url of requests) expect(url).toMatch(/^(file|data):/)
    await page.close()
  })
})
