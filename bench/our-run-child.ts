/**
 * One run of our loop in a process of its own, so a peer benchmark can time it the way it times
 * another tool: whole process, start-up included. Prints one JSON line.
 * Usage: node --import tsx bench/our-run-child.ts <environment dir> <base URL> <concurrency>
 */
import { join } from 'node:path'
import { loadEnvironment } from '../src/environment/load.js'
import { runOurLoop } from './shared.js'

const [envDir, baseUrl, concurrency] = process.argv.slice(2)
if (!envDir || !baseUrl || !concurrency) {
  console.error('usage: our-run-child.ts <environment dir> <base URL> <concurrency>')
  process.exit(2)
}
const environment = await loadEnvironment(envDir, { cacheDir: join(envDir, '.cache') })
/** Seconds from process start to the run's start: Node, tsx, our modules, the environment. */
const startupS = process.uptime()
const result = await runOurLoop(environment, baseUrl, Number(concurrency))
process.stdout.write(`${JSON.stringify({ ...result, startupS })}\n`)
