/** The `choice` scorer: multiple choice, comparing the letter a response picks with the target's. */
import { createNormalizer } from './normalize.js'
import { MAX_SCAN_CHARS } from './extract.js'
import { withExtract } from './factory.js'
import type { ScorerFactory } from './factory.js'
import { quote, targetList } from './_util.js'

/** A letter found in a response, and which rule found it (shown in reasons). */
export interface ChoiceAnswer {
  letter: string
  how: 'answer statement' | 'bare letter' | 'leading letter' | 'parenthesised letter' | 'choice text'
}

const normalizeChoice = createNormalizer({ case: true, whitespace: true, punctuation: true })
const escapeClass = (letters: string): string => [...letters].map((c) => c.replace(/[\\\]^-]/g, '\\$&')).join('')

const DECORATION = /[*_`"'\s]/u

/**
 * The response without surrounding markdown emphasis, code ticks and quotes ("**B**" → "B").
 * A loop, not /[…]+$/: that expression retries at every character of a long inner run of spaces.
 */
function stripDecoration(text: string): string {
  let start = 0
  let end = text.length
  while (start < end && DECORATION.test(text.charAt(start))) start++
  while (end > start && DECORATION.test(text.charAt(end - 1))) end--
  return text.slice(start, end)
}

/**
 * The letters a case may use: the configured `letters` (default A–J) cut to the case's number of
 * choices, so "E" is no answer to a four-choice question.
 */
export function allowedLetters(letters: string, choices?: readonly string[]): string {
  const all = [...letters]
  return (choices && choices.length > 0 ? all.slice(0, choices.length) : all).join('')
}

/**
 * The letter a response picks, or null. Rules, first hit wins:
 * 1. an answer statement, the last one ("Answer: B", "the answer is (B)", "**Answer:** B",
 *    "the correct option is B"), since models revise themselves;
 * 2. the whole response is a letter ("B", "B.", "(B)", "**B**");
 * 3. the response starts with a letter followed by ".", ",", ")", ":" or "]" ("B. Paris"), or a
 *    capital letter and a space ("B is right"), except A and I, which start English sentences;
 * 4. parenthesised letters "(B)" anywhere, when they all name the same letter (a response that
 *    walks through "(A) … (B) …" names none);
 * 5. the response is the text of exactly one choice.
 * Lower-case letters count only where they cannot be the article "a" or a word: inside
 * parentheses or before punctuation.
 */
export function extractChoice(response: string, allowed: string, choices?: readonly string[]): ChoiceAnswer | null {
  if (allowed === '') return null
  const cls = `[${escapeClass(allowed)}]`
  const canonical = (found: string): string | null => {
    const i = allowed.toUpperCase().indexOf(found.toUpperCase())
    return i >= 0 ? (allowed[i] ?? null) : null
  }
  const strictCase = (found: string): boolean => allowed.includes(found)

  const statement = new RegExp(
    // One whitespace quantifier between the words and the letter: adjacent ones (\s*\s*) make a
    // long run of spaces quadratic, and the i/u flags keep V8's linear-time fallback away.
    String.raw`(?:\banswer\b|\b(?:correct|right|best|final)\s+(?:option|choice)\b)(?:\s+(?:is|would be|should be|will be)\b)?(?:\s+(?:option|choice|letter)\b)?[\s:*_]*(\()?(${cls})(\))?(?![\p{L}\p{N}])([.):]|\s*$)?`,
    'giu'
  )
  // Answers come last; the tail bounds the time of the unanchored scans on a runaway response.
  const tail = response.length > MAX_SCAN_CHARS ? response.slice(-MAX_SCAN_CHARS) : response
  let last: string | null = null
  for (const m of tail.matchAll(statement)) {
    const letter = m[2] ?? ''
    // "the answer is a bird" must not read as choice A: lower case needs parentheses or punctuation.
    if (strictCase(letter) || (m[1] && m[3]) || m[4] !== undefined) last = canonical(letter) ?? last
  }
  if (last) return { letter: last, how: 'answer statement' }

  const stripped = stripDecoration(response)
  const bare = new RegExp(String.raw`^\(?(${cls})\)?[.:)]?$`, 'iu').exec(stripped)
  if (bare?.[1]) return { letter: canonical(bare[1]) ?? bare[1], how: 'bare letter' }

  const leadPunct = new RegExp(String.raw`^\(?(${cls})[.,):\]]`, 'iu').exec(stripped)
  if (leadPunct?.[1]) return { letter: canonical(leadPunct[1]) ?? leadPunct[1], how: 'leading letter' }
  const leadSpace = new RegExp(String.raw`^(${cls})\s`, 'u').exec(stripped)
  if (leadSpace?.[1] && leadSpace[1] !== 'A' && leadSpace[1] !== 'I') return { letter: leadSpace[1], how: 'leading letter' }

  const parenthesised = new Set<string>()
  for (const m of tail.matchAll(new RegExp(String.raw`\((${cls})\)`, 'giu'))) parenthesised.add(canonical(m[1] ?? '') ?? '')
  parenthesised.delete('')
  if (parenthesised.size === 1) return { letter: [...parenthesised][0] ?? '', how: 'parenthesised letter' }
  if (parenthesised.size > 1) return null

  if (choices) {
    const said = normalizeChoice(response)
    const matching = choices.slice(0, allowed.length).flatMap((c, i) => (normalizeChoice(c) === said && said !== '' ? [i] : []))
    const only = matching.length === 1 ? matching[0] : undefined
    if (only !== undefined) return { letter: allowed[only] ?? '', how: 'choice text' }
  }
  return null
}

/**
 * The letter a target names: a letter ("B", "(b)"), else a 0-based index ("1" → B, as
 * lm-evaluation-harness's integer doc_to_target), else the text of a choice. Null when it names
 * none of the allowed letters.
 */
export function targetLetter(target: string, allowed: string, choices?: readonly string[]): string | null {
  const t = target.trim()
  const letter = /^\(?(.)\)?\.?$/su.exec(t)?.[1]
  if (letter !== undefined) {
    const i = allowed.toUpperCase().indexOf(letter.toUpperCase())
    if (i >= 0) return allowed[i] ?? null
  }
  if (/^\d+$/.test(t)) {
    const i = Number(t)
    if (i < allowed.length) return allowed[i] ?? null
  }
  if (choices) {
    const wanted = normalizeChoice(t)
    const i = choices.findIndex((c) => normalizeChoice(c) === wanted)
    if (i >= 0 && i < allowed.length) return allowed[i] ?? null
  }
  return null
}

/**
 * Multiple choice: passes with value 1 when the letter the answer picks (see extractChoice())
 * is the target's letter (see targetLetter()), or one of them. Letters are `letters` (default
 * "ABCDEFGHIJ") limited to the case's number of choices. `extracted` is the letter.
 */
export const choiceScorer: ScorerFactory<'choice'> = (config) =>
  withExtract(config.extract, (answer, input) => {
    const allowed = allowedLetters(config.letters, input.case.choices)
    const targets = targetList(input.target)
    const expected = [...new Set(targets.flatMap((t) => targetLetter(t, allowed, input.case.choices) ?? []))]
    if (expected.length === 0) {
      const count = input.case.choices?.length
      return {
        value: 0,
        passed: false,
        extracted: null,
        reason: `target ${quote(targets[0] ?? '')} names no choice: expected one of the letters ${allowed}, an index below ${count ?? allowed.length} or a choice's text`
      }
    }
    const picked = extractChoice(answer, allowed, input.case.choices)
    const wanted = expected.join(' or ')
    if (!picked) return { value: 0, passed: false, extracted: null, reason: `no choice letter (${allowed}) found in ${quote(answer)}; expected ${wanted}` }
    if (expected.includes(picked.letter)) return { value: 1, passed: true, extracted: picked.letter, reason: `answered ${picked.letter} (${picked.how}), as expected` }
    return { value: 0, passed: false, extracted: picked.letter, reason: `answered ${picked.letter} (${picked.how}), expected ${wanted}` }
  })
