/**
 * Cutting our own markdown (a comment, a check run summary) to a length limit without leaving a
 * code fence or a `<details>` open, which would swallow the rest of the page.
 */

/**
 * `text` if it has at most `max` characters, else its longest prefix ending at a line break,
 * followed by closers for any fence or `<details>` the cut left open and by `note(omitted)`,
 * all within `max`.
 */
export function fitMarkdown(text: string, max: number, note: (omitted: number) => string): string {
  if (text.length <= max) return text
  let budget = max - note(text.length).length
  for (;;) {
    const kept = cutAtLine(text, budget)
    const fitted = `${kept}${closeOpenBlocks(kept)}${note(text.length - kept.length)}`
    if (fitted.length <= max || budget <= 0) return fitted.slice(0, Math.max(0, max))
    budget -= fitted.length - max
  }
}

/** The longest prefix of `text` of at most `max` characters, ending at a line break when there is one. */
function cutAtLine(text: string, max: number): string {
  if (max <= 0) return ''
  let end = Math.min(max, text.length)
  const newline = text.lastIndexOf('\n', end - 1)
  if (newline > 0) end = newline
  else if (/[\ud800-\udbff]/.test(text.charAt(end - 1))) end -= 1
  return text.slice(0, end)
}

/** What to append to `text` so a code fence or `<details>` open at its end is closed. */
export function closeOpenBlocks(text: string): string {
  let fence: { char: string; length: number } | null = null
  let details = 0
  for (const line of text.split('\n')) {
    const run = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1]
    if (fence) {
      // A closing fence: the same character, at least as long, nothing after it.
      if (run && run[0] === fence.char && run.length >= fence.length && line.trim() === run) fence = null
      continue
    }
    if (run) {
      fence = { char: run[0]!, length: run.length }
      continue
    }
    details += (line.match(/<details\b/gi)?.length ?? 0) - (line.match(/<\/details\s*>/gi)?.length ?? 0)
    if (details < 0) details = 0
  }
  return `${fence ? `\n${fence.char.repeat(fence.length)}` : ''}${'\n</details>'.repeat(details)}`
}
