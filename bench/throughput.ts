/**
 * Throughput of the run loop against a local OpenAI-compatible server with a fixed latency.
 * Prints wall time, cases per second, the ratio to the physical limit N × latency / concurrency,
 * and peak memory. Usage: npm run bench -- [N] [concurrency] [latencies ms, comma-separated]
 */
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { loadEnvironment } from '../src/environment/load.js'
import { writeFixtureEnvironment } from '../test/helpers/env-fixture.js'
import { limitSeconds, parseBenchArgs, runOurLoop, startModelServer } from './shared.js'

const { n, concurrency, latencies } = parseBenchArgs()

const envDir = await writeFixtureEnvironment(n, { name: 'bench-add' })
const environment = await loadEnvironment(envDir, { cacheDir: join(envDir, '.cache') })
console.log(`benchgen run loop: N=${n}, concurrency=${concurrency}, Node ${process.version}`)
console.log('latency_ms  wall_s  loop_s  cases_per_s  limit_s  loop/limit  peak_rss_mb  score')
console.log('(wall: the whole run incl. loading scorers and writing every artifact; loop: first request to last answer)')
for (const latencyMs of latencies) {
  const server = await startModelServer(latencyMs)
  const { wallS: wall, loopS: loop, score } = await runOurLoop(environment, server.baseUrl, concurrency)
  const limit = limitSeconds(n, latencyMs, concurrency)
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
      `${(score * 100).toFixed(1)}%`.padStart(6)
    ].join(' ')
  )
  await server.stop()
}
await rm(envDir, { recursive: true, force: true })
