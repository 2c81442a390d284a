/**
 * Real fixtures for the environment tests: temporary folders with real files, real zips made
 * with yazl (hostile ones patched byte by byte, since yazl refuses to write them), and a real
 * HTTP server on 127.0.0.1 that counts the requests it serves.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { AddressInfo } from 'node:net'
import yazl from 'yazl'

/** A fresh temporary folder; remove it with `cleanup()`. */
export async function tempDir(prefix = 'benchgen-env-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix))
}

export async function cleanup(...dirs: (string | undefined)[]): Promise<void> {
  for (const dir of dirs) if (dir) await rm(dir, { recursive: true, force: true })
}

/** Write files (path → text or bytes) under `root`, creating folders. */
export async function writeFiles(root: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, ...path.split('/'))
    await mkdir(dirname(full), { recursive: true })
    await writeFile(full, content)
  }
}

/** Every path under `root` (files and folders), sorted, with forward slashes. */
export async function listTree(root: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name
      out.push(rel)
      if (entry.isDirectory()) await walk(join(dir, entry.name), rel)
    }
  }
  await walk(root, '')
  return out.sort()
}

export interface ZipEntry {
  name: string
  data?: string | Buffer
  /** Unix mode including the file type bits, e.g. 0o120777 for a symlink. */
  mode?: number
  directory?: boolean
}

/** A zip built by yazl, in memory. */
export async function makeZip(entries: ZipEntry[]): Promise<Buffer> {
  const zip = new yazl.ZipFile()
  for (const entry of entries) {
    if (entry.directory) zip.addEmptyDirectory(entry.name, entry.mode === undefined ? {} : { mode: entry.mode })
    else zip.addBuffer(Buffer.from(entry.data ?? ''), entry.name, { compress: true, ...(entry.mode === undefined ? {} : { mode: entry.mode }) })
  }
  zip.end()
  const chunks: Buffer[] = []
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk)
  return Buffer.concat(chunks)
}

/**
 * Rename an entry in place by replacing its name bytes (same length) in the local header and the
 * central directory. yazl refuses unsafe names, so hostile zips are made by renaming safe ones.
 */
export function renameEntry(zip: Buffer, from: string, to: string): Buffer {
  if (Buffer.byteLength(from) !== Buffer.byteLength(to)) throw new Error('renameEntry: names must have the same length')
  const out = Buffer.from(zip)
  const needle = Buffer.from(from)
  let found = 0
  for (let at = out.indexOf(needle); at !== -1; at = out.indexOf(needle, at + needle.length)) {
    Buffer.from(to).copy(out, at)
    found++
  }
  if (found < 2) throw new Error(`renameEntry: "${from}" found ${found} times, expected local header and central directory`)
  return out
}

/** Overwrite the declared uncompressed size of every entry (a bundle that lies about its sizes). */
export function lieAboutSizes(zip: Buffer, size: number): Buffer {
  const out = Buffer.from(zip)
  for (let at = 0; at + 4 <= out.length; at++) {
    const signature = out.readUInt32LE(at)
    if (signature === 0x04034b50) out.writeUInt32LE(size, at + 22)
    else if (signature === 0x02014b50) out.writeUInt32LE(size, at + 24)
  }
  return out
}

export interface Route {
  status?: number
  headers?: Record<string, string>
  body?: string | Buffer
  /** Respond from code, e.g. to fail the first attempt only. */
  handle?: (req: IncomingMessage, res: ServerResponse, hit: number) => void
}

export interface TestServer {
  url: string
  /** Requests received per path (query string included). */
  hits: Map<string, number>
  /** Request headers, per path, of the last request. */
  lastHeaders: Map<string, IncomingMessage['headers']>
  routes: Map<string, Route>
  total(): number
  close(): Promise<void>
}

/** An HTTP server on 127.0.0.1 serving `routes` (404 for anything else). */
export async function startServer(routes: Record<string, Route> = {}): Promise<TestServer> {
  const table = new Map(Object.entries(routes))
  const hits = new Map<string, number>()
  const lastHeaders = new Map<string, IncomingMessage['headers']>()
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/'
    const hit = (hits.get(path) ?? 0) + 1
    hits.set(path, hit)
    lastHeaders.set(path, req.headers)
    const route = table.get(path)
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found')
      return
    }
    if (route.handle) return route.handle(req, res, hit)
    res.writeHead(route.status ?? 200, route.headers ?? {}).end(route.body ?? '')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    lastHeaders,
    routes: table,
    total: () => [...hits.values()].reduce((a, b) => a + b, 0),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      })
  }
}

/** A minimal valid manifest; `extra` lines are appended (YAML). */
export function manifestYaml(extra = ''): string {
  return [
    'schemaVersion: 1',
    'name: tiny',
    'version: 1.0.0',
    'license: MIT',
    'dataset:',
    '  path: data/test.jsonl',
    '  fields:',
    '    input: question',
    '    target: answer',
    '    id: id',
    'scoring:',
    '  scorers:',
    '    - type: exact',
    extra
  ].join('\n')
}

/** JSONL text from rows. */
export function jsonl(rows: unknown[]): string {
  return rows.map((row) => JSON.stringify(row)).join('\n') + '\n'
}

export const TINY_ROWS = [
  { id: 'q1', question: 'What is 1+1?', answer: '2' },
  { id: 'q2', question: 'What is 2+2?', answer: '4' },
  { id: 'q3', question: 'What is 3+3?', answer: '6' }
]

/** Write a small valid environment into `root`. */
export async function writeTinyEnv(root: string, overrides: Record<string, string | Buffer> = {}): Promise<void> {
  await writeFiles(root, { 'environment.yaml': manifestYaml(), 'data/test.jsonl': jsonl(TINY_ROWS), 'README.md': '# Tiny\n', ...overrides })
}

/** Where the shared GSM8K test set is (repo/../shared), or undefined when it is absent. */
export const GSM8K_TEST_URL = new URL('../../../shared/datasets/gsm8k/test.jsonl', import.meta.url)
export const GSM8K_TEST_SHA256 = '3730d312f6e3440559ace48831e51066acaca737f6eabec99bccb9e4b3c39d14'
