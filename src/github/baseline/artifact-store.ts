/**
 * Baselines from the artifact a previous default-branch run uploaded
 * (`benchgen-baseline-<hash16>-<model>`, see names.ts), found through the REST API.
 *
 * Lookup: the repository's artifacts with that exact name (one request, newest first), keeping
 * those uploaded by runs on the base branch of this repository; the merge base's own is tried
 * first, then the newest. Each candidate's run is then fetched and must be a successful `push`
 * run on the base branch: only people who can push wrote it, so a fork's pull request run that
 * uploads an artifact of the same name can never become the baseline.
 *
 * (Listing the branch's push runs first and then each run's artifacts finds the same thing, at
 * one request per run instead of one per candidate.)
 */
import { describeError } from '../../errors.js'
import { downloadArtifact, listArtifactsNamed, type ArtifactInfo } from '../artifacts.js'
import { isRefused, shortSha, type Octokit, type RepoRef } from '../octokit.js'
import { locateRunFolder, mismatchWithKey, readBaselineFolder } from './folder.js'
import { baselineArtifactName } from './names.js'
import { miss, type BaselineHit, type BaselineKey, type BaselineMiss, type BaselineStore, type LoadOptions } from './types.js'

/** Options of {@link artifactStore}. */
export interface ArtifactStoreOptions {
  octokit: Octokit
  repo: RepoRef
  /** Parent of the temporary folders artifacts are extracted into. Default: the OS temp folder. */
  tempRoot?: string
  /** Pages of 100 artifacts read when listing by name. Default 2. */
  maxPages?: number
  /** Candidate artifacts whose run is checked before giving up. Default 10. */
  maxCandidates?: number
  /** Largest artifact downloaded. Default 512 MiB. */
  maxBytes?: number
}

export function artifactStore(options: ArtifactStoreOptions): BaselineStore {
  const { octokit, repo } = options
  return {
    name: 'artifact',

    async load(key: BaselineKey, loadOptions: LoadOptions = {}): Promise<BaselineHit | BaselineMiss> {
      const name = baselineArtifactName(key.environmentHash, key.modelKey)
      if (loadOptions.exactOnly && !key.sha) return miss('no merge base to look up')
      let listed: ArtifactInfo[]
      try {
        listed = await listArtifactsNamed(octokit, repo, name, options.maxPages ?? 2)
      } catch (error) {
        if (isRefused(error)) return miss('the token cannot list artifacts (the workflow needs `permissions: actions: read`)')
        throw error
      }
      const onBranch = listed.filter((artifact) => artifact.run && !artifact.run.fromFork && artifact.run.headBranch === key.branch)
      const candidates = orderCandidates(onBranch, key.sha).filter((artifact) => !loadOptions.exactOnly || artifact.run?.headSha === key.sha)
      if (candidates.length === 0) {
        const exactly = loadOptions.exactOnly ? ` at ${shortSha(key.sha ?? '')}` : ''
        return miss(`no artifact ${name} from a run on ${key.branch}${exactly} (${listed.length} with that name in the repository)`)
      }
      const rejected: string[] = []
      for (const artifact of candidates.slice(0, options.maxCandidates ?? 10)) {
        const run = artifact.run!
        const why = await untrustedRun(octokit, repo, run.id, key.branch)
        if (why) {
          rejected.push(`run ${run.id} ${why}`)
          continue
        }
        let root: string
        try {
          root = await downloadArtifact(octokit, repo, artifact.id, { ...(options.tempRoot ? { tempRoot: options.tempRoot } : {}), ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}) })
        } catch (error) {
          // Expired between listing and download (410), too large, unsafe: try the next one.
          rejected.push(`artifact ${artifact.id}: ${describeError(error)}`)
          continue
        }
        const dir = await locateRunFolder(root)
        if (!dir) {
          rejected.push(`artifact ${artifact.id} holds no run.json`)
          continue
        }
        let problem: string | null
        try {
          problem = mismatchWithKey(await readBaselineFolder(dir), key)
        } catch (error) {
          problem = describeError(error)
        }
        if (problem) {
          rejected.push(`artifact ${artifact.id}: ${problem}`)
          continue
        }
        const sha = run.headSha || null
        return {
          dir,
          sha,
          source: 'artifact',
          exact: key.sha !== undefined && sha === key.sha,
          description: `${key.branch} at ${sha ? shortSha(sha) : 'an unknown commit'} (workflow run ${run.id})`
        }
      }
      return miss(`no usable artifact ${name}: ${rejected.join('; ')}`)
    }
  }
}

/** The merge base's artifacts first, then newest first. */
function orderCandidates(artifacts: ArtifactInfo[], mergeBase: string | undefined): ArtifactInfo[] {
  const newest = [...artifacts].sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || b.id - a.id)
  if (!mergeBase) return newest
  return [...newest.filter((a) => a.run?.headSha === mergeBase), ...newest.filter((a) => a.run?.headSha !== mergeBase)]
}

/** Why run `runId` cannot supply a baseline, or null when it can. */
async function untrustedRun(octokit: Octokit, repo: RepoRef, runId: number, branch: string): Promise<string | null> {
  const { data: run } = await octokit.rest.actions.getWorkflowRun({ ...repo, run_id: runId })
  if (run.event !== 'push') return `was triggered by ${run.event}, not push`
  if (run.conclusion !== 'success') return `concluded ${run.conclusion ?? 'nothing yet'}, not success`
  if (run.head_branch !== branch) return `ran on ${run.head_branch ?? 'no branch'}, not ${branch}`
  const headRepo = run.head_repository?.full_name
  if (headRepo && headRepo.toLowerCase() !== `${repo.owner}/${repo.repo}`.toLowerCase()) return `ran on ${headRepo}`
  return null
}
