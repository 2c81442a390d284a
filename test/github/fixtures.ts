/** Typed fixtures for the GitHub layer's tests: run folders, case records, an Octokit for the local server. */
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect } from 'vitest'
import { createOctokit, type Octokit } from '../../src/github/octokit.js'
import { startGitHubApiServer, type GitHubApiServer } from '../helpers/github-api-server.js'
import type { CaseRecord } from '../../src/run/record.js'
import type { RunInfo } from '../../src/run/run-info.js'

export const HASH = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90'
export const MODEL = 'llama3.2-3b@127.0.0.1-11434'
export const REPO = { owner: 'octo', repo: 'demo' }

/**
 * A fresh local GitHub API server for each test of the calling suite; after each test, every
 * endpoint the code called must be one the server implements (as GitHub does).
 */
export function useGitHubApiServer(): () => GitHubApiServer {
  let server: GitHubApiServer | undefined
  beforeEach(async () => {
    server = await startGitHubApiServer()
  })
  afterEach(async () => {
    await server?.close()
    expect(server?.requests.filter((r) => r.unhandled)).toEqual([])
  })
  return () => {
    if (!server) throw new Error('the GitHub API server starts in beforeEach')
    return server
  }
}

export function octokitFor(url: string, token = 'test-token'): Octokit {
  return createOctokit(token, url)
}

export function caseRecord(overrides: Partial<CaseRecord> = {}): CaseRecord {
  return {
    id: 'q0001',
    phase: 'test',
    index: 0,
    tags: [],
    input: 'What is 2 + 2?',
    target: '4',
    metadata: {},
    source: { file: 'data/test.jsonl', line: 1 },
    response: 'Answer: 5',
    extracted: '5',
    scores: { exact: { value: 0, passed: false, extracted: '5', reason: 'expected 4' } },
    score: 0,
    status: 'fail',
    error: null,
    attempts: 1,
    latencyMs: 12,
    usage: { promptTokens: 10, completionTokens: 3 },
    costUsd: null,
    startedAt: '2025-01-01T00:00:00.000Z',
    endedAt: '2025-01-01T00:00:01.000Z',
    ...overrides
  }
}

export function runInfo(options: { hash?: string; modelKey?: string; sha?: string } = {}): RunInfo {
  return {
    schemaVersion: 1,
    tool: { name: 'benchgen-eval', version: '0.1.0' },
    environment: { name: 'arith', version: '1.0.0', hash: options.hash ?? HASH, source: { kind: 'folder', ref: 'evals/arith', path: 'evals/arith' } },
    model: { key: options.modelKey ?? MODEL, name: 'llama3.2:3b', baseUrl: 'http://127.0.0.1:11434/v1', api: 'chat' },
    settings: { phase: 'test', limit: null, concurrency: 4, timeoutMs: 60_000, maxRetries: 2, generation: {} },
    fingerprint: 'f'.repeat(64),
    startedAt: '2025-01-01T00:00:00.000Z',
    endedAt: '2025-01-01T00:01:00.000Z',
    durationMs: 60_000,
    git: options.sha ? { sha: options.sha, ref: 'refs/heads/main' } : {},
    cases: 1
  }
}

/** The files of a run folder (run.json, scores.json, results.jsonl) as path → content. */
export function runFiles(options: { hash?: string; modelKey?: string; sha?: string; score?: number } = {}): Record<string, string> {
  return {
    'run.json': `${JSON.stringify(runInfo(options), null, 2)}\n`,
    'scores.json': `${JSON.stringify({ n: 1, score: options.score ?? 0.75 })}\n`,
    'results.jsonl': `${JSON.stringify(caseRecord())}\n`
  }
}

/** A run folder on disk under a new temporary folder. */
export async function writeRunDir(options: { hash?: string; modelKey?: string; sha?: string; score?: number; omit?: string[] } = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'benchgen-run-'))
  for (const [name, content] of Object.entries(runFiles(options))) {
    if (!options.omit?.includes(name)) await writeFile(join(dir, name), content)
  }
  return dir
}

export async function tempDir(prefix = 'benchgen-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix))
}

/** Every file under `dir`, path → content, for comparing folders. */
export async function readTree(dir: string, prefix = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) Object.assign(out, await readTree(path, `${prefix}${entry.name}/`))
    else out[`${prefix}${entry.name}`] = await readFile(path, 'utf8')
  }
  return out
}
