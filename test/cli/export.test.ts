import { appendFile, mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/program.js'
import { inputHash } from '../../src/run/export.js'
import { startOpenAIServer } from '../helpers/openai-server.js'
import { answerFor, fixtureCases, writeFixtureEnvironment } from '../helpers/env-fixture.js'
import { repoRoot } from '../helpers/cli-process.js'

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  while (closers.length) await closers.pop()?.()
})

async function cli(args: string[], cache: string) {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (c) => (out += c))
  stderr.on('data', (c) => (err += c))
  const code = await runCli(args, { stdout, stderr, env: { BENCHGEN_CACHE_DIR: cache }, cwd: repoRoot })
  return { code, stdout: out, stderr: err }
}

describe('export failures and --contamination', () => {
  it('keeps held-out cases out unless asked, records their hashes, and finds them in a later run', async () => {
    const server = await startOpenAIServer({ respond: (req) => answerFor(req.messages?.at(-1)?.content ?? '') })
    closers.push(server.close)
    const envDir = await writeFixtureEnvironment(40)
    await appendFile(join(envDir, 'environment.yaml'), 'phases:\n  test:\n    path: data/test.jsonl\n    heldOut: true\n')
    const cache = await mkdtemp(join(tmpdir(), 'benchgen-cache-'))
    const out = await mkdtemp(join(tmpdir(), 'benchgen-out-'))
    const run = await cli(['run', '--env', envDir, '--model', `${server.baseUrl}#m`, '--out', out, '--quiet', '--json'], cache)
    expect(run.code, run.stderr).toBe(0)
    const failing = fixtureCases(40).filter((c) => !answerFor(c.question).endsWith(`Answer: ${c.answer}`))
    expect(failing.length).toBeGreaterThan(0)
    // The run's own failures.jsonl leaves held-out phases out.
    expect((await readFile(join(out, 'failures.jsonl'), 'utf8')).trim()).toBe('')

    const file = join(out, 'train.jsonl')
    const refused = await cli(['export', 'failures', out, '-o', file, '--env', envDir], cache)
    expect(refused.code, refused.stderr).toBe(0)
    expect(refused.stderr).toContain(`Left out ${failing.length} failing case(s) of held-out phases`)
    expect((await readFile(file, 'utf8')).trim()).toBe('')

    const exported = await cli(['export', 'failures', out, '-o', file, '--env', envDir, '--include-held-out'], cache)
    expect(exported.code, exported.stderr).toBe(0)
    const rows = (await readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line))
    expect(rows).toHaveLength(failing.length)
    expect(rows[0].messages.at(-1)).toEqual({ role: 'assistant', content: String(failing[0]!.answer) })
    const manifest = JSON.parse(await readFile(`${file}.manifest.json`, 'utf8'))
    expect(manifest.includesHeldOut).toBe(true)
    expect(manifest.cases.map((c: { inputHash: string }) => c.inputHash)).toEqual(failing.map((c) => inputHash(c.question)))

    for (const source of [`${file}.manifest.json`, file]) {
      const again = await mkdtemp(join(tmpdir(), 'benchgen-again-'))
      const checked = await cli(['run', '--env', envDir, '--model', `${server.baseUrl}#m`, '--out', again, '--quiet', '--contamination', source], cache)
      expect(checked.code, checked.stderr).toBe(0)
      expect(checked.stderr).toContain(`Contamination: ${failing.length} of 40 evaluated cases appear in ${source}`)
      const report = JSON.parse(await readFile(join(again, 'contamination.json'), 'utf8'))
      expect(report.matched).toBe(failing.length)
    }
  })
})
