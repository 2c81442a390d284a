/**
 * `benchgen compare` through runCli, in-process, on real run folders: written from hand-built
 * records, and produced by `benchgen run` against local OpenAI-compatible servers.
 */
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/program.js'
import { answerFor, fixtureCases, writeFixtureEnvironment } from '../helpers/env-fixture.js'
import { startOpenAIServer } from '../helpers/openai-server.js'
import { OTHER_HASH, runsFromBlocks, saveRun, THREE_RUNS, TWO_RUNS } from './fixtures.js'

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  while (closers.length) await closers.pop()?.()
})

async function cli(args: string[], cwd?: string) {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (c) => (out += c))
  stderr.on('data', (c) => (err += c))
  const cache = await mkdtemp(join(tmpdir(), 'benchgen-cache-'))
  const code = await runCli(args, { stdout, stderr, env: { BENCHGEN_CACHE_DIR: cache }, cwd: cwd ?? tmpdir() })
  return { code, stdout: out, stderr: err }
}

/** Run folders A and B (and C, …) of `blocks` under one parent folder; returns it and their names. */
async function saveAll(blocks: Parameters<typeof runsFromBlocks>[0], options: Parameters<typeof runsFromBlocks>[1] = []) {
  const root = await mkdtemp(join(tmpdir(), 'benchgen-compare-'))
  const names: string[] = []
  for (const [k, run] of runsFromBlocks(blocks, options).entries()) {
    const name = `run-${String.fromCharCode(97 + k)}`
    await saveRun(run, join(root, name))
    names.push(name)
  }
  return { root, names }
}

/** Two-sided exact McNemar p, written out from the binomial definition for small b + c. */
function exactP(b: number, c: number): number {
  const n = b + c
  if (n === 0) return 1
  let choose = 1
  let tail = 0
  for (let i = 0; i <= Math.min(b, c); i++) {
    tail += choose
    choose = (choose * (n - i)) / (i + 1)
  }
  return Math.min(1, (2 * tail) / 2 ** n)
}

describe('benchgen compare, two runs', () => {
  it('prints the markdown comparison and writes --markdown and --out', async () => {
    const { root, names } = await saveAll(TWO_RUNS)
    const result = await cli(['compare', ...names, '--markdown', 'out/compare.md', '--out', 'out/compare.html'], root)
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain('**B is better by 10.0 pp (95% CI +2.9 pp to +17.1 pp), p = 0.0129**')
    expect(result.stdout).toContain('b = 2 regressed (A pass → B not), c = 12 fixed (A not → B pass)')
    expect(result.stdout).toContain('| A (baseline) | model-a | 52.0% (42.3% to 61.5%) | 100 | 0123456789ab | run-a |')
    expect(await readFile(join(root, 'out/compare.md'), 'utf8')).toBe(result.stdout)
    const html = await readFile(join(root, 'out/compare.html'), 'utf8')
    expect(html).toContain('B is better by 10.0 pp (95% CI +2.9 pp to +17.1 pp), p = 0.0129')
    expect(result.stderr).toContain(join(root, 'out/compare.html'))
  })

  it('--json prints the machine-readable comparison', async () => {
    const { root, names } = await saveAll(TWO_RUNS)
    const result = await cli(['compare', ...names, '--json'], root)
    expect(result.code, result.stderr).toBe(0)
    const json = JSON.parse(result.stdout)
    expect(json.schemaVersion).toBe(1)
    expect(json.runs.map((r: { label: string; dir: string }) => [r.label, r.dir])).toEqual([
      ['A', 'run-a'],
      ['B', 'run-b']
    ])
    expect(json.detail.test).toMatchObject({ regressed: 2, fixed: 12, paired: 100 })
    expect(json.detail.test.pValue).toBeCloseTo(exactP(2, 12), 12)
    expect(json.detail.verdict.kind).toBe('better')
    expect(json.detail.metrics.find((m: { key: string }) => m.key === 'score').delta).toBeCloseTo(0.1, 12)
    expect(json.detail.regressed.map((f: { key: string }) => f.key)).toEqual(['test/q0001', 'test/q0002'])
    expect(json.detail.fixed).toHaveLength(12)
  })

  it('--alpha changes what counts as significant', async () => {
    const { root, names } = await saveAll(TWO_RUNS)
    const result = await cli(['compare', ...names, '--alpha', '0.01'], root)
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain('**No significant difference: B − A = +10.0 pp (95% CI +2.9 pp to +17.1 pp), p = 0.0129 (α = 0.01)**')
  })

  it('refuses different environment hashes, and says why', async () => {
    const { root, names } = await saveAll(TWO_RUNS, [{}, { hash: OTHER_HASH, version: '1.1.0' }])
    const result = await cli(['compare', ...names], root)
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain('error: cannot compare runs whose environment hashes differ: the data, manifest or scorers changed between them, so their scores are not comparable.')
    expect(result.stderr).toContain('A (run-a): environment gsm8k 1.0.0, hash 3f2a9c1b7d4e, model model-a')
    expect(result.stderr).toContain('B (run-b): environment gsm8k 1.1.0, hash 9d0e1f2a3b4c, model model-b')
    expect(result.stderr).toContain('--allow-hash-mismatch')

    const allowed = await cli(['compare', ...names, '--allow-hash-mismatch'], root)
    expect(allowed.code, allowed.stderr).toBe(0)
    expect(allowed.stdout).toContain('- ⚠ Environment hashes differ (A: gsm8k 1.0.0 3f2a9c1b7d4e; B: gsm8k 1.1.0 9d0e1f2a3b4c)')
  })

  it('refuses different environments even with --allow-hash-mismatch', async () => {
    const { root, names } = await saveAll(TWO_RUNS, [{}, { envName: 'arith' }])
    const result = await cli(['compare', ...names, '--allow-hash-mismatch'], root)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('cannot compare runs of different environments')
    expect(result.stderr).toContain('B (run-b): environment arith 1.0.0')
  })

  it.each([
    { args: ['compare', 'run-a'], message: /compare needs at least two run folders, received 1/ },
    { args: ['compare', 'run-a', 'missing'], message: /missing\/run\.json: cannot be read \(pass a run folder written by benchgen run/ },
    { args: ['compare', 'run-a', 'run-b', '--alpha', '5'], message: /--alpha must be a significance level between 0 and 1, e\.g\. 0\.05 \(got "5"\)/ },
    { args: ['compare'], message: /missing required argument 'runs'/ }
  ])('exits 2 for $args', async ({ args, message }) => {
    const { root } = await saveAll(TWO_RUNS)
    const result = await cli(args, root)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
  })
})

describe('benchgen compare, three runs', () => {
  it('ranks the runs and prints the Holm-corrected matrix', async () => {
    const { root, names } = await saveAll(THREE_RUNS)
    const result = await cli(['compare', ...names, '--out', 'rank.html'], root)
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain('| 1 | B | model-b | 62.0% (52.2% to 70.9%) | 100 | — |')
    expect(result.stdout).toContain('| **A** | 0.0259 ✱ | 0.0234 ✱ | — |')
    const html = await readFile(join(root, 'rank.html'), 'utf8')
    expect(html).toContain('id="matrix-table"')

    const json = JSON.parse((await cli(['compare', ...names, '--json'], root)).stdout)
    expect(json.detail).toBeNull()
    expect(json.ranking.map((r: { label: string }) => r.label)).toEqual(['B', 'C', 'A'])
    const adjusted = Object.fromEntries(json.pairs.map((p: { a: string; b: string; adjustedP: number }) => [`${p.a}${p.b}`, p.adjustedP]))
    expect(adjusted.AC).toBeCloseTo(3 * exactP(0, 8), 12)
    expect(adjusted.AB).toBeCloseTo(2 * exactP(2, 12), 12)
    expect(adjusted.BC).toBeCloseTo(exactP(4, 2), 12)
  })
})

describe('benchgen compare on runs made by benchgen run', () => {
  it('pairs the two models\' real results and tests their flips', async () => {
    // Model B is wrong on a different subset than model A (answerFor), so cases flip both ways.
    const wrongB = (a: number, b: number): boolean => (a + b) % 7 === 0
    const answerB = (prompt: string): string => {
      const match = /What is (\d+) \+ (\d+)\?/.exec(prompt)
      if (!match) return 'I do not know.'
      const [a, b] = [Number(match[1]), Number(match[2])]
      return `Sum: ${a + b + (wrongB(a, b) ? 2 : 0)}\nAnswer: ${a + b + (wrongB(a, b) ? 2 : 0)}`
    }
    const serverA = await startOpenAIServer({ respond: (req) => answerFor(req.messages?.at(-1)?.content ?? '') })
    closers.push(serverA.close)
    const serverB = await startOpenAIServer({ respond: (req) => answerB(req.messages?.at(-1)?.content ?? '') })
    closers.push(serverB.close)
    const count = 80
    const envDir = await writeFixtureEnvironment(count)
    const root = await mkdtemp(join(tmpdir(), 'benchgen-compare-e2e-'))
    for (const [name, server] of [['model-a', serverA], ['model-b', serverB]] as const) {
      const run = await cli(['run', '--env', envDir, '--model', `${server.baseUrl}#${name}`, '--out', join(root, name), '--quiet'], root)
      expect(run.code, run.stderr).toBe(0)
    }

    // What each model got right, from the fixture's own definition of its answers.
    const cases = fixtureCases(count)
    const rightA = cases.map((c) => answerFor(c.question).endsWith(`Answer: ${c.answer}`))
    const rightB = cases.map((c) => {
      const [, a, b] = /What is (\d+) \+ (\d+)\?/.exec(c.question)!.map(Number) as [number, number, number]
      return !wrongB(a, b)
    })
    const regressed = cases.filter((_, i) => rightA[i] && !rightB[i]).map((c) => `test/${c.id}`)
    const fixed = cases.filter((_, i) => !rightA[i] && rightB[i]).map((c) => `test/${c.id}`)
    expect(regressed.length).toBeGreaterThan(0)
    expect(fixed.length).toBeGreaterThan(0)

    const result = await cli(['compare', 'model-a', 'model-b', '--json'], root)
    expect(result.code, result.stderr).toBe(0)
    const json = JSON.parse(result.stdout)
    expect(json.detail.test).toMatchObject({ paired: count, regressed: regressed.length, fixed: fixed.length })
    expect(json.detail.test.pValue).toBeCloseTo(exactP(regressed.length, fixed.length), 12)
    expect(json.detail.regressed.map((f: { key: string }) => f.key).sort()).toEqual(regressed.sort())
    expect(json.detail.fixed.map((f: { key: string }) => f.key).sort()).toEqual(fixed.sort())
    const scoreA = rightA.filter(Boolean).length / count
    const scoreB = rightB.filter(Boolean).length / count
    expect(json.runs[0].score).toBeCloseTo(scoreA, 12)
    expect(json.runs[1].score).toBeCloseTo(scoreB, 12)
    expect(json.detail.test.pairedDelta.mean).toBeCloseTo(scoreB - scoreA, 12)

    const md = await cli(['compare', 'model-a', 'model-b'], root)
    expect(md.stdout).toContain(`b = ${regressed.length} regressed (A pass → B not), c = ${fixed.length} fixed (A not → B pass)`)
    // Both answers of the first regressed case, from the real responses.
    expect(md.stdout).toContain('**A (model-a) answered**')
    expect(md.stdout).toContain('**B (model-b) answered**\n\n```text\nSum: ')
  })
})
