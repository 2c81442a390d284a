/**
 * The fork-safe two-phase comment. A pull request from a fork runs with a read-only token, so:
 *
 * 1. The PR's own run (phase 1) writes the data the comment is rendered from, never the rendered
 *    comment, into a folder uploaded as the artifact `benchgen-pr-comment`: run.json,
 *    scores.json, results.jsonl, `pr.json` ({number, headSha}) and, when a baseline was found,
 *    its files under `baseline/`.
 * 2. A `workflow_run` workflow of the base repository (write token) downloads that artifact from
 *    the triggering run, checks that the PR it names really has the run's head commit (so a fork
 *    cannot aim the comment at another PR), and returns the folder; the action re-renders the
 *    comment from the data with the escaping functions.
 *
 * Everything in the artifact is written by the fork and is untrusted, including pr.json's
 * baseline description: render it through escapeInline like model output.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { BenchgenError, ValidationError, describeError } from '../errors.js'
import { downloadArtifact, listRunArtifacts } from './artifacts.js'
import { copyBaselineFiles, readBaselineFolder } from './baseline/folder.js'
import { isSha } from './baseline/names.js'
import { httpStatus, shortSha, type Octokit, type RepoRef } from './octokit.js'

/** Name of the artifact phase 1 uploads and phase 2 reads. */
export const FORK_COMMENT_ARTIFACT = 'benchgen-pr-comment'
/** The PR file inside it. */
export const PR_FILE = 'pr.json'
/** Subfolder holding the baseline's files, when phase 1 had one. */
export const BASELINE_SUBDIR = 'baseline'

/** Raised when phase 2 cannot or must not post: the message says which and why. */
export class ForkCommentError extends BenchgenError {
  override name = 'ForkCommentError'
}

const PrFile = z.strictObject({
  schemaVersion: z.literal(1),
  number: z.number().int().positive(),
  headSha: z.string().refine(isSha, 'must be a full commit sha (40 or 64 lowercase hex characters)'),
  baseline: z
    .strictObject({
      sha: z.string().refine(isSha, 'must be a full commit sha').nullable(),
      description: z.string().max(500)
    })
    .optional()
})
export type PrFile = z.infer<typeof PrFile>

/** The baseline phase 1 compared against. */
export interface ForkBaseline {
  dir: string
  sha: string | null
  /** Untrusted in phase 2 (written by the fork): escape before rendering. */
  description: string
}

/** Options of {@link writeForkComment}. */
export interface WriteForkCommentOptions {
  /** The finished run folder (run.json, scores.json, results.jsonl are copied). */
  runDir: string
  /** Folder to fill (created); upload its `files` as {@link FORK_COMMENT_ARTIFACT}, rooted at it. */
  outDir: string
  pr: { number: number; headSha: string }
  baseline?: ForkBaseline
}

/** Phase 1: the folder to upload as the artifact. */
export async function writeForkComment(options: WriteForkCommentOptions): Promise<{ dir: string; files: string[]; artifactName: string }> {
  const { outDir, pr, baseline } = options
  const files = await copyBaselineFiles(options.runDir, outDir)
  if (baseline) files.push(...(await copyBaselineFiles(baseline.dir, join(outDir, BASELINE_SUBDIR))))
  const prFile: PrFile = {
    schemaVersion: 1,
    number: pr.number,
    headSha: pr.headSha,
    ...(baseline ? { baseline: { sha: baseline.sha, description: baseline.description.slice(0, 500) } } : {})
  }
  await mkdir(outDir, { recursive: true })
  const prPath = join(outDir, PR_FILE)
  await writeFile(prPath, `${JSON.stringify(prFile, null, 2)}\n`)
  files.push(prPath)
  return { dir: outDir, files, artifactName: FORK_COMMENT_ARTIFACT }
}

/** Options of {@link loadForkComment}. */
export interface LoadForkCommentOptions {
  repo: RepoRef
  /** The triggering run: `workflow_run.id` of the event payload. */
  runId: number
  /** Parent of the temporary folder the artifact is extracted into. Default: the OS temp folder. */
  tempRoot?: string
  /** Largest artifact accepted. Default 512 MiB. */
  maxBytes?: number
}

/** What phase 2 renders the comment from. */
export interface ForkComment {
  /** The pull request to comment on, checked against the run's head commit. */
  number: number
  headSha: string
  /** Folder holding run.json, scores.json, results.jsonl (validated run.json). */
  dir: string
  /** The triggering workflow's name, for the sticky marker. */
  workflowName: string
  baseline?: ForkBaseline
}

const MAX_PR_FILE_BYTES = 64 * 1024

/**
 * Phase 2: fetch the triggering run (its head sha is GitHub's, not the fork's word), download its
 * {@link FORK_COMMENT_ARTIFACT}, validate pr.json, and check that PR #number's head is that
 * commit. Throws ForkCommentError (or ValidationError for a malformed file) when any check fails.
 */
export async function loadForkComment(octokit: Octokit, options: LoadForkCommentOptions): Promise<ForkComment> {
  const { repo, runId } = options
  const { data: run } = await octokit.rest.actions.getWorkflowRun({ ...repo, run_id: runId })
  if (run.event !== 'pull_request' && run.event !== 'pull_request_target') {
    throw new ForkCommentError(`Workflow run ${runId} was triggered by ${run.event}, not a pull request; there is no PR comment to post.`)
  }
  const [artifact] = await listRunArtifacts(octokit, repo, runId, FORK_COMMENT_ARTIFACT)
  if (!artifact) {
    throw new ForkCommentError(`Workflow run ${runId} has no artifact named ${FORK_COMMENT_ARTIFACT}: its evaluation step did not finish, or did not upload the comment data (or it expired).`)
  }
  const dir = await downloadArtifact(octokit, repo, artifact.id, {
    ...(options.tempRoot ? { tempRoot: options.tempRoot } : {}),
    ...(options.maxBytes ? { maxBytes: options.maxBytes } : {})
  })
  const pr = await readPrFile(join(dir, PR_FILE))

  if (pr.headSha !== run.head_sha) {
    throw new ForkCommentError(`${PR_FILE} names head ${shortSha(pr.headSha)} but workflow run ${runId} ran on ${shortSha(run.head_sha)}; not posting.`)
  }
  let prHead: string
  try {
    const { data } = await octokit.rest.pulls.get({ ...repo, pull_number: pr.number })
    prHead = data.head.sha
  } catch (error) {
    if (httpStatus(error) === 404) throw new ForkCommentError(`${PR_FILE} names pull request #${pr.number}, which does not exist in ${repo.owner}/${repo.repo}.`, { cause: error })
    throw new ForkCommentError(`Cannot read pull request #${pr.number}: ${describeError(error)}`, { cause: error })
  }
  if (prHead !== run.head_sha) {
    throw new ForkCommentError(
      `Pull request #${pr.number} is at ${shortSha(prHead)}, not at ${shortSha(run.head_sha)} where workflow run ${runId} ran: either the PR got new commits (a newer run will comment) or the artifact points at another PR. Not posting.`
    )
  }
  await readBaselineFolder(dir)
  let baseline: ForkBaseline | undefined
  if (pr.baseline) {
    const baselineDir = join(dir, BASELINE_SUBDIR)
    await readBaselineFolder(baselineDir)
    baseline = { dir: baselineDir, sha: pr.baseline.sha, description: pr.baseline.description }
  }
  return { number: pr.number, headSha: run.head_sha, dir, workflowName: run.name ?? '', ...(baseline ? { baseline } : {}) }
}

async function readPrFile(path: string): Promise<PrFile> {
  const info = await stat(path).catch(() => null)
  if (!info?.isFile()) throw new ForkCommentError(`The ${FORK_COMMENT_ARTIFACT} artifact has no ${PR_FILE}.`)
  if (info.size > MAX_PR_FILE_BYTES) throw new ValidationError([{ file: PR_FILE, message: `is ${info.size} bytes, more than ${MAX_PR_FILE_BYTES}` }])
  let json: unknown
  try {
    json = JSON.parse(await readFile(path, 'utf8'))
  } catch (cause) {
    throw new ValidationError([{ file: PR_FILE, message: 'is not valid JSON' }], undefined, { cause })
  }
  const parsed = PrFile.safeParse(json)
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((issue) => ({ file: PR_FILE, field: issue.path.join('.'), message: issue.message })),
      `${PR_FILE} from the ${FORK_COMMENT_ARTIFACT} artifact is not valid:`
    )
  }
  return parsed.data
}
