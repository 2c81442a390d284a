import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/program.js'
import { parseLeaderboard } from '../../src/leaderboard/schema.js'
import { writeRunDir } from './fixtures.js'

async function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (c) => (out += c))
  stderr.on('data', (c) => (err += c))
  const code = await runCli(args, { stdout, stderr, env, cwd })
  return { code, stdout: out, stderr: err }
}

async function workspace() {
  const dir = await mkdtemp(join(tmpdir(), 'benchgen-lb-cli-'))
  const runs = {
    a1: await writeRunDir({ model: 'model-a', day: 1, score: 0.6 }, join(dir, 'runs')),
    a2: await writeRunDir({ model: 'model-a', day: 2, score: 0.8 }, join(dir, 'runs')),
    a3: await writeRunDir({ model: 'model-a', day: 3, score: 0.7 }, join(dir, 'runs')),
    b1: await writeRunDir({ model: 'model-b', modelName: 'Model B \u001b[31mred\u001b[0m', day: 1, score: 0.75, cost: 2 }, join(dir, 'runs')),
    arith: await writeRunDir({ env: 'arith', model: 'model-a', day: 1, score: 0.5 }, join(dir, 'runs'))
  }
  return { dir, runs }
}

describe('benchgen leaderboard', () => {
  it('add creates the file, records several runs at once, and keeps the best run by default', async () => {
    const { dir, runs } = await workspace()
    const result = await cli(['leaderboard', 'add', runs.a1, runs.a2, runs.b1, runs.a3, '--file', 'lb.json'], dir)
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain('gsm8k: model-a 60.0% — added (model ranks 1 of 1)')
    expect(result.stdout).toContain('gsm8k: model-a 80.0% — now shown (model ranks 1 of 1)')
    expect(result.stdout).toContain('gsm8k: Model B [31mred[0m 75.0% — added (model ranks 2 of 2)')
    expect(result.stdout).toContain('gsm8k: model-a 70.0% — recorded in history; another run stays shown (model ranks 1 of 2)')
    // Names from run files cannot send terminal escape sequences.
    expect(result.stdout).not.toContain('\u001b')
    expect(result.stdout).toContain(`Wrote ${join(dir, 'lb.json')} (policy: best)`)
    const board = parseLeaderboard(await readFile(join(dir, 'lb.json'), 'utf8'))
    expect(board.environments.gsm8k!.models['model-a']!.current.score).toBe(0.8)
    expect(board.environments.gsm8k!.models['model-a']!.history).toHaveLength(3)

    // Again: nothing changes, and it says so.
    const again = await cli(['leaderboard', 'add', runs.a2, '--file', 'lb.json'], dir)
    expect(again.stdout).toContain('already on the board, unchanged')
  })

  it('--policy latest switches the board, and the file remembers it', async () => {
    const { dir, runs } = await workspace()
    await cli(['leaderboard', 'add', runs.a1, runs.a2, '--file', 'lb.json'], dir)
    const latest = await cli(['leaderboard', 'add', runs.a3, '--file', 'lb.json', '--policy', 'latest'], dir)
    expect(latest.code, latest.stderr).toBe(0)
    let board = parseLeaderboard(await readFile(join(dir, 'lb.json'), 'utf8'))
    expect(board.policy).toBe('latest')
    expect(board.environments.gsm8k!.models['model-a']!.current.score).toBe(0.7)
    await cli(['leaderboard', 'add', runs.b1, '--file', 'lb.json'], dir)
    board = parseLeaderboard(await readFile(join(dir, 'lb.json'), 'utf8'))
    expect(board.policy).toBe('latest')
  })

  it('records the CI run from the flags, or from GitHub Actions variables', async () => {
    const { dir, runs } = await workspace()
    await cli(['leaderboard', 'add', runs.a1, '--file', 'flags.json', '--run-id', '42', '--run-url', 'https://ci.example/runs/42'], dir)
    const flagged = parseLeaderboard(await readFile(join(dir, 'flags.json'), 'utf8'))
    expect(flagged.environments.gsm8k!.models['model-a']!.current).toMatchObject({ runId: '42', runUrl: 'https://ci.example/runs/42' })
    await cli(['leaderboard', 'add', runs.a1, '--file', 'actions.json'], dir, { GITHUB_ACTIONS: 'true', GITHUB_RUN_ID: '77', GITHUB_REPOSITORY: 'octo/demo', GITHUB_SERVER_URL: 'https://github.example' })
    const fromEnv = parseLeaderboard(await readFile(join(dir, 'actions.json'), 'utf8'))
    expect(fromEnv.environments.gsm8k!.models['model-a']!.current).toMatchObject({ runId: '77', runUrl: 'https://github.example/octo/demo/actions/runs/77' })
  })

  it('show prints markdown, writes markdown and HTML files, and filters by environment', async () => {
    const { dir, runs } = await workspace()
    await cli(['leaderboard', 'add', runs.a2, runs.b1, runs.arith, '--file', 'lb.json'], dir)
    const shown = await cli(['leaderboard', 'show', '--file', 'lb.json'], dir)
    expect(shown.code, shown.stderr).toBe(0)
    expect(shown.stdout).toContain('### arith')
    expect(shown.stdout).toContain('### gsm8k')
    expect(shown.stdout).toMatch(/\|\s+1 \| model-a\s+\| 80\.0% \(75\.0% to 85\.0%\)/)

    const files = await cli(['leaderboard', 'show', '--file', 'lb.json', '--markdown', 'lb.md', '--html', 'lb.html', '--env', 'gsm8k'], dir)
    expect(files.code, files.stderr).toBe(0)
    expect(files.stdout).toBe('')
    const md = await readFile(join(dir, 'lb.md'), 'utf8')
    expect(md).toContain('### gsm8k')
    expect(md).not.toContain('### arith')
    const html = await readFile(join(dir, 'lb.html'), 'utf8')
    expect(html).toMatch(/^<!doctype html>/)
    expect(html).toContain('"name":"gsm8k"')
    expect(html).not.toContain('"name":"arith"')
  })

  it.each([
    ['an unknown environment', ['leaderboard', 'show', '--file', 'lb.json', '--env', 'nope'], /has no environment "nope" \(it has: arith, gsm8k\)/],
    ['a missing file', ['leaderboard', 'show', '--file', 'missing.json'], /missing\.json: cannot be read \(create it with `benchgen leaderboard add/],
    ['a folder that is not a run', ['leaderboard', 'add', '.', '--file', 'lb.json'], /run\.json: cannot be read/],
    ['an unknown policy', ['leaderboard', 'add', 'x', '--file', 'lb.json', '--policy', 'worst'], /Allowed choices are best, latest/],
    ['a corrupt file', ['leaderboard', 'show', '--file', 'corrupt.json'], /corrupt\.json: is not valid JSON/]
  ])('exits 2 on %s, saying what is wrong', async (_name, args, message) => {
    const { dir, runs } = await workspace()
    await cli(['leaderboard', 'add', runs.a2, runs.arith, '--file', 'lb.json'], dir)
    await writeFile(join(dir, 'corrupt.json'), '{"schemaVersion":')
    const result = await cli(args, dir)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
  })
})
