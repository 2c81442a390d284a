/**
 * One case, start to finish: prompt → model (with retries and timeouts) → scores → record.
 * A model failure after the last retry becomes an `error` record, never a wrong answer; the
 * caller never sees a throw for a case.
 */
import type { Harness, Scoring } from '../environment/manifest.js'
import type { EnvCase } from '../environment/types.js'
import { buildPrompt } from '../harness/single-turn.js'
import type { Prompt } from '../harness/single-turn.js'
import type { TemplateEngine } from '../harness/template.js'
import { costOf } from '../model/cost.js'
import { callWithRetries } from '../model/retry.js'
import type { GenerationParams, ModelClient, ModelResponse } from '../model/types.js'
import { scoreCase } from '../scoring/combine.js'
import type { Scorer } from '../scoring/types.js'
import { describeError, ModelError } from '../errors.js'
import type { CaseRecord } from './record.js'

export interface CaseContext {
  harness: Harness
  scoring: Scoring
  scorers: Scorer[]
  engine: TemplateEngine
  fewshotPool: readonly EnvCase[]
  generation: GenerationParams
  client: ModelClient
  retry: { maxRetries: number; timeoutMs: number; baseDelayMs?: number; maxDelayMs?: number }
  pricing?: { inputPerMTok: number; outputPerMTok: number }
  signal?: AbortSignal
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  random?: () => number
  now?: () => number
}

/** The fields of a record that describe the case itself, shared by every outcome. */
function caseFields(item: EnvCase): Pick<CaseRecord, 'id' | 'phase' | 'index' | 'tags' | 'input' | 'target' | 'choices' | 'metadata' | 'source'> {
  return {
    id: item.id,
    phase: item.phase,
    index: item.index,
    tags: item.tags,
    input: item.input,
    target: item.target,
    ...(item.choices ? { choices: item.choices } : {}),
    metadata: item.metadata,
    source: item.source
  }
}

/** Score a response (from a model, or from a predictions file) into a record. */
export async function scoreResponse(
  item: EnvCase,
  response: string,
  context: Pick<CaseContext, 'scorers' | 'scoring'>
): Promise<Pick<CaseRecord, 'scores' | 'score' | 'status' | 'extracted'>> {
  const result = await scoreCase(context.scorers, context.scoring, { response, target: item.target, case: item })
  return { scores: result.scores, score: result.score, extracted: result.extracted, status: result.passed ? 'pass' : 'fail' }
}

/** An error record: the case was attempted and could not be answered. */
export function errorRecord(item: EnvCase, error: unknown, extra: Partial<CaseRecord>): CaseRecord {
  const status = error instanceof ModelError ? error.status : undefined
  const now = new Date().toISOString()
  return {
    ...caseFields(item),
    response: null,
    extracted: null,
    scores: {},
    score: 0,
    status: 'error',
    error: {
      type: error instanceof Error ? error.name : 'Error',
      message: describeError(error).slice(0, 1000),
      ...(status === undefined ? {} : { status })
    },
    attempts: 0,
    latencyMs: 0,
    usage: null,
    costUsd: null,
    startedAt: now,
    endedAt: now,
    ...extra
  }
}

export async function evaluateCase(item: EnvCase, context: CaseContext): Promise<CaseRecord> {
  const now = context.now ?? Date.now
  const startedAt = new Date(now()).toISOString()
  const started = now()
  let prompt: Prompt
  try {
    prompt = buildPrompt(item, context.harness, context.engine, context.fewshotPool)
  } catch (error) {
    return errorRecord(item, error, { startedAt })
  }

  let response: ModelResponse
  let attempts: number
  // Latency is the answering attempt's own time; backoff waits and failed attempts are not the model's speed.
  let latencyMs = 0
  try {
    const result = await callWithRetries(
      async (signal) => {
        const attemptStart = now()
        const answer = await context.client.complete({ ...prompt, params: context.generation, signal })
        latencyMs = now() - attemptStart
        return answer
      },
      context.retry,
      {
        ...(context.sleep ? { sleep: context.sleep } : {}),
        ...(context.random ? { random: context.random } : {}),
        ...(context.signal ? { signal: context.signal } : {})
      }
    )
    response = result.value
    attempts = result.attempts
  } catch (error) {
    if (context.signal?.aborted) throw error
    const tried = (error as { attempts?: number }).attempts ?? context.retry.maxRetries + 1
    return errorRecord(item, error, { ...prompt, attempts: tried, latencyMs: now() - started, startedAt, endedAt: new Date(now()).toISOString() })
  }
  const scored = await scoreResponse(item, response.text, context)
  return {
    ...caseFields(item),
    ...prompt,
    response: response.text,
    ...(response.finishReason ? { finishReason: response.finishReason } : {}),
    ...scored,
    error: null,
    attempts,
    latencyMs,
    usage: response.usage ?? null,
    costUsd: costOf(response.usage, context.pricing),
    startedAt,
    endedAt: new Date(now()).toISOString()
  }
}
