/**
 * Answer extraction with lm-evaluation-harness's RegexFilter semantics (`findall`, then
 * `group_select`, then "first non-empty element" of a tuple, then `strip`), so a task's
 * `filter_list` ports one to one. GSM8K's two filters are:
 *
 * - strict-match: `{ pattern: '#### (\\-?[0-9\\.\\,]+)', select: 'first' }`
 * - flexible-extract: `{ pattern: '(-?[$0-9.,]{2,})|(-?[0-9]+)', select: 'last' }`
 *
 * lm-eval answers "[invalid]" when nothing matches; here that is `fallback`, and without one the
 * result is null so scorers can say "no answer found".
 */
import type { z } from 'zod'
import type { Extract } from '../environment/manifest.js'
import { ValidationError } from '../errors.js'
import { compilePattern, groupCount, showPattern } from './_regex.js'

/** Extraction options; omitted fields take the manifest's defaults (flags '', select 'first'). */
export type ExtractOptions = z.input<typeof Extract>

/**
 * Characters of a response that are scanned. A careless pattern (`\d+\s*$`) can take time
 * quadratic in the input, and a response can be megabytes of repeated tokens; no real answer sits
 * 100k characters deep. First/positive selections scan the head, last/negative selections the
 * tail, where their answers are. On a cut text `^` and `$` also match at the cut. Exponential patterns are handled by the backtrack guard of
 * enableBacktrackGuard() in _regex.ts.
 */
export const MAX_SCAN_CHARS = 100_000

/** Matches visited before giving up; with `select: 'last'` the last of these is taken. */
export const MAX_MATCHES = 10_000

/**
 * Build an extractor once (compiling the pattern) and apply it to many responses. Returns the
 * selected match's text, trimmed: the configured `group` (0 = whole match), or with no group given
 * and a pattern with groups, the first non-empty group (lm-eval: tuple → first non-empty element),
 * or the whole match for a pattern without groups. When nothing matches, the selected index is out
 * of range, or every group of the selected match is empty, the result is `fallback`, else null.
 * Throws a ValidationError for an invalid pattern or a group the pattern does not have.
 */
export function createExtractor(options: ExtractOptions): (response: string) => string | null {
  const re = compilePattern(options.pattern, `${options.flags ?? ''}g`, 'extract.pattern')
  const groups = groupCount(re)
  if (options.group !== undefined && options.group > groups) {
    throw new ValidationError([
      {
        field: 'extract.group',
        message: `group ${options.group} does not exist: ${showPattern(options.pattern, options.flags)} has ${groups} capture group${groups === 1 ? '' : 's'}`,
        hint: 'use 0 for the whole match, or leave group out to take the first non-empty group'
      }
    ])
  }
  const select = options.select ?? 'first'
  const index = select === 'first' ? 0 : select === 'last' ? -1 : select
  const fallback = options.fallback ?? null

  return (response) => {
    const match = index >= 0 ? nthMatch(head(response), re, index) : nthFromEnd(tail(response), re, -index)
    if (!match) return fallback
    return pickGroup(match, options.group) ?? fallback
  }
}

/** Extract the answer from one response; see createExtractor() for the semantics. */
export function extractAnswer(response: string, options: ExtractOptions): string | null {
  return createExtractor(options)(response)
}

function head(text: string): string {
  if (text.length <= MAX_SCAN_CHARS) return text
  // Do not end on half of a surrogate pair: a lone surrogate would fail `u`-mode patterns.
  const cut = isHighSurrogate(text.charCodeAt(MAX_SCAN_CHARS - 1)) ? MAX_SCAN_CHARS - 1 : MAX_SCAN_CHARS
  return text.slice(0, cut)
}

function tail(text: string): string {
  if (text.length <= MAX_SCAN_CHARS) return text
  const start = text.length - MAX_SCAN_CHARS
  return text.slice(isLowSurrogate(text.charCodeAt(start)) ? start + 1 : start)
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff

function nthMatch(text: string, re: RegExp, index: number): RegExpExecArray | undefined {
  let seen = 0
  // matchAll clones the expression, so the shared RegExp's lastIndex is never touched.
  for (const match of text.matchAll(re)) {
    if (seen === index) return match
    if (++seen >= MAX_MATCHES) return undefined
  }
  return undefined
}

function nthFromEnd(text: string, re: RegExp, fromEnd: number): RegExpExecArray | undefined {
  if (fromEnd > MAX_MATCHES) return undefined
  // Keep only the last `fromEnd` matches instead of materialising all of them.
  const window: RegExpExecArray[] = []
  let seen = 0
  for (const match of text.matchAll(re)) {
    window.push(match)
    if (window.length > fromEnd) window.shift()
    if (++seen >= MAX_MATCHES) break
  }
  return window.length === fromEnd ? window[0] : undefined
}

function pickGroup(match: RegExpExecArray, group: number | undefined): string | null {
  if (group !== undefined) {
    const value = match[group]
    return value === undefined ? null : value.trim()
  }
  if (match.length === 1) return match[0].trim()
  // Python's findall gives '' for groups that did not take part; JavaScript gives undefined.
  for (let i = 1; i < match.length; i++) {
    const value = match[i]
    if (value) return value.trim()
  }
  return null
}
