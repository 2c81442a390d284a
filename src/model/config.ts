/**
 * Model configuration: the single source of truth for model files (`model.yaml`), `--model` specs
 * and what run.json records about a model. Types are inferred from the schema.
 *
 * Secrets never live in a configuration: `apiKeyEnv` names the environment variable that holds
 * the key, and headers that look like credentials are rejected, so a model file can be committed
 * and a configuration can be logged.
 */
import { readFile as fsReadFile } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { resolve } from 'node:path'
import { z } from 'zod'
import { LineCounter, parseDocument, type Document } from 'yaml'
import { ValidationError, type Issue } from '../errors.js'
import { PRESETS, isPresetName } from './presets.js'

/** Used when neither the model file nor a preset names the key's environment variable. */
export const DEFAULT_API_KEY_ENV = 'BENCHGEN_API_KEY'

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
/** Prefixes of common providers' keys (OpenAI, Anthropic, Groq, Hugging Face, GitHub, Google, …). */
const KEY_PREFIX = /^(sk[-_]|gsk_|hf_|gh[pousr]_|github_pat_|xai-|pplx-|nvapi-|r8_|glpat-|AIza)/
/** Longer than any sensible variable name. */
const MAX_ENV_NAME_LENGTH = 64

/**
 * Whether `value` looks like an API key rather than the NAME of an environment variable. Simple
 * and deliberately cautious rules:
 * - it starts with a known key prefix (`sk-`, `sk_`, `gsk_`, `hf_`, `ghp_`, `github_pat_`,
 *   `AIza`, …) and is at least 20 characters long (so a name like `hf_token` is still allowed);
 * - or it is longer than 64 characters;
 * - or it is at least 24 characters long, mixes lowercase, uppercase and digits and has no `_`
 *   (variable names of that length are separated by underscores; random tokens are not).
 */
export function looksLikeApiKey(value: string): boolean {
  if (value.length > MAX_ENV_NAME_LENGTH) return true
  if (KEY_PREFIX.test(value) && value.length >= 20) return true
  return value.length >= 24 && !value.includes('_') && /[a-z]/.test(value) && /[A-Z]/.test(value) && /\d/.test(value)
}

/** Whether `value` may be shown as the name of an environment variable: a valid name, not a key. */
export function isPlausibleEnvName(value: string): boolean {
  return ENV_NAME.test(value) && !looksLikeApiKey(value)
}

/** Issue texts for apiKeyEnv; neither echoes the value, which may be a key. */
const API_KEY_ENV_IS_KEY =
  'looks like an API key, not the NAME of an environment variable; put the key in an environment variable and give its name here (e.g. OPENAI_API_KEY)'
const API_KEY_ENV_BAD_NAME = 'must be the NAME of an environment variable (e.g. OPENAI_API_KEY), never the key itself'
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/** Header names that carry credentials; their values would end up committed or logged. */
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie)$|api-?key|token|secret|password/i

function tryUrl(value: string): URL | undefined {
  try {
    return new URL(value)
  } catch {
    return undefined
  }
}

const BaseUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL such as http://127.0.0.1:8000/v1' })
  .refine((value) => {
    const url = tryUrl(value)
    return !url || (!url.username && !url.password)
  }, 'must not contain credentials; put the key in the environment variable named by apiKeyEnv')
  .refine((value) => !tryUrl(value)?.hash, 'must not contain "#"; put the model id in "name"')
  // A pasted endpoint would become .../chat/completions/chat/completions and 404 on every case.
  .refine(
    (value) => !/\/(chat\/)?completions\/*$/.test(tryUrl(value)?.pathname ?? ''),
    'is the API root (e.g. http://127.0.0.1:8000/v1), not an endpoint: remove the trailing /chat/completions or /completions'
  )
  .describe('API root the endpoints hang off, usually ending in /v1')

/** USD per million tokens, as providers publish them. */
export const Pricing = z
  .object({
    inputPerMTok: z.number().min(0).describe('USD per million prompt tokens'),
    outputPerMTok: z.number().min(0).describe('USD per million completion tokens')
  })
  .strict()

const Headers = z
  .record(z.string(), z.string())
  .superRefine((headers, ctx) => {
    for (const name of Object.keys(headers)) {
      if (!HEADER_NAME.test(name)) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'is not a valid HTTP header name' })
      } else if (SECRET_HEADER.test(name)) {
        // The value is deliberately not echoed: it is probably a key.
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'looks like a credential; secrets come only from environment variables (set apiKeyEnv)'
        })
      }
    }
  })
  .describe('Extra request headers (no secrets)')

export const ModelConfig = z
  .object({
    /** Model id sent to the server in the request body. */
    name: z.string().min(1, 'must name the model, e.g. Qwen/Qwen2.5-7B-Instruct').describe('Model id sent to the server'),
    /** API root, e.g. `http://127.0.0.1:8000/v1`; `/chat/completions` or `/completions` is appended. */
    baseUrl: BaseUrl,
    /** `chat` posts messages to /chat/completions; `completions` posts a prompt to /completions. Default `chat`. */
    api: z.enum(['chat', 'completions']).default('chat'),
    /** NAME of the environment variable holding the key. parseModelSpec fills in BENCHGEN_API_KEY. */
    apiKeyEnv: z
      .string()
      // A pasted key gets its own message and stops there; neither message echoes the value.
      .refine((value) => !looksLikeApiKey(value), { message: API_KEY_ENV_IS_KEY, abort: true })
      .regex(ENV_NAME, API_KEY_ENV_BAD_NAME)
      .optional()
      .describe('Name of the environment variable holding the API key'),
    /** Extra request headers, e.g. OpenRouter's `HTTP-Referer`. Credential-like names are rejected. */
    headers: Headers.optional(),
    /** Prices used for the cost column; without them cost is unknown (null), not zero. */
    pricing: Pricing.optional(),
    /** Per-attempt timeout in milliseconds. Default 60000. */
    timeoutMs: z.number().int().positive().default(60_000),
    /** Retries after the first attempt for retryable failures (429, 5xx, resets, timeouts). Default 4. */
    maxRetries: z.number().int().min(0).max(20).default(4),
    /** Requests in flight at once, and the size of the connection pool. Default 8. */
    concurrency: z.number().int().min(1).max(1024).default(8),
    /**
     * Server-specific fields merged into every request body (e.g. vLLM's `top_k`,
     * `chat_template_kwargs`). The model, messages/prompt and the environment's generation
     * parameters take precedence over these.
     */
    extraBody: z.record(z.string(), z.unknown()).optional().describe('Fields merged into every request body')
  })
  .strict()

export type ModelConfig = z.output<typeof ModelConfig>
/** What a model file may contain: defaults not yet applied. */
export type ModelConfigInput = z.input<typeof ModelConfig>
export type Pricing = z.infer<typeof Pricing>

/** One line describing every accepted `--model` spec, for errors and help text. */
export const MODEL_SPEC_FORMS =
  `Accepted model specs: PRESET:MODEL (presets: ${Object.keys(PRESETS).join(', ')}; e.g. ollama:llama3.2:3b), ` +
  'URL#MODEL (e.g. http://127.0.0.1:8000/v1#Qwen/Qwen2.5-7B-Instruct), a base URL with the model name given separately, ' +
  'or a path to a .yaml, .yml or .json model file.'

const MODEL_FILE = /\.(ya?ml|json)$/i

/** Reads a model file as UTF-8 text; injectable so parsing is testable without a file system. */
export type ReadTextFile = (path: string) => Promise<string>

const readUtf8: ReadTextFile = (path) => fsReadFile(path, 'utf8')

export interface ModelSpecOptions {
  /** Folder relative model-file paths are resolved against. Default: the process's working directory. */
  cwd?: string
  /** Default: node:fs readFile as UTF-8. */
  readFile?: ReadTextFile
}

/**
 * Turn a `--model` spec into a validated configuration.
 *
 * - `PRESET:MODEL`: a known server (see PRESETS); the model is everything after the first colon,
 *   so Ollama tags such as `ollama:llama3.2:3b` work.
 * - `URL#MODEL`, or a URL with `overrides.name`.
 * - A path ending in `.yaml`, `.yml` or `.json`: a model file validated by ModelConfig; problems
 *   name the file, the field and (for YAML) the line.
 *
 * The third argument is a file reader, or `{cwd, readFile}` for relative paths and tests.
 * `overrides` (e.g. from CLI flags) win over what the spec gives; undefined fields are ignored.
 * apiKeyEnv defaults to the preset's variable, else BENCHGEN_API_KEY. A trailing `/` on baseUrl is
 * removed so equivalent specs give the same modelKey.
 *
 * @throws ValidationError listing the accepted forms when the spec is not one of them, or the
 *   schema's problems when it is but the configuration is invalid.
 */
export async function parseModelSpec(
  spec: string,
  overrides: Partial<ModelConfig> = {},
  readFile: ReadTextFile | ModelSpecOptions = {}
): Promise<ModelConfig> {
  const options = typeof readFile === 'function' ? { readFile } : readFile
  const trimmed = spec.trim()
  const given = withoutUndefined(overrides)
  if (/^https?:\/\//i.test(trimmed)) return fromUrl(trimmed, given)
  const prefixed = /^([a-z][a-z0-9]*):(.*)$/is.exec(trimmed)
  const preset = prefixed?.[1]?.toLowerCase()
  if (preset !== undefined && isPresetName(preset)) return fromPreset(preset, prefixed?.[2] ?? '', given)
  if (MODEL_FILE.test(trimmed)) {
    const read = options.readFile ?? readUtf8
    return fromFile(trimmed, given, (path) => read(options.cwd ? resolve(options.cwd, path) : path))
  }
  // One letter is a Windows drive, not a misspelt preset.
  const reason = !trimmed ? 'it is empty' : preset && preset.length > 1 ? `"${prefixed?.[1]}" is not a known preset` : 'it is not a preset, a URL or a model file'
  throw badSpec(spec, reason)
}

/** The spec as it may be shown: URLs lose credentials and query strings, long specs are cut. */
function showSpec(spec: string): string {
  const trimmed = spec.trim()
  const url = /^https?:\/\//i.test(trimmed) ? tryUrl(trimmed) : undefined
  const shown = url ? `${url.origin}${url.pathname}${url.hash}` : trimmed
  return shown.length > 100 ? `${shown.slice(0, 100)}…` : shown
}

/** A spec that is none of the accepted forms, or is missing its model: the forms are the fix. */
function badSpec(spec: string, reason: string, field = 'model'): ValidationError {
  return new ValidationError([{ field, message: MODEL_SPEC_FORMS }], `Cannot use model spec "${showSpec(spec)}": ${reason}.`)
}

function fromPreset(preset: keyof typeof PRESETS, model: string, overrides: Partial<ModelConfig>): ModelConfig {
  const name = model.trim()
  if (!name && !overrides.name) throw badSpec(`${preset}:`, `"${preset}:" needs a model after the colon, e.g. ${preset}:MODEL`)
  const { baseUrl, apiKeyEnv } = PRESETS[preset] as { baseUrl: string; apiKeyEnv?: string }
  return validate({ name, baseUrl, apiKeyEnv: apiKeyEnv ?? DEFAULT_API_KEY_ENV, ...overrides }, { source: `${preset}:${name}` })
}

function fromUrl(spec: string, overrides: Partial<ModelConfig>): ModelConfig {
  const hash = spec.indexOf('#')
  const baseUrl = hash === -1 ? spec : spec.slice(0, hash)
  const name = hash === -1 ? '' : spec.slice(hash + 1).trim()
  if (!name && !overrides.name) {
    throw badSpec(spec, 'the URL names no model; append #MODEL (e.g. http://127.0.0.1:8000/v1#Qwen/Qwen2.5-7B-Instruct) or give the model name separately', 'name')
  }
  return validate({ name, baseUrl, apiKeyEnv: DEFAULT_API_KEY_ENV, ...overrides }, { source: showSpec(spec) })
}

async function fromFile(path: string, overrides: Partial<ModelConfig>, readFile: ReadTextFile): Promise<ModelConfig> {
  let text: string
  try {
    text = await readFile(path)
  } catch (error) {
    const code = (error as { code?: unknown }).code
    const message = code === 'ENOENT' ? 'model file not found' : `cannot read model file (${typeof code === 'string' ? code : String(error)})`
    throw new ValidationError([{ file: path, message }], undefined, { cause: error })
  }

  let data: unknown
  let doc: Document | undefined
  const lines = new LineCounter()
  if (/\.json$/i.test(path)) {
    try {
      data = JSON.parse(text.replace(/^\uFEFF/, ''))
    } catch (error) {
      throw new ValidationError([{ file: path, message: `invalid JSON: ${(error as Error).message}` }], undefined, { cause: error })
    }
  } else {
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: false })
    const problem = doc.errors[0]
    if (problem) {
      throw new ValidationError([{ file: path, line: lines.linePos(problem.pos[0]).line, message: `invalid YAML: ${problem.message.split('\n')[0]}` }])
    }
    data = doc.toJS()
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ValidationError([{ file: path, message: 'must be a mapping of fields (name, baseUrl, …)' }])
  }

  // `$schema` lets editors validate the file; it is not part of the configuration.
  const { $schema: _schema, ...fields } = data as Record<string, unknown>
  const merged = { ...fields, ...overrides }
  merged.apiKeyEnv ??= DEFAULT_API_KEY_ENV
  const lineOf = (path: PropertyKey[]): number | undefined => {
    const node = doc?.getIn(path.map(String), true) as { range?: [number, number, number] } | undefined
    return node?.range ? lines.linePos(node.range[0]).line : undefined
  }
  return validate(merged, { source: path, file: path, lineOf, overridden: new Set(Object.keys(overrides)) })
}

interface ValidateContext {
  /** What the configuration came from, for the summary line. */
  source: string
  file?: string
  lineOf?: (path: PropertyKey[]) => number | undefined
  /** Top-level fields that came from overrides rather than the file. */
  overridden?: Set<string>
}

function validate(input: Record<string, unknown>, context: ValidateContext): ModelConfig {
  const result = ModelConfig.safeParse(input)
  if (!result.success) {
    throw new ValidationError(result.error.issues.flatMap((issue) => toIssues(issue, context)), `Invalid model configuration in ${context.source}:`)
  }
  const config = result.data
  return { ...config, baseUrl: config.baseUrl.replace(/\/+$/, '') }
}

const KNOWN_FIELDS = Object.keys(ModelConfig.shape).join(', ')

function toIssues(issue: z.core.$ZodIssue, context: ValidateContext): Issue[] {
  const where = (path: PropertyKey[]): Pick<Issue, 'file' | 'line' | 'field'> => {
    const fromOverride = context.overridden?.has(String(path[0]))
    const file = fromOverride ? undefined : context.file
    const line = fromOverride ? undefined : context.lineOf?.(path)
    return {
      ...(file !== undefined ? { file } : {}),
      ...(line !== undefined ? { line } : {}),
      ...(path.length ? { field: path.map(String).join('.') } : {})
    }
  }
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      ...where([...issue.path, key]),
      message: 'is not a known field',
      ...(issue.path.length === 0 ? { hint: `known fields: ${KNOWN_FIELDS}` } : {})
    }))
  }
  return [{ ...where(issue.path), message: issue.message }]
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

/**
 * The API key for a configuration, read from the environment variable it names; undefined when
 * the variable is unset or empty (local servers need no key).
 */
export function resolveApiKey(config: Pick<ModelConfig, 'apiKeyEnv'>, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = config.apiKeyEnv ? env[config.apiKeyEnv]?.trim() : undefined
  return value ? value : undefined
}

const MAX_KEY_LENGTH = 120

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-') // `--` would end an HTML comment marker early
    .replace(/^[-.]+|[-.]+$/g, '')
}

/**
 * A stable key naming a model configuration, used to pair runs with baselines and in comment
 * markers and file names: `<model>@<host>[-<port>][-<path>]`, lowercased, e.g.
 * `qwen-qwen2.5-7b@127.0.0.1-8000`. A final `/v1` (or `/vN`) path segment is dropped, as is
 * everything that can hold a secret (credentials, query, headers). Only `[a-z0-9._@-]` appear, never
 * `--`; keys longer than 120 characters are cut and suffixed with a hash of the full key.
 */
export function modelKey(config: Pick<ModelConfig, 'name' | 'baseUrl'>): string {
  const url = new URL(config.baseUrl)
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/:/g, '_')
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v\d+$/i, '')
  const where = slug([host, url.port, path].filter(Boolean).join('-'))
  const key = `${slug(config.name) || 'model'}@${where}`
  if (key.length <= MAX_KEY_LENGTH) return key
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 8)
  return `${key.slice(0, MAX_KEY_LENGTH - 9).replace(/[-.]+$/, '')}-${digest}`
}

/** What run.json may record about a model: never a key, a header value or a URL's query. */
export interface PublicModelInfo {
  key: string
  name: string
  /** origin + path only: credentials and query strings are dropped. */
  baseUrl: string
  api: 'chat' | 'completions'
  /** The variable's name (not its value), so a reader knows which key was used. */
  apiKeyEnv?: string
  /** Names of extra headers; their values are not recorded. */
  headerNames?: string[]
  pricing?: Pricing
  /** Recorded because it changes results (e.g. `chat_template_kwargs`). */
  extraBody?: Record<string, unknown>
}

/** The parts of a configuration safe to write to run.json and to show in reports. */
export function publicModelInfo(config: ModelConfig): PublicModelInfo {
  const url = new URL(config.baseUrl)
  return {
    key: modelKey(config),
    name: config.name,
    baseUrl: `${url.origin}${url.pathname.replace(/\/+$/, '')}`,
    api: config.api,
    ...(config.apiKeyEnv && isPlausibleEnvName(config.apiKeyEnv) ? { apiKeyEnv: config.apiKeyEnv } : {}),
    ...(config.headers ? { headerNames: Object.keys(config.headers) } : {}),
    ...(config.pricing ? { pricing: { ...config.pricing } } : {}),
    ...(config.extraBody ? { extraBody: structuredClone(config.extraBody) } : {})
  }
}
