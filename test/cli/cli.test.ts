import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/program.js'
import { TOOL_VERSION } from '../../src/version.js'
import { startOpenAIServer } from '../helpers/openai-server.js'
import { answerFor, writeFixtureEnvironment } from '../helpers/env-fixture.js'
import { repoRoot } from '../helpers/cli-process.js'

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  while (closers.length) await closers.pop()?.()
})

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (c) => (out += c))
  stderr.on('data', (c) => (err += c))
  const cache = await mkdtemp(join(tmpdir(), 'benchgen-cache-'))
  const code = await runCli(args, { stdout, stderr, env: { BENCHGEN_CACHE_DIR: cache, ...env }, cwd: repoRoot })
  return { code, stdout: out, stderr: err }
}

async function modelServer(apiKey?: string) {
  const server = await startOpenAIServer({ respond: (req) => answerFor(req.messages?.at(-1)?.content ?? ''), ...(apiKey ? { apiKey } : {}) })
  closers.push(server.close)
  return server
}

describe('benchgen CLI', () => {
  it('keeps its version equal to package.json', async () => {
    const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8'))
    expect(TOOL_VERSION).toBe(pkg.version)
    const result = await cli(['--version'])
    expect(result.stdout.trim()).toBe(pkg.version)
  })

  it('run prints the score table and the run folder, with the API key taken from the environment and never printed', async () => {
    const server = await modelServer('sk-test-secret-123')
    const envDir = await writeFixtureEnvironment(12)
    const out = await mkdtemp(join(tmpdir(), 'benchgen-out-'))
    const result = await cli(['run', '--env', envDir, '--model', `${server.baseUrl}#m`, '--out', out, '--quiet'], { BENCHGEN_API_KEY: 'sk-test-secret-123' })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain('Score')
    expect(result.stdout).toContain(join(out, 'report.html'))
    for (const file of ['run.json', 'results.jsonl', 'predictions.jsonl', 'scores.json', 'failures.jsonl', 'report.html', 'junit.xml']) {
      expect(await readFile(join(out, file), 'utf8')).not.toContain('sk-test-secret-123')
    }
    expect(result.stdout + result.stderr).not.toContain('sk-test-secret-123')
  })

  it('a missing API key ends every case as an error with the server\'s 401, exits 1, and a rerun retries them', async () => {
    const server = await modelServer('sk-needed')
    const envDir = await writeFixtureEnvironment(3)
    const out = await mkdtemp(join(tmpdir(), 'benchgen-out-'))
    const result = await cli(['run', '--env', envDir, '--model', `${server.baseUrl}#m`, '--out', out, '--quiet', '--json'])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/Every case ended in an error, e\.g\.: .*401/)
    const scores = JSON.parse(result.stdout)
    expect(scores.errors).toBe(3)
    // With the key set, a rerun into the same folder asks again for exactly the failed cases.
    const before = server.requests.length
    const retried = await cli(['run', '--env', envDir, '--model', `${server.baseUrl}#m`, '--out', out, '--quiet', '--json'], { BENCHGEN_API_KEY: 'sk-needed' })
    expect(retried.code, retried.stderr).toBe(0)
    expect(server.requests.length - before).toBe(3)
    expect(JSON.parse(retried.stdout).errors).toBe(0)
    const first = JSON.parse((await readFile(join(out, 'results.jsonl'), 'utf8')).split('\n')[0]!)
    expect(first.error.status).toBe(401)
  })

  it('--fail-under exits with code 3 below the threshold', async () => {
    const server = await modelServer()
    const envDir = await writeFixtureEnvironment(10)
    const out = await mkdtemp(join(tmpdir(), 'benchgen-out-'))
    const result = await cli(['run', '--env', envDir, '--model', `${server.baseUrl}#m`, '--out', out, '--quiet', '--fail-under', '99%'])
    expect(result.code).toBe(3)
    expect(result.stderr).toMatch(/below --fail-under 99\.0%/)
  })

  it('score re-scores a submission.zip offline to the same scores', async () => {
    const server = await modelServer()
    const envDir = await writeFixtureEnvironment(15)
    const out = await mkdtemp(join(tmpdir(), 'benchgen-out-'))
    const run = await cli(['run', '--env', envDir, '--model', `${server.baseUrl}#m`, '--out', out, '--quiet', '--json'])
    expect(run.code, run.stderr).toBe(0)
    const requests = server.requests.length
    const rescored = await mkdtemp(join(tmpdir(), 'benchgen-rescored-'))
    const score = await cli(['score', join(out, 'submission.zip'), '--env', envDir, '--out', rescored, '--json'])
    expect(score.code, score.stderr).toBe(0)
    expect(server.requests.length).toBe(requests)
    const a = JSON.parse(run.stdout)
    const b = JSON.parse(score.stdout)
    for (const key of ['score', 'accuracy', 'exact_match', 'answer_rate', 'n']) expect(b[key]).toBe(a[key])
  })

  it('score rejects predictions of another environment version with a clear message', async () => {
    const server = await modelServer()
    const envDir = await writeFixtureEnvironment(5)
    const out = await mkdtemp(join(tmpdir(), 'benchgen-out-'))
    await cli(['run', '--env', envDir, '--model', `${server.baseUrl}#m`, '--out', out, '--quiet'])
    const changed = await writeFixtureEnvironment(6)
    const result = await cli(['score', join(out, 'submission.zip'), '--env', changed, '--out', out])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/environment hash .* --allow-hash-mismatch/)
  })

  it('score names the line of a bad predictions file', async () => {
    const envDir = await writeFixtureEnvironment(3)
    const file = join(await mkdtemp(join(tmpdir(), 'benchgen-pred-')), 'predictions.jsonl')
    await writeFile(file, '{"id":"q0001","phase":"test","response":"Answer: 2"}\nnot json\n')
    const result = await cli(['score', file, '--env', envDir])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(`${file}:2`)
  })

  it('validate reports problems with file, line and field, and exits 2', async () => {
    const envDir = await writeFixtureEnvironment(3)
    await writeFile(join(envDir, 'data', 'test.jsonl'), '{"id":"a","question":"What is 1 + 1?","answer":2}\n{"id":"b","answer":3}\n{bad\n')
    const result = await cli(['validate', envDir])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/data\/test\.jsonl:2: field "question" is missing/)
    expect(result.stderr).toMatch(/data\/test\.jsonl:3: /)
  })

  it('validate accepts the built-in hub environments that need no download', async () => {
    for (const name of ['arithmetic', 'instruction-following']) {
      const result = await cli(['validate', `hub:${name}`])
      expect(result.code, result.stderr).toBe(0)
      expect(result.stdout).toContain(`${name}@`)
    }
  })

  it('pack writes the same bytes twice', async () => {
    const envDir = await writeFixtureEnvironment(4)
    const dir = await mkdtemp(join(tmpdir(), 'benchgen-pack-'))
    const a = await cli(['pack', envDir, '-o', join(dir, 'a.zip')])
    const b = await cli(['pack', envDir, '-o', join(dir, 'b.zip')])
    expect(a.code, a.stderr).toBe(0)
    expect(b.code).toBe(0)
    expect((await readFile(join(dir, 'a.zip'))).equals(await readFile(join(dir, 'b.zip')))).toBe(true)
  })

  it('rejects bad flags naming the flag', async () => {
    const result = await cli(['run', '--env', 'x', '--model', 'y', '--concurrency', 'zero'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('--concurrency must be a whole number')
  })

  it('explains an unknown model spec', async () => {
    const envDir = await writeFixtureEnvironment(2)
    const result = await cli(['run', '--env', envDir, '--model', 'not a model'])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/PRESET:MODEL|URL#MODEL/)
  })
})
