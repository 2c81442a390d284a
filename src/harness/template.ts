/**
 * Prompt templates in the Jinja style lm-evaluation-harness uses (`{{question}}`,
 * `{{ answer.split('####') | last | trim }}`), rendered by nunjucks. Autoescaping is off: prompts
 * are plain text, not HTML. Undefined variables are errors, so a typo in a template fails
 * validation instead of silently sending an empty prompt.
 */
import nunjucks from 'nunjucks'

export interface TemplateEngine {
  render(template: string, context: Record<string, unknown>): string
}

/** A fresh engine per run: nunjucks environments hold caches, and we keep no global state. */
export function createTemplateEngine(): TemplateEngine {
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true, trimBlocks: false })
  const compiled = new Map<string, nunjucks.Template>()
  return {
    render(template, context) {
      if (!template.includes('{{') && !template.includes('{%')) return template
      let tpl = compiled.get(template)
      if (!tpl) {
        tpl = new nunjucks.Template(template, env, undefined, true)
        compiled.set(template, tpl)
      }
      return tpl.render(context)
    }
  }
}

/** Whether a field mapping value is a template rather than a field name. */
export function isTemplate(value: string): boolean {
  return value.includes('{{') || value.includes('{%')
}
