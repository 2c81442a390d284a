/** A stand-in model endpoint for the benchmark, in its own process so its CPU is not ours. */
import { startOpenAIServer } from '../test/helpers/openai-server.js'

const latencyMs = Number(process.argv[2] ?? 0)
const server = await startOpenAIServer({
  latencyMs,
  respond: (req) => {
    const match = /What is (\d+) \+ (\d+)\?/.exec(req.messages?.at(-1)?.content ?? '')
    return { text: match ? `Answer: ${Number(match[1]) + Number(match[2])}` : '?', usage: { prompt_tokens: 30, completion_tokens: 5 } }
  }
})
process.stdout.write(`${server.baseUrl}\n`)
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)))
