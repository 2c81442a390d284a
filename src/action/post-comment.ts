/**
 * The `post-comment` mode: phase two of the fork-safe setup. Runs from a `workflow_run` workflow
 * (which has a write token), downloads the data phase one left as an artifact, checks it belongs
 * to the pull request it names, re-renders the comment itself with our escaping (a fork's
 * pre-rendered text is never posted) and posts it with a check run.
 */
import { diffRuns } from '../diff/diff.js'
import { reportCheck } from '../github/check.js'
import { commentMarker, upsertComment } from '../github/comment.js'
import { loadForkComment } from '../github/fork-comment.js'
import { BenchgenError } from '../errors.js'
import { readRunFolder } from '../run/run-folder.js'
import { renderCommentBody, verdictTitle } from './comment-body.js'
import type { EvaluateDeps } from './evaluate.js'
import { gateFailure } from './evaluate.js'

export async function postForkComment({ inputs, context, octokit, reporter, env }: EvaluateDeps): Promise<void> {
  if (!context.workflowRun) {
    throw new BenchgenError('mode: post-comment runs from a workflow_run event (on: workflow_run), whose payload names the evaluation run to post for.')
  }
  const data = await loadForkComment(octokit, { repo: context.repo, runId: context.workflowRun.id, ...(env.RUNNER_TEMP ? { tempRoot: env.RUNNER_TEMP } : {}) })
  const head = await readRunFolder(data.dir)
  const base = data.baseline ? await readRunFolder(data.baseline.dir) : null
  const diff = diffRuns(base, head, {
    maxDrop: inputs.maxDrop,
    alpha: inputs.significance,
    ...(inputs.minScore !== undefined ? { minScore: inputs.minScore } : {}),
    allowHashMismatch: inputs.allowHashMismatch
  })
  const marker = commentMarker(data.workflowName, head.info.environment.name, head.info.model.key)
  const runUrl = `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.workflowRun.id}`
  const body = renderCommentBody(diff, { marker, ...(data.baseline ? { baselineDescription: data.baseline.description } : {}), runUrl })
  await reporter.summary(renderCommentBody(diff, { runUrl }))
  if (inputs.comment !== 'off') {
    const comment = await upsertComment(octokit, { repo: context.repo, issueNumber: data.number, marker, body, mode: inputs.comment })
    reporter.info(`PR #${data.number} comment: ${comment.action}${comment.reason ? ` (${comment.reason})` : ''}`)
    if (comment.url) reporter.setOutput('comment-url', comment.url)
  }
  if (inputs.checkName) {
    const failure = gateFailure(diff, inputs)
    const check = await reportCheck(octokit, {
      repo: context.repo,
      sha: data.headSha,
      name: inputs.checkName,
      conclusion: failure ? 'failure' : 'success',
      title: verdictTitle(diff),
      summary: body.replace(/^<!--.*?-->\n\n/, ''),
      detailsUrl: runUrl
    })
    reporter.info(`Check: ${check.used}`)
  }
  reporter.setOutput('verdict', diff.verdict)
  reporter.setOutput('score', head.scores.score ?? 0)
}
