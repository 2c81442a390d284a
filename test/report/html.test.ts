import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { jsonForScript, renderReport, type ReportInput } from '../../src/report/html.js'
import { breakdown, buildPayload, classifyChange, headlineMetrics, type PagePayload } from '../../src/report/html/data.js'
import { REPORT_SCRIPT } from '../../src/report/html/script.js'
import type { CaseRecord } from '../../src/run/record.js'
import type { RunInfo } from '../../src/run/run-info.js'

const BREAKOUT = '</script><script>alert(1)</script>'
const HOSTILE = `${BREAKOUT}<!-- <img src=x onerror=alert(2)> \u2028\u2029 </SCRIPT > <\\/script>`

function info(over: Partial<RunInfo> = {}): RunInfo {
  return {
    schemaVersion: 1,
    tool: { name: 'benchgen-eval', version: '0.1.0' },
    environment: { name: 'gsm8k', version: '1.2.0', hash: 'sha256:0123456789abcdef0123', source: { kind: 'path', ref: 'evals/gsm8k' } },
    model: { key: 'local/tiny', name: 'tiny', baseUrl: 'http://10.1.2.3:8000/v1', api: 'chat' },
    settings: { phase: 'test', limit: null, concurrency: 4, timeoutMs: 60_000, maxRetries: 2, generation: {} },
    fingerprint: 'f'.repeat(64),
    startedAt: '2025-03-01T10:00:00.000Z',
    endedAt: '2025-03-01T10:05:00.000Z',
    durationMs: 300_000,
    git: { sha: 'abcdef1234567890' },
    cases: 3,
    ...over
  }
}

function record(id: string, over: Partial<CaseRecord> = {}): CaseRecord {
  return {
    id,
    phase: 'test',
    index: 0,
    tags: [],
    input: `question ${id}`,
    target: '42',
    metadata: {},
    messages: [
      { role: 'system', content: 'You are a careful solver. Answer with a number.' },
      { role: 'user', content: `question ${id}` }
    ],
    response: 'The answer is 42.',
    extracted: '42',
    scores: { exact: { value: 1, passed: true, extracted: '42', reason: 'matched 42' } },
    score: 1,
    status: 'pass',
    error: null,
    attempts: 1,
    latencyMs: 120,
    usage: { promptTokens: 20, completionTokens: 5 },
    costUsd: null,
    startedAt: '2025-03-01T10:00:00.000Z',
    endedAt: '2025-03-01T10:00:00.120Z',
    ...over
  }
}

const hostileInput = (): ReportInput => ({
  info: info({ environment: { ...info().environment, name: `env ${HOSTILE}` }, model: { ...info().model, name: `model ${HOSTILE}` } }),
  scores: { n: 3, score: 0.5, score_ci_low: 0.1, score_ci_high: 0.9, [`tag.${HOSTILE}.score`]: 0.5, [`tag.${HOSTILE}.n`]: 1 },
  records: [
    record('ok-1', { index: 0 }),
    record(`id ${HOSTILE}`, {
      index: 1,
      tags: [HOSTILE],
      input: `input ${HOSTILE}`,
      messages: [{ role: 'user', content: `message ${HOSTILE}` }],
      response: `response ${HOSTILE}`,
      extracted: `extracted ${HOSTILE}`,
      target: [`target ${HOSTILE}`, 'x'],
      scores: { exact: { value: 0, passed: false, extracted: HOSTILE, reason: `reason ${HOSTILE}` } },
      score: 0,
      status: 'fail',
      metadata: { note: HOSTILE },
      error: null
    }),
    record('err-1', { index: 2, response: null, extracted: null, status: 'error', score: 0, error: { type: 'timeout', message: HOSTILE } })
  ]
})

/** The page split into the embedded JSON and everything else. */
function splitPage(html: string): { json: string; outside: string } {
  const open = '<script type="application/json" id="report-data">'
  const start = html.indexOf(open)
  const end = html.indexOf('</script>', start)
  expect(start).toBeGreaterThan(0)
  return { json: html.slice(start + open.length, end), outside: html.slice(0, start + open.length) + html.slice(end) }
}

function payloadOf(html: string): PagePayload {
  return JSON.parse(splitPage(html).json) as PagePayload
}

describe('renderReport: self-contained page', () => {
  const html = renderReport(hostileInput())

  it('declares a Content-Security-Policy that forbids the network, before any style or script', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]
    expect(csp).toBeDefined()
    const directives = new Map(csp!.split(/;\s*/).map((d) => [d.split(' ')[0], d.split(' ').slice(1)]))
    expect(directives.get('default-src')).toEqual(["'none'"])
    expect(directives.get('style-src')).toEqual(["'unsafe-inline'"])
    expect(directives.get('script-src')).toContain("'unsafe-inline'")
    expect(directives.get('img-src')).toEqual(['data:'])
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'))
  })

  it("pins the page's own script by its sha256 in the CSP", () => {
    const script = /<script>([\s\S]*)<\/script>\s*<\/body>/.exec(html)?.[1]
    expect(script).toBe(REPORT_SCRIPT)
    const hash = createHash('sha256').update(script!, 'utf8').digest('base64')
    expect(html).toContain(`'sha256-${hash}'`)
  })

  it('references nothing remote: no src/href/url()/@import to a network address', () => {
    const { outside } = splitPage(html)
    const refs = [...outside.matchAll(/\b(?:src|href|action|poster|srcset)\s*=\s*["']?([^"'\s>]*)/gi)].map((m) => m[1])
    for (const ref of refs) expect(ref).toMatch(/^(data:|#)/)
    expect(outside).not.toMatch(/url\(/i)
    expect(outside).not.toMatch(/@import/i)
    expect(outside).not.toMatch(/<(?:iframe|object|embed|img|link rel="stylesheet")/i)
    // The one http(s) string is the SVG namespace, an identifier that is never fetched.
    const urls = [...outside.matchAll(/https?:\/\/[^\s'"<>)]+/g)].map((m) => m[0])
    expect([...new Set(urls)]).toEqual(['http://www.w3.org/2000/svg'])
  })

  it("leaves the model's base URL out of the page", () => {
    expect(html).not.toContain('10.1.2.3')
  })

  it('keeps hostile text inside the JSON block, escaped', () => {
    expect(html).not.toContain(BREAKOUT)
    expect(html.split('<script').length - 1).toBe(2)
    expect(html.split('</script>').length - 1).toBe(2)
    expect(html.toLowerCase().split('</script').length - 1).toBe(2)
    expect(html).not.toContain('<!--')
    expect(html).not.toContain('\u2028')
    expect(html).not.toContain('\u2029')
    expect(html).not.toMatch(/<img/i)
    const { json } = splitPage(html)
    expect(json).not.toMatch(/[<>&]/)
  })

  it('round-trips the hostile text exactly through the JSON block', () => {
    const p = payloadOf(html)
    const hostile = p.cases.find((c) => c.status === 'fail')!
    expect(hostile.id).toBe(`id ${HOSTILE}`)
    expect(p.texts[hostile.response!]).toBe(`response ${HOSTILE}`)
    expect(p.texts[hostile.input]).toBe(`input ${HOSTILE}`)
    expect(hostile.target).toEqual([`target ${HOSTILE}`, 'x'])
    expect(hostile.scores[0]!.reason).toBe(`reason ${HOSTILE}`)
    expect(hostile.tags).toEqual([HOSTILE])
    expect(p.run.env.name).toBe(`env ${HOSTILE}`)
    expect(p.tags.map((t) => t.name)).toEqual([HOSTILE])
  })

  it('carries no run data in the static markup', () => {
    const { outside } = splitPage(html)
    expect(outside).not.toContain('gsm8k')
    expect(outside).not.toContain('ok-1')
  })

  it('is deterministic', () => {
    expect(renderReport(hostileInput())).toBe(html)
  })
})

describe('the page script', () => {
  it('is valid JavaScript', () => {
    expect(() => new Function(REPORT_SCRIPT)).not.toThrow()
  })

  it.each(['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(', 'new Function', 'fetch(', 'XMLHttpRequest', 'WebSocket', 'import(', 'sendBeacon', '`', '${', '</', '<!--'])(
    'does not use %s',
    (needle) => {
      expect(REPORT_SCRIPT).not.toContain(needle)
    }
  )
})

describe('jsonForScript', () => {
  it.each([
    ['closing tag', '</script>'],
    ['comment opener', '<!--'],
    ['ampersand entity', '&lt;'],
    ['line separator', 'a\u2028b\u2029c'],
    ['lone surrogate', '\ud800x'],
    ['backslashes and quotes', '\\"\\u003c']
  ])('escapes %s and round-trips it', (_name, value) => {
    const out = jsonForScript({ value })
    expect(out).not.toMatch(/[<>&\u2028\u2029]/)
    expect((JSON.parse(out) as { value: string }).value).toBe(value)
  })
})

describe('buildPayload', () => {
  it('stores repeated text once', () => {
    const records = Array.from({ length: 50 }, (_, i) => record(`c${i}`, { index: i }))
    const p = buildPayload({ info: info(), scores: {}, records })
    expect(p.texts.filter((t) => t.startsWith('You are a careful solver')).length).toBe(1)
    expect(p.texts.filter((t) => t === 'The answer is 42.').length).toBe(1)
  })

  it('orders cases by phase (as first seen) then index', () => {
    const records = [record('b', { phase: 'test', index: 2 }), record('a', { phase: 'test', index: 1 }), record('v', { phase: 'dev', index: 0 })]
    expect(buildPayload({ info: info(), scores: {}, records }).cases.map((c) => c.id)).toEqual(['a', 'b', 'v'])
  })

  it('pairs the baseline by id and classifies each case', () => {
    const records = [record('a', { status: 'pass' }), record('b', { status: 'fail', score: 0 }), record('c', { status: 'pass' }), record('d')]
    const baseRecords = [
      record('a', { status: 'fail', score: 0, response: 'old answer' }),
      record('b', { status: 'pass' }),
      record('c', { status: 'pass' }),
      record('gone', {})
    ]
    const p = buildPayload({ info: info(), scores: { score: 0.75 }, records, baseline: { info: info(), scores: { score: 0.5 }, records: baseRecords } })
    expect(p.cases.map((c) => [c.id, c.change])).toEqual([
      ['a', 'fixed'],
      ['b', 'regressed'],
      ['c', 'same'],
      ['d', 'new']
    ])
    expect(p.texts[p.cases[0]!.base!.response!]).toBe('old answer')
    expect(p.cases[3]!.base).toBeUndefined()
    expect(p.baseline?.onlyInBaseline).toBe(1)
    expect(p.baseline?.scores.score).toBe(0.5)
  })

  it('has no change field without a baseline', () => {
    const p = buildPayload({ info: info(), scores: {}, records: [record('a')] })
    expect(p.baseline).toBeNull()
    expect(p.cases[0]!.change).toBeUndefined()
  })
})

describe('headlineMetrics', () => {
  it('formats the cards present in scores.json, in headline order, with deltas toned by direction', () => {
    const scores = { latency_p50_ms: 1500, score: 0.606, score_ci_low: 0.571, score_ci_high: 0.64, error_rate: 0.02, errors: 1, cost_usd: 0.5 }
    const base = { score: 0.59, latency_p50_ms: 1200, error_rate: 0.02, cost_usd: 0.75 }
    expect(headlineMetrics(scores, base)).toEqual([
      { key: 'score', label: 'Score', value: '60.6%', sub: '95% CI 57.1% to 64.0%', delta: { text: '+1.6 pp', tone: 'good', baseline: '59.0%' } },
      { key: 'error_rate', label: 'Error rate', value: '2.0%', sub: '1 error', delta: { text: '±0.0 pp', tone: 'same', baseline: '2.0%' } },
      { key: 'latency_p50_ms', label: 'Latency p50', value: '1.5 s', delta: { text: '+300 ms', tone: 'bad', baseline: '1.2 s' } },
      { key: 'cost_usd', label: 'Cost', value: '$0.5000', delta: { text: '-$0.2500', tone: 'good', baseline: '$0.7500' } }
    ])
  })

  it('has no deltas without a baseline', () => {
    expect(headlineMetrics({ score: 0.5 })).toEqual([{ key: 'score', label: 'Score', value: '50.0%' }])
  })
})

describe('classifyChange', () => {
  it.each([
    ['pass', 'fail', 'fixed'],
    ['pass', 'error', 'fixed'],
    ['fail', 'pass', 'regressed'],
    ['error', 'pass', 'regressed'],
    ['fail', 'error', 'same'],
    ['pass', 'pass', 'same'],
    ['fail', undefined, 'new']
  ] as const)('%s now, %s before: %s', (now, before, expected) => {
    expect(classifyChange(now, before)).toBe(expected)
  })
})

describe('breakdown', () => {
  it('reads per-phase and per-tag keys, including names with dots', () => {
    const scores = {
      'phase.test.score': 0.5,
      'phase.test.accuracy': 0.4,
      'phase.test.n': 10,
      'tag.a.b.score': 0.9,
      'tag.a.b.n': 2,
      'tag.big.score': 0.1,
      'tag.big.n': 8
    }
    expect(breakdown('phase', scores, [], { 'phase.test.score': 0.25 })).toEqual([{ name: 'test', score: 0.5, accuracy: 0.4, n: 10, baseScore: 0.25 }])
    expect(breakdown('tag', scores, []).map((g) => [g.name, g.n])).toEqual([
      ['big', 8],
      ['a.b', 2]
    ])
  })

  it('falls back to the records when scores.json has no such keys', () => {
    const records = [record('a', { tags: ['x'] }), record('b', { tags: ['x', 'y'], status: 'fail', score: 0 })]
    expect(breakdown('tag', {}, records)).toEqual([
      { name: 'x', score: 0.5, accuracy: 0.5, n: 2, baseScore: null },
      { name: 'y', score: 0, accuracy: 0, n: 1, baseScore: null }
    ])
  })
})
