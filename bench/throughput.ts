/**
 * Throughput of the run loop against a local OpenAI-compatible server with a fixed latency.
 * Prints wall time, cases per second, the ratio to the physical limit N × latency / concurrency,
 * and peak memory. Usage: npm run bench -- [N] [concurrency] [latencies ms, comma-separated]
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { loadEnvironment } from '../src/environment/load.js'
import { modelKey, parseModelSpec } from '../src/model/config.js'
import { createOpenAIClient } from '../src/model/openai.js'
import { runEvaluation } from '../src/run/run.js'
import { writeFixtureEnvironment } from '../test/helpers/env-fixture.js'

const n = Number(process.argv[2] ?? 2000)
const concurrency = Number(process.argv[3] ?? 64)
const latencies = (process.argv[4] ?? '50,0').split(',').map(Number)

async function startServer(latencyMs: number): Promise<{ baseUrl: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./model-server.ts', import.meta.url)), String(latencyMs)], { stdio: ['ignore', 'pipe', 'inherit'] })
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string]
  return {
    baseUrl: line.trim(),
    stop: async () => {
      child.kill('SIGTERM')
      await once(child, 'exit')
    }
  }
}

const envDir = await writeFixtureEnvironment(n, { name: 'bench-add' })
const environment = await loadEnvironment(envDir, { cacheDir: join(envDir, '.cache') })
console.log(`benchgen run loop: N=${n}, concurrency=${concurrency}, Node ${process.version}`)
console.log('latency_ms  wall_s  loop_s  cases_per_s  limit_s  loop/limit  peak_rss_mb  score')
console.log('(wall: the whole run incl. loading scorers and writing every artifact; loop: first request to last answer)')
for (const latencyMs of latencies) {
  const server = await startServer(latencyMs)
  const config = await parseModelSpec(`${server.baseUrl}#bench-model`)
  const client = createOpenAIClient({ ...config, concurrency })
  const outDir = await mkdtemp(join(tmpdir(), 'benchgen-bench-'))
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
  const wall = (performance.now() - started) / 1000
  const loop = (Math.max(...outcome.records.map((r) => Date.parse(r.endedAt))) - Math.min(...outcome.records.map((r) => Date.parse(r.startedAt)))) / 1000
  const limit = (n * latencyMs) / concurrency / 1000
  const rssMb = process.resourceUsage().maxRSS / 1024
  console.log(
    [
      String(latencyMs).padStart(10),
      wall.toFixed(2).padStart(7),
      loop.toFixed(2).padStart(7),
      (n / wall).toFixed(0).padStart(12),
      limit.toFixed(2).padStart(8),
      (limit > 0 ? (loop / limit).toFixed(2) : 'n/a').padStart(11),
      rssMb.toFixed(0).padStart(12),
      `${((outcome.scores.score ?? 0) * 100).toFixed(1)}%`.padStart(6)
    ].join(' ')
  )
  await client.close?.()
  await server.stop()
  await rm(outDir, { recursive: true, force: true })
}
await rm(envDir, { recursive: true, force: true })
