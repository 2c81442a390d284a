/**
 * The sticky pull request comment: one per workflow + environment + model, found again by a
 * hidden marker and updated in place, so a PR shows the latest result instead of a pile of them.
 */
import { describeError } from '../errors.js'
import { fitMarkdown } from './fit.js'
import { isRefused, type Octokit, type RepoRef } from './octokit.js'

/** GitHub refuses comment bodies longer than this many characters. */
export const MAX_COMMENT_CHARS = 65_536

/** `update` one sticky comment, post a `new` one each run, or post nothing (`off`). */
export type CommentMode = 'update' | 'new' | 'off'

/** Options of {@link upsertComment}. */
export interface UpsertCommentOptions {
  repo: RepoRef
  /** The pull request (or issue) number. */
  issueNumber: number
  /** From {@link commentMarker}; put at the top of the body when the body lacks it. */
  marker: string
  /** Markdown, already rendered with the escaping functions; cut to {@link MAX_COMMENT_CHARS}. */
  body: string
  mode: CommentMode
  /**
   * Only update a marked comment written by this login (e.g. a PAT's user). Default: only
   * comments written by a bot, such as `github-actions[bot]`: a person who pastes the marker into
   * their own comment could otherwise have it filled with results they can then edit.
   */
  author?: string
}

/** What {@link upsertComment} did. */
export interface CommentResult {
  action: 'created' | 'updated' | 'skipped' | 'forbidden'
  id?: number
  /** The comment's html_url. */
  url?: string
  /** Why it was skipped or forbidden. */
  reason?: string
}

/**
 * `<!-- benchgen-eval:WORKFLOW/ENV/MODEL -->`. Each part is reduced to letters, digits, spaces
 * and `._@+:-`, without `--` (which could end the HTML comment early) and with `/` replaced (it
 * separates the parts), so the marker of one workflow/environment/model is never a prefix or
 * substring of another's.
 */
export function commentMarker(workflow: string, environment: string, model: string): string {
  return `<!-- benchgen-eval:${[workflow, environment, model].map(markerPart).join('/')} -->`
}

function markerPart(text: string): string {
  const part = text
    .replace(/[^A-Za-z0-9 ._@+:-]+/g, '_')
    .replace(/\s+/g, ' ')
    .replace(/-{2,}/g, '-')
    .trim()
    .slice(0, 100)
    .replace(/-+$/, '')
  return part || '_'
}

/**
 * Post or update the comment. Never throws for a token that may not comment (a fork's
 * read-only token answers 403, a private repository it cannot see 404): the result is then
 * `forbidden`. Other failures (network, 5xx) are thrown.
 *
 * In `update` mode every page of comments is read (100 per request) until a comment holding
 * the marker is found, so a sticky comment far down a long PR is updated instead of duplicated.
 */
export async function upsertComment(octokit: Octokit, options: UpsertCommentOptions): Promise<CommentResult> {
  const { repo, issueNumber, marker, mode } = options
  if (mode === 'off') return { action: 'skipped', reason: 'comment mode is off' }
  const body = fitCommentBody(options.body, marker)
  const target = { ...repo, issue_number: issueNumber }

  if (mode === 'update') {
    try {
      // Marked comments in page order; one the token may not edit (someone pasted the marker
      // into their own comment) is passed over for the next, so the next run does not post a
      // duplicate next to it.
      for await (const comment of markedComments(octokit, target, marker, options.author)) {
        try {
          const { data } = await octokit.rest.issues.updateComment({ ...repo, comment_id: comment.id, body })
          return { action: 'updated', id: data.id, url: data.html_url }
        } catch (error) {
          if (!isRefused(error)) throw error
        }
      }
    } catch (error) {
      if (isRefused(error)) return { action: 'forbidden', reason: `cannot read the comments of #${issueNumber}: ${describeError(error)}` }
      throw error
    }
  }

  try {
    const { data } = await octokit.rest.issues.createComment({ ...target, body })
    return { action: 'created', id: data.id, url: data.html_url }
  } catch (error) {
    if (isRefused(error)) return { action: 'forbidden', reason: `cannot comment on #${issueNumber}: ${describeError(error)}` }
    throw error
  }
}

async function* markedComments(
  octokit: Octokit,
  target: RepoRef & { issue_number: number },
  marker: string,
  author: string | undefined
): AsyncGenerator<{ id: number }> {
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, { ...target, per_page: 100 })) {
    for (const comment of page.data) {
      // Anyone can paste the marker into a comment of their own and edit it after we fill it in,
      // so without a named author only comments written by a bot (the Actions token's own) count.
      const ours = author === undefined ? comment.user?.type === 'Bot' : comment.user?.login === author
      if (comment.body?.includes(marker) && ours) yield comment
    }
  }
}

/**
 * `body` with the marker first and at most `max` characters: a longer body is cut at a line
 * break, any code fence or `<details>` left open by the cut is closed, and a note says so.
 */
export function fitCommentBody(body: string, marker: string, max = MAX_COMMENT_CHARS): string {
  const withMarker = body.includes(marker) ? body : `${marker}\n${body}`
  if (withMarker.length <= max) return withMarker
  const head = `${marker}\n`
  const rest = body.split(marker).join('')
  const note = (omitted: number): string =>
    `\n\n---\n_This comment was cut to fit GitHub's ${MAX_COMMENT_CHARS.toLocaleString('en-US')}-character limit (${omitted.toLocaleString('en-US')} characters left out). The full report is in the job summary and the run's artifact._`
  return `${head}${fitMarkdown(rest, max - head.length, note)}`
}
