/**
 * A real OpenAI-compatible HTTP server on 127.0.0.1 for tests and benchmarks: chat and text
 * completions, /v1/models, optional key checking, latency, and injected faults (rate limits,
 * server errors, resets, truncated or invalid bodies, hangs). Light enough for thousands of
 * requests at high concurrency.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type Fault =
  /** 429 with an optional Retry-After header (seconds, or any string such as an HTTP-date). */
  | { kind: '429'; retryAfter?: number | string; retryAfterMs?: number }
  | { kind: '500' }
  /** 503 with an optional Retry-After header. */
  | { kind: '503'; retryAfter?: number | string }
  /** Destroy the socket without answering. */
  | { kind: 'reset' }
  /** Announce the full Content-Length, send half the JSON body, then drop the connection. */
  | { kind: 'truncated' }
  /** 200 with a body that is not JSON. */
  | { kind: 'invalid-json' }
  /** Never answer; the connection closes when the server does. */
  | { kind: 'hang' }
  /** 200 with `choices: []`. */
  | { kind: 'empty-choices' }
  /** Any status with an OpenAI-style error body, e.g. a permanent 400. */
  | { kind: 'status'; status: number; message?: string; headers?: Record<string, string> }

export interface ServerUsage {
  prompt_tokens: number
  completion_tokens: number
}

export interface ReplyRequest {
  model: string
  messages?: { role: string; content: string }[]
  prompt?: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any
}

export type Reply = string | { text: string; usage?: ServerUsage; finishReason?: string }

export interface OpenAIServerOptions {
  /** The answer to a completion request. Default: echo the last user message (or the prompt). */
  respond?: (req: ReplyRequest) => Reply | Promise<Reply>
  /** Delay before every answer (and fault), in ms. Default 0. */
  latencyMs?: number
  /** Decide a fault per request; `n` counts every request the server received, from 1. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  fault?: (info: { n: number; body: any }) => Fault | undefined
  /** When set, requests without `Authorization: Bearer <apiKey>` get a 401. */
  apiKey?: string
  /** Ids listed by /v1/models. Default ['test-model']. */
  models?: string[]
}

export interface RecordedRequest {
  path: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any
  headers: IncomingHttpHeaders
}

export interface OpenAIServer {
  /** `http://127.0.0.1:PORT/v1` */
  baseUrl: string
  /** Every request received, in arrival order. */
  requests: RecordedRequest[]
  /** Stop listening and drop every connection, hung ones included. Safe to call unbound and twice. */
  close(): Promise<void>
}

const words = (text: string): number => text.split(/\s+/).filter(Boolean).length

function lastUser(req: ReplyRequest): string {
  if (req.messages) {
    for (let i = req.messages.length - 1; i >= 0; i--) {
      const message = req.messages[i]
      if (message?.role === 'user') return typeof message.content === 'string' ? message.content : ''
    }
    return ''
  }
  return req.prompt ?? ''
}

function sendJson(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.writableEnded) return
  const body = JSON.stringify(payload)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers })
  res.end(body)
}

function errorBody(message: string, type: string): unknown {
  return { error: { message, type, param: null, code: null } }
}

export async function startOpenAIServer(opts: OpenAIServerOptions = {}): Promise<OpenAIServer> {
  const requests: RecordedRequest[] = []
  const respond = opts.respond ?? ((req: ReplyRequest) => lastUser(req))
  const timers = new Set<ReturnType<typeof setTimeout>>()
  let count = 0
  let closed = false

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer)
        resolve()
      }, ms)
      timers.add(timer)
    })

  async function completion(path: string, body: Record<string, unknown>, res: ServerResponse): Promise<void> {
    const chat = path === '/v1/chat/completions'
    const messages = Array.isArray(body.messages) ? (body.messages as ReplyRequest['messages']) : undefined
    const prompt = typeof body.prompt === 'string' ? body.prompt : undefined
    if (typeof body.model !== 'string' || !body.model) {
      return sendJson(res, 400, errorBody('you must provide a model parameter', 'invalid_request_error'))
    }
    if (chat ? !messages : prompt === undefined) {
      return sendJson(res, 400, errorBody(chat ? "'messages' is a required property" : "'prompt' is a required property", 'invalid_request_error'))
    }
    const req: ReplyRequest = { model: body.model, ...(messages ? { messages } : {}), ...(prompt !== undefined ? { prompt } : {}), body }
    let reply: Reply
    try {
      reply = await respond(req)
    } catch (error) {
      return sendJson(res, 500, errorBody(`respond() threw: ${(error as Error).message}`, 'server_error'))
    }
    const { text, usage, finishReason } = typeof reply === 'string' ? { text: reply, usage: undefined, finishReason: undefined } : reply
    const promptTokens = usage?.prompt_tokens ?? (messages ? messages.reduce((n, m) => n + words(String(m.content)), 0) : words(prompt ?? ''))
    const completionTokens = usage?.completion_tokens ?? words(text)
    const choice = chat
      ? { index: 0, message: { role: 'assistant', content: text }, finish_reason: finishReason ?? 'stop' }
      : { index: 0, text, finish_reason: finishReason ?? 'stop' }
    sendJson(res, 200, {
      id: `cmpl-${count}`,
      object: chat ? 'chat.completion' : 'text_completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [choice],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens }
    })
  }

  /** Answer (or fail to answer) as the fault says. */
  function applyFault(fault: Fault, res: ServerResponse, req: IncomingMessage): void {
    switch (fault.kind) {
      case '429':
      case '503': {
        const headers: Record<string, string> = {}
        if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter)
        if (fault.kind === '429' && fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs)
        const status = Number(fault.kind)
        return sendJson(res, status, errorBody(status === 429 ? 'Rate limit reached, please retry' : 'Service unavailable', 'server_error'), headers)
      }
      case '500':
        return sendJson(res, 500, errorBody('The server had an error while processing your request', 'server_error'))
      case 'status':
        return sendJson(res, fault.status, errorBody(fault.message ?? `status ${fault.status}`, 'invalid_request_error'), fault.headers)
      case 'reset':
        req.socket.destroy()
        return
      case 'truncated': {
        const body = JSON.stringify({ id: 'x', object: 'chat.completion', model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'cut short' }, finish_reason: 'stop' }] })
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
        res.write(body.slice(0, Math.floor(body.length / 2)), () => req.socket.destroy())
        return
      }
      case 'invalid-json':
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end('{"id": "x", "choices": [ this is not json')
        return
      case 'empty-choices':
        return sendJson(res, 200, { id: 'x', object: 'chat.completion', model: 'm', choices: [] })
      case 'hang':
        return
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    const path = (req.url ?? '/').split('?')[0]!
    let body: Record<string, unknown> = {}
    let badJson = false
    if (raw) {
      try {
        body = JSON.parse(raw) as Record<string, unknown>
      } catch {
        badJson = true
      }
    }
    const n = ++count
    requests.push({ path, body: badJson ? raw : body, headers: req.headers })

    if (opts.apiKey !== undefined && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
      // Echo what was sent, as some servers do, so clients must keep keys out of their own messages.
      const sent = req.headers.authorization?.replace(/^Bearer /, '')
      return sendJson(res, 401, errorBody(sent ? `Incorrect API key provided: ${sent}` : 'You did not provide an API key', 'invalid_request_error'))
    }

    const fault = opts.fault?.({ n, body })
    if (fault?.kind === 'hang') return
    if (opts.latencyMs) await wait(opts.latencyMs)
    if (closed) return
    if (fault) return applyFault(fault, res, req)

    if (badJson) return sendJson(res, 400, errorBody('We could not parse the JSON body of your request', 'invalid_request_error'))
    if (req.method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, { object: 'list', data: (opts.models ?? ['test-model']).map((id) => ({ id, object: 'model', owned_by: 'test' })) })
    }
    if (req.method === 'POST' && (path === '/v1/chat/completions' || path === '/v1/completions')) return completion(path, body, res)
    sendJson(res, 404, errorBody(`Unknown request URL: ${req.method} ${path}`, 'invalid_request_error'))
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, errorBody(String(error), 'server_error'))
      else res.destroy()
    })
  })
  // Longer than clients' idle timeout, so a client never reuses a socket the server is closing.
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo

  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      closed = true
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      server.close(() => resolve())
      // Hung requests and idle keep-alive sockets would otherwise hold close() open.
      server.closeAllConnections()
    })
    return closing
  }

  return { baseUrl: `http://127.0.0.1:${port}/v1`, requests, close }
}
