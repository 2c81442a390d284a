/**
 * Pieces shared by the benchmarks: their command-line arguments, the stand-in model server in a
 * child process, one timed run of our loop, and timing another program as a child process.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { Environment } from '../src/environment/types.js'
import { modelKey, parseModelSpec } from '../src/model/config.js'
import { createOpenAIClient } from '../src/model/openai.js'
import { runEvaluation } from '../src/run/run.js'

export interface BenchArgs {
  n: number
  concurrency: number
  latencies: number[]
}

/** `[N] [concurrency] [latencies ms, comma-separated]`, defaults 2000, 64 and 50,0. */
export function parseBenchArgs(argv: string[] = process.argv.slice(2)): BenchArgs {
  return {
    n: Number(argv[0] ?? 2000),
    concurrency: Number(argv[1] ?? 64),
    latencies: (argv[2] ?? '50,0').split(',').map(Number)
  }
}

/** The physical limit of a run, in seconds: every case waits `latencyMs`, `concurrency` at a time. */
export function limitSeconds(n: number, latencyMs: number, concurrency: number): number {
  return (n * latencyMs) / concurrency / 1000
}

export interface ModelServer {
  /** `http://127.0.0.1:PORT/v1` */
  baseUrl: string
  stop(): Promise<void>
}

/** Starts bench/model-server.ts in its own process, so its CPU is not the measured tool's. */
export async function startModelServer(latencyMs: number): Promise<ModelServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./model-server.ts', import.meta.url)), String(latencyMs)], {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string]
  return {
    baseUrl: line.trim(),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      await once(child, 'exit')
    }
  }
}

export interface LoopResult {
  /** The whole run, incl. loading scorers and writing every artifact, in seconds. */
  wallS: number
  /** First request to last answer, in seconds. */
  loopS: number
  /** The run's aggregate score, 0 to 1. */
  score: number
  passed: number
  total: number
}

/** One run of our loop over every case of `environment` against `baseUrl`, in this process. */
export async function runOurLoop(environment: Environment, baseUrl: string, concurrency: number): Promise<LoopResult> {
  const config = await parseModelSpec(`${baseUrl}#bench-model`)
  const client = createOpenAIClient({ ...config, concurrency })
  const outDir = await mkdtemp(join(tmpdir(), 'benchgen-bench-'))
  try {
    const started = performance.now()
    const outcome = await runEvaluation({
      environment,
      outDir,
      client,
      model: { key: modelKey(config), name: config.name, baseUrl: config.baseUrl, api: 'chat' },
      concurrency,
      timeoutMs: 30_000,
      maxRetries: 2,
      progress: { silent: true }
    })
    const wallS = (performance.now() - started) / 1000
    const loopS =
      (Math.max(...outcome.records.map((r) => Date.parse(r.endedAt))) - Math.min(...outcome.records.map((r) => Date.parse(r.startedAt)))) / 1000
    return {
      wallS,
      loopS,
      score: outcome.scores.score ?? 0,
      passed: outcome.records.filter((r) => r.status === 'pass').length,
      total: outcome.records.length
    }
  } finally {
    await client.close?.()
    await rm(outDir, { recursive: true, force: true })
  }
}

export interface TimedChild {
  /** Exit code, or null when a signal ended the process. */
  code: number | null
  signal: NodeJS.Signals | null
  /** Spawn to exit, in seconds. */
  wallS: number
  /** Peak resident set size of the process, in MB; null when it could not be measured. */
  peakRssMb: number | null
  /** How the peak was measured. */
  rssSource: '/usr/bin/time' | '/proc VmHWM' | 'n/a'
  /** User + system CPU time of the process, in seconds; null without /usr/bin/time. */
  cpuS: number | null
  stdout: string
  stderr: string
  timedOut: boolean
}

const GNU_TIME = '/usr/bin/time'

/**
 * Runs `command args` as a child process and measures its wall time, peak RSS and CPU time: with
 * `/usr/bin/time` when present, else the peak by sampling VmHWM in /proc (Linux) every 50 ms.
 * The child gets its own process group so a timeout ends it and all its descendants.
 */
export async function timeChild(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}
): Promise<TimedChild> {
  const scratch = await mkdtemp(join(tmpdir(), 'benchgen-time-'))
  const rssFile = join(scratch, 'rss')
  const useTime = existsSync(GNU_TIME)
  const [file, argv] = useTime ? [GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, command, ...args]] : [command, args]
  const stdout: Buffer[] = []
  const stderr: Buffer[] = []
  let hwmKb = 0
  let timedOut = false
  const started = performance.now()
  const child = spawn(file, argv, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
  const sampler = useTime
    ? undefined
    : setInterval(() => {
        void readFile(`/proc/${child.pid}/status`, 'utf8')
          .then((status) => {
            const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0)
            if (kb > hwmKb) hwmKb = kb
          })
          .catch(() => undefined)
      }, 50)
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true
          killGroup(child.pid, 'SIGTERM')
          setTimeout(() => killGroup(child.pid, 'SIGKILL'), 5000).unref()
        }, options.timeoutMs)
  try {
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.once('error', reject)
      child.once('close', (code, signal) => resolve({ code, signal }))
    })
    const wallS = (performance.now() - started) / 1000
    let peakRssMb: number | null = null
    let rssSource: TimedChild['rssSource'] = 'n/a'
    let cpuS: number | null = null
    if (useTime) {
      // The last line is "%M %U %S"; earlier lines may say "Command exited with non-zero status N".
      const [kb, user, system] = ((await readFile(rssFile, 'utf8').catch(() => '')).trim().split('\n').at(-1) ?? '').split(' ').map(Number)
      if (kb !== undefined && Number.isFinite(kb) && kb > 0) [peakRssMb, rssSource] = [kb / 1024, '/usr/bin/time']
      if (user !== undefined && system !== undefined && Number.isFinite(user + system)) cpuS = user + system
    } else if (hwmKb > 0) {
      ;[peakRssMb, rssSource] = [hwmKb / 1024, '/proc VmHWM']
    }
    // GNU time exits with the child's code; a child ended by a signal makes it report 128 + signal.
    return { ...exit, wallS, peakRssMb, rssSource, cpuS, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString(), timedOut }
  } finally {
    if (sampler) clearInterval(sampler)
    if (timer) clearTimeout(timer)
    await rm(scratch, { recursive: true, force: true })
  }
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return
  try {
    process.kill(-pid, signal)
  } catch {
    // already gone
  }
}

/** The last `lines` non-empty lines of a program's output, indented, for error messages. */
export function tail(text: string, lines = 15): string {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-lines)
    .map((line) => `    ${line}`)
    .join('\n')
}
