/**
 * Peer benchmark: our run loop and promptfoo's `promptfoo eval` on the same workload — N cases of
 * "What is A + B?" against bench/model-server.ts with a fixed latency, the same concurrency, the
 * same system prompt, template, generation settings and answer check. Both tools run as a child
 * process of this script and are timed the same way (spawn to exit, peak RSS of the process).
 * Prints figures, never asserts; exits 0 even when promptfoo cannot be installed or fails.
 *
 * promptfoo is installed on demand into .bench/promptfoo/ (git-ignored), never into the project.
 * Usage: npm run bench:peer -- [N] [concurrency] [latencies ms, comma-separated]
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadEnvironment } from '../src/environment/load.js'
import type { Environment } from '../src/environment/types.js'
import { writeFixtureEnvironment } from '../test/helpers/env-fixture.js'
import { limitSeconds, parseBenchArgs, startModelServer, tail, timeChild, type LoopResult, type TimedChild } from './shared.js'

const PROMPTFOO_VERSION = '0.121.20'
const repoRoot = fileURLToPath(new URL('..', import.meta.url))
const promptfooPrefix = join(repoRoot, '.bench', 'promptfoo')
const promptfooPackageDir = join(promptfooPrefix, 'node_modules', 'promptfoo')

const { n, concurrency, latencies } = parseBenchArgs()

interface Row {
  tool: string
  latencyMs: number
  /** Spawn to exit of the tool's process. */
  wallS: number
  /** The tool's own measure of its evaluation (ours: runEvaluation; promptfoo: evaluationDurationMs). */
  evalS: number
  peakRssMb: number | null
  rssSource: TimedChild['rssSource']
  /** User + system CPU time of the tool's process. */
  cpuS: number | null
  passed: number
  total: number
  note?: string
}

// ---------------------------------------------------------------------------------------------
// promptfoo, installed on demand

async function installedPromptfooVersion(): Promise<string | undefined> {
  try {
    return (JSON.parse(await readFile(join(promptfooPackageDir, 'package.json'), 'utf8')) as { version?: string }).version
  } catch {
    return undefined
  }
}

async function gitIgnoresBenchFolder(): Promise<boolean> {
  const gitignore = await readFile(join(repoRoot, '.gitignore'), 'utf8').catch(() => '')
  return gitignore.split('\n').some((line) => ['.bench', '.bench/', '/.bench', '/.bench/'].includes(line.trim()))
}

/** The path of promptfoo's CLI entry point, installing the pinned version first when needed. */
async function ensurePromptfoo(): Promise<{ entry: string } | { error: string }> {
  let version = await installedPromptfooVersion()
  if (version !== PROMPTFOO_VERSION) {
    if (!(await gitIgnoresBenchFolder())) console.error('warning: .gitignore does not list .bench/; the promptfoo install would show up in git status')
    const args = ['install', '--prefix', promptfooPrefix, `promptfoo@${PROMPTFOO_VERSION}`, '--no-audit', '--no-fund']
    console.error(`${version ? `promptfoo ${version} found, want ${PROMPTFOO_VERSION}; ` : ''}installing: npm ${args.join(' ')}`)
    const started = performance.now()
    // Install scripts (@swc/core, playwright-core) cache files under XDG_CACHE_HOME, ~/.cache by
    // default; keep them inside the git-ignored folder. swc wants that folder private (0700).
    const cache = join(promptfooPrefix, '.cache')
    await mkdir(cache, { recursive: true, mode: 0o700 })
    // npm's own output goes to stderr so that stdout keeps only the figures.
    const npm = spawn('npm', args, { cwd: repoRoot, env: { ...process.env, XDG_CACHE_HOME: cache }, stdio: ['ignore', process.stderr, process.stderr] })
    const outcome = await new Promise<string | undefined>((resolve) => {
      npm.once('error', (error) => resolve(`npm could not be started: ${error.message}`))
      npm.once('exit', (code, signal) => resolve(code === 0 ? undefined : `npm install exited with ${code ?? signal}`))
    })
    if (outcome) return { error: outcome }
    console.error(`installed in ${((performance.now() - started) / 1000).toFixed(0)} s`)
    version = await installedPromptfooVersion()
    if (version !== PROMPTFOO_VERSION) return { error: `npm install finished but ${promptfooPackageDir} holds ${version ?? 'nothing'}` }
  }
  try {
    const manifest = JSON.parse(await readFile(join(promptfooPackageDir, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> }
    const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.promptfoo
    if (!bin) return { error: 'promptfoo package.json names no "promptfoo" bin' }
    const entry = resolve(promptfooPackageDir, bin)
    return existsSync(entry) ? { entry } : { error: `promptfoo's entry point ${entry} is missing` }
  } catch (error) {
    return { error: `cannot read promptfoo's package.json: ${(error as Error).message}` }
  }
}

/**
 * A promptfoo config equivalent to the environment's harness and scorer: the same system
 * message and template as chat messages, the same generation settings, one test per case, and
 * a JavaScript assertion doing what the `numeric` scorer does here (last match of the extract
 * pattern, compared as a number with the target).
 */
function promptfooConfig(environment: Environment, baseUrl: string, latencyMs: number): unknown {
  const { harness, scoring } = environment.manifest
  const messages = [...(harness.system ? [{ role: 'system', content: harness.system }] : []), { role: 'user', content: harness.template }]
  const scorer = scoring.scorers[0]
  const pattern = scorer?.extract?.pattern ?? 'Answer:\\s*(-?\\d+)'
  const flags = `g${scorer?.extract?.flags ?? ''}`
  const check =
    `(() => { const m = [...String(output).matchAll(new RegExp(${JSON.stringify(pattern)}, ${JSON.stringify(flags)}))].at(-1); ` +
    'return m !== undefined && Number(m[1]) === Number(context.vars.expected_answer) })()'
  const cases = environment.phases[environment.defaultPhase] ?? []
  return {
    description: `benchgen peer benchmark: N=${cases.length}, latency ${latencyMs} ms, concurrency ${concurrency}`,
    // A raw JSON array of messages is promptfoo's chat format; the questions hold no quotes to escape.
    prompts: [{ label: 'bench', raw: JSON.stringify(messages) }],
    providers: [{ id: 'openai:chat:bench-model', config: { apiBaseUrl: baseUrl, apiKey: 'bench-dummy-key', ...harness.generation } }],
    defaultTest: { assert: [{ type: 'javascript', value: check }] },
    tests: cases.map((c) => ({ vars: { ...c.row, expected_answer: Array.isArray(c.target) ? c.target[0] : c.target } })),
    evaluateOptions: { maxConcurrency: concurrency },
    sharing: false
  }
}

interface PromptfooOutput {
  results?: {
    results?: { success?: boolean }[]
    stats?: { successes?: number; failures?: number; errors?: number; durationMs?: number; evaluationDurationMs?: number }
  }
}

/**
 * One `promptfoo eval` run. By default promptfoo also stores every result in its SQLite database
 * (here a temporary one); `noWrite` adds `--no-write`, which skips that and keeps the output file.
 */
async function runPromptfoo(entry: string, environment: Environment, latencyMs: number, noWrite: boolean): Promise<Row> {
  const work = await mkdtemp(join(tmpdir(), 'benchgen-peer-promptfoo-'))
  const server = await startModelServer(latencyMs)
  try {
    await writeFile(join(work, 'promptfooconfig.json'), JSON.stringify(promptfooConfig(environment, server.baseUrl, latencyMs), null, 1))
    const outFile = join(work, 'results.json')
    const run = await timeChild(
      process.execPath,
      [entry, 'eval', '-c', 'promptfooconfig.json', '--no-cache', '--no-share', '--no-table', '--no-progress-bar', ...(noWrite ? ['--no-write'] : []), '-o', outFile],
      {
        cwd: work,
        env: {
          ...process.env,
          PROMPTFOO_DISABLE_TELEMETRY: '1',
          PROMPTFOO_DISABLE_UPDATE: '1',
          PROMPTFOO_DISABLE_SHARING: '1',
          // Its Node 20 end-of-support notice, printed on every run.
          PROMPTFOO_DISABLE_RUNTIME_WARNINGS: '1',
          // Its database, logs and state go here rather than to ~/.promptfoo.
          PROMPTFOO_CONFIG_DIR: join(work, 'config')
        },
        timeoutMs: timeoutMs(latencyMs)
      }
    )
    let output: PromptfooOutput
    try {
      output = JSON.parse(await readFile(outFile, 'utf8')) as PromptfooOutput
    } catch (error) {
      throw new ToolFailure(describeExit(run), `no readable output file (${(error as Error).message})`, run)
    }
    const results = output.results?.results ?? []
    const stats = output.results?.stats ?? {}
    const passed = results.filter((r) => r.success === true).length
    const evalMs = stats.evaluationDurationMs ?? stats.durationMs
    return {
      tool: promptfooLabel(noWrite),
      latencyMs,
      wallS: run.wallS,
      evalS: evalMs === undefined ? Number.NaN : evalMs / 1000,
      peakRssMb: run.peakRssMb,
      rssSource: run.rssSource,
      cpuS: run.cpuS,
      passed,
      total: results.length,
      note:
        // promptfoo exits 100 when any test fails; anything else non-zero is worth a look.
        (run.code !== 0 && run.code !== 100 ? `${describeExit(run)}; ` : '') +
        `${stats.errors ?? 0} errors` +
        (results.length !== n ? `, ${results.length} results for ${n} cases` : '')
    }
  } finally {
    await server.stop()
    await rm(work, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------------------------------------
// ours, in a child process timed like promptfoo

async function runOurs(envDir: string, latencyMs: number): Promise<Row & { loopS: number; startupS: number }> {
  const server = await startModelServer(latencyMs)
  try {
    const child = fileURLToPath(new URL('./our-run-child.ts', import.meta.url))
    const run = await timeChild(process.execPath, ['--import', 'tsx', child, envDir, server.baseUrl, String(concurrency)], {
      cwd: repoRoot,
      timeoutMs: timeoutMs(latencyMs)
    })
    const line = run.stdout.trim().split('\n').at(-1) ?? ''
    let result: LoopResult & { startupS: number }
    try {
      result = JSON.parse(line) as LoopResult & { startupS: number }
    } catch {
      throw new ToolFailure(describeExit(run), 'no result line on stdout', run)
    }
    return {
      tool: 'benchgen',
      latencyMs,
      wallS: run.wallS,
      evalS: result.wallS,
      loopS: result.loopS,
      startupS: result.startupS,
      peakRssMb: run.peakRssMb,
      rssSource: run.rssSource,
      cpuS: run.cpuS,
      passed: result.passed,
      total: result.total,
      note: `loop ${result.loopS.toFixed(2)} s, start-up ${result.startupS.toFixed(2)} s`
    }
  } finally {
    await server.stop()
  }
}

// ---------------------------------------------------------------------------------------------

class ToolFailure extends Error {
  constructor(
    exit: string,
    why: string,
    readonly run: TimedChild
  ) {
    super(`${exit}, ${why}`)
  }
}

function promptfooLabel(noWrite: boolean): string {
  return noWrite ? 'promptfoo --no-write' : 'promptfoo'
}

function describeExit(run: TimedChild): string {
  if (run.timedOut) return `timed out after ${run.wallS.toFixed(0)} s`
  return run.signal ? `ended by ${run.signal}` : `exited with code ${run.code}`
}

/** Generous: ten times the physical limit plus five minutes for start-up and slow machines. */
function timeoutMs(latencyMs: number): number {
  return 10 * limitSeconds(n, latencyMs, concurrency) * 1000 + 300_000
}

function explain(tool: string, latencyMs: number, error: unknown): string {
  const lines = [`${tool} at ${latencyMs} ms failed: ${error instanceof Error ? error.message : String(error)}`]
  if (error instanceof ToolFailure) {
    if (error.run.stderr.trim()) lines.push('  stderr (last lines):', tail(error.run.stderr))
    if (error.run.stdout.trim()) lines.push('  stdout (last lines):', tail(error.run.stdout))
  }
  return lines.join('\n')
}

const columns = ['tool', 'latency_ms', 'wall_s', 'eval_s', 'other_s', 'cpu_s', 'cases_per_s', 'limit_s', 'wall/limit', 'eval/limit', 'peak_rss_mb', 'pass']
const widths = [20, 10, 7, 7, 8, 6, 11, 7, 10, 10, 11, 7]

function formatRow(cells: string[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ')
}

function rowCells(row: Row): string[] {
  const limit = limitSeconds(n, row.latencyMs, concurrency)
  const ratio = (s: number): string => (limit > 0 && Number.isFinite(s) ? (s / limit).toFixed(2) : 'n/a')
  return [
    row.tool,
    String(row.latencyMs),
    row.wallS.toFixed(2),
    Number.isFinite(row.evalS) ? row.evalS.toFixed(2) : 'n/a',
    Number.isFinite(row.evalS) ? (row.wallS - row.evalS).toFixed(2) : 'n/a',
    row.cpuS === null ? 'n/a' : row.cpuS.toFixed(2),
    (n / row.wallS).toFixed(0),
    limit.toFixed(2),
    ratio(row.wallS),
    ratio(row.evalS),
    row.peakRssMb === null ? 'n/a' : row.peakRssMb.toFixed(0),
    row.total > 0 ? `${((row.passed / row.total) * 100).toFixed(1)}%` : 'n/a'
  ]
}

const envDir = await writeFixtureEnvironment(n, { name: 'bench-add' })
try {
  const environment = await loadEnvironment(envDir, { cacheDir: join(envDir, '.cache') })
  const promptfoo = await ensurePromptfoo()
  console.log(`peer benchmark: N=${n}, concurrency=${concurrency}, Node ${process.version}, ${availableParallelism()} CPUs`)
  if ('error' in promptfoo) console.log(`promptfoo ${PROMPTFOO_VERSION} unavailable, only our figures follow: ${promptfoo.error}`)
  else console.log(`promptfoo ${PROMPTFOO_VERSION} from ${promptfooPackageDir}; each tool gets a fresh model server`)
  console.log(formatRow(columns))
  const entry = 'entry' in promptfoo ? promptfoo.entry : undefined
  const notes: string[] = []
  const rssSources = new Set<string>()
  for (const latencyMs of latencies) {
    try {
      const ours = await runOurs(envDir, latencyMs)
      console.log(formatRow(rowCells(ours)))
      rssSources.add(ours.rssSource)
      notes.push(`benchgen @ ${latencyMs} ms: ${ours.note}`)
    } catch (error) {
      console.log(formatRow(['benchgen', String(latencyMs), 'failed (see below)']))
      notes.push(explain('benchgen', latencyMs, error))
    }
    if (entry === undefined) continue
    for (const noWrite of [false, true]) {
      const label = promptfooLabel(noWrite)
      try {
        const theirs = await runPromptfoo(entry, environment, latencyMs, noWrite)
        console.log(formatRow(rowCells(theirs)))
        rssSources.add(theirs.rssSource)
        notes.push(`${label} @ ${latencyMs} ms: ${theirs.note}`)
      } catch (error) {
        console.log(formatRow([label, String(latencyMs), 'failed (see below)']))
        notes.push(explain(label, latencyMs, error))
      }
    }
  }
  console.log(
    [
      '',
      'wall: spawn to exit of the tool as a child process (Node start-up, module loading, config, the eval, writing results, exit)',
      'eval: the tool\'s own measure — ours: runEvaluation incl. writing every artifact; promptfoo: its evaluationDurationMs',
      'other = wall - eval; cpu: user + system CPU time of the tool\'s process; cases_per_s = N / wall; limit = N × latency / concurrency',
      `peak_rss, cpu: the tool's process, measured with ${[...rssSources].join(' / ') || 'n/a'}`,
      'benchgen runs from TypeScript sources through tsx (our-run-child.ts); promptfoo from its published build, cache off,',
      'results to a JSON file and (without --no-write, its default) to its SQLite database in a temporary PROMPTFOO_CONFIG_DIR',
      ...notes
    ].join('\n')
  )
} catch (error) {
  console.log(`peer benchmark stopped: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
} finally {
  await rm(envDir, { recursive: true, force: true })
}
