/**
 * Artifact upload through @actions/artifact, imported only when an upload happens: it is the
 * heaviest part of the bundle and most of its code is not needed to start the action.
 */
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'

export interface UploadResult {
  id?: number
  url?: string
  /** Why nothing was uploaded, when nothing was. */
  skipped?: string
}

/** Artifact names may not contain these characters (the artifact service rejects them). */
export function artifactName(raw: string): string {
  return raw.replace(/[":<>|*?\r\n\\/]+/g, '-').slice(0, 200)
}

/** Whether this process runs on a runner that can upload artifacts. */
export function canUploadArtifacts(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.ACTIONS_RUNTIME_TOKEN && env.ACTIONS_RESULTS_URL)
}

/** Upload every file of `dir` (not recursing: run folders are flat). */
export async function uploadFolder(
  name: string,
  dir: string,
  options: { retentionDays: number; env: NodeJS.ProcessEnv; runUrl?: string }
): Promise<UploadResult> {
  if (!canUploadArtifacts(options.env)) return { skipped: 'not on a GitHub-hosted or self-hosted runner with the artifact service (ACTIONS_RUNTIME_TOKEN is unset)' }
  const entries = await readdir(dir, { withFileTypes: true })
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(dir, entry.name))
  const { DefaultArtifactClient } = await import('@actions/artifact')
  const client = new DefaultArtifactClient()
  const result = await client.uploadArtifact(artifactName(name), files, dir, options.retentionDays > 0 ? { retentionDays: options.retentionDays } : {})
  return {
    ...(result.id !== undefined ? { id: result.id } : {}),
    ...(result.id !== undefined && options.runUrl ? { url: `${options.runUrl}/artifacts/${result.id}` } : {})
  }
}
