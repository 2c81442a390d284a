import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { ModelError } from '../../src/errors.js'
import { ModelConfig, type ModelConfigInput } from '../../src/model/config.js'
import { createOpenAIClient, type OpenAIClientOptions } from '../../src/model/openai.js'
import { AttemptsError, callWithRetries, type RetryEvent } from '../../src/model/retry.js'
import type { ModelClient, ModelRequest } from '../../src/model/types.js'
import { startOpenAIServer, type Fault, type OpenAIServerOptions } from '../helpers/openai-server.js'

const closers: (() => Promise<void> | undefined)[] = []
afterEach(async () => {
  while (closers.length) await closers.pop()?.()
})

async function setup(serverOptions: OpenAIServerOptions = {}, config: Partial<ModelConfigInput> = {}, clientOptions: OpenAIClientOptions = {}) {
  const server = await startOpenAIServer(serverOptions)
  closers.push(server.close)
  const modelConfig = ModelConfig.parse({ name: 'test-model', baseUrl: server.baseUrl, ...config })
  const client = createOpenAIClient(modelConfig, clientOptions)
  closers.push(() => client.close?.())
  return { server, client, config: modelConfig }
}

const chat = (text = 'hello there', extra: Partial<ModelRequest> = {}): ModelRequest => ({
  messages: [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: text }
  ],
  params: { temperature: 0 },
  ...extra
})

/** A retry loop whose waits are recorded instead of slept, with fixed jitter. */
function retrying(client: ModelClient, policy: { maxRetries?: number; timeoutMs?: number } = {}, request: ModelRequest = chat()) {
  const delays: number[] = []
  const events: RetryEvent[] = []
  const result = callWithRetries(
    (signal, _attempt) => client.complete({ ...request, signal }),
    { maxRetries: policy.maxRetries ?? 4, timeoutMs: policy.timeoutMs ?? 5_000 },
    {
      sleep: async (ms) => {
        delays.push(ms)
      },
      random: () => 0.5,
      onRetry: (event) => events.push(event)
    }
  )
  return { result, delays, events }
}

async function failure(promise: Promise<unknown>): Promise<ModelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(ModelError)
  return error as ModelError
}

describe('createOpenAIClient: requests and responses', () => {
  it('posts a chat request and maps the answer', async () => {
    const { server, client } = await setup(
      { respond: (req) => ({ text: `echo: ${req.messages?.at(-1)?.content}`, usage: { prompt_tokens: 12, completion_tokens: 3 }, finishReason: 'length' }) },
      { headers: { 'X-Title': 'benchgen' }, extraBody: { top_k: 20, model: 'not-this-one', temperature: 1 } }
    )
    const response = await client.complete(chat('2+2?', { params: { temperature: 0, max_tokens: undefined, stop: ['\n'] } }))
    expect(response).toEqual({ text: 'echo: 2+2?', finishReason: 'length', usage: { promptTokens: 12, completionTokens: 3 }, model: 'test-model' })

    const [sent] = server.requests
    expect(sent?.path).toBe('/v1/chat/completions')
    // extraBody is merged, but the model and the generation parameters win; undefined ones are omitted.
    expect(sent?.body).toEqual({ top_k: 20, model: 'test-model', temperature: 0, stop: ['\n'], messages: chat('2+2?').messages })
    expect(sent?.headers['x-title']).toBe('benchgen')
    expect(sent?.headers['content-type']).toBe('application/json')
    expect(sent?.headers.authorization).toBeUndefined()
  })

  it('uses /completions with a prompt for the completions API', async () => {
    const { server, client } = await setup({}, { api: 'completions' })
    const response = await client.complete({ prompt: 'Once upon a time', params: { max_tokens: 5 } })
    expect(response.text).toBe('Once upon a time')
    expect(response.usage).toEqual({ promptTokens: 4, completionTokens: 4 })
    expect(server.requests.map((r) => [r.path, r.body])).toEqual([['/v1/completions', { model: 'test-model', prompt: 'Once upon a time', max_tokens: 5 }]])
  })

  it('sends a bare prompt to the chat API as one user message', async () => {
    const { server, client } = await setup()
    await expect(client.complete({ prompt: 'hi', params: {} })).resolves.toMatchObject({ text: 'hi' })
    expect(server.requests[0]?.body.messages).toEqual([{ role: 'user', content: 'hi' }])
  })

  it('refuses a messages-only request on the completions API without calling the server', async () => {
    const { server, client } = await setup({}, { api: 'completions' })
    const error = await failure(client.complete(chat()))
    expect(error.retryable).toBe(false)
    expect(error.message).toMatch(/needs a prompt/)
    expect(server.requests).toHaveLength(0)
  })

  it('handles many concurrent requests over its pool', async () => {
    const { server, client } = await setup({ latencyMs: 2 }, { concurrency: 16 })
    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => client.complete(chat(`q${i}`))))
    expect(answers.map((a) => a.text)).toEqual(Array.from({ length: 300 }, (_, i) => `q${i}`))
    expect(server.requests).toHaveLength(300)
  })
})

describe('createOpenAIClient: one attempt under each fault', () => {
  const cases: { fault: Fault; status?: number; message: RegExp }[] = [
    { fault: { kind: '429' }, status: 429, message: /HTTP 429 .*Rate limit/ },
    { fault: { kind: '500' }, status: 500, message: /HTTP 500 / },
    { fault: { kind: '503' }, status: 503, message: /HTTP 503 .*Service unavailable/ },
    { fault: { kind: 'status', status: 408 }, status: 408, message: /HTTP 408/ },
    { fault: { kind: 'status', status: 409 }, status: 409, message: /HTTP 409/ },
    { fault: { kind: 'reset' }, message: /failed: .*\(/ },
    { fault: { kind: 'truncated' }, message: /failed: / },
    { fault: { kind: 'invalid-json' }, message: /unparseable response: invalid or truncated JSON/ },
    { fault: { kind: 'empty-choices' }, message: /unparseable response: no choices/ }
  ]
  it.each(cases)('$fault.kind $fault.status is retryable', async ({ fault, status, message }) => {
    const { client } = await setup({ fault: () => fault })
    const error = await failure(client.complete(chat()))
    expect(error.retryable).toBe(true)
    expect(error.status).toBe(status)
    expect(error.message).toMatch(message)
  })

  it('refuses requests after close(), which may be called twice', async () => {
    const { client } = await setup()
    await client.close?.()
    await client.close?.()
    const error = await failure(client.complete(chat()))
    expect(error.retryable).toBe(false)
    expect(error.message).toMatch(/client was closed/)
  })

  it('maps a refused connection to a retryable error', async () => {
    const { server, client } = await setup()
    await server.close()
    const error = await failure(client.complete(chat()))
    expect(error.retryable).toBe(true)
    expect(error.message).toMatch(/connection refused|ECONNREFUSED/)
  })
})

describe('createOpenAIClient with callWithRetries', () => {
  const faults: { fault: Fault; timeoutMs?: number }[] = [
    { fault: { kind: '429' } },
    { fault: { kind: '500' } },
    { fault: { kind: '503' } },
    { fault: { kind: 'reset' } },
    { fault: { kind: 'truncated' } },
    { fault: { kind: 'invalid-json' } },
    { fault: { kind: 'empty-choices' } },
    { fault: { kind: 'hang' }, timeoutMs: 150 }
  ]
  it.each(faults)('answers after a $fault.kind', async ({ fault, timeoutMs }) => {
    const { server, client } = await setup({ fault: ({ n }) => (n <= 2 ? fault : undefined) })
    const { result, delays, events } = retrying(client, { ...(timeoutMs ? { timeoutMs } : {}) })
    const { value, attempts } = await result
    expect(value.text).toBe('hello there')
    expect(attempts).toBe(3)
    expect(server.requests).toHaveLength(3)
    // Full jitter with random() = 0.5 over ceilings of 500 and 1000 ms.
    expect(delays).toEqual([250, 500])
    expect(events.every((e) => e.error.retryable)).toBe(true)
    if (fault.kind === 'hang') expect(events[0]?.error.message).toBe('timed out after 150 ms')
  })

  it.each([
    { fault: { kind: '429', retryAfter: 7 } as Fault, delay: 7_000 },
    { fault: { kind: '429', retryAfter: '0' } as Fault, delay: 0 },
    { fault: { kind: '429', retryAfter: 7, retryAfterMs: 1_500 } as Fault, delay: 1_500 },
    { fault: { kind: '503', retryAfter: 2 } as Fault, delay: 2_000 },
    { fault: { kind: '429', retryAfter: 3_600 } as Fault, delay: 120_000 }
  ])('honours Retry-After: $fault', async ({ fault, delay }) => {
    const { client } = await setup({ fault: ({ n }) => (n === 1 ? fault : undefined) })
    const { result, delays } = retrying(client)
    await expect(result).resolves.toMatchObject({ attempts: 2 })
    expect(delays).toEqual([delay])
  })

  it('honours Retry-After given as an HTTP-date', async () => {
    const at = new Date(Date.now() + 30_000).toUTCString()
    const { client } = await setup({ fault: ({ n }) => (n === 1 ? { kind: '429', retryAfter: at } : undefined) })
    const { result, delays } = retrying(client)
    await result
    expect(delays).toHaveLength(1)
    // HTTP-dates have whole seconds, so up to one second is lost to rounding down.
    expect(delays[0]).toBeGreaterThan(25_000)
    expect(delays[0]).toBeLessThanOrEqual(30_000)
  })

  it('does not retry a permanent 400 and carries the server message', async () => {
    const { server, client } = await setup({
      fault: () => ({ kind: 'status', status: 400, message: "This model's maximum context length is 4096 tokens" })
    })
    const { result, delays } = retrying(client)
    const error = await failure(result)
    expect(error).toBeInstanceOf(AttemptsError)
    expect((error as AttemptsError).attempts).toBe(1)
    expect(error.retryable).toBe(false)
    expect(error.status).toBe(400)
    expect(error.message).toContain("This model's maximum context length is 4096 tokens")
    expect(server.requests).toHaveLength(1)
    expect(delays).toEqual([])
  })

  it('cuts a long server message to about 300 characters', async () => {
    const { client } = await setup({ fault: () => ({ kind: 'status', status: 422, message: 'x'.repeat(5_000) }) })
    const error = await failure(client.complete(chat()))
    expect(error.message).toMatch(/x…/)
    expect(error.message.length).toBeLessThan(450)
  })

  it('gives up after maxRetries + 1 attempts with the last error', async () => {
    const { server, client } = await setup({ fault: () => ({ kind: '503' }) })
    const { result, delays } = retrying(client, { maxRetries: 3 })
    const error = await failure(result)
    expect(error).toBeInstanceOf(AttemptsError)
    expect((error as AttemptsError).attempts).toBe(4)
    expect(error.status).toBe(503)
    expect(error.retryable).toBe(true)
    expect(error.message).toMatch(/HTTP 503 .*gave up after 4 attempts/)
    expect(server.requests).toHaveLength(4)
    expect(delays).toEqual([250, 500, 1_000])
  })

  it('retries a hang on the per-attempt timeout until it gives up', async () => {
    const { server, client } = await setup({ fault: () => ({ kind: 'hang' }) })
    const { result, delays } = retrying(client, { maxRetries: 1, timeoutMs: 100 })
    const error = await failure(result)
    expect((error as AttemptsError).attempts).toBe(2)
    expect(error.message).toBe('timed out after 100 ms (gave up after 2 attempts)')
    expect(server.requests).toHaveLength(2)
    expect(delays).toEqual([250])
  })

  it('stops promptly when the caller aborts a hung request', async () => {
    const { server, client } = await setup({ fault: () => ({ kind: 'hang' }) })
    const controller = new AbortController()
    const call = callWithRetries((signal) => client.complete(chat('x', { signal })), { maxRetries: 4, timeoutMs: 60_000 }, { signal: controller.signal })
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    controller.abort(new Error('run cancelled'))
    await expect(call).rejects.toThrow('run cancelled')
    expect(server.requests).toHaveLength(1)
  })

  it('rejects with the reason of an already aborted request signal', async () => {
    const { server, client } = await setup()
    await expect(client.complete(chat('x', { signal: AbortSignal.abort(new Error('stop')) }))).rejects.toThrow('stop')
    expect(server.requests).toHaveLength(0)
  })
})

describe('createOpenAIClient: API keys', () => {
  const key = 'sk-test-0123456789abcdef'

  it('sends the key as a bearer token', async () => {
    const { server, client } = await setup({ apiKey: key }, {}, { apiKey: key })
    await expect(client.complete(chat())).resolves.toMatchObject({ text: 'hello there' })
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${key}`)
  })

  it('keeps the key out of error messages, even when the server echoes it', async () => {
    const wrong = 'sk-wrong-9876543210fedcba'
    const { server, client } = await setup({ apiKey: key }, { apiKeyEnv: 'MY_PROVIDER_KEY' }, { apiKey: wrong })
    const { result } = retrying(client)
    const error = await failure(result)
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${wrong}`)
    expect(error.status).toBe(401)
    expect(error.retryable).toBe(false)
    expect(error.message).toMatch(/Incorrect API key provided: \[redacted\].*check the key in MY_PROVIDER_KEY/)
    for (const text of [error.message, String(error.stack), (error.cause as Error).message, JSON.stringify(error)]) {
      expect(text).not.toContain(wrong)
    }
  })

  it('keeps the key out of every fault message', async () => {
    const kinds: Fault[] = [{ kind: '500' }, { kind: 'reset' }, { kind: 'truncated' }, { kind: 'invalid-json' }, { kind: 'empty-choices' }, { kind: 'status', status: 400, message: `bad key ${key}` }]
    const { client } = await setup({ fault: ({ n }) => kinds[n - 1] }, {}, { apiKey: key })
    for (let i = 0; i < kinds.length; i++) {
      const error = await failure(client.complete(chat()))
      expect(error.message).not.toContain(key)
    }
  })

  it('says when no key was sent', async () => {
    const { client } = await setup({ apiKey: key }, { apiKeyEnv: 'OPENAI_API_KEY' })
    const error = await failure(client.complete(chat()))
    expect(error.message).toMatch(/You did not provide an API key.*no API key was sent: set OPENAI_API_KEY/)
  })
})

describe('startOpenAIServer', () => {
  it('lists models and 404s unknown paths', async () => {
    const server = await startOpenAIServer({ models: ['a', 'b'] })
    closers.push(server.close)
    const models = (await (await fetch(`${server.baseUrl}/models`)).json()) as { data: { id: string }[] }
    expect(models.data.map((m) => m.id)).toEqual(['a', 'b'])
    expect((await fetch(`${server.baseUrl}/nope`, { method: 'POST', body: '{}' })).status).toBe(404)
  })

  it('closes with hung requests in flight', async () => {
    const server = await startOpenAIServer({ fault: () => ({ kind: 'hang' }) })
    const pending = fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [] }) }).catch(
      (e: unknown) => e
    )
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    await server.close()
    await server.close()
    expect(await pending).toBeInstanceOf(Error)
  })
})

describe('createOpenAIClient: a key echoed where the message is cut', () => {
  const key = 'sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

  /** A server answering every request with `status` and `body`. */
  async function echoing(status: number, body: string, contentType = 'application/json') {
    const { createServer } = await import('node:http')
    const server = createServer((req, res) => {
      req.resume()
      req.on('end', () => res.writeHead(status, { 'content-type': contentType }).end(body))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
    const { port } = server.address() as AddressInfo
    const client = createOpenAIClient(ModelConfig.parse({ name: 'm', baseUrl: `http://127.0.0.1:${port}/v1` }), { apiKey: key })
    closers.push(() => client.close?.())
    return client
  }

  it.each([
    // The server's message is cut to 300 characters, an unparseable body to 200.
    { what: 'error message cut at 300', status: 401, body: JSON.stringify({ error: { message: `${'x'.repeat(295)}${key} is wrong` } }) },
    { what: 'plain-text error page cut at 300', status: 500, body: `${'y'.repeat(296)}${key}`, type: 'text/plain' },
    { what: 'unparseable 2xx body cut at 200', status: 200, body: `not json ${'z'.repeat(186)}${key}`, type: 'text/plain' },
    { what: '2xx error object cut at 200', status: 200, body: JSON.stringify({ error: { message: `${'w'.repeat(196)}${key}` } }) }
  ])('redacts before cutting: $what', async ({ status, body, type }) => {
    const client = await echoing(status, body, type)
    const error = await failure(client.complete(chat()))
    // Not even the first characters of the key survive.
    expect(error.message).not.toContain('sk-p')
    expect(JSON.stringify(error)).not.toContain('sk-p')
    expect(error.message).toContain('[re')
  })
})
