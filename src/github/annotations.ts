/**
 * Check run annotations on the dataset lines of regressed cases, so a reviewer sees "this case
 * regressed" next to the row in the PR's Files view. Annotation text is shown as plain text, so
 * untrusted text is only sanitized (controls, bidi overrides) and cut, not escaped.
 */
import type { CaseRecord } from '../run/record.js'
import { sanitizeText, truncateText, truncationMarker } from './escape.js'

/** A check run annotation (the Checks API's fields, camel-cased). */
export interface Annotation {
  /** Path relative to the repository root, with `/`. */
  path: string
  startLine: number
  /** Default: startLine. */
  endLine?: number
  level: 'notice' | 'warning' | 'failure'
  /** At most 255 characters. */
  title?: string
  /** Plain text; at most 64 KiB. */
  message: string
  rawDetails?: string
}

/** Characters of the expected answer and of the response shown in an annotation's message. */
const SHOWN_CHARS = 300

/**
 * One warning per regressed case that knows its source line, at
 * `${envPathInRepo}/${record.source.file}`. Accepts the diff's flips (`{head}` pairs) or the
 * head records themselves. `envPathInRepo` is the environment folder relative to the
 * repository root (`''` or `.` for the root); cases without a source line are skipped, since an
 * annotation needs one.
 */
export function regressionAnnotations(regressed: ReadonlyArray<CaseRecord | { head: CaseRecord }>, envPathInRepo: string): Annotation[] {
  const folder = envPathInRepo.replace(/\\/g, '/').replace(/^\.\/?/, '').replace(/\/+$/, '')
  const annotations: Annotation[] = []
  for (const item of regressed) {
    const record = 'head' in item ? item.head : item
    const line = record.source?.line
    if (!record.source || line === undefined || line < 1) continue
    const file = record.source.file.replace(/\\/g, '/').replace(/^\.\//, '')
    const target = Array.isArray(record.target) ? record.target.join(' | ') : record.target
    const got = record.error ? `error: ${record.error.message}` : (record.extracted ?? record.response ?? '(no response)')
    annotations.push({
      path: folder ? `${folder}/${file}` : file,
      startLine: line,
      endLine: line,
      level: 'warning',
      title: shown(`Regressed: ${record.id}`, 200),
      message: [`Expected: ${shown(target, SHOWN_CHARS)}`, `Got: ${shown(got, SHOWN_CHARS)}`, record.status === 'error' ? '' : `Score: ${record.score}`].filter(Boolean).join('\n')
    })
  }
  return annotations
}

function shown(text: string, max: number): string {
  const cut = truncateText(sanitizeText(text), max)
  return cut.omitted > 0 ? `${cut.text} ${truncationMarker(cut.omitted)}` : cut.text
}
