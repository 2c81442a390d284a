/**
 * Artifact upload through @actions/artifact, imported only when an upload happens: it is the
 * heaviest part of the bundle and most of its code is not needed to start the action.
 */
import { readdir, stat } from 'node:fs/promises'
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

/** Upload every file under `dir`, keeping sub-folders (the fork comment data has baseline/). */
export async function uploadFolder(
  name: string,
  dir: string,
  options: { retentionDays: number; env: NodeJS.ProcessEnv; runUrl?: string }
): Promise<UploadResult> {
  if (!canUploadArtifacts(options.env)) return { skipped: 'not on a GitHub-hosted or self-hosted runner with the artifact service (ACTIONS_RUNTIME_TOKEN is unset)' }
  const files = await filesUnder(dir)
  const { DefaultArtifactClient } = await import('@actions/artifact')
  const client = new DefaultArtifactClient()
  const result = await client.uploadArtifact(artifactName(name), files, dir, options.retentionDays > 0 ? { retentionDays: options.retentionDays } : {})
  return {
    ...(result.id !== undefined ? { id: result.id } : {}),
    ...(result.id !== undefined && options.runUrl ? { url: `${options.runUrl}/artifacts/${result.id}` } : {})
  }
}

/** Regular files below `dir`, recursively, in a stable order. */
export async function filesUnder(dir: string): Promise<string[]> {
  const names = await readdir(dir, { recursive: true })
  const files: string[] = []
  for (const name of names.sort()) {
    const path = join(dir, name)
    if ((await stat(path)).isFile()) files.push(path)
  }
  return files
}
