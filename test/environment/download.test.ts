import { existsSync } from 'node:fs'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Agent } from 'undici'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DownloadError } from '../../src/errors.js'
import { downloadToFile, downloadVerified, fetchBytes, sha256File } from '../../src/environment/download.js'
import { sha256Hex } from '../../src/environment/hash.js'
import { cleanup, GSM8K_TEST_SHA256, GSM8K_TEST_URL, startServer, tempDir, type TestServer } from './_helpers.js'

const gsm8kPresent = existsSync(GSM8K_TEST_URL)

let server: TestServer
let dispatcher: Agent
let cacheDir: string

beforeAll(async () => {
  server = await startServer()
  dispatcher = new Agent()
})
afterAll(async () => {
  await dispatcher.close()
  await server.close()
})
beforeEach(async () => {
  cacheDir = await tempDir()
  server.hits.clear()
  server.routes.clear()
})
afterEach(async () => {
  await cleanup(cacheDir)
})

describe.skipIf(!gsm8kPresent)(`downloadVerified: GSM8K test set (needs ${fileURLToPath(GSM8K_TEST_URL)})`, () => {
  let gsm8k: Buffer
  beforeAll(async () => {
    gsm8k = await readFile(GSM8K_TEST_URL)
  })

  it('downloads, verifies sha256 and stores the file under sha256/<hash>', async () => {
    server.routes.set('/gsm8k/test.jsonl', { body: gsm8k })
    const path = await downloadVerified(`${server.url}/gsm8k/test.jsonl`, GSM8K_TEST_SHA256, { cacheDir, dispatcher })
    expect(path).toBe(join(cacheDir, 'sha256', GSM8K_TEST_SHA256))
    expect(await sha256File(path)).toBe(GSM8K_TEST_SHA256)
    expect((await readFile(path)).length).toBe(749738)
    // Only the verified file: no temporary files left beside it.
    expect(await readdir(join(cacheDir, 'sha256'))).toEqual([GSM8K_TEST_SHA256])
  })

  it('serves a second request from the cache without touching the network', async () => {
    server.routes.set('/gsm8k/test.jsonl', { body: gsm8k })
    const url = `${server.url}/gsm8k/test.jsonl`
    await downloadVerified(url, GSM8K_TEST_SHA256, { cacheDir, dispatcher })
    await downloadVerified(url, GSM8K_TEST_SHA256, { cacheDir, dispatcher })
    expect(server.total()).toBe(1)
  })

  it('replaces a corrupted cache entry', async () => {
    server.routes.set('/gsm8k/test.jsonl', { body: gsm8k })
    const url = `${server.url}/gsm8k/test.jsonl`
    const path = await downloadVerified(url, GSM8K_TEST_SHA256, { cacheDir, dispatcher })
    await writeFile(path, 'tampered')
    await downloadVerified(url, GSM8K_TEST_SHA256, { cacheDir, dispatcher })
    expect(server.total()).toBe(2)
    expect(await sha256File(path)).toBe(GSM8K_TEST_SHA256)
  })

  it('follows redirects (as GitHub raw URLs do)', async () => {
    server.routes.set('/raw/test.jsonl', { status: 302, headers: { location: '/gsm8k/test.jsonl' } })
    server.routes.set('/gsm8k/test.jsonl', { body: gsm8k })
    const path = await downloadVerified(`${server.url}/raw/test.jsonl`, GSM8K_TEST_SHA256, { cacheDir, dispatcher })
    expect(await sha256File(path)).toBe(GSM8K_TEST_SHA256)
  })

  it('refuses bytes that do not match, names both hashes and caches nothing', async () => {
    const edited = Buffer.concat([gsm8k, Buffer.from('{"question": "extra", "answer": "#### 1"}\n')])
    server.routes.set('/gsm8k/test.jsonl', { body: edited })
    const url = `${server.url}/gsm8k/test.jsonl`
    const error = await downloadVerified(url, GSM8K_TEST_SHA256, { cacheDir, dispatcher }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DownloadError)
    const message = (error as Error).message
    expect(message).toContain(`Checksum mismatch for ${url}`)
    expect(message).toContain(`expected sha256 ${GSM8K_TEST_SHA256}`)
    expect(message).toContain(`actual   sha256 ${sha256Hex(edited)}`)
    expect(message).toContain('update sha256 in the manifest')
    expect(await readdir(join(cacheDir, 'sha256'))).toEqual([])
  })
})

describe('downloads: failures and retries', () => {
  const fast = { retryDelayMs: 1 }

  it('retries a 5xx and succeeds', async () => {
    server.routes.set('/flaky', {
      handle: (_req, res, hit) => {
        if (hit < 3) res.writeHead(503).end('busy')
        else res.writeHead(200).end('payload')
      }
    })
    const path = await downloadVerified(`${server.url}/flaky`, sha256Hex('payload'), { cacheDir, dispatcher, ...fast })
    expect(await readFile(path, 'utf8')).toBe('payload')
    expect(server.hits.get('/flaky')).toBe(3)
  })

  it('gives up after the retries with the last status', async () => {
    server.routes.set('/down', { status: 500, body: 'boom' })
    const error = await downloadVerified(`${server.url}/down`, sha256Hex('x'), { cacheDir, dispatcher, retries: 2, ...fast }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DownloadError)
    expect((error as Error).message).toBe(`Download of ${server.url}/down failed after 3 attempts: HTTP 500: boom.`)
    expect(server.hits.get('/down')).toBe(3)
  })

  it('does not retry a 4xx', async () => {
    const error = await downloadVerified(`${server.url}/missing`, sha256Hex('x'), { cacheDir, dispatcher, ...fast }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DownloadError)
    expect((error as Error).message).toContain('HTTP 404')
    expect(server.hits.get('/missing')).toBe(1)
  })

  it('retries a connection that drops mid-body', async () => {
    server.routes.set('/drop', {
      handle: (_req, res, hit) => {
        if (hit === 1) {
          res.writeHead(200, { 'content-length': '100' })
          res.write('partial')
          res.destroy()
        } else {
          res.writeHead(200).end('complete')
        }
      }
    })
    const path = await downloadVerified(`${server.url}/drop`, sha256Hex('complete'), { cacheDir, dispatcher, ...fast })
    expect(await readFile(path, 'utf8')).toBe('complete')
    expect(server.hits.get('/drop')).toBe(2)
  })

  it('enforces maxBytes on the declared and on the real size', async () => {
    server.routes.set('/big', { headers: { 'content-length': '4096' }, body: Buffer.alloc(4096) })
    const declared = await downloadVerified(`${server.url}/big`, sha256Hex(Buffer.alloc(4096)), { cacheDir, dispatcher, maxBytes: 1024 }).catch((e: unknown) => e)
    expect((declared as Error).message).toContain('4096 bytes, over the limit of 1024 bytes')
    server.routes.set('/chunked', {
      handle: (_req, res) => {
        res.writeHead(200) // no content-length: chunked
        res.write(Buffer.alloc(800))
        res.end(Buffer.alloc(800))
      }
    })
    const real = await downloadVerified(`${server.url}/chunked`, sha256Hex(Buffer.alloc(1600)), { cacheDir, dispatcher, maxBytes: 1024 }).catch((e: unknown) => e)
    expect(real).toBeInstanceOf(DownloadError)
    expect((real as Error).message).toContain('more than the limit of 1024 bytes')
    expect(await readdir(join(cacheDir, 'sha256'))).toEqual([])
  })

  it('rejects a malformed sha256 before any request', async () => {
    await expect(downloadVerified(`${server.url}/x`, 'abc', { cacheDir, dispatcher })).rejects.toThrow(/Invalid sha256 "abc"/)
    expect(server.total()).toBe(0)
  })

  it('downloadToFile sends headers and reports the sha256; fetchBytes reads small bodies', async () => {
    server.routes.set('/file', { body: 'hello' })
    const dest = join(cacheDir, 'nested', 'file.bin')
    const got = await downloadToFile(`${server.url}/file`, dest, { dispatcher, headers: { authorization: 'Bearer t0k' } })
    expect(got).toEqual({ sha256: sha256Hex('hello'), bytes: 5 })
    expect(server.lastHeaders.get('/file')?.authorization).toBe('Bearer t0k')
    expect((await fetchBytes(`${server.url}/file`, { dispatcher })).toString()).toBe('hello')
  })
})
