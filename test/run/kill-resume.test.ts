import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { readResults } from '../../src/run/results-file.js'
import { startOpenAIServer } from '../helpers/openai-server.js'
import { answerFor, writeFixtureEnvironment } from '../helpers/env-fixture.js'
import { runCliProcess, spawnCli } from '../helpers/cli-process.js'

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  while (closers.length) await closers.pop()?.()
})

async function lines(path: string): Promise<number> {
  try {
    return (await readFile(path, 'utf8')).split('\n').filter(Boolean).length
  } catch {
    return 0
  }
}

describe('a run killed with SIGKILL', () => {
  it('resumes to the same results as an uninterrupted run, with no case lost or counted twice', async () => {
    const server = await startOpenAIServer({
      latencyMs: 25,
      respond: (req) => answerFor(req.messages?.at(-1)?.content ?? '')
    })
    closers.push(server.close)
    const envDir = await writeFixtureEnvironment(80)
    const cache = await mkdtemp(join(tmpdir(), 'benchgen-cache-'))
    const model = `${server.baseUrl}#fixture-model`
    const common = ['--env', envDir, '--model', model, '--concurrency', '4', '--quiet', '--json']
    const env = { BENCHGEN_CACHE_DIR: cache }

    const reference = await mkdtemp(join(tmpdir(), 'benchgen-ref-'))
    const full = await runCliProcess(['run', ...common, '--out', reference], { env })
    expect(full.code, full.stderr).toBe(0)
    const requestsForFull = server.requests.length

    const out = await mkdtemp(join(tmpdir(), 'benchgen-killed-'))
    const child = spawnCli(['run', ...common, '--out', out], { env })
    const closed = new Promise((resolve) => child.on('close', resolve))
    // Kill once a good part, but not all, of the cases are on disk.
    while ((await lines(join(out, 'results.jsonl'))) < 20) await new Promise((r) => setTimeout(r, 20))
    child.kill('SIGKILL')
    await closed
    const partial = await readResults(join(out, 'results.jsonl'))
    expect(partial.records.length).toBeGreaterThanOrEqual(20)
    expect(partial.records.length).toBeLessThan(80)

    const requestsBefore = server.requests.length
    const resumed = await runCliProcess(['run', ...common, '--out', out], { env })
    expect(resumed.code, resumed.stderr).toBe(0)
    // Only the cases not on disk were asked again.
    expect(server.requests.length - requestsBefore).toBe(80 - partial.records.length)
    expect(requestsBefore - requestsForFull).toBeGreaterThanOrEqual(partial.records.length)

    const after = await readResults(join(out, 'results.jsonl'))
    expect(after.records).toHaveLength(80)
    expect(new Set(after.records.map((r) => r.id)).size).toBe(80)
    const pick = (r: { id: string; status: string; score: number; extracted: string | null }) => ({ id: r.id, status: r.status, score: r.score, extracted: r.extracted })
    const expected = (await readResults(join(reference, 'results.jsonl'))).records.map(pick).sort((a, b) => a.id.localeCompare(b.id))
    expect(after.records.map(pick).sort((a, b) => a.id.localeCompare(b.id))).toEqual(expected)
    const scoresA = JSON.parse(await readFile(join(reference, 'scores.json'), 'utf8'))
    const scoresB = JSON.parse(resumed.stdout)
    for (const key of ['score', 'accuracy', 'exact_match', 'answer_rate', 'n', 'errors']) expect(scoresB[key]).toBe(scoresA[key])
  })
})
