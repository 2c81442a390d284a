/**
 * Workflow artifacts through the REST API only (no @actions/artifact), so the baseline lookup
 * and the fork comment's phase 2 can read another run's artifacts and be tested against a local
 * server.
 */
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { extractBundle } from '../environment/bundle.js'
import { BenchgenError } from '../errors.js'
import type { Octokit, RepoRef } from './octokit.js'

/** An artifact as the list endpoints describe it. */
export interface ArtifactInfo {
  id: number
  name: string
  sizeInBytes: number
  expired: boolean
  createdAt: string | null
  /** The run that uploaded it; null when GitHub does not say. */
  run: { id: number; headSha: string; headBranch: string; fromFork: boolean } | null
}

/** Options of {@link downloadArtifact}. */
export interface DownloadArtifactOptions {
  /** Parent of the temporary folder the artifact is extracted into. Default: the OS temp folder. */
  tempRoot?: string
  /** Largest zip downloaded, and most bytes extracted from it. Default 512 MiB. */
  maxBytes?: number
}

const DEFAULT_MAX_BYTES = 512 * 1024 ** 2

/** Raised when an artifact cannot be fetched; the message says which and why. */
export class ArtifactDownloadError extends BenchgenError {
  override name = 'ArtifactDownloadError'
}

/**
 * Non-expired artifacts named `name` in the repository, newest first, reading at most
 * `maxPages` pages of 100.
 */
export async function listArtifactsNamed(octokit: Octokit, repo: RepoRef, name: string, maxPages = 2): Promise<ArtifactInfo[]> {
  const found: ArtifactInfo[] = []
  let pages = 0
  for await (const page of octokit.paginate.iterator(octokit.rest.actions.listArtifactsForRepo, { ...repo, name, per_page: 100 })) {
    for (const artifact of page.data) if (artifact.name === name && !artifact.expired) found.push(toArtifactInfo(artifact))
    if (++pages >= maxPages) break
  }
  return found
}

/** Non-expired artifacts of one workflow run, optionally only those named `name`. */
export async function listRunArtifacts(octokit: Octokit, repo: RepoRef, runId: number, name?: string): Promise<ArtifactInfo[]> {
  const artifacts = await octokit.paginate(octokit.rest.actions.listWorkflowRunArtifacts, { ...repo, run_id: runId, per_page: 100, ...(name ? { name } : {}) })
  return artifacts.filter((artifact) => !artifact.expired && (name === undefined || artifact.name === name)).map(toArtifactInfo)
}

interface RawArtifact {
  id: number
  name: string
  size_in_bytes: number
  expired: boolean
  created_at: string | null
  workflow_run?: { id?: number; head_sha?: string; head_branch?: string; repository_id?: number; head_repository_id?: number } | null
}

function toArtifactInfo(artifact: RawArtifact): ArtifactInfo {
  const run = artifact.workflow_run
  return {
    id: artifact.id,
    name: artifact.name,
    sizeInBytes: artifact.size_in_bytes,
    expired: artifact.expired,
    createdAt: artifact.created_at,
    run:
      run?.id !== undefined
        ? {
            id: run.id,
            headSha: run.head_sha ?? '',
            headBranch: run.head_branch ?? '',
            fromFork: run.head_repository_id !== undefined && run.repository_id !== undefined && run.head_repository_id !== run.repository_id
          }
        : null
  }
}

/**
 * Download artifact `artifactId` and extract it (with src/environment/bundle.ts's safety rules:
 * no traversal, no links, capped sizes) into a new temporary folder, which is returned.
 *
 * GitHub answers the zip endpoint with a redirect to short-lived blob storage. The redirect is
 * followed by hand: the token is not sent to the storage host, and the bytes stream to disk
 * under a size cap instead of being buffered in memory.
 */
export async function downloadArtifact(octokit: Octokit, repo: RepoRef, artifactId: number, options: DownloadArtifactOptions = {}): Promise<string> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
  const work = await mkdtemp(join(options.tempRoot ?? tmpdir(), 'benchgen-artifact-'))
  const zipPath = join(work, 'artifact.zip')
  const response = await octokit.request('GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}', {
    ...repo,
    artifact_id: artifactId,
    archive_format: 'zip',
    request: { redirect: 'manual', parseSuccessResponseBody: false }
  })
  let body = response.data as unknown as WebReadableStream<Uint8Array> | null
  const location = response.headers.location
  if (response.status >= 300 && response.status < 400) {
    await body?.cancel().catch(() => {})
    if (!location) throw new ArtifactDownloadError(`Artifact ${artifactId}: GitHub answered ${response.status} without a Location to download from`)
    const blob = await fetch(location, { redirect: 'follow' })
    if (!blob.ok || !blob.body) throw new ArtifactDownloadError(`Artifact ${artifactId}: downloading the zip failed with HTTP ${blob.status}`)
    body = blob.body as WebReadableStream<Uint8Array>
  }
  if (!body) throw new ArtifactDownloadError(`Artifact ${artifactId}: the zip download returned no body`)
  await writeCapped(body, zipPath, maxBytes, artifactId)
  // The artifact is untrusted (a fork's, in the two-phase comment): the bundle rules apply.
  const { dir } = await extractBundle(zipPath, { maxTotalBytes: maxBytes, maxFileBytes: maxBytes, tmpDir: work })
  await rm(zipPath, { force: true })
  return dir
}

async function writeCapped(body: WebReadableStream<Uint8Array>, path: string, maxBytes: number, artifactId: number): Promise<void> {
  let count = 0
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      count += chunk.length
      if (count > maxBytes) done(new ArtifactDownloadError(`Artifact ${artifactId} is larger than ${maxBytes} bytes; not downloaded`))
      else done(null, chunk)
    }
  })
  await pipeline(Readable.fromWeb(body), cap, createWriteStream(path))
}
