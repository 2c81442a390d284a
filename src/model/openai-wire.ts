/**
 * The OpenAI wire format: request bodies for /chat/completions and /completions, and reading
 * their answers and error bodies. Pure functions; the transport lives in openai.ts.
 */
import { ModelError } from '../errors.js'
import type { ModelRequest, ModelResponse, Usage } from './types.js'

export type ApiKind = 'chat' | 'completions'

/** Path appended to the base URL for each API. */
export function endpointPath(api: ApiKind): string {
  return api === 'chat' ? '/chat/completions' : '/completions'
}

/**
 * The JSON body for one request. `extraBody` goes first so the model, the input and the
 * environment's generation parameters always win; undefined parameters are omitted because some
 * servers reject explicit nulls. A chat request given only a prompt sends it as one user message.
 *
 * @throws ModelError (not retryable) when the request has no input for the API.
 */
export function buildRequestBody(
  api: ApiKind,
  model: string,
  request: Pick<ModelRequest, 'messages' | 'prompt' | 'params'>,
  extraBody: Record<string, unknown> = {}
): Record<string, unknown> {
  const params = Object.fromEntries(Object.entries(request.params ?? {}).filter(([, value]) => value !== undefined))
  if (api === 'chat') {
    const messages = request.messages ?? (request.prompt !== undefined ? [{ role: 'user', content: request.prompt }] : undefined)
    if (!messages) throw new ModelError('a chat request needs messages (or a prompt)', { retryable: false })
    return { ...extraBody, model, messages, ...params }
  }
  if (request.prompt === undefined) {
    throw new ModelError('the completions API needs a prompt string, but the request carries only messages; use api: chat', { retryable: false })
  }
  return { ...extraBody, model, prompt: request.prompt, ...params }
}

/** Cut text to `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Removes secrets (the API key) from text; applied to whole texts, before any cut. */
export type Redact = (text: string) => string

const keep: Redact = (text) => text

function unparseable(detail: string, body: string, redact: Redact): ModelError {
  // Redact before cutting: a key straddling the cut would no longer match as a whole.
  const shown = truncate(redact(body).replace(/\s+/g, ' ').trim(), 200)
  return new ModelError(`unparseable response: ${detail}${shown ? `; body: ${shown}` : ''}`, { retryable: true })
}

/** Message content may be a string, null (tool calls, refusals) or a list of parts. */
function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content
  if (Array.isArray(content)) {
    return content.map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : '')).join('')
  }
  return undefined
}

function readUsage(usage: unknown): Usage | undefined {
  if (!isRecord(usage)) return undefined
  const prompt = usage.prompt_tokens
  const completion = usage.completion_tokens
  if (typeof prompt !== 'number' && typeof completion !== 'number') return undefined
  return {
    promptTokens: typeof prompt === 'number' && Number.isFinite(prompt) ? prompt : 0,
    completionTokens: typeof completion === 'number' && Number.isFinite(completion) ? completion : 0
  }
}

/**
 * Read a 2xx body. A body that is not JSON, is cut short or has no choices is a server hiccup
 * (proxies do this under load), so the error is retryable. `redact` is applied to the server's
 * text before it is cut for the message.
 */
export function parseResponseBody(body: string, redact: Redact = keep): ModelResponse {
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    throw unparseable(body.trim() ? 'invalid or truncated JSON' : 'empty body', body, redact)
  }
  if (!isRecord(json)) throw unparseable('expected a JSON object', body, redact)
  const choice = Array.isArray(json.choices) ? json.choices[0] : undefined
  if (!isRecord(choice)) {
    // Some gateways answer 200 with an error object instead of a status code.
    const said = errorMessageOf(json)
    const server = said === undefined ? undefined : redact(said)
    throw unparseable(server ? `no choices (server said: ${truncate(server, 200)})` : 'no choices', server ? '' : body, redact)
  }
  const message = isRecord(choice.message) ? choice.message : undefined
  const text = contentText(message?.content) ?? (typeof choice.text === 'string' ? choice.text : '')
  const response: ModelResponse = { text }
  if (typeof choice.finish_reason === 'string') response.finishReason = choice.finish_reason
  const usage = readUsage(json.usage)
  if (usage) response.usage = usage
  if (typeof json.model === 'string') response.model = json.model
  return response
}

function errorMessageOf(json: Record<string, unknown>): string | undefined {
  const error = json.error
  if (isRecord(error) && typeof error.message === 'string') return error.message
  if (typeof error === 'string') return error
  if (typeof json.message === 'string') return json.message
  // FastAPI servers (vLLM, SGLang) answer validation errors with `detail`.
  if (typeof json.detail === 'string') return json.detail
  if (Array.isArray(json.detail)) {
    return json.detail.map((d) => (isRecord(d) && typeof d.msg === 'string' ? d.msg : JSON.stringify(d))).join('; ')
  }
  return undefined
}

/**
 * The server's own explanation from an error body, on one line, cut to ~300 characters.
 * `redact` is applied to the whole text before it is cut.
 */
export function serverErrorMessage(body: string, redact: Redact = keep): string {
  let message: string | undefined
  try {
    const json: unknown = JSON.parse(body)
    if (isRecord(json)) message = errorMessageOf(json)
  } catch {
    // Not JSON: an HTML error page or plain text; show it as is.
  }
  return truncate(redact(message ?? body).replace(/\s+/g, ' ').trim(), 300)
}
