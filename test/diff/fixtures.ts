/** Hand-built runs for the diff and report tests: typed, small, explicit. */
import type { RunResult } from '../../src/diff/types.js'
import type { CaseRecord } from '../../src/run/record.js'
import type { RunInfo } from '../../src/run/run-info.js'
import type { Scores } from '../../src/scoring/metrics.js'

export function makeInfo(overrides: { hash?: string; envName?: string; modelKey?: string; cases?: number } = {}): RunInfo {
  return {
    schemaVersion: 1,
    tool: { name: 'benchgen-eval', version: '0.1.0' },
    environment: {
      name: overrides.envName ?? 'gsm8k',
      version: '1.0.0',
      hash: overrides.hash ?? 'sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      source: { kind: 'local', ref: 'environments/gsm8k' }
    },
    model: { key: overrides.modelKey ?? 'my-model', name: 'my-model-v1', baseUrl: 'http://localhost:8000/v1', api: 'chat' },
    settings: { phase: 'test', limit: null, concurrency: 4, timeoutMs: 60_000, maxRetries: 2, generation: {} },
    fingerprint: 'f'.repeat(64),
    startedAt: '2025-01-01T00:00:00.000Z',
    endedAt: '2025-01-01T00:01:05.000Z',
    durationMs: 65_000,
    git: { sha: '0123456789abcdef0123456789abcdef01234567' },
    cases: overrides.cases ?? 0
  }
}

export function makeRecord(overrides: Partial<CaseRecord> & { id: string }): CaseRecord {
  const status = overrides.status ?? 'pass'
  const score = overrides.score ?? (status === 'pass' ? 1 : 0)
  return {
    phase: 'test',
    index: 0,
    tags: [],
    input: `question ${overrides.id}`,
    target: '42',
    metadata: {},
    response: status === 'error' ? null : status === 'pass' ? '42' : '41',
    extracted: status === 'error' ? null : status === 'pass' ? '42' : '41',
    scores: { exact: { value: score, passed: status === 'pass', extracted: null, reason: status === 'pass' ? 'match' : 'expected 42' } },
    score,
    status,
    error: status === 'error' ? { type: 'TimeoutError', message: 'timed out after 60s' } : null,
    attempts: 1,
    latencyMs: 400,
    usage: { promptTokens: 100, completionTokens: 20 },
    costUsd: 0.001,
    startedAt: '2025-01-01T00:00:00.000Z',
    endedAt: '2025-01-01T00:00:00.400Z',
    ...overrides
  }
}

/** A run whose `scores.score` is the mean of its records' scores, plus any extra keys. */
export function makeRun(records: CaseRecord[], extra: Scores = {}, info: Parameters<typeof makeInfo>[0] = {}): RunResult {
  const score = records.length === 0 ? 0 : records.reduce((sum, r) => sum + r.score, 0) / records.length
  return { info: makeInfo({ cases: records.length, ...info }), scores: { score, n: records.length, ...extra }, records }
}

export interface PairSpec {
  /** Cases in both runs. */
  n: number
  /** Cases that pass in the baseline (the first `basePass` ids). */
  basePass: number
  /** Of the passing cases, how many fail in the head (b). */
  regress: number
  /** Of the failing cases, how many pass in the head (c). */
  fix: number
}

/** Two runs over the same `n` cases with exactly `regress` and `fix` discordant pairs. */
export function makePair(spec: PairSpec): { base: RunResult; head: RunResult } {
  const base: CaseRecord[] = []
  const head: CaseRecord[] = []
  for (let i = 0; i < spec.n; i++) {
    const id = `case-${String(i).padStart(4, '0')}`
    const basePassed = i < spec.basePass
    const flipped = basePassed ? i < spec.regress : i - spec.basePass < spec.fix
    const headPassed = flipped ? !basePassed : basePassed
    base.push(makeRecord({ id, index: i, status: basePassed ? 'pass' : 'fail' }))
    head.push(makeRecord({ id, index: i, status: headPassed ? 'pass' : 'fail' }))
  }
  return { base: makeRun(base), head: makeRun(head) }
}
