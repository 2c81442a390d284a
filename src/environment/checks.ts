/**
 * Cross-reference rules over a parsed manifest and its loaded cases: what zod cannot see because
 * it needs two fields at once or the data. Each rule is a small pure function returning issues;
 * the loader decides which are errors and which are warnings.
 */
import type { Issue } from '../errors.js'
import { templateContext } from '../harness/single-turn.js'
import type { TemplateEngine } from '../harness/template.js'
import { compilePattern } from '../scoring/_regex.js'
import { templateErrorText } from './cases.js'
import { closest } from './manifest-file.js'
import type { Manifest, ScorerConfig } from './manifest.js'
import type { EnvCase } from './types.js'

/** Builds an issue located at a manifest field (file and line filled in by the caller). */
export type IssueAt = (path: readonly (string | number)[], message: string, hint?: string) => Issue

/** The name a scorer is known by in scores and in `scoring.primary`: its `name`, else its `type`. */
export function scorerName(scorer: ScorerConfig): string {
  return scorer.name ?? scorer.type
}

/** The phase run when none is asked for: `defaultPhase`, else `test` if it exists, else the first. */
export function pickDefaultPhase(manifest: Manifest, phaseNames: readonly string[]): string {
  return manifest.defaultPhase ?? (phaseNames.includes('test') ? 'test' : (phaseNames[0] ?? 'test'))
}

/** `defaultPhase`, when set, names a phase that exists. */
export function checkDefaultPhase(manifest: Manifest, phaseNames: readonly string[], at: IssueAt): Issue[] {
  if (manifest.defaultPhase === undefined || phaseNames.includes(manifest.defaultPhase)) return []
  return [at(['defaultPhase'], `names no phase "${manifest.defaultPhase}"`, `phases: ${phaseNames.join(', ')}`)]
}

/** Scorer names are unique, `primary` names one of them (or `weighted`), and patterns compile. */
export function checkScoring(manifest: Manifest, at: IssueAt): Issue[] {
  const issues: Issue[] = []
  const scorers = manifest.scoring.scorers
  const firstIndex = new Map<string, number>()
  scorers.forEach((scorer, i) => {
    const name = scorerName(scorer)
    const first = firstIndex.get(name)
    if (first === undefined) firstIndex.set(name, i)
    else issues.push(at(['scoring', 'scorers', i, scorer.name === undefined ? 'type' : 'name'], `gives a second scorer the name "${name}" (scorer ${first} has it)`, 'give each scorer a distinct `name`'))
  })
  const primary = manifest.scoring.primary
  if (primary !== undefined && primary !== 'weighted' && !firstIndex.has(primary)) {
    issues.push(at(['scoring', 'primary'], `names no scorer "${primary}"`, `scorers: ${[...firstIndex.keys()].join(', ')}, or "weighted" for the weighted mean`))
  }
  scorers.forEach((scorer, i) => {
    const base = ['scoring', 'scorers', i] as const
    if (scorer.extract) issues.push(...patternIssue(scorer.extract.pattern, scorer.extract.flags, [...base, 'extract', 'pattern'], at))
    if (scorer.type === 'regex') issues.push(...patternIssue(scorer.pattern, scorer.flags, [...base, 'pattern'], at))
    if (scorer.type === 'exact' || scorer.type === 'includes') {
      scorer.normalize.ignore.forEach((pattern, j) => issues.push(...patternIssue(pattern, '', [...base, 'normalize', 'ignore', j], at)))
    }
  })
  return issues
}

function patternIssue(pattern: string, flags: string, path: (string | number)[], at: IssueAt): Issue[] {
  try {
    compilePattern(pattern, flags, path.join('.'))
    return []
  } catch (error) {
    const first = (error as { issues?: Issue[] }).issues?.[0]
    return [at(path, first?.message ?? String(error), first?.hint)]
  }
}

/** Template failures reported one by one; beyond this, each template gets one summary issue. */
export const MAX_TEMPLATE_ISSUES = 20

/**
 * Render every prompt template on every case it will see (harness.template and harness.system on
 * every case of every phase, the few-shot target template on every example), with the context the
 * harness uses, so a typo such as `{{questoin}}`, or a row lacking a field the template reads,
 * fails validation rather than a request mid-run. Each failure is located at the row (file:line)
 * and names the template field and the missing variable; after MAX_TEMPLATE_ISSUES failures the
 * rest are counted in one issue per template at the manifest field.
 */
export function checkTemplates(manifest: Manifest, phases: Record<string, EnvCase[]>, pool: readonly EnvCase[] | undefined, engine: TemplateEngine, at: IssueAt): Issue[] {
  const harness = manifest.harness
  const all = Object.values(phases).flat()
  const templates: { path: string[]; template: string | undefined; cases: readonly EnvCase[] }[] = [
    { path: ['harness', 'template'], template: harness.template, cases: all },
    { path: ['harness', 'system'], template: harness.system, cases: all },
    { path: ['harness', 'fewshot', 'targetTemplate'], template: harness.fewshot?.targetTemplate, cases: pool ?? [] }
  ]
  const issues: Issue[] = []
  let shown = 0
  for (const { path, template, cases } of templates) {
    if (template === undefined) continue
    const declared = at(path, '')
    const declaredAt = [declared.file, declared.line].filter((part) => part !== undefined).join(':')
    // Phases sharing a file (slices, a few-shot phase) hold the same rows: check each row once.
    const seen = new Set<string>()
    let hidden = 0
    for (const item of cases) {
      const key = `${item.source.file}\0${item.source.line ?? ''}\0${item.id}`
      if (seen.has(key)) continue
      seen.add(key)
      const context = templateContext(item)
      try {
        engine.render(template, context)
      } catch (error) {
        if (shown >= MAX_TEMPLATE_ISSUES) {
          hidden++
          continue
        }
        shown++
        // nunjucks says "attempted to output null or undefined value" without naming the variable.
        const unknown = unknownVariables(template, context)
        const named = unknown.length ? `; not defined: ${unknown.join(', ')}` : ''
        const suggestion = unknown.map((name) => closest(name, Object.keys(context))).find((s) => s !== undefined)
        issues.push({
          file: item.source.file,
          ...(item.source.line === undefined ? {} : { line: item.source.line }),
          field: path.join('.'),
          message: `(${declaredAt}) does not render on case ${item.id} of phase "${item.phase}": ${templateErrorText(error)}${named}`,
          hint: `${suggestion ? `did you mean "${suggestion}"? ` : ''}variables: the row's fields (${Object.keys(item.row).slice(0, 12).join(', ')}) and id, input, target, targets, choices, tags, metadata`
        })
      }
    }
    if (hidden > 0) issues.push(at(path, `does not render on ${hidden} more case${hidden === 1 ? '' : 's'} (the first ${MAX_TEMPLATE_ISSUES} failures are listed)`))
  }
  return issues
}

/** Names a template reads first in `{{ … }}` and `{% if/for … %}` that the context lacks. */
export function unknownVariables(template: string, context: Record<string, unknown>): string[] {
  const names = new Set<string>()
  const expressions = /\{\{-?\s*([A-Za-z_]\w*)|\{%-?\s*(?:if|elif|for\s+\w+(?:\s*,\s*\w+)?\s+in)\s+(?:not\s+)?([A-Za-z_]\w*)/g
  for (const match of template.matchAll(expressions)) {
    const name = match[1] ?? match[2]
    if (name && !Object.hasOwn(context, name) && !NUNJUCKS_WORDS.has(name)) names.add(name)
  }
  return [...names]
}

const NUNJUCKS_WORDS = new Set(['true', 'false', 'none', 'null', 'not', 'loop', 'range', 'cycler', 'joiner', 'super', 'caller'])
