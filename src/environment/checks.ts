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

/**
 * Render every prompt template on the first case of each phase (and on the first few-shot
 * example), with the context the harness uses, so a typo such as `{{questoin}}` fails validation
 * rather than the first request. One issue per template.
 */
export function checkTemplates(manifest: Manifest, phases: Record<string, EnvCase[]>, pool: readonly EnvCase[] | undefined, engine: TemplateEngine, at: IssueAt): Issue[] {
  const harness = manifest.harness
  const firsts = Object.values(phases).flatMap((cases) => (cases[0] ? [cases[0]] : []))
  const templates: { path: string[]; template: string | undefined; cases: EnvCase[] }[] = [
    { path: ['harness', 'template'], template: harness.template, cases: firsts },
    { path: ['harness', 'system'], template: harness.system, cases: firsts },
    { path: ['harness', 'fewshot', 'targetTemplate'], template: harness.fewshot?.targetTemplate, cases: pool?.[0] ? [pool[0]] : [] }
  ]
  const issues: Issue[] = []
  for (const { path, template, cases } of templates) {
    if (template === undefined) continue
    for (const item of cases) {
      const context = templateContext(item)
      try {
        engine.render(template, context)
      } catch (error) {
        const where = `${item.source.file}${item.source.line === undefined ? '' : `:${item.source.line}`}`
        // nunjucks says "attempted to output null or undefined value" without naming the variable.
        const unknown = unknownVariables(template, context)
        const named = unknown.length ? `; not defined: ${unknown.join(', ')}` : ''
        const suggestion = unknown.map((name) => closest(name, Object.keys(context))).find((s) => s !== undefined)
        issues.push(
          at(
            path,
            `does not render on case ${item.id} of phase "${item.phase}" (${where}): ${templateErrorText(error)}${named}`,
            `${suggestion ? `did you mean "${suggestion}"? ` : ''}variables: the row's fields (${Object.keys(item.row).slice(0, 12).join(', ')}) and id, input, target, targets, choices, tags, metadata`
          )
        )
        break
      }
    }
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
