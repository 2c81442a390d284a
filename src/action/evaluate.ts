/**
 * The `evaluate` mode: run the evaluation, find the baseline, diff, then report to GitHub in the
 * order that keeps information when something fails: job summary, artifact, comment, check, and
 * only then the gate. Everything GitHub-specific is best-effort; the run and its files never
 * depend on it.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { isAbsolute, join, relative, resolve } from 'node:path'
import { acknowledge, diffRuns } from '../diff/diff.js'
import type { RunDiff } from '../diff/types.js'
import { defaultCacheDir } from '../environment/cache-dir.js'
import { loadEnvironment } from '../environment/load.js'
import type { Environment } from '../environment/types.js'
import { artifactStore } from '../github/baseline/artifact-store.js'
import { cacheStore } from '../github/baseline/cache-store.js'
import { fileStore } from '../github/baseline/file-store.js'
import { findBaseline } from '../github/baseline/find.js'
import { copyBaselineFiles } from '../github/baseline/folder.js'
import { baselineArtifactName } from '../github/baseline/names.js'
import type { BaselineHit, BaselineKey, BaselineStore } from '../github/baseline/types.js'
import { regressionAnnotations } from '../github/annotations.js'
import { reportCheck } from '../github/check.js'
import { commentMarker, upsertComment } from '../github/comment.js'
import type { GitHubRunContext } from '../github/context.js'
import { FORK_COMMENT_ARTIFACT, writeForkComment } from '../github/fork-comment.js'
import { hasLabel } from '../github/labels.js'
import { compare, findMergeBase } from '../github/merge-base.js'
import type { Octokit } from '../github/octokit.js'
import { modelKey, parseModelSpec } from '../model/config.js'
import { createOpenAIClient } from '../model/openai.js'
import { renderReport } from '../report/html.js'
import { readRunFolder, RUN_FILES } from '../run/run-folder.js'
import type { RunFolder } from '../run/run-folder.js'
import { runEvaluation } from '../run/run.js'
import { runModelInfo } from '../run/model-info.js'
import { updateLeaderboardOnBranch } from '../leaderboard/branch.js'
import type { RunOutcome } from '../run/run.js'
import { renderCommentBody, verdictTitle } from './comment-body.js'
import type { ActionInputs } from './inputs.js'
import { artifactName, uploadFolder } from './upload.js'
import type { UploadResult } from './upload.js'

/** What the evaluate flow needs from @actions/core, injected so the flow reads as plain code. */
export interface ActionReporter {
  info(message: string): void
  warning(message: string): void
  notice(message: string): void
  setOutput(name: string, value: string | number): void
  /** Append markdown to the job summary and write it out at once. */
  summary(markdown: string): Promise<void>
  setFailed(message: string): void
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
}

export interface EvaluateDeps {
  inputs: ActionInputs
  context: GitHubRunContext
  octokit: Octokit
  reporter: ActionReporter
  env: NodeJS.ProcessEnv
}

export async function evaluate({ inputs, context, octokit, reporter, env }: EvaluateDeps): Promise<void> {
  const workspace = resolve(env.GITHUB_WORKSPACE ?? process.cwd(), inputs.workingDirectory)
  const temp = env.RUNNER_TEMP ?? tmpdir()

  const environment = await reporter.group('Load environment', async () => {
    const loaded = await loadEnvironment(inputs.environment, {
      cwd: workspace,
      cacheDir: env.BENCHGEN_CACHE_DIR ?? defaultCacheDir(env),
      githubApiUrl: context.apiUrl,
      ...(inputs.githubToken ? { githubToken: inputs.githubToken } : {})
    })
    reporter.info(`${loaded.manifest.name}@${loaded.manifest.version}, hash ${loaded.hash}`)
    return loaded
  })

  const config = await parseModelSpec(inputs.model, inputs.modelName ? { name: inputs.modelName } : {}, { cwd: workspace })
  const key = modelKey(config)
  const apiKey = inputs.apiKey || (config.apiKeyEnv ? env[config.apiKeyEnv] : undefined)
  const runDir = join(temp, 'benchgen', environment.manifest.name, key)
  await mkdir(runDir, { recursive: true })
  const api = environment.manifest.harness.api
  const client = createOpenAIClient({ ...config, api, concurrency: inputs.concurrency }, apiKey ? { apiKey } : {})
  const outcome = await reporter.group(`Evaluate ${config.name} on ${environment.manifest.name}`, async () => {
    try {
      return await runEvaluation({
        environment,
        ...(inputs.phase ? { phase: inputs.phase } : {}),
        ...(inputs.limit ? { limit: inputs.limit } : {}),
        outDir: runDir,
        client,
        model: runModelInfo(config, api),
        concurrency: inputs.concurrency,
        timeoutMs: inputs.timeoutMs,
        maxRetries: inputs.retries,
        progress: { stream: process.stdout },
        git: { sha: context.pullRequest?.headSha ?? context.sha, ref: context.ref },
        log: (message) => reporter.info(message)
      })
    } finally {
      await client.close?.()
      await environment.dispose?.()
    }
  })
  const head: RunFolder = { dir: runDir, info: outcome.info, scores: outcome.scores, records: outcome.records }

  // Without a token (a local run, @github/local-action) nothing is asked of the GitHub API.
  const online = inputs.githubToken !== ''
  if (!online) reporter.info('No github-token: skipping the baseline lookup through the API, the comment and the check.')
  const baselineKey = await baselineKeyFor(inputs, context, online ? octokit : null, outcome)
  const stores = baselineStores(inputs, context, octokit, temp, workspace).filter((store) => online || store.name === 'file')
  let baseline: BaselineHit | null = null
  let baselineRun: RunFolder | null = null
  if (baselineKey && stores.length > 0) {
    baseline = await reporter.group('Find baseline', () =>
      findBaseline(stores, baselineKey, (message) => reporter.info(message), { relate: (a, b) => compare(octokit, context.repo, a, b).catch(() => null) })
    )
    if (baseline) {
      baselineRun = await readRunFolder(baseline.dir).catch((error: unknown) => {
        if (inputs.baseline.kind === 'path') throw error
        reporter.warning(`The baseline from the ${baseline?.source} could not be read, so none is used: ${error instanceof Error ? error.message : String(error)}`)
        return null
      })
      if (!baselineRun) baseline = null
    }
    if (baseline && baselineRun) {
      // The uploaded report.html then has the "changed" filter and both answers side by side.
      await writeFile(join(runDir, RUN_FILES.report), renderReport({ ...head, baseline: baselineRun }))
    }
  }

  let diff = diffRuns(baselineRun, head, {
    maxDrop: inputs.maxDrop,
    alpha: inputs.significance,
    ...(inputs.minScore !== undefined ? { minScore: inputs.minScore } : {}),
    allowHashMismatch: inputs.allowHashMismatch
  })
  const notes: string[] = []
  if (diff.verdict === 'regressed' && context.pullRequest && inputs.acknowledgeLabel && online) {
    const labelled = await hasLabel(octokit, context.repo, context.pullRequest.number, inputs.acknowledgeLabel, context.pullRequest.labels)
    if (labelled) {
      diff = acknowledge(diff, inputs.acknowledgeLabel)
      notes.push(`The regression is acknowledged by the label \`${inputs.acknowledgeLabel}\`; the gate passes.`)
    }
  }
  if (diff.verdict === 'no-baseline' && baselineKey) {
    notes.push(
      inputs.noBaseline === 'fail'
        ? 'No baseline was found and `no-baseline: fail` is set, so the step fails.'
        : 'No baseline was found: this run passes and, once merged and evaluated on the default branch, becomes the baseline.'
    )
  }

  // The no-baseline policy concerns runs that look for one (pull requests, an explicit path);
  // a push that stores the baseline has nothing to compare with by design.
  const failure = gateFailure(diff, { ...inputs, noBaseline: baselineKey ? inputs.noBaseline : 'pass' })
  const summaryBody = renderCommentBody(diff, { ...(baseline ? { baselineDescription: `${baseline.description} (from the ${baseline.source})` } : {}), runUrl: context.runUrl, notes })
  await reporter.summary(summaryBody)
  setOutputs(reporter, outcome, diff, runDir)

  const upload = await uploadRun(inputs, environment, key, runDir, env, context, reporter)
  const body = renderCommentBody(diff, {
    marker: commentMarker(context.workflow, environment.manifest.name, key),
    ...(baseline ? { baselineDescription: `${baseline.description} (from the ${baseline.source})` } : {}),
    runUrl: context.runUrl,
    ...(upload.url ? { artifactUrl: upload.url } : {}),
    notes
  })

  if (online && context.pullRequest && inputs.comment !== 'off') {
    const result = await upsertComment(octokit, { repo: context.repo, issueNumber: context.pullRequest.number, marker: commentMarker(context.workflow, environment.manifest.name, key), body, mode: inputs.comment }).catch(
      (error: unknown) => {
        reporter.warning(`Could not write the PR comment: ${error instanceof Error ? error.message : String(error)}`)
        return { action: 'failed' as const, url: undefined, reason: undefined }
      }
    )
    if (result.url) reporter.setOutput('comment-url', result.url)
    reporter.info(`PR comment: ${result.action}${result.url ? ` ${result.url}` : ''}${result.reason ? ` (${result.reason})` : ''}`)
    if (result.action === 'forbidden') await handForkComment(runDir, baseline, context, env, inputs, reporter)
  } else if (online && context.isDefaultBranchPush && inputs.commentOnPush && inputs.comment !== 'off') {
    await commentOnAssociatedPulls(octokit, context, commentMarker(context.workflow, environment.manifest.name, key), body, inputs, reporter)
  }

  if (inputs.checkName && online) {
    const envPath = environmentPathInRepo(environment, workspace, env.GITHUB_WORKSPACE)
    const check = await reportCheck(octokit, {
      repo: context.repo,
      sha: context.pullRequest?.headSha ?? context.sha,
      name: inputs.checkName,
      conclusion: failure ? 'failure' : 'success',
      title: verdictTitle(diff),
      summary: body.replace(/^<!--.*?-->\n\n/, ''),
      ...(envPath !== null ? { annotations: regressionAnnotations(diff.regressed, envPath) } : {}),
      detailsUrl: context.runUrl
    }).catch((error: unknown) => {
      reporter.warning(`Could not report the check: ${error instanceof Error ? error.message : String(error)}`)
      return null
    })
    if (check) reporter.info(`Check: ${check.used}${check.reason ? ` (${check.reason})` : ''}`)
  }

  if (shouldSaveBaseline(inputs, context)) {
    await saveBaseline(outcome, key, context, temp, env, inputs, reporter)
    if (inputs.leaderboardBranch && online && !outcome.interrupted) await updateLeaderboard(octokit, head, context, inputs, reporter)
  }

  if (outcome.interrupted) reporter.warning('The run was interrupted before every case finished; results cover the cases that did.')
  if (failure) reporter.setFailed(failure)
  else if (diff.verdict === 'no-baseline' && baselineKey) reporter.notice(`No baseline for ${environment.manifest.name} on ${key}; the gate passes (no-baseline: pass).`)
}

/** The baseline to look for: on a PR, the merge base on the base branch; elsewhere none. */
async function baselineKeyFor(inputs: ActionInputs, context: GitHubRunContext, octokit: Octokit | null, outcome: RunOutcome): Promise<BaselineKey | null> {
  if (inputs.baseline.kind === 'none') return null
  const base = { environmentHash: outcome.info.environment.hash, modelKey: outcome.info.model.key }
  if (context.pullRequest) {
    // A failed lookup (5xx, network) falls back to the base branch's tip rather than ending the step.
    const mergeBase = octokit ? await findMergeBase(octokit, context.repo, context.pullRequest.baseSha, context.pullRequest.headSha).catch(() => null) : null
    return { ...base, branch: context.pullRequest.baseRef, sha: mergeBase ?? context.pullRequest.baseSha }
  }
  if (inputs.baseline.kind === 'path') return { ...base, branch: context.defaultBranch ?? 'main' }
  return null
}

function baselineStores(inputs: ActionInputs, context: GitHubRunContext, octokit: Octokit, temp: string, workspace: string): BaselineStore[] {
  const cache = cacheStore({ dir: join(temp, 'benchgen-baseline') })
  const artifacts = artifactStore({ octokit, repo: context.repo, tempRoot: temp })
  switch (inputs.baseline.kind) {
    case 'none':
      return []
    case 'path':
      return [fileStore({ path: inputs.baseline.path, cwd: workspace })]
    case 'cache':
      return [cache]
    case 'artifact':
      return [artifacts]
    default:
      return [cache, artifacts]
  }
}

/** The message the step fails with, or null when the gate passes. */
export function gateFailure(diff: RunDiff, inputs: Pick<ActionInputs, 'failOnRegression' | 'noBaseline'>): string | null {
  if (diff.verdict === 'error') return `Evaluation error: ${diff.reasons.join(' ')}`
  if (diff.verdict === 'regressed' && inputs.failOnRegression) return `Score regressed: ${diff.reasons.join(' ')}`
  if (diff.verdict === 'no-baseline' && inputs.noBaseline === 'fail') return 'No baseline found and no-baseline is set to fail.'
  return null
}

function setOutputs(reporter: ActionReporter, outcome: RunOutcome, diff: RunDiff, runDir: string): void {
  const s = outcome.scores
  reporter.setOutput('score', s.score ?? 0)
  reporter.setOutput('accuracy', s.accuracy ?? 0)
  reporter.setOutput('exact-match', s.exact_match ?? 0)
  reporter.setOutput('answer-rate', s.answer_rate ?? 0)
  reporter.setOutput('cost', s.cost_usd ?? 0)
  reporter.setOutput('duration', s.duration_s ?? 0)
  reporter.setOutput('delta', diff.baseScore !== null && diff.headScore !== null ? Number(((diff.headScore - diff.baseScore) * 100).toFixed(4)) : '')
  reporter.setOutput('regressed', diff.regressed.length)
  reporter.setOutput('fixed', diff.fixed.length)
  reporter.setOutput('verdict', diff.verdict)
  reporter.setOutput('environment-hash', outcome.info.environment.hash)
  reporter.setOutput('run-dir', runDir)
  reporter.setOutput('results-path', join(runDir, RUN_FILES.results))
  reporter.setOutput('report-path', join(runDir, RUN_FILES.report))
}

async function uploadRun(
  inputs: ActionInputs,
  environment: Environment,
  key: string,
  runDir: string,
  env: NodeJS.ProcessEnv,
  context: GitHubRunContext,
  reporter: ActionReporter
): Promise<UploadResult> {
  const name = inputs.artifactName || `benchgen-${environment.manifest.name}-${key}`
  try {
    const upload = await uploadFolder(name, runDir, { retentionDays: inputs.artifactRetentionDays, env, runUrl: context.runUrl })
    if (upload.skipped) reporter.info(`Artifact not uploaded: ${upload.skipped}`)
    if (upload.id !== undefined) reporter.setOutput('artifact-id', upload.id)
    if (upload.url) reporter.setOutput('artifact-url', upload.url)
    return upload
  } catch (error) {
    reporter.warning(`Could not upload the artifact ${artifactName(name)}: ${error instanceof Error ? error.message : String(error)}`)
    return {}
  }
}

/** A fork's read-only token cannot comment: leave the data for the privileged second phase. */
async function handForkComment(runDir: string, baseline: BaselineHit | null, context: GitHubRunContext, env: NodeJS.ProcessEnv, inputs: ActionInputs, reporter: ActionReporter): Promise<void> {
  if (!context.pullRequest) return
  const outDir = join(env.RUNNER_TEMP ?? tmpdir(), 'benchgen-pr-comment')
  const written = await writeForkComment({
    runDir,
    outDir,
    pr: { number: context.pullRequest.number, headSha: context.pullRequest.headSha },
    ...(baseline ? { baseline: { dir: baseline.dir, sha: baseline.sha, description: baseline.description } } : {})
  })
  try {
    const upload = await uploadFolder(FORK_COMMENT_ARTIFACT, written.dir, { retentionDays: Math.min(inputs.artifactRetentionDays || 7, 7), env, runUrl: context.runUrl })
    reporter.notice(
      upload.skipped
        ? `The token cannot comment on this pull request (a fork's token is read-only), and the comment data could not be uploaded: ${upload.skipped}`
        : `The token cannot comment on this pull request (a fork's token is read-only). The comment data is in the artifact ${FORK_COMMENT_ARTIFACT}; a workflow_run workflow with mode: post-comment posts it.`
    )
  } catch (error) {
    reporter.warning(`Could not upload ${FORK_COMMENT_ARTIFACT}: ${error instanceof Error ? error.message : String(error)}`)
  }
}

async function commentOnAssociatedPulls(octokit: Octokit, context: GitHubRunContext, marker: string, body: string, inputs: ActionInputs, reporter: ActionReporter): Promise<void> {
  try {
    const { data: pulls } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ ...context.repo, commit_sha: context.sha })
    for (const pull of pulls.slice(0, 10)) {
      const result = await upsertComment(octokit, { repo: context.repo, issueNumber: pull.number, marker, body, mode: inputs.comment })
      reporter.info(`Comment on #${pull.number}: ${result.action}`)
    }
  } catch (error) {
    reporter.warning(`Could not comment on the pull requests of ${context.sha.slice(0, 7)}: ${error instanceof Error ? error.message : String(error)}`)
  }
}

function shouldSaveBaseline(inputs: ActionInputs, context: GitHubRunContext): boolean {
  if (inputs.saveBaseline === 'true') return true
  if (inputs.saveBaseline === 'false') return false
  return context.isDefaultBranchPush
}

async function saveBaseline(outcome: RunOutcome, key: string, context: GitHubRunContext, temp: string, env: NodeJS.ProcessEnv, inputs: ActionInputs, reporter: ActionReporter): Promise<void> {
  if (outcome.interrupted) {
    reporter.warning('Not storing an interrupted run as the baseline.')
    return
  }
  const baselineKey: BaselineKey = { environmentHash: outcome.info.environment.hash, modelKey: key, sha: context.sha, branch: context.defaultBranch ?? context.ref.replace(/^refs\/heads\//, '') }
  const saved = await cacheStore({ dir: join(temp, 'benchgen-baseline') }).save?.(baselineKey, outcome.outDir)
  reporter.info(`Baseline in the Actions cache: ${saved?.saved ? 'saved' : 'not saved'} (${saved?.detail ?? 'no cache'})`)
  // The artifact copy is the fallback store, found through the REST API by later pull requests.
  const dir = join(temp, 'benchgen-baseline-artifact')
  await copyBaselineFiles(outcome.outDir, dir)
  const upload = await uploadFolder(baselineArtifactName(outcome.info.environment.hash, key), dir, { retentionDays: inputs.artifactRetentionDays || 90, env, runUrl: context.runUrl }).catch(
    (error: unknown): UploadResult => ({ skipped: error instanceof Error ? error.message : String(error) })
  )
  reporter.info(`Baseline artifact: ${upload.skipped ? `not uploaded (${upload.skipped})` : `uploaded (${upload.id})`}`)
}

async function updateLeaderboard(octokit: Octokit, run: RunFolder, context: GitHubRunContext, inputs: ActionInputs, reporter: ActionReporter): Promise<void> {
  try {
    const result = await updateLeaderboardOnBranch(octokit, {
      repo: context.repo,
      run,
      branch: inputs.leaderboardBranch,
      policy: inputs.leaderboardPolicy,
      runId: String(context.runId),
      runUrl: context.runUrl,
      log: (message) => reporter.info(message)
    })
    reporter.info(`Leaderboard on ${inputs.leaderboardBranch}: ${result.status} (commit ${result.commitSha ?? 'none'}, ${result.attempts} attempt(s))`)
    if (result.commitSha) reporter.setOutput('leaderboard-commit', result.commitSha)
  } catch (error) {
    reporter.warning(`Could not update the leaderboard on ${inputs.leaderboardBranch}: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/** The environment's folder relative to the repository root, when it lives in the repository. */
function environmentPathInRepo(environment: Environment, workspace: string, repoRoot: string | undefined): string | null {
  if (environment.source.kind !== 'folder' || !repoRoot) return null
  const folder = resolve(workspace, environment.source.path ?? environment.source.ref)
  const rel = relative(resolve(repoRoot), folder)
  if (rel.startsWith('..') || isAbsolute(rel)) return null
  return rel
}
