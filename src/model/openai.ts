/**
 * A ModelClient for OpenAI-compatible servers (OpenAI, vLLM, SGLang, TGI, llama.cpp, Ollama,
 * OpenRouter, …) over undici. One attempt per call: retries and timeouts live in retry.ts, so this
 * file only decides what each outcome means (`retryable` or not).
 */
import { Agent, request as undiciRequest, type Dispatcher } from 'undici'
import { ModelError } from '../errors.js'
import { DEFAULT_API_KEY_ENV, isPlausibleEnvName, type ModelConfig } from './config.js'
import { buildRequestBody, endpointPath, parseResponseBody, serverErrorMessage } from './openai-wire.js'
import { parseRetryAfter } from './retry-after.js'
import type { ModelClient, ModelRequest, ModelResponse } from './types.js'

export interface OpenAIClientOptions {
  /** Sent as `Authorization: Bearer …`; redacted from every error message. Default: no key. */
  apiKey?: string
  /**
   * Dispatcher to send requests through instead of a pool of our own (a proxy, a mock). The
   * caller owns it: close() leaves it open. Default: an Agent with `config.concurrency`
   * keep-alive connections per origin.
   */
  dispatcher?: Dispatcher
}

/** Larger bodies are not model answers; refuse them instead of buffering without bound. */
const MAX_BODY_BYTES = 32 * 1024 * 1024

/** Transport failures that will not get better by retrying: bad arguments, a closed client, TLS trust. */
const PERMANENT_CODES = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_INVALID_RETURN_VALUE',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_DESTROYED',
  'UND_ERR_CLOSED',
  'ERR_INVALID_URL',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE'
])

const CODE_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the server running and listening there?)',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed while sending',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'response body stalled',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'response cut short',
  UND_ERR_DESTROYED: 'the client was closed',
  UND_ERR_CLOSED: 'the client was closed'
}

/**
 * Create a client for `config`. Requests go to `{baseUrl}/chat/completions` or
 * `{baseUrl}/completions` (per `config.api`) with the model, the input, the defined generation
 * parameters and `config.extraBody`.
 *
 * Outcomes: 2xx with a choice → ModelResponse; 408, 409, 429, 5xx, connection failures and
 * unparseable bodies → retryable ModelError (with `retryAfterMs` when the server said);
 * other statuses → non-retryable ModelError carrying the server's message. An aborted
 * `request.signal` rejects with the signal's reason, as fetch does.
 */
export function createOpenAIClient(config: ModelConfig, opts: OpenAIClientOptions = {}): ModelClient {
  const apiKey = opts.apiKey || undefined
  const ownAgent = opts.dispatcher
    ? undefined
    : new Agent({
        connections: config.concurrency,
        keepAliveTimeout: 10_000,
        // Backstops only: retry.ts aborts each attempt at timeoutMs. undici's own 300 s defaults
        // would cut off slow generations that the configuration allows.
        headersTimeout: config.timeoutMs + 5_000,
        bodyTimeout: config.timeoutMs + 5_000
      })
  const dispatcher = opts.dispatcher ?? ownAgent!

  const url = new URL(config.baseUrl)
  url.pathname = url.pathname.replace(/\/+$/, '') + endpointPath(config.api)
  const endpoint = url.toString()
  // Shown in messages: no query string, which may carry a key on some gateways.
  const shown = `${url.origin}${url.pathname}`

  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
    'user-agent': 'benchgen-eval',
    ...config.headers
  }
  if (apiKey) headers.authorization = `Bearer ${apiKey}`

  /** Every message passes through here, so a server echoing the key cannot leak it. */
  const redact = (text: string): string => (apiKey ? text.split(apiKey).join('[redacted]') : text)
  const fail = (message: string, init: ConstructorParameters<typeof ModelError>[1]): ModelError =>
    new ModelError(redact(message), init)

  function transportError(error: unknown, signal: AbortSignal | undefined): unknown {
    if (signal?.aborted) return signal.reason
    if (error instanceof ModelError) return error
    const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : undefined
    const detail = (code && CODE_TEXT[code]) || (error instanceof Error && error.message) || String(error)
    return fail(`POST ${shown} failed: ${detail}${code ? ` (${code})` : ''}`, {
      retryable: !(code && PERMANENT_CODES.has(code)),
      cause: error
    })
  }

  function statusError(status: number, body: string, responseHeaders: Record<string, string | string[] | undefined>): ModelError {
    const retryable = status === 408 || status === 409 || status === 429 || status >= 500
    const said = serverErrorMessage(body, redact)
    let hint = ''
    if (status === 401 || status === 403) {
      const name = config.apiKeyEnv ?? DEFAULT_API_KEY_ENV
      // Named only when it is a plausible variable name: a key pasted as apiKeyEnv is not echoed.
      const env = isPlausibleEnvName(name) ? name : 'the environment variable named by apiKeyEnv'
      hint = apiKey ? ` (check the key in ${env})` : ` (no API key was sent: set ${env})`
    } else if (status === 404) {
      hint = ` (check that baseUrl is the API root, usually ending in /v1, and that the server serves "${config.name}")`
    } else if (status >= 300 && status < 400) {
      const location = responseHeaders.location
      hint = ` (redirected${typeof location === 'string' ? ` to ${location}` : ''}; set baseUrl to the final address)`
    }
    const retryAfterMs = retryable ? parseRetryAfter(responseHeaders) : undefined
    return fail(`HTTP ${status} from POST ${shown}${said ? `: ${said}` : ''}${hint}`, {
      retryable,
      status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {})
    })
  }

  async function complete(request: ModelRequest): Promise<ModelResponse> {
    const signal = request.signal
    if (signal?.aborted) throw signal.reason
    const body = JSON.stringify(buildRequestBody(config.api, config.name, request, config.extraBody))

    let response: Dispatcher.ResponseData
    try {
      response = await undiciRequest(endpoint, { method: 'POST', headers, body, dispatcher, ...(signal ? { signal } : {}) })
    } catch (error) {
      throw transportError(error, signal)
    }

    let text: string
    try {
      text = await readBody(response.body)
    } catch (error) {
      throw transportError(error, signal)
    }

    const status = response.statusCode
    if (status < 200 || status >= 300) throw statusError(status, text, response.headers)
    try {
      return parseResponseBody(text, redact)
    } catch (error) {
      if (error instanceof ModelError) throw fail(`${error.message} (POST ${shown})`, { retryable: error.retryable })
      throw error
    }
  }

  let closed = false
  return {
    complete,
    async close() {
      if (closed) return
      closed = true
      await ownAgent?.destroy()
    }
  }
}

async function readBody(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    const buffer = chunk as Buffer
    size += buffer.length
    if (size > MAX_BODY_BYTES) {
      body.destroy()
      throw new ModelError(`response larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB`, { retryable: false })
    }
    chunks.push(buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}
