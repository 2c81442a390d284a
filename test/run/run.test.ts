import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadEnvironment } from '../../src/environment/load.js'
import { createOpenAIClient } from '../../src/model/openai.js'
import { modelKey, parseModelSpec } from '../../src/model/config.js'
import { runEvaluation, RunConflictError } from '../../src/run/run.js'
import type { RunOptions } from '../../src/run/run.js'
import { readResults } from '../../src/run/results-file.js'
import { startOpenAIServer } from '../helpers/openai-server.js'
import type { Fault } from '../helpers/openai-server.js'
import { answerFor, fixtureCases, writeFixtureEnvironment } from '../helpers/env-fixture.js'

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  while (closers.length) await closers.pop()?.()
})

function lastUserText(body: { messages?: { content: string }[]; prompt?: string }): string {
  return body.messages?.at(-1)?.content ?? body.prompt ?? ''
}

async function setup(count: number, fault?: (info: { n: number; body: unknown }) => Fault | undefined) {
  const server = await startOpenAIServer({
    respond: (req) => ({ text: answerFor(lastUserText(req)), usage: { prompt_tokens: 20, completion_tokens: 8 } }),
    ...(fault ? { fault } : {})
  })
  closers.push(server.close)
  const envDir = await writeFixtureEnvironment(count)
  const environment = await loadEnvironment(envDir, { cacheDir: await mkdtemp(join(tmpdir(), 'benchgen-cache-')) })
  const config = await parseModelSpec(`${server.baseUrl}#fixture-model`)
  const client = createOpenAIClient({ ...config, concurrency: 8 })
  closers.push(async () => client.close?.())
  const outDir = await mkdtemp(join(tmpdir(), 'benchgen-run-'))
  const base: RunOptions = {
    environment,
    outDir,
    client,
    model: { key: modelKey(config), name: config.name, baseUrl: config.baseUrl, api: 'chat', pricing: { inputPerMTok: 1, outputPerMTok: 2 } },
    concurrency: 8,
    timeoutMs: 400,
    maxRetries: 4,
    progress: { silent: true },
    // Backoff and Retry-After waits are asserted in the model client's tests; here they only slow things.
    sleep: async () => undefined
  }
  return { server, environment, outDir, base }
}

/** What must not depend on faults: which cases passed, with which answer and score. */
function outcomeOf(records: { id: string; status: string; score: number; extracted: string | null }[]) {
  return records.map(({ id, status, score, extracted }) => ({ id, status, score, extracted })).sort((a, b) => a.id.localeCompare(b.id))
}

describe('runEvaluation', () => {
  it('scores every case once and writes the run folder', async () => {
    const { outDir, base, server } = await setup(40)
    const outcome = await runEvaluation(base)
    expect(outcome.records).toHaveLength(40)
    expect(server.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(40)
    const expectedPass = fixtureCases(40).filter((c) => answerFor(c.question).endsWith(`Answer: ${c.answer}`)).length
    expect(outcome.scores.accuracy).toBeCloseTo(expectedPass / 40, 10)
    expect(outcome.scores.n).toBe(40)
    expect(outcome.scores.errors).toBe(0)
    expect(outcome.scores.tokens_total).toBe(40 * 28)
    expect(outcome.scores.cost_usd).toBeCloseTo((40 * 20 * 1 + 40 * 8 * 2) / 1e6, 12)
    for (const file of ['run.json', 'results.jsonl', 'predictions.jsonl', 'scores.json', 'failures.jsonl', 'submission.zip', 'report.html', 'junit.xml']) {
      await expect(readFile(join(outDir, file))).resolves.toBeInstanceOf(Buffer)
    }
    const failures = (await readFile(join(outDir, 'failures.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l))
    expect(failures).toHaveLength(40 - expectedPass)
    expect(failures[0].messages.at(-1).role).toBe('assistant')
    const info = JSON.parse(await readFile(join(outDir, 'run.json'), 'utf8'))
    expect(info.environment.hash).toMatch(/^[0-9a-f]{64}$/)
    expect(info.endedAt).not.toBeNull()
  })

  it('ends with the same results under injected faults: 429, 500, 503, resets, truncated JSON and hangs', async () => {
    const clean = await setup(60)
    const reference = await runEvaluation(clean.base)

    const kinds: Fault[] = [{ kind: '429', retryAfter: 1 }, { kind: '500' }, { kind: '503' }, { kind: 'reset' }, { kind: 'truncated' }, { kind: 'hang' }, { kind: 'invalid-json' }]
    // Each case meets one or two faults before it is answered: the first attempt of every case
    // fails with one of the kinds in turn, and every other case fails a second time too.
    const seen = new Map<string, number>()
    const questions = fixtureCases(60).map((c) => c.question)
    const faulty = await setup(60, ({ body }) => {
      const question = lastUserText(body as never)
      const k = questions.indexOf(question)
      const attempt = (seen.get(question) ?? 0) + 1
      seen.set(question, attempt)
      if (attempt === 1) return kinds[k % kinds.length]
      if (attempt === 2 && k % 2 === 0) return kinds[(k + 3) % kinds.length]
      return undefined
    })
    const outcome = await runEvaluation(faulty.base)

    expect(outcome.records.filter((r) => r.error).map((r) => r.error?.message)).toEqual([])
    expect(outcome.scores.errors).toBe(0)
    expect(outcomeOf(outcome.records)).toEqual(outcomeOf(reference.records))
    for (const key of ['score', 'accuracy', 'exact_match', 'answer_rate', 'n']) expect(outcome.scores[key]).toBe(reference.scores[key])
    const { records } = await readResults(join(faulty.outDir, 'results.jsonl'))
    expect(new Set(records.map((r) => r.id)).size).toBe(60)
    expect(records).toHaveLength(60)
    expect(records.every((r) => r.attempts === (questions.indexOf(r.input) % 2 === 0 ? 3 : 2))).toBe(true)
  })

  it('records a case that keeps failing as an error, not as a wrong answer', async () => {
    const target = fixtureCases(10)[3]!.question
    const { base } = await setup(10, ({ body }) => (lastUserText(body as never) === target ? { kind: '500' } : undefined))
    const outcome = await runEvaluation({ ...base, maxRetries: 2 })
    const failed = outcome.records.find((r) => r.input === target)!
    expect(failed.status).toBe('error')
    expect(failed.attempts).toBe(3)
    expect(failed.error?.status).toBe(500)
    expect(failed.response).toBeNull()
    expect(outcome.scores.errors).toBe(1)
    expect(outcome.scores.error_rate).toBeCloseTo(0.1, 10)
  })

  it('sends completions-API environments to /completions with one prompt string', async () => {
    const { base, server } = await setup(4)
    const env = base.environment
    const completions = { ...env, manifest: { ...env.manifest, harness: { ...env.manifest.harness, api: 'completions' as const } } }
    const config = await parseModelSpec(`${server.baseUrl}#fixture-model`)
    const client = createOpenAIClient({ ...config, api: 'completions' })
    closers.push(async () => client.close?.())
    const outcome = await runEvaluation({ ...base, environment: completions, client, model: { ...base.model, api: 'completions' }, fresh: true })
    const calls = server.requests.filter((r) => r.path.endsWith('/completions'))
    expect(calls.every((r) => r.path.endsWith('/v1/completions'))).toBe(true)
    expect(calls).toHaveLength(4)
    expect(typeof (calls[0]!.body as { prompt?: unknown }).prompt).toBe('string')
    expect(outcome.records[0]!.prompt).toContain('What is')
    expect(outcome.info.model.api).toBe('completions')
  })

  it('refuses a second run into a folder another run is writing to, and takes over a dead run\'s lock', async () => {
    const { base, outDir } = await setup(20)
    const first = runEvaluation(base)
    await expect(runEvaluation(base)).rejects.toThrow(/another benchgen run \(pid \d+\) is writing to/)
    await first
    // A lock left by a process that no longer runs (a SIGKILL) does not block the resume.
    await writeFile(join(outDir, '.benchgen.lock'), '999999\n')
    await expect(runEvaluation(base)).resolves.toMatchObject({ resumed: 20 })
  })

  it('checkpoints safely when many workers finish at once', async () => {
    const { base, outDir } = await setup(120)
    const outcome = await runEvaluation({ ...base, concurrency: 32, checkpointEvery: 1 })
    expect(outcome.records).toHaveLength(120)
    const info = JSON.parse(await readFile(join(outDir, 'run.json'), 'utf8'))
    expect(info.cases).toBe(120)
  })

  it('resumes: a rerun with a larger limit only runs the new cases', async () => {
    const { base, server } = await setup(30)
    await runEvaluation({ ...base, limit: 10 })
    const second = await runEvaluation({ ...base, limit: 30 })
    expect(second.resumed).toBe(10)
    expect(second.records).toHaveLength(30)
    expect(server.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(30)
    const third = await runEvaluation(base)
    expect(third.resumed).toBe(30)
    expect(server.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(30)
  })

  it('refuses to resume into a folder holding another configuration, unless fresh', async () => {
    const { base } = await setup(5)
    await runEvaluation(base)
    const other = { ...base, model: { ...base.model, key: 'other@host', name: 'other' } }
    await expect(runEvaluation(other)).rejects.toThrow(RunConflictError)
    await expect(runEvaluation(other)).rejects.toThrow(/--fresh/)
    const fresh = await runEvaluation({ ...other, fresh: true })
    expect(fresh.resumed).toBe(0)
  })

  it('stops on abort, keeps what finished, and a rerun completes it', async () => {
    const controller = new AbortController()
    let answered = 0
    const { base } = await setup(40, () => {
      if (++answered === 12) controller.abort()
      return undefined
    })
    const first = await runEvaluation({ ...base, concurrency: 2, signal: controller.signal })
    expect(first.interrupted).toBe(true)
    expect(first.records.length).toBeLessThan(40)
    const second = await runEvaluation({ ...base, concurrency: 2 })
    expect(second.interrupted).toBe(false)
    expect(second.records).toHaveLength(40)
    expect(second.resumed).toBe(first.records.length)
  })
})
