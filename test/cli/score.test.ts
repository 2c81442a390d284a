import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/program.js'
import { readRunFolder } from '../../src/run/run-folder.js'
import { answerFor, fixtureCases, writeFixtureEnvironment } from '../helpers/env-fixture.js'
import { repoRoot } from '../helpers/cli-process.js'
import { lieAboutSizes, makeZip } from '../environment/_helpers.js'

async function cli(args: string[]) {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (c) => (out += c))
  stderr.on('data', (c) => (err += c))
  const cache = await mkdtemp(join(tmpdir(), 'benchgen-cache-'))
  const code = await runCli(args, { stdout, stderr, env: { BENCHGEN_CACHE_DIR: cache }, cwd: repoRoot })
  return { code, stdout: out, stderr: err }
}

const folder = (prefix: string) => mkdtemp(join(tmpdir(), prefix))

/** A right answer for fixture case `i` (0-based). */
function rightPrediction(i: number) {
  const c = fixtureCases(i + 1)[i]!
  return { id: c.id, phase: 'test', response: `Answer: ${c.answer}` }
}

const lines = (rows: unknown[]) => rows.map((row) => `${JSON.stringify(row)}\n`).join('')

describe('benchgen score: which cases count', () => {
  it('rejects a second prediction for the same case, naming its line', async () => {
    const envDir = await writeFixtureEnvironment(5)
    const file = join(await folder('benchgen-pred-'), 'predictions.jsonl')
    await writeFile(file, lines([rightPrediction(0), rightPrediction(0)]))
    const result = await cli(['score', file, '--env', envDir, '--out', await folder('benchgen-rescored-')])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(`${file}:2: repeats the prediction for "test/q0001" (first on line 1)`)
  })

  it('counts every case of the named phase, a missing prediction as an error, and writes results.jsonl', async () => {
    const envDir = await writeFixtureEnvironment(5)
    const file = join(await folder('benchgen-pred-'), 'predictions.jsonl')
    await writeFile(file, lines([rightPrediction(0)]))
    const out = await folder('benchgen-rescored-')
    const result = await cli(['score', file, '--env', envDir, '--out', out, '--json'])
    expect(result.code, result.stderr).toBe(0)
    const scores = JSON.parse(result.stdout)
    expect(scores.n).toBe(5)
    expect(scores.errors).toBe(4)
    expect(scores.score).toBeCloseTo(0.2)

    // A rescored folder is a complete run folder: compare reads run.json, scores.json and results.jsonl.
    const run = await readRunFolder(out)
    expect(run.records.map((r) => [r.id, r.status === 'error' ? r.error?.message : 'scored'])).toEqual([
      ['q0001', 'scored'],
      ['q0002', 'no prediction for this case'],
      ['q0003', 'no prediction for this case'],
      ['q0004', 'no prediction for this case'],
      ['q0005', 'no prediction for this case']
    ])
    expect(run.info.cases).toBe(5)
    const compared = await cli(['compare', out, out, '--json'])
    expect(compared.code, compared.stderr).toBe(0)
  })

  it('takes the scope from the submission\'s run.json: its phase and limit', async () => {
    const envDir = await writeFixtureEnvironment(6)
    const runDir = await folder('benchgen-run-')
    // A run of the first 4 cases, of which the submission answers only the first 2.
    const settings = { phase: 'test', limit: 4, concurrency: 1, timeoutMs: 1000, maxRetries: 0, generation: {} }
    const zip = await makeZip([
      { name: 'run.json', data: JSON.stringify({ schemaVersion: 1, settings }) },
      { name: 'predictions.jsonl', data: lines([rightPrediction(0), rightPrediction(1)]) }
    ])
    const path = join(runDir, 'submission.zip')
    await writeFile(path, zip)
    const out = await folder('benchgen-rescored-')
    const result = await cli(['score', path, '--env', envDir, '--out', out, '--json'])
    expect(result.code, result.stderr).toBe(0)
    const scores = JSON.parse(result.stdout)
    expect(scores.n).toBe(4)
    expect(scores.errors).toBe(2)
    const results = (await readFile(join(out, 'results.jsonl'), 'utf8')).trim().split('\n')
    expect(results).toHaveLength(4)

    // A prediction beyond the limit is outside the run and is refused.
    await writeFile(path, await makeZip([
      { name: 'run.json', data: JSON.stringify({ settings }) },
      { name: 'predictions.jsonl', data: lines([rightPrediction(5)]) }
    ]))
    const outside = await cli(['score', path, '--env', envDir, '--out', out])
    expect(outside.code).toBe(2)
    expect(outside.stderr).toMatch(/"test\/q0006" is not among the cases in scope \(phase "test" \(first 4 cases\)/)
  })

  it('still matches a real run: the same scores offline', async () => {
    const envDir = await writeFixtureEnvironment(4)
    const file = join(await folder('benchgen-pred-'), 'predictions.jsonl')
    await writeFile(file, lines(fixtureCases(4).map((c) => ({ id: c.id, phase: 'test', response: answerFor(c.question) }))))
    const result = await cli(['score', file, '--env', envDir, '--out', await folder('benchgen-rescored-'), '--json'])
    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({ n: 4, errors: 0 })
  })
})

describe('benchgen score: hostile submissions', () => {
  it('stops an entry that holds more than it declares', async () => {
    const envDir = await writeFixtureEnvironment(3)
    const dir = await folder('benchgen-liar-')
    const path = join(dir, 'submission.zip')
    const zip = lieAboutSizes(await makeZip([{ name: 'predictions.jsonl', data: Buffer.alloc(20 * 1024 * 1024, 0x20) }]), 1000)
    expect(zip.length).toBeLessThan(1024 * 1024)
    await writeFile(path, zip)
    const result = await cli(['score', path, '--env', envDir, '--out', await folder('benchgen-rescored-')])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('predictions.jsonl" holds more than the 1000 bytes it declares')
  })

  it('names run.json when it is not JSON or not a run.json', async () => {
    const envDir = await writeFixtureEnvironment(3)
    const path = join(await folder('benchgen-badinfo-'), 'submission.zip')
    const predictions = { name: 'predictions.jsonl', data: lines([rightPrediction(0)]) }

    await writeFile(path, await makeZip([predictions, { name: 'run.json', data: '{ nope' }]))
    const broken = await cli(['score', path, '--env', envDir, '--out', await folder('benchgen-rescored-')])
    expect(broken.code).toBe(2)
    expect(broken.stderr).toContain(`${path}!run.json: is not valid JSON`)

    await writeFile(path, await makeZip([predictions, { name: 'run.json', data: JSON.stringify({ settings: { phase: 3 } }) }]))
    const wrong = await cli(['score', path, '--env', envDir, '--out', await folder('benchgen-rescored-')])
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toContain(`${path}!run.json is not a run.json written by benchgen run`)
    expect(wrong.stderr).toContain('field "settings.phase"')
  })

  it('refuses a zip with too many entries', async () => {
    const envDir = await writeFixtureEnvironment(3)
    const path = join(await folder('benchgen-many-'), 'submission.zip')
    await writeFile(path, await makeZip(Array.from({ length: 11 }, (_, i) => ({ name: i === 0 ? 'predictions.jsonl' : `f${i}.txt`, data: '' }))))
    const result = await cli(['score', path, '--env', envDir, '--out', await folder('benchgen-rescored-')])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('holds 11 entries, over the limit of 10')
  })
})

describe('rescore', () => {
  it('refuses duplicate predictions given directly, not only through a file', async () => {
    const { loadEnvironment } = await import('../../src/environment/load.js')
    const { rescore } = await import('../../src/run/rescore.js')
    const environment = await loadEnvironment(await writeFixtureEnvironment(3), { cacheDir: await folder('benchgen-cache-') })
    const prediction = { ...rightPrediction(0), error: null }
    const error = await rescore({ environment, submission: { predictions: [prediction, prediction] }, outDir: await folder('benchgen-rescored-') }).catch((e: unknown) => e)
    expect((error as Error).message).toMatch(/predictions\[1\].*repeats the prediction for "test\/q0001"/)
  })
})
