/**
 * The PR comment, job summary and check-run text: one markdown body built from the diff, with the
 * sticky marker on top and links to the run and the artifact at the bottom. Pure.
 */
import type { RunDiff } from '../diff/types.js'
import { escapeInline } from '../github/escape.js'
import { diffMarkdown } from '../report/markdown.js'

export interface CommentContext {
  /** The hidden marker that makes the comment sticky; omitted for the job summary. */
  marker?: string
  /** Where the baseline came from, for a reader ("main at 1a2b3c4, the merge base"). */
  baselineDescription?: string
  runUrl?: string
  artifactUrl?: string
  /** Lines of extra notices (no-baseline policy, acknowledged regressions), our own text. */
  notes?: string[]
}

/** GitHub rejects bodies over 65,536 characters; leave room for the marker and the footer. */
const DIFF_BUDGET = 60_000

export function renderCommentBody(diff: RunDiff, context: CommentContext): string {
  const parts: string[] = []
  if (context.marker) parts.push(context.marker)
  parts.push(diffMarkdown(diff, { maxChars: DIFF_BUDGET }))
  if (context.baselineDescription) {
    // The description may come from a fork's artifact (phase 2 of the fork-safe mode): escape it.
    parts.push(`Baseline: ${escapeInline(context.baselineDescription, { maxChars: 300 })}${diff.hashMismatch ? ' (**different environment hash**: the comparison is flagged, not trusted)' : ''}`)
  }
  for (const note of context.notes ?? []) parts.push(`> ${note}`)
  const links = [
    context.runUrl ? `[Workflow run](${context.runUrl})` : '',
    context.artifactUrl ? `[Artifact with report.html and results](${context.artifactUrl})` : ''
  ].filter(Boolean)
  if (links.length) parts.push(links.join(' · '))
  return `${parts.join('\n\n')}\n`
}

/** One line for a check run's title or a commit status's description. */
export function verdictTitle(diff: RunDiff): string {
  const score = diff.headScore === null ? 'n/a' : `${(diff.headScore * 100).toFixed(1)}%`
  const delta = diff.baseScore !== null && diff.headScore !== null ? ` (${formatPoints((diff.headScore - diff.baseScore) * 100)})` : ''
  const verdict = diff.acknowledged ? 'regression acknowledged' : diff.verdict
  return `Score ${score}${delta}: ${verdict}, ${diff.regressed.length} regressed, ${diff.fixed.length} fixed`
}

function formatPoints(points: number): string {
  const sign = points > 0 ? '+' : points < 0 ? '−' : '±'
  return `${sign}${Math.abs(points).toFixed(1)} pp`
}
