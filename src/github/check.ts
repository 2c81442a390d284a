/**
 * The result as a check run (Checks API) with annotations, or, when the token cannot write
 * checks (a personal access token, a fork's read-only token), as a commit status.
 */
import { describeError } from '../errors.js'
import type { Annotation } from './annotations.js'
import { fitMarkdown } from './fit.js'
import { isRefused, type Octokit, type RepoRef } from './octokit.js'

/** The Checks API takes at most this many annotations per request. */
export const ANNOTATIONS_PER_REQUEST = 50
/** Longest check run output summary or text. */
export const MAX_CHECK_TEXT = 65_535
/** Longest commit status description. */
export const MAX_STATUS_DESCRIPTION = 140

/** Options of {@link reportCheck}. */
export interface ReportCheckOptions {
  repo: RepoRef
  /** The commit the result is for: a PR's head sha, not the merge commit. */
  sha: string
  /** The check run's name; the commit status's context in the fallback. */
  name: string
  conclusion: 'success' | 'failure' | 'neutral'
  /** One line; the status description (cut to 140 characters) in the fallback. */
  title: string
  /** Markdown; cut to 65,535 characters. */
  summary: string
  /** More markdown shown under the summary; cut to 65,535 characters. */
  text?: string
  annotations?: readonly Annotation[]
  /** Link to the full report (the run page); the status's target_url in the fallback. */
  detailsUrl?: string
  /** Most annotations sent, 50 per request. Default 500 (10 requests). */
  maxAnnotations?: number
}

/** What {@link reportCheck} did. */
export interface CheckResult {
  used: 'check' | 'status' | 'forbidden'
  /** The check run's id. */
  id?: number
  /** The check run's html_url. */
  url?: string
  /** Annotations written. */
  annotations: number
  /** Why the check run (and the status) could not be written. */
  reason?: string
}

/**
 * Create a completed check run, its first 50 annotations included, and add the rest 50 per
 * update. A refused check run (403/404) falls back to a commit status; a refused status gives
 * `forbidden`. Never throws for refusals; other failures (network, 5xx, 422) are thrown.
 */
export async function reportCheck(octokit: Octokit, options: ReportCheckOptions): Promise<CheckResult> {
  const { repo, sha, name, conclusion } = options
  const annotations = (options.annotations ?? []).slice(0, options.maxAnnotations ?? 500).map(toApiAnnotation)
  const batches: (typeof annotations)[] = []
  for (let i = 0; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) batches.push(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST))
  const output = {
    title: cut(options.title, 1000),
    summary: fitMarkdown(options.summary, MAX_CHECK_TEXT, checkNote),
    ...(options.text ? { text: fitMarkdown(options.text, MAX_CHECK_TEXT, checkNote) } : {})
  }

  let checkRefusal: string
  try {
    const { data } = await octokit.rest.checks.create({
      ...repo,
      head_sha: sha,
      name,
      status: 'completed',
      conclusion,
      completed_at: new Date().toISOString(),
      ...(options.detailsUrl ? { details_url: options.detailsUrl } : {}),
      output: { ...output, ...(batches[0] ? { annotations: batches[0] } : {}) }
    })
    let written = batches[0]?.length ?? 0
    for (const batch of batches.slice(1)) {
      // An update's output replaces title and summary, so both are sent again; annotations add up.
      try {
        await octokit.rest.checks.update({ ...repo, check_run_id: data.id, output: { title: output.title, summary: output.summary, annotations: batch } })
      } catch (error) {
        // The check run stands; only some annotations are missing. Not worth a second report.
        if (!isRefused(error)) throw error
        return { used: 'check', id: data.id, url: data.html_url ?? undefined, annotations: written, reason: `annotation update refused: ${describeError(error)}` }
      }
      written += batch.length
    }
    return { used: 'check', id: data.id, url: data.html_url ?? undefined, annotations: written }
  } catch (error) {
    if (!isRefused(error)) throw error
    checkRefusal = describeError(error)
  }

  try {
    await octokit.rest.repos.createCommitStatus({
      ...repo,
      sha,
      state: conclusion === 'failure' ? 'failure' : 'success',
      context: name,
      description: cut(options.title, MAX_STATUS_DESCRIPTION),
      ...(options.detailsUrl ? { target_url: options.detailsUrl } : {})
    })
    return { used: 'status', annotations: 0, reason: `check run refused: ${checkRefusal}` }
  } catch (error) {
    if (!isRefused(error)) throw error
    return { used: 'forbidden', annotations: 0, reason: `check run refused: ${checkRefusal}; commit status refused: ${describeError(error)}` }
  }
}

function checkNote(omitted: number): string {
  return `\n\n_Cut to fit the check run's size limit (${omitted.toLocaleString('en-US')} characters left out); the job summary has everything._`
}

function toApiAnnotation(annotation: Annotation) {
  return {
    path: annotation.path,
    start_line: annotation.startLine,
    end_line: annotation.endLine ?? annotation.startLine,
    annotation_level: annotation.level,
    message: cut(annotation.message, 64_000),
    ...(annotation.title ? { title: cut(annotation.title, 255) } : {}),
    ...(annotation.rawDetails ? { raw_details: cut(annotation.rawDetails, 64_000) } : {})
  }
}

/** `text` cut to `max` characters, ending with `…` when cut; never splits a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text
  let end = max - 1
  if (/[\ud800-\udbff]/.test(text.charAt(end - 1))) end -= 1
  return `${text.slice(0, end)}…`
}
