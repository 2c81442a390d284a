import { describe, expect, it } from 'vitest'
import { CaseRecord } from '../../src/run/record.js'
import { aggregate } from '../../src/scoring/aggregate.js'
import { wilsonInterval } from '../../src/scoring/stats.js'
import { makeRecord } from './_fixtures.js'

const s = (value: number, extracted: string | null = null) => ({ value, passed: value === 1, extracted, reason: '' })

const records = [
  makeRecord({
    id: 'r1',
    phase: 'test',
    tags: ['geo', 'easy'],
    target: 'Paris',
    response: 'Paris',
    extracted: 'Paris',
    status: 'pass',
    score: 1,
    scores: { exact: s(1, 'Paris'), f1: s(1, 'Paris') },
    latencyMs: 100,
    usage: { promptTokens: 10, completionTokens: 5 },
    costUsd: 0.001
  }),
  makeRecord({
    id: 'r2',
    phase: 'test',
    tags: ['hard'],
    target: 'Paris',
    response: 'It is Lyon',
    extracted: 'Lyon',
    status: 'fail',
    score: 0,
    scores: { exact: s(0, 'Lyon'), f1: s(0.5, 'Lyon') },
    latencyMs: 300,
    usage: { promptTokens: 20, completionTokens: 10 },
    costUsd: 0.002
  }),
  // No extracted answer: exact_match falls back to the response, answer_rate does not count it.
  makeRecord({
    id: 'r3',
    phase: 'dev',
    tags: ['geo'],
    target: ['Paris', 'City of Light'],
    response: '  PARIS \n',
    extracted: null,
    status: 'fail',
    score: 0.5,
    scores: { exact: s(0), f1: s(0.5) },
    latencyMs: 200,
    usage: null,
    costUsd: null
  }),
  // An error: its score counts 0 whatever the record says, its latency is left out.
  makeRecord({
    id: 'r4',
    phase: 'dev',
    tags: ['geo', 'geo'],
    target: 'Paris',
    response: null,
    extracted: null,
    status: 'error',
    score: 0.7,
    scores: {},
    error: { type: 'ModelError', message: 'timeout' },
    latencyMs: 5000,
    usage: { promptTokens: 7, completionTokens: 0 },
    costUsd: null
  })
]

describe('aggregate', () => {
  it('every key of a hand-built run, in order', () => {
    for (const r of records) CaseRecord.parse(r)
    const scores = aggregate(records, { durationMs: 12_345 })
    const se = Math.sqrt(0.6875 / 3) / 2
    const accuracyCi = wilsonInterval(1, 4)
    const expected: [string, number][] = [
      ['n', 4],
      ['errors', 1],
      ['score', 0.375],
      ['score_stderr', se],
      ['score_ci_low', 0],
      ['score_ci_high', 0.375 + 1.959963984540054 * se],
      ['accuracy', 0.25],
      ['accuracy_ci_low', accuracyCi.low],
      ['accuracy_ci_high', accuracyCi.high],
      ['exact_match', 0.5],
      ['answer_rate', 0.5],
      ['error_rate', 0.25],
      ['latency_mean_ms', 200],
      ['latency_p50_ms', 200],
      ['latency_p95_ms', 290],
      ['tokens_prompt', 37],
      ['tokens_completion', 15],
      ['tokens_total', 52],
      ['cost_usd', 0.003],
      ['duration_s', 12.345],
      ['scorer.exact', 0.25],
      ['scorer.f1', 0.5],
      ['phase.dev.score', 0.25],
      ['phase.dev.accuracy', 0],
      ['phase.dev.n', 2],
      ['phase.test.score', 0.5],
      ['phase.test.accuracy', 0.5],
      ['phase.test.n', 2],
      ['tag.easy.score', 1],
      ['tag.easy.accuracy', 1],
      ['tag.easy.n', 1],
      ['tag.geo.score', 0.5],
      ['tag.geo.accuracy', 1 / 3],
      ['tag.geo.n', 3],
      ['tag.hard.score', 0],
      ['tag.hard.accuracy', 0],
      ['tag.hard.n', 1]
    ]
    expect(Object.keys(scores)).toEqual(expected.map(([key]) => key))
    for (const [key, value] of expected) expect(scores[key], key).toBeCloseTo(value, 12)
  })

  it('does not depend on record order', () => {
    const forward = aggregate(records, { durationMs: 1 })
    const backward = aggregate([...records].reverse(), { durationMs: 1 })
    expect(JSON.stringify(backward)).toBe(JSON.stringify(forward))
  })

  it('no usage reported: tokens and cost are left out (unknown, not free)', () => {
    const scores = aggregate([], { durationMs: 0 })
    for (const key of ['tokens_prompt', 'tokens_completion', 'tokens_total', 'cost_usd']) expect(scores).not.toHaveProperty(key)
  })

  it('empty input: n 0 and zeros, no NaN', () => {
    const scores = aggregate([], { durationMs: 0 })
    expect(Object.keys(scores)).toEqual([
      'n',
      'errors',
      'score',
      'score_stderr',
      'score_ci_low',
      'score_ci_high',
      'accuracy',
      'accuracy_ci_low',
      'accuracy_ci_high',
      'exact_match',
      'answer_rate',
      'error_rate',
      'latency_mean_ms',
      'latency_p50_ms',
      'latency_p95_ms',
      'duration_s'
    ])
    expect(Object.values(scores).every((v) => v === 0)).toBe(true)
  })

  it('all errors: zeros without NaN', () => {
    const scores = aggregate([records[3] as CaseRecord, records[3] as CaseRecord], { durationMs: 10 })
    expect(scores).toMatchObject({ n: 2, errors: 2, error_rate: 1, score: 0, accuracy: 0, latency_p50_ms: 0, answer_rate: 0, tokens_prompt: 14 })
    expect(Object.values(scores).every(Number.isFinite)).toBe(true)
  })

  it('all passing 0/1 scores use a Wilson interval for the score too', () => {
    const passing = [makeRecord({ id: 'a' }), makeRecord({ id: 'b' })]
    const scores = aggregate(passing, { durationMs: 0 })
    expect(scores.score_ci_low).toBeCloseTo(wilsonInterval(2, 2).low, 12)
    expect(scores.score_ci_high).toBe(1)
  })

  it('a corrupt record does not write NaN', () => {
    const scores = aggregate([makeRecord({ latencyMs: Number.NaN, costUsd: Number.POSITIVE_INFINITY })], { durationMs: Number.NaN })
    expect(Object.values(scores).every(Number.isFinite)).toBe(true)
  })
})
