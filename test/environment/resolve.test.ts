import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Agent } from 'undici'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DownloadError, formatIssue, UnsafeBundleError, ValidationError } from '../../src/errors.js'
import { loadEnvironment, validateEnvironment } from '../../src/environment/load.js'
import { packEnvironment } from '../../src/environment/pack.js'
import { compareVersions, defaultHubDir, parseEnvironmentRef } from '../../src/environment/resolve.js'
import { sha256Hex } from '../../src/environment/hash.js'
import { cleanup, jsonl, makeZip, manifestYaml, renameEntry, startServer, tempDir, TINY_ROWS, writeTinyEnv, type TestServer } from './_helpers.js'

let work: string
let cacheDir: string
let server: TestServer
let dispatcher: Agent

beforeAll(async () => {
  server = await startServer()
  dispatcher = new Agent()
})
afterAll(async () => {
  await dispatcher.close()
  await server.close()
})
const savedTmpdir = process.env.TMPDIR
beforeEach(async () => {
  work = await tempDir()
  cacheDir = await tempDir()
  // Bundles are extracted under os.tmpdir(): point it at a folder the test removes.
  process.env.TMPDIR = await tempDir()
  server.hits.clear()
  server.routes.clear()
})
afterEach(async () => {
  const extracted = process.env.TMPDIR
  if (savedTmpdir === undefined) delete process.env.TMPDIR
  else process.env.TMPDIR = savedTmpdir
  await cleanup(work, cacheDir, extracted)
})

describe('parseEnvironmentRef', () => {
  it.each([
    ['./envs/gsm8k', { kind: 'path', path: './envs/gsm8k' }],
    ['C:\\envs\\gsm8k', { kind: 'path', path: 'C:\\envs\\gsm8k' }],
    ['hub:gsm8k', { kind: 'hub', name: 'gsm8k' }],
    ['hub:gsm8k@1.2.0', { kind: 'hub', name: 'gsm8k', version: '1.2.0' }],
    ['github:acme/evals@main', { kind: 'github', owner: 'acme', repo: 'evals', ref: 'main' }],
    ['github:acme/evals/envs/gsm8k@v1.2.0', { kind: 'github', owner: 'acme', repo: 'evals', path: 'envs/gsm8k', ref: 'v1.2.0' }],
    ['github:acme/evals/gsm8k@feature/new-data', { kind: 'github', owner: 'acme', repo: 'evals', path: 'gsm8k', ref: 'feature/new-data' }]
  ])('%s', (ref, parsed) => {
    expect(parseEnvironmentRef(ref)).toEqual(parsed)
  })

  it.each([
    ['github:acme/evals/gsm8k', 'expected github:OWNER/REPO[/PATH]@REF (the @REF part, a branch, tag or commit, is required) (e.g. github:acme/evals/gsm8k@v1.2.0)'],
    ['github:acme/evals/../secrets@main', 'expected github:OWNER/REPO[/PATH]@REF with a PATH inside the repository'],
    ['hub:GSM8K', 'expected hub:NAME or hub:NAME@VERSION'],
    ['https://example.com/env.zip', '"https:" is not a known prefix']
  ])('rejects %s saying which form was expected', (ref, expected) => {
    let error: unknown
    try {
      parseEnvironmentRef(ref)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ValidationError)
    expect(formatIssue((error as ValidationError).issues[0]!)).toContain(expected)
  })
})

describe('defaultHubDir', () => {
  it('is the environments/ folder of this package', () => {
    expect(defaultHubDir()).toBe(fileURLToPath(new URL('../../environments', import.meta.url)))
  })
})

describe('compareVersions', () => {
  it('orders semantic versions numerically, pre-releases first', () => {
    expect(['1.10.0', '1.2.0', '2.0.0-rc.1', '2.0.0', '1.2.0-alpha'].sort(compareVersions)).toEqual(['1.2.0-alpha', '1.2.0', '1.10.0', '2.0.0-rc.1', '2.0.0'])
  })
})

describe('zip bundles', () => {
  it('loads a .zip path through safe extraction', async () => {
    const zip = join(work, 'tiny.zip')
    await writeFile(zip, await makeZip([{ name: 'tiny/environment.yaml', data: manifestYaml() }, { name: 'tiny/data/test.jsonl', data: jsonl(TINY_ROWS) }]))
    const env = await loadEnvironment(zip, { cacheDir })
    expect(env.source).toEqual({ kind: 'zip', ref: zip })
    expect(env.phases.test).toHaveLength(3)
  })

  it('refuses a hostile .zip with UnsafeBundleError (and validate lists it as an error)', async () => {
    const zip = join(work, 'evil.zip')
    await writeFile(zip, renameEntry(await makeZip([{ name: 'environment.yaml', data: manifestYaml() }, { name: 'XX/evil.txt', data: 'x' }]), 'XX/evil.txt', '../evil.txt'))
    await expect(loadEnvironment(zip, { cacheDir })).rejects.toBeInstanceOf(UnsafeBundleError)
    const result = await validateEnvironment(zip, { cacheDir })
    expect(result.errors.map(formatIssue)).toEqual(['evil.zip: field "../evil.txt" has a ".." segment that would escape the extraction folder'])
    expect(await readdir(work)).toEqual(['evil.zip'])
  })
})

describe('hub: refs', () => {
  let hubDir: string
  beforeEach(async () => {
    hubDir = join(work, 'hub')
    await writeTinyEnv(join(hubDir, 'tiny'))
  })

  it('loads hub:NAME and hub:NAME@VERSION from the hub folder', async () => {
    const env = await loadEnvironment('hub:tiny', { hubDir, cacheDir })
    expect(env.source).toMatchObject({ kind: 'hub', ref: 'hub:tiny' })
    expect(env.root).toBe(join(hubDir, 'tiny'))
    expect((await loadEnvironment('hub:tiny@1.0.0', { hubDir, cacheDir })).hash).toBe(env.hash)
  })

  it('lists the versions there are when the one asked for is not', async () => {
    const result = await validateEnvironment('hub:tiny@2.0.0', { hubDir, cacheDir })
    expect(result.errors.map(formatIssue)).toEqual(['hub environment "tiny" has no version 2.0.0 (available: 1.0.0 (built in); write hub:tiny for the newest)'])
  })

  it('lists the environments there are when the name is unknown', async () => {
    const result = await validateEnvironment('hub:nope', { hubDir, cacheDir })
    expect(result.errors.map(formatIssue)).toEqual([`no environment "nope" in the hub (${hubDir}) (available: tiny)`])
  })

  it('falls back to the hub index: downloads the pinned bundle, verifies and extracts it', async () => {
    const source = join(work, 'src-other')
    await writeTinyEnv(source, { 'environment.yaml': manifestYaml().replace('name: tiny', 'name: other').replace('version: 1.0.0', 'version: 2.0.0') })
    const packed = await packEnvironment(source, join(work, 'other-2.0.0.zip'))
    const bytes = await readFile(packed.file)
    server.routes.set('/hub/bundles/other-2.0.0.zip', { body: bytes })
    server.routes.set('/hub/index.json', {
      body: JSON.stringify({
        environments: [
          { name: 'other', version: '1.5.0', url: 'bundles/other-1.5.0.zip', sha256: '1'.repeat(64) },
          { name: 'other', version: '2.0.0', url: 'bundles/other-2.0.0.zip', sha256: sha256Hex(bytes) }
        ]
      })
    })
    const opts = { hubDir, cacheDir, dispatcher, hubIndexUrl: `${server.url}/hub/index.json` }
    const env = await loadEnvironment('hub:other', opts)
    expect(env.manifest).toMatchObject({ name: 'other', version: '2.0.0' })
    expect(env.source).toEqual({ kind: 'hub', ref: 'hub:other' })
    expect(env.hash).toBe(packed.hash)

    await loadEnvironment('hub:other@2.0.0', opts)
    // The index is read each time; the bundle came from the cache the second time.
    expect(server.hits.get('/hub/index.json')).toBe(2)
    expect(server.hits.get('/hub/bundles/other-2.0.0.zip')).toBe(1)

    const missing = await validateEnvironment('hub:other@3.0.0', opts)
    const index = `${server.url}/hub/index.json`
    expect(missing.errors.map(formatIssue)).toEqual([`hub environment "other" has no version 3.0.0 (available: 1.5.0 (${index}), 2.0.0 (${index}); write hub:other for the newest)`])
  })
})

describe('github: refs', () => {
  const sha = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
  const top = 'acme-evals-a1b2c3d'
  let zipball: Buffer

  beforeAll(async () => {
    zipball = await makeZip([
      { name: `${top}/README.md`, data: '# evals\n' },
      { name: `${top}/envs/tiny/environment.yaml`, data: manifestYaml() },
      { name: `${top}/envs/tiny/data/test.jsonl`, data: jsonl(TINY_ROWS) }
    ])
  })

  function serveZipball(ref: string): void {
    // Like api.github.com: the API redirects to codeload, which serves the archive.
    server.routes.set(`/repos/acme/evals/zipball/${ref}`, { status: 302, headers: { location: `/codeload/acme/evals/legacy.zip/${ref}` } })
    server.routes.set(`/codeload/acme/evals/legacy.zip/${ref}`, { body: zipball, headers: { 'content-type': 'application/zip' } })
  }

  it('fetches the zipball with the token, extracts it safely and opens PATH', async () => {
    serveZipball(sha)
    const opts = { cacheDir, dispatcher, githubApiUrl: server.url, githubToken: 'ghs_test' }
    const env = await loadEnvironment(`github:acme/evals/envs/tiny@${sha}`, opts)
    expect(env.source).toEqual({ kind: 'github', ref: `github:acme/evals/envs/tiny@${sha}`, path: 'envs/tiny' })
    expect(env.phases.test?.map((c) => c.id)).toEqual(['q1', 'q2', 'q3'])
    expect(server.lastHeaders.get(`/repos/acme/evals/zipball/${sha}`)?.authorization).toBe('Bearer ghs_test')

    // A commit sha names fixed content: the cached zipball is reused without a request.
    const again = await loadEnvironment(`github:acme/evals/envs/tiny@${sha}`, opts)
    expect(again.hash).toBe(env.hash)
    expect(server.hits.get(`/repos/acme/evals/zipball/${sha}`)).toBe(1)
  })

  it('fetches a branch again each time (branches move)', async () => {
    serveZipball('main')
    const opts = { cacheDir, dispatcher, githubApiUrl: server.url }
    await loadEnvironment('github:acme/evals/envs/tiny@main', opts)
    await loadEnvironment('github:acme/evals/envs/tiny@main', opts)
    expect(server.hits.get('/repos/acme/evals/zipball/main')).toBe(2)
    expect(server.lastHeaders.get('/repos/acme/evals/zipball/main')?.authorization).toBeUndefined()
  })

  it('says when PATH is not in the repository', async () => {
    serveZipball(sha)
    const result = await validateEnvironment(`github:acme/evals/envs/nope@${sha}`, { cacheDir, dispatcher, githubApiUrl: server.url })
    expect(result.errors.map(formatIssue)).toEqual([`acme/evals@${sha} has no folder "envs/nope" (PATH in github:OWNER/REPO/PATH@REF is the environment folder inside the repository)`])
  })

  it('explains a 404 (wrong ref, or a private repository without a token)', async () => {
    const error = await loadEnvironment('github:acme/private@main', { cacheDir, dispatcher, githubApiUrl: server.url }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DownloadError)
    expect((error as Error).message).toMatch(/^Could not fetch github:acme\/private@main: Download of .* failed: HTTP 404/)
    expect((error as Error).message).toContain('a private repository needs a token (GITHUB_TOKEN)')
  })
})
