/**
 * Text normalisation before comparing an answer with a target, in the spirit of SQuAD's
 * `normalize_answer` and lm-evaluation-harness's exact_match options (`ignore_case`,
 * `ignore_punctuation`, `regexes_to_ignore`), but Unicode-aware: punctuation and symbols are
 * Unicode categories, not `string.punctuation`, so "¿Qué?" and "«Paris»" normalise too.
 */
import type { z } from 'zod'
import type { Normalize } from '../environment/manifest.js'
import { compilePattern } from './_regex.js'

/** Normalisation options; omitted fields take the manifest's defaults. */
export type NormalizeOptions = z.input<typeof Normalize>

// Punctuation (P*) and symbols (S*: $, %, +, emoji): lm-eval's string.punctuation covers both kinds.
const PUNCTUATION = /[\p{P}\p{S}]/gu
// A word boundary that knows letters beyond ASCII (`\b` treats "é" as a non-word character).
const ARTICLES = /(?<![\p{L}\p{N}\p{M}_])(?:a|an|the)(?![\p{L}\p{N}\p{M}_])/giu
const WHITESPACE = /\s+/gu

/**
 * Build a normaliser once (compiling the `ignore` expressions) and apply it to many texts.
 * Steps, in lm-eval's order: remove `ignore` matches, then lower-case (`case`, default true), remove
 * punctuation and symbols (`punctuation`, default false), remove the articles a/an/the in any letter
 * case (`articles`, default false), then trim and collapse whitespace (`whitespace`, default true).
 * Text is first put in Unicode NFC so composed and decomposed accents compare equal.
 * Throws a ValidationError when an `ignore` expression is invalid.
 */
export function createNormalizer(options: NormalizeOptions = {}): (text: string) => string {
  const lower = options.case ?? true
  const collapse = options.whitespace ?? true
  const punctuation = options.punctuation ?? false
  const articles = options.articles ?? false
  const ignore = (options.ignore ?? []).map((pattern, i) => compilePattern(pattern, 'g', `normalize.ignore[${i}]`))
  return (text) => {
    let out = text.normalize('NFC')
    for (const re of ignore) out = out.replace(re, '')
    if (lower) out = out.toLowerCase()
    if (punctuation) out = out.replace(PUNCTUATION, '')
    // Replaced by a space, not removed, so "a cat" does not become "cat" glued to its neighbour.
    if (articles) out = out.replace(ARTICLES, ' ')
    if (collapse) out = out.replace(WHITESPACE, ' ').trim()
    return out
  }
}

/** Normalise one text; prefer createNormalizer() for many texts with the same options. */
export function normalizeText(text: string, options: NormalizeOptions = {}): string {
  return createNormalizer(options)(text)
}
