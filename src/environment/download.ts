/**
 * Downloads pinned by sha256, into a content-addressed cache. Bytes are hashed while they stream
 * to a temporary file beside their final place and only a verified file is renamed into the
 * cache, so a cache entry is either absent or exactly the bytes asked for.
 */
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { getGlobalDispatcher, interceptors, request, type Dispatcher } from 'undici'
import { DownloadError, describeError } from '../errors.js'

/** 1 GiB: larger than any evaluation set we know of, small enough to stop a runaway response. */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 1024 ** 3

export interface FetchOptions {
  /** undici dispatcher (an Agent, a ProxyAgent, a MockAgent); default: undici's global dispatcher. */
  dispatcher?: Dispatcher
  /** Largest response accepted, in bytes. Default 1 GiB. */
  maxBytes?: number
  /** Extra attempts after a network error or a 5xx/408/429 response. Default 3. */
  retries?: number
  /** Wait before the first retry, doubled for each further one. Default 500 ms. */
  retryDelayMs?: number
  /** Request headers, e.g. an Authorization header. Dropped by the redirect handler across origins. */
  headers?: Record<string, string>
}

export interface DownloadOptions extends FetchOptions {
  /** Cache root; verified files live at `${cacheDir}/sha256/<sha256>`. */
  cacheDir: string
}

const SHA256 = /^[0-9a-f]{64}$/

/**
 * The path of a cached file whose bytes have the given sha256, downloading it from `url` when
 * the cache does not already hold it. A cache hit touches no network. Throws DownloadError on
 * a checksum mismatch (nothing is cached then) or when the download fails for good.
 */
export async function downloadVerified(url: string, sha256: string, opts: DownloadOptions): Promise<string> {
  const expected = sha256.toLowerCase()
  if (!SHA256.test(expected)) throw new DownloadError(`Invalid sha256 "${sha256}" for ${displayUrl(url)}: expected 64 hex characters (run \`sha256sum FILE\`)`)
  const dest = join(opts.cacheDir, 'sha256', expected)
  if ((await sha256File(dest)) === expected) return dest

  await mkdir(dirname(dest), { recursive: true })
  const temp = tempPathBeside(dest)
  try {
    const got = await fetchToFile(url, temp, opts)
    if (got.sha256 !== expected) {
      throw new DownloadError(
        [
          `Checksum mismatch for ${displayUrl(url)}:`,
          `  expected sha256 ${expected}`,
          `  actual   sha256 ${got.sha256} (${got.bytes} bytes)`,
          'If the file changed on purpose, update sha256 in the manifest to the actual value;',
          'otherwise the source changed or the download was tampered with: do not trust it.'
        ].join('\n')
      )
    }
    // Same folder, so the rename is atomic: readers see no file or the whole verified file.
    await rename(temp, dest)
    return dest
  } finally {
    await rm(temp, { force: true })
  }
}

/**
 * Download `url` to `dest` (replacing it) with retries and the size cap, and return the sha256
 * and size of what was written. For downloads with no known checksum (GitHub zipballs).
 */
export async function downloadToFile(url: string, dest: string, opts: FetchOptions = {}): Promise<{ sha256: string; bytes: number }> {
  await mkdir(dirname(dest), { recursive: true })
  const temp = tempPathBeside(dest)
  try {
    const got = await fetchToFile(url, temp, opts)
    await rename(temp, dest)
    return got
  } finally {
    await rm(temp, { force: true })
  }
}

/** A small response body in memory (an index file). Same retries as downloads; default cap 16 MiB. */
export async function fetchBytes(url: string, opts: FetchOptions = {}): Promise<Buffer> {
  const maxBytes = opts.maxBytes ?? 16 * 1024 ** 2
  return withRetries(url, opts, async () => {
    const body = await openResponse(url, { ...opts, maxBytes })
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length
      if (size > maxBytes) {
        discard(body)
        throw tooLarge(url, maxBytes)
      }
      chunks.push(chunk)
    }
    return Buffer.concat(chunks)
  })
}

/** sha256 of a file on disk, or undefined when it does not exist. */
export async function sha256File(path: string): Promise<string | undefined> {
  const hash = createHash('sha256')
  try {
    await pipeline(createReadStream(path), hash)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  return hash.digest('hex')
}

async function fetchToFile(url: string, path: string, opts: FetchOptions): Promise<{ sha256: string; bytes: number }> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES
  return withRetries(url, opts, async () => {
    const body = await openResponse(url, { ...opts, maxBytes })
    const hash = createHash('sha256')
    let bytes = 0
    // Count real bytes: Content-Length is optional and can lie.
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length
        if (bytes > maxBytes) return callback(tooLarge(url, maxBytes))
        hash.update(chunk)
        callback(null, chunk)
      }
    })
    // A fresh file per attempt ('w' truncates what a failed attempt left). Opened before the
    // pipeline starts, so a failed pipeline cannot leave a late-opened file behind the caller's cleanup.
    // The stream closes the handle when it finishes or is destroyed.
    const file = await open(path, 'w')
    await pipeline(body, meter, file.createWriteStream())
    return { sha256: hash.digest('hex'), bytes }
  })
}

/** Send the GET (following redirects) and return the body of a 2xx response. */
async function openResponse(url: string, opts: FetchOptions & { maxBytes: number }): Promise<Dispatcher.ResponseData['body']> {
  // GitHub raw and zipball URLs redirect (to codeload / objects.githubusercontent.com).
  const dispatcher = (opts.dispatcher ?? getGlobalDispatcher()).compose(interceptors.redirect({ maxRedirections: 5 }))
  const response = await request(url, {
    method: 'GET',
    dispatcher,
    headers: { 'user-agent': 'benchgen-eval', ...opts.headers }
  })
  if (response.statusCode < 200 || response.statusCode >= 300) {
    const excerpt = await readExcerpt(response.body)
    throw new HttpStatusError(url, response.statusCode, excerpt)
  }
  const declared = Number(response.headers['content-length'])
  if (Number.isFinite(declared) && declared > opts.maxBytes) {
    discard(response.body)
    throw tooLarge(url, opts.maxBytes, declared)
  }
  return response.body
}

/** Drop a response body unread. undici reports a destroyed body as an AbortError: expected here. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => {})
  body.destroy()
}

/** First bytes of an error body (GitHub explains 404s there); the rest is discarded. */
async function readExcerpt(body: Dispatcher.ResponseData['body']): Promise<string> {
  try {
    let text = ''
    for await (const chunk of body as AsyncIterable<Buffer>) {
      text += chunk.toString('utf8')
      if (text.length > 300) break
    }
    discard(body)
    return text.replace(/\s+/g, ' ').trim().slice(0, 200)
  } catch {
    return ''
  }
}

async function withRetries<T>(url: string, opts: FetchOptions, attempt: () => Promise<T>): Promise<T> {
  const retries = opts.retries ?? 3
  const delay = opts.retryDelayMs ?? 500
  for (let n = 0; ; n++) {
    try {
      return await attempt()
    } catch (error) {
      if (error instanceof DownloadError) throw error
      if (!isTransient(error) || n >= retries) throw finalError(url, error, n + 1)
      await sleep(delay * 2 ** n)
    }
  }
}

class HttpStatusError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    readonly excerpt: string
  ) {
    super(`HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`)
  }
}

const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN'])
const FINAL_UNDICI_CODES = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'UND_ERR_ABORTED', 'UND_ERR_INVALID_RETURN_VALUE'])

/** Network trouble and server-side failures are worth another try; 4xx and bad input are not. */
function isTransient(error: unknown): boolean {
  if (error instanceof HttpStatusError) return error.status >= 500 || error.status === 408 || error.status === 429
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code !== 'string') continue
    if (TRANSIENT_CODES.has(code)) return true
    if (code.startsWith('UND_ERR_') && !FINAL_UNDICI_CODES.has(code)) return true
  }
  return false
}

function finalError(url: string, error: unknown, attempts: number): DownloadError {
  const tries = attempts > 1 ? ` after ${attempts} attempts` : ''
  if (error instanceof HttpStatusError) {
    const hint =
      error.status === 401 || error.status === 403 || error.status === 404
        ? ' Check the address; for a private source, pass a token.'
        : error.status >= 300 && error.status < 400
          ? ' Too many redirects, or a redirect without a Location.'
          : ''
    return new DownloadError(`Download of ${displayUrl(url)} failed${tries}: ${error.message}.${hint}`, { cause: error })
  }
  return new DownloadError(`Download of ${displayUrl(url)} failed${tries}: ${describeError(error)}`, { cause: error })
}

function tooLarge(url: string, maxBytes: number, declared?: number): DownloadError {
  const size = declared === undefined ? 'more than' : `${declared} bytes, over`
  return new DownloadError(`Download of ${displayUrl(url)} refused: ${size} the limit of ${maxBytes} bytes`)
}

/** The URL without user:password, for messages and logs. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url)
    parsed.username = ''
    parsed.password = ''
    return parsed.toString()
  } catch {
    return url
  }
}

function tempPathBeside(dest: string): string {
  return join(dirname(dest), `.${process.pid}-${randomBytes(6).toString('hex')}.part`)
}
