/**
 * The report page in a real browser: opened from file://, filtered, searched, expanded, compared
 * with a baseline, and watched for network requests, dialogs and stray scripts.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderReport, type ReportInput } from '../../src/report/html.js'
import type { CaseRecord, CaseStatus } from '../../src/run/record.js'
import type { RunInfo } from '../../src/run/run-info.js'
import type { Scores } from '../../src/scoring/metrics.js'
import { CHROMIUM_SKIP_REASON, hasChromium, launchBrowser, openHtml, type Opened } from '../helpers/browser.js'

const OUT_DIR = resolve('test-output')
const HOSTILE_RESPONSE =
  '</script><script>window.__pwned = 1; alert(1)</script><img src=x onerror="window.__pwned = 2; alert(2)"><!-- \u2028 --> done'
const HOSTILE_TAG = '<b onmouseover=alert(3)>tag</b>'
const HOSTILE_INDEX = 13
const SEARCH_HITS = [40, 41, 150, 200]

const id = (i: number): string => `case-${String(i).padStart(3, '0')}`

function statusOf(i: number): CaseStatus {
  if (i % 25 === 7) return 'error'
  return i % 10 === 3 ? 'fail' : 'pass'
}

function runInfo(cases: number, over: Partial<RunInfo> = {}): RunInfo {
  return {
    schemaVersion: 1,
    tool: { name: 'benchgen-eval', version: '0.1.0' },
    environment: { name: 'arith-qa', version: '1.4.0', hash: 'sha256:9f2c4e7a1b3d5f60718293a4b5c6d7e8', source: { kind: 'github', ref: 'acme/evals@v1.4.0', path: 'arith' } },
    model: { key: 'acme/tiny-chat@t0', name: 'acme/tiny-chat', baseUrl: 'http://localhost:8000/v1', api: 'chat' },
    settings: { phase: 'test', limit: null, concurrency: 8, timeoutMs: 60_000, maxRetries: 2, generation: { temperature: 0 } },
    fingerprint: 'a'.repeat(64),
    startedAt: '2025-03-01T10:00:00.000Z',
    endedAt: '2025-03-01T10:04:12.000Z',
    durationMs: 252_000,
    git: { sha: '4e1f0c9ab2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7', ref: 'refs/pull/12/merge' },
    cases,
    ...over
  }
}

function makeRecord(i: number, status: CaseStatus, response: string | null): CaseRecord {
  const target = String(i * 3)
  const tags = i % 3 === 0 ? ['arithmetic'] : i % 3 === 1 ? ['geometry', 'easy'] : ['word-problem']
  if (i % 50 === 5) tags.push(HOSTILE_TAG)
  const search = SEARCH_HITS.includes(i) ? ' zebra' : ''
  const input = i === 200 ? `How many stripes does a zebra have in problem ${i}?` : `What is ${i} times 3?`
  const extracted = status === 'error' ? null : status === 'pass' ? target : String(i * 3 + 1)
  const passed = status === 'pass'
  return {
    id: id(i),
    phase: i < 250 ? 'test' : 'validation',
    index: i,
    tags,
    input,
    target,
    metadata: i % 20 === 0 ? { difficulty: 'hard' } : {},
    source: { file: 'data/test.jsonl', line: i + 1 },
    messages: [
      { role: 'system', content: 'You are a careful assistant. Think step by step, then give the final answer as "Answer: <number>".' },
      { role: 'user', content: input }
    ],
    response: response === null ? null : i === 200 ? response : response + search,
    finishReason: status === 'error' ? undefined : 'stop',
    extracted,
    scores: {
      exact: {
        value: passed ? 1 : 0,
        passed,
        extracted,
        reason: status === 'error' ? 'no response' : passed ? `matched target ${target}` : `expected ${target}, got ${extracted}`
      }
    },
    score: passed ? 1 : 0,
    status,
    error: status === 'error' ? { type: 'timeout', message: 'request timed out after 60000 ms' } : null,
    attempts: status === 'error' ? 3 : 1,
    latencyMs: 200 + ((i * 37) % 900),
    usage: status === 'error' ? null : { promptTokens: 40, completionTokens: 12 },
    costUsd: null,
    startedAt: '2025-03-01T10:00:00.000Z',
    endedAt: '2025-03-01T10:00:01.000Z'
  }
}

function currentRecords(n: number): CaseRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const status = statusOf(i)
    const response = status === 'error' ? null : i === HOSTILE_INDEX ? HOSTILE_RESPONSE : `Let me compute. Answer: ${status === 'pass' ? i * 3 : i * 3 + 1}`
    return makeRecord(i, status, response)
  })
}

/** The baseline: some of today's failures passed then (regressed), some passes failed (fixed). */
function baselineStatus(i: number): CaseStatus {
  const now = statusOf(i)
  if (now === 'fail' && i < 100) return 'pass'
  if (now === 'pass' && i % 7 === 0) return 'fail'
  return now
}

function baselineRecords(n: number): CaseRecord[] {
  const records = Array.from({ length: n - 1 }, (_, i) => {
    const status = baselineStatus(i)
    return makeRecord(i, status, status === 'error' ? null : `Baseline thinks: Answer: ${status === 'pass' ? i * 3 : 0}`)
  })
  records.push({ ...makeRecord(999, 'pass', 'gone'), id: 'removed-case' })
  return records
}

/** Roughly what aggregate() writes; the page only displays these numbers. */
function scoresOf(records: CaseRecord[]): Scores {
  const n = records.length
  const passes = records.filter((r) => r.status === 'pass').length
  const errors = records.filter((r) => r.status === 'error').length
  const lat = records.map((r) => r.latencyMs).sort((a, b) => a - b)
  const score = passes / n
  const se = Math.sqrt((score * (1 - score)) / n)
  const s: Scores = {
    n,
    errors,
    score,
    score_stderr: se,
    score_ci_low: Math.max(0, score - 1.96 * se),
    score_ci_high: Math.min(1, score + 1.96 * se),
    accuracy: score,
    exact_match: score,
    answer_rate: (n - errors) / n,
    error_rate: errors / n,
    latency_p50_ms: lat[Math.floor(n * 0.5)]!,
    latency_p95_ms: lat[Math.floor(n * 0.95)]!,
    tokens_prompt: (n - errors) * 40,
    tokens_completion: (n - errors) * 12,
    tokens_total: (n - errors) * 52,
    cost_usd: 0.0123,
    duration_s: 252
  }
  const groups = new Map<string, CaseRecord[]>()
  for (const r of records) {
    for (const key of [`phase.${r.phase}`, ...r.tags.map((t) => `tag.${t}`)]) {
      const group = groups.get(key) ?? []
      group.push(r)
      groups.set(key, group)
    }
  }
  for (const [key, rs] of groups) {
    const p = rs.filter((r) => r.status === 'pass').length / rs.length
    s[`${key}.score`] = p
    s[`${key}.accuracy`] = p
    s[`${key}.n`] = rs.length
  }
  return s
}

function reportInput(n: number, withBaseline: boolean): ReportInput {
  const records = currentRecords(n)
  const input: ReportInput = { info: runInfo(n), scores: scoresOf(records), records }
  if (withBaseline) {
    const base = baselineRecords(n)
    input.baseline = { info: runInfo(n, { startedAt: '2025-02-20T09:00:00.000Z', git: { sha: '0badc0ffee000000000000000000000000000000' } }), scores: scoresOf(base), records: base }
  }
  return input
}

if (!hasChromium) console.warn(`report.html browser tests ${CHROMIUM_SKIP_REASON}`)

describe.skipIf(!hasChromium)(`report.html in Chromium${hasChromium ? '' : ` (${CHROMIUM_SKIP_REASON})`}`, () => {
  let browser: Browser
  let dir: string

  beforeAll(async () => {
    browser = await launchBrowser()
    dir = mkdtempSync(join(tmpdir(), 'benchgen-report-'))
    mkdirSync(OUT_DIR, { recursive: true })
  })

  afterAll(async () => {
    await browser?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  /** Writes the page to a file, opens it via file:// and records everything suspicious. */
  const open = (html: string, name: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Opened> =>
    openHtml(browser, dir, html, name, { colorScheme, readySelector: 'html[data-ready=true]', readyTimeout: 20_000 })

  /** Clicks a case's id and returns its detail row. */
  async function openCase(page: Page, caseId: string): Promise<Locator> {
    const button = page.getByRole('button', { name: caseId, exact: true })
    await button.click()
    const i = await page.locator('tr.case', { has: button }).getAttribute('data-i')
    return page.locator(`#case-detail-${i}`)
  }

  const visibleIds = (page: Page): Promise<string[]> => page.$$eval('#cases tbody tr.case .case-toggle', (els) => els.map((e) => e.textContent ?? ''))

  /** Nothing left the file, no dialog opened, no script other than the page's own ran. */
  async function expectClean(o: Opened): Promise<void> {
    expect(o.requests.length).toBeGreaterThan(0)
    for (const url of o.requests) expect(url).toMatch(/^(file|data):/)
    expect(o.dialogs).toEqual([])
    expect(o.problems).toEqual([])
    // Expressions as strings: they run in the page, and this project's tsconfig has no DOM types.
    expect(await o.page.evaluate('typeof window.__pwned')).toBe('undefined')
    expect(await o.page.evaluate('document.scripts.length')).toBe(2)
    expect(await o.page.evaluate("document.querySelectorAll('img, iframe, object, embed, link[rel=stylesheet]').length")).toBe(0)
  }

  it('filters, searches and expands a case, showing hostile text as text', async () => {
    const input = reportInput(300, false)
    const o = await open(renderReport(input), 'single')
    const { page } = o

    await expect.poll(() => page.title()).toBe('arith-qa · acme/tiny-chat — BenchGen Eval report')
    expect(await page.locator('#run-title').textContent()).toBe('arith-qa v1.4.0')
    expect(await page.locator('[data-metric=score] .value').textContent()).toBe(`${(input.scores.score! * 100).toFixed(1)}%`)
    expect(await page.locator('[data-metric=score] .sub').textContent()).toMatch(/^95% CI \d+\.\d% to \d+\.\d%$/)
    expect(await page.locator('#charts svg').count()).toBe(2)
    expect(await page.locator('#w-change').isHidden()).toBe(true)

    // First page: 100 rows of 300, in index order.
    expect(await visibleIds(page)).toEqual(input.records.slice(0, 100).map((r) => r.id))
    expect(await page.locator('#summary').textContent()).toBe('Showing 1–100 of 300 cases')

    // Failures only: exactly the failing cases (fewer than a page).
    await page.selectOption('#f-status', 'fail')
    const failing = input.records.filter((r) => r.status === 'fail').map((r) => r.id)
    expect(failing.length).toBeGreaterThan(10)
    await expect.poll(() => visibleIds(page)).toEqual(failing)
    expect(await page.$$eval('#cases tbody tr.case', (rows) => [...new Set(rows.map((r) => r.getAttribute('data-status')))])).toEqual(['fail'])

    // Tag filter, including a hostile tag name shown as an option's text.
    await page.selectOption('#f-status', '')
    await page.selectOption('#f-tag', HOSTILE_TAG)
    await expect.poll(() => visibleIds(page)).toEqual(input.records.filter((r) => r.tags.includes(HOSTILE_TAG)).map((r) => r.id))

    // Full-text search over input and response, case-insensitive.
    await page.selectOption('#f-tag', '')
    await page.fill('#f-q', 'ZEBRA')
    await expect.poll(() => visibleIds(page)).toEqual(SEARCH_HITS.map(id))
    await page.fill('#f-q', '')
    await expect.poll(() => visibleIds(page).then((ids) => ids.length)).toBe(100)

    // Open the hostile case with the keyboard.
    await page.selectOption('#f-status', 'fail')
    const toggle = page.getByRole('button', { name: id(HOSTILE_INDEX), exact: true })
    await toggle.focus()
    await page.keyboard.press('Enter')
    expect(await toggle.getAttribute('aria-expanded')).toBe('true')
    const detail = page.locator('tr.detail')
    expect(await detail.count()).toBe(1)
    const hostile = input.records[HOSTILE_INDEX]!
    expect(await detail.locator('[data-field=response]').textContent()).toBe(HOSTILE_RESPONSE)
    expect(await detail.locator('[data-field=target]').textContent()).toBe(hostile.target)
    expect(await detail.locator('[data-field=extracted]').textContent()).toBe(hostile.extracted)
    expect(await detail.locator('[data-scorer=exact] .reason').textContent()).toBe(hostile.scores.exact!.reason)
    expect(await detail.locator('[data-field=message]').allTextContents()).toEqual(hostile.messages!.map((m) => m.content))

    // An errored case shows its error and "(no response)".
    const errored = input.records.find((r) => r.status === 'error')!
    await page.selectOption('#f-status', 'error')
    const errDetail = await openCase(page, errored.id)
    expect(await errDetail.locator('[data-field=error]').textContent()).toBe('timeout: request timed out after 60000 ms')
    expect(await errDetail.locator('[data-field=response]').textContent()).toBe('(no response)')

    // Clicking again closes it.
    await page.getByRole('button', { name: errored.id, exact: true }).click()
    expect(await page.locator('tr.detail').count()).toBe(0)

    await expectClean(o)
    await page.close()
  })

  it('pages through the cases', async () => {
    const input = reportInput(300, false)
    const o = await open(renderReport(input), 'paging')
    const { page } = o
    await page.click('#pg-next')
    expect(await visibleIds(page)).toEqual(input.records.slice(100, 200).map((r) => r.id))
    expect(await page.locator('#pg-info').textContent()).toBe('Page 2 of 3')
    await page.click('#pg-last')
    expect(await visibleIds(page)).toEqual(input.records.slice(200).map((r) => r.id))
    expect(await page.locator('#pg-next').isDisabled()).toBe(true)
    await page.selectOption('#f-size', '500')
    expect((await visibleIds(page)).length).toBe(300)
    // Sort by latency, slowest first.
    await page.click('th >> text=Latency')
    const slowest = [...input.records].sort((a, b) => b.latencyMs - a.latencyMs || a.index - b.index)[0]!
    expect((await visibleIds(page))[0]).toBe(slowest.id)
    await expectClean(o)
    await page.close()
  })

  it('compares with a baseline: deltas, the changed filter and side-by-side responses', async () => {
    const input = reportInput(300, true)
    const o = await open(renderReport(input), 'baseline')
    const { page } = o

    const delta = page.locator('[data-metric=score] .delta')
    const d = (input.scores.score! - input.baseline!.scores.score!) * 100
    expect(await delta.textContent()).toBe(`${d >= 0 ? '+' : '-'}${Math.abs(d).toFixed(1)} pp`)
    expect(await delta.getAttribute('class')).toContain(d >= 0 ? 'good' : 'bad')
    expect(await page.locator('[data-metric=latency_p50_ms] .delta').count()).toBe(1)
    expect(await page.locator('#baseline-note').textContent()).toContain('1 baseline case is not in this run.')

    const base = new Map(input.baseline!.records.map((r) => [r.id, r]))
    const changed = input.records.filter((r) => {
      const b = base.get(r.id)
      return b !== undefined && (b.status === 'pass') !== (r.status === 'pass')
    })
    const regressed = changed.filter((r) => r.status !== 'pass').map((r) => r.id)
    expect(regressed.length).toBeGreaterThan(0)
    expect(changed.length).toBeGreaterThan(regressed.length)

    await page.selectOption('#f-change', 'changed')
    await expect.poll(() => visibleIds(page)).toEqual(changed.map((r) => r.id))
    await page.selectOption('#f-change', 'regressed')
    await expect.poll(() => visibleIds(page)).toEqual(regressed)
    expect(await page.locator('#cases tbody tr.case .badge.regressed').count()).toBe(regressed.length)
    await page.selectOption('#f-change', 'new')
    await expect.poll(() => visibleIds(page)).toEqual([id(299)])

    // Side by side: a fixed case and a regressed one.
    await page.selectOption('#f-change', 'changed')
    const fixedCase = changed.find((r) => r.status === 'pass')!
    const regressedCase = changed.find((r) => r.status !== 'pass')!
    for (const r of [regressedCase, fixedCase]) {
      const detail = await openCase(page, r.id)
      expect(await detail.locator('[data-field=response]').textContent()).toBe(r.response)
      expect(await detail.locator('[data-field=base-response]').textContent()).toBe(base.get(r.id)!.response)
    }
    // The top of the page: header, metrics, charts and the two opened cases.
    await page.screenshot({ path: join(OUT_DIR, 'report.png'), fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1800 } })

    await expectClean(o)
    await page.close()
  })

  it('looks right in dark mode too', async () => {
    const o = await open(renderReport(reportInput(300, true)), 'dark', 'dark')
    await o.page.selectOption('#f-change', 'regressed')
    await o.page.locator('#cases tbody tr.case .case-toggle').first().click()
    await o.page.screenshot({ path: join(OUT_DIR, 'report-dark.png'), fullPage: false })
    await expectClean(o)
    await o.page.close()
  })

  it("blocks inline scripts other than the page's own (CSP hash)", async () => {
    const o = await open(renderReport(reportInput(20, false)), 'csp')
    await o.page.evaluate("const s = document.createElement('script'); s.textContent = 'window.__pwned = 3'; document.body.appendChild(s)")
    expect(await o.page.evaluate('typeof window.__pwned')).toBe('undefined')
    expect(o.problems.some((p) => p.includes('Content Security Policy'))).toBe(true)
    await o.page.close()
  })

  it('opens a 20,000-case report and renders only the first page', async () => {
    const input = reportInput(20_000, true)
    const html = renderReport(input)
    const o = await open(html, 'large')
    const { page } = o
    expect(await page.locator('#cases tbody tr.case').count()).toBe(100)
    expect(await page.locator('#summary').textContent()).toBe('Showing 1–100 of 20,000 cases')
    expect(await page.locator('#pg-info').textContent()).toBe('Page 1 of 200')
    await page.selectOption('#f-status', 'error')
    const errors = input.records.filter((r) => r.status === 'error')
    expect(await page.locator('#summary').textContent()).toBe(`Showing 1–100 of ${errors.length.toLocaleString('en-US')} matching cases (20,000 in total)`)
    expect(await visibleIds(page)).toEqual(errors.slice(0, 100).map((r) => r.id))
    await page.fill('#f-q', 'problem 200?')
    await page.selectOption('#f-status', '')
    await expect.poll(() => visibleIds(page)).toEqual([id(200)])
    await expectClean(o)
    await page.close()
  })
})
