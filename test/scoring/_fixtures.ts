/** Typed fixtures for the scoring tests: cases, scorers built through the real registry, records. */
import { Scoring } from '../../src/environment/manifest.js'
import type { EnvCase, Target } from '../../src/environment/types.js'
import type { CaseRecord } from '../../src/run/record.js'
import { buildScorers } from '../../src/scoring/registry.js'
import type { Score, Scorer } from '../../src/scoring/types.js'

/** A case with sensible defaults; override any field. */
export function makeCase(overrides: Partial<EnvCase> = {}): EnvCase {
  return {
    id: 'case-1',
    phase: 'test',
    index: 0,
    input: 'question',
    target: '',
    tags: [],
    metadata: {},
    row: {},
    source: { file: 'data/test.jsonl', line: 1 },
    ...overrides
  }
}

/** Build one scorer from its manifest entry (parsed by the manifest schema, as a run does). */
export async function scorerFrom(config: Record<string, unknown>, root = '/nonexistent'): Promise<Scorer> {
  const [scorer] = await buildScorers(Scoring.parse({ scorers: [config] }), { root })
  if (!scorer) throw new Error('no scorer built')
  return scorer
}

/** Score one response. */
export async function scoreWith(scorer: Scorer, response: string, target: Target, overrides: Partial<EnvCase> = {}): Promise<Score> {
  return scorer.score({ response, target, case: makeCase({ target, ...overrides }) })
}

/** A results.jsonl record with defaults for the fields a test does not care about. */
export function makeRecord(overrides: Partial<CaseRecord> = {}): CaseRecord {
  return {
    id: 'r',
    phase: 'test',
    index: 0,
    tags: [],
    input: 'q',
    target: 'a',
    metadata: {},
    response: 'a',
    extracted: 'a',
    scores: {},
    score: 1,
    status: 'pass',
    error: null,
    attempts: 1,
    latencyMs: 100,
    usage: null,
    costUsd: null,
    startedAt: '2025-01-01T00:00:00.000Z',
    endedAt: '2025-01-01T00:00:01.000Z',
    ...overrides
  }
}
