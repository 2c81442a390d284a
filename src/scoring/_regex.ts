/**
 * Compiling user-written regular expressions. Environments port lm-evaluation-harness tasks whose
 * patterns are Python regexes, so the few Python spellings with a direct JavaScript equivalent are
 * translated rather than rejected: a leading inline flag group such as `(?s)` (GSM8K's
 * `regexes_to_ignore` uses `(?s).*#### `), named groups `(?P<name>…)` and back-references
 * `(?P=name)`. Everything else is JavaScript syntax.
 */
import { setFlagsFromString } from 'node:v8'
import { ValidationError } from '../errors.js'

const INLINE_FLAGS = /^\(\?([aiLmsux]+)\)/
const PY_NAMED_GROUP = /(?<!\\)\(\?P</g
const PY_BACKREF = /(?<!\\)\(\?P=(\w+)\)/g

let backtrackGuard = false

/**
 * Let V8 switch a regular expression to its linear-time engine once it has backtracked 50,000
 * times, so a pattern like `(a+)+b` fails in milliseconds instead of hanging the run. Capping the
 * scanned text does not help there: exponential backtracking needs only a few dozen characters.
 * The switch is process-wide but only changes how long pathological matches take, never their
 * result. V8's linear engine does not handle every pattern (not the i and u flags,
 * back-references or lookarounds); those stay unguarded. Called on the first user pattern
 * compiled, not at import time; idempotent.
 */
export function enableBacktrackGuard(): void {
  if (backtrackGuard) return
  backtrackGuard = true
  setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks')
}

/**
 * Compile `pattern` with `flags`, translating Python-only syntax. Throws a ValidationError naming
 * `field` (e.g. `extract.pattern`) when the pattern or flags are invalid, so a manifest problem is
 * reported before any case runs.
 */
export function compilePattern(pattern: string, flags: string, field: string): RegExp {
  let source = pattern
  const merged = new Set(flags)
  const inline = INLINE_FLAGS.exec(source)
  if (inline) {
    const pyFlags = inline[1] ?? ''
    if (pyFlags.includes('x')) {
      throw new ValidationError([
        { field, message: `the verbose flag (?x) of /${pattern}/ has no JavaScript equivalent`, hint: 'remove the whitespace and comments, and the (?x)' }
      ])
    }
    // a, L and u choose Python's character classes; JavaScript has no such switch, so they are dropped.
    for (const flag of pyFlags) if ('ims'.includes(flag)) merged.add(flag)
    source = source.slice(inline[0].length)
  }
  enableBacktrackGuard()
  source = source.replace(PY_NAMED_GROUP, '(?<').replace(PY_BACKREF, '\\k<$1>')
  try {
    return new RegExp(source, [...merged].join(''))
  } catch (error) {
    throw new ValidationError(
      [
        {
          field,
          message: `invalid regular expression /${pattern}/${flags}: ${error instanceof Error ? error.message : String(error)}`,
          hint: 'patterns use JavaScript syntax; with the u flag, escape only characters that need it'
        }
      ],
      undefined,
      { cause: error }
    )
  }
}

/** Number of capture groups of a compiled expression (matching the empty alternative reveals them). */
export function groupCount(re: RegExp): number {
  return (new RegExp(`${re.source}|`, re.flags.replace(/[gy]/g, '')).exec('')?.length ?? 1) - 1
}

/** `/pattern/flags`, how reasons and messages show an expression. */
export function showPattern(pattern: string, flags = ''): string {
  return `/${pattern}/${flags}`
}
