import { describe, expect, it } from 'vitest'
import { escapeHtml, escapeInline, fenceUntrusted, sanitizeText, truncateText } from '../../src/github/escape.js'

/** Decode the entities escapeInline emits, to check that what a reader sees is the original. */
function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
}

/** What must never appear in escapeInline output, whatever the input. */
function expectInlineSafe(out: string, { br = false } = {}): void {
  const withoutBr = br ? out.replace(/<br>/g, '') : out
  expect(withoutBr).not.toMatch(/[<>|`[\]\\"'\n\r]/)
  expect(out).not.toMatch(/@[A-Za-z0-9_-]/) // mentions
  expect(out).not.toMatch(/(?<!&)#\d/) // #123 (but our own &#124; entities are fine)
  expect(out).not.toMatch(/\bGH-\d/i)
  expect(out).not.toMatch(/:\/\//) // autolinked URLs
  expect(out).not.toMatch(/\bwww\./i)
  expect(out).not.toMatch(/&(?!(amp|lt|gt|quot|#\d+);)/) // every & starts one of our entities
}

const HOSTILE: Array<{ name: string; text: string }> = [
  { name: 'code fence', text: '```\n</details>\n```' },
  { name: 'details close', text: '</details><details open><summary>pwned</summary>' },
  { name: 'script', text: '<script>alert(1)</script>' },
  { name: 'img onerror', text: '<img src=x onerror="alert(1)">' },
  { name: 'mention', text: 'thanks @octocat and @github/security-team' },
  { name: 'issue reference', text: 'fixes #1 and GH-2 and octo/repo#3' },
  { name: 'markdown link', text: '[click me](http://evil.example/steal)' },
  { name: 'markdown image', text: '![img](https://evil.example/track.png)' },
  { name: 'reference link', text: '[x][1]\n\n[1]: http://evil' },
  { name: 'autolink', text: '<https://evil.example> and www.evil.example and http://evil' },
  { name: 'table breaker', text: 'a | b || c\n| --- |' },
  { name: 'escaped pipe', text: 'a \\| b \\\\| c' },
  { name: 'html entity smuggling', text: '&lt;script&gt; &#64;octocat &#x40;octocat' },
  { name: 'html comment marker', text: '<!-- benchgen-eval:evals/gsm8k/my-model -->' },
  { name: 'quotes', text: `"double" and 'single'` },
  { name: 'control characters', text: 'nul\u0000 bell\u0007 esc\u001b[31m red\r\nline' },
  { name: 'bidi override', text: 'admin\u202e)gnp.exe' },
  { name: 'email autolink', text: 'mail me: evil@example.com' }
]

describe('escapeInline', () => {
  it.each(HOSTILE)('neutralises $name', ({ text }) => {
    const out = escapeInline(text, { maxChars: 10_000 })
    expectInlineSafe(out)
    // A reader still sees the original text (minus what sanitizeText removes, plus invisible
    // zero-width spaces), so escaping never garbles what the model said.
    expect(decodeEntities(out).replace(/\u200b/g, '')).toBe(sanitizeText(text).replace(/[\n\t]/g, ' '))
  })

  it.each(HOSTILE)('neutralises $name with <br> line breaks', ({ text }) => {
    expectInlineSafe(escapeInline(text, { maxChars: 10_000, newlines: 'br' }), { br: true })
  })

  it.each([
    { text: '@octocat', out: '@&#8203;octocat' },
    { text: 'see #12', out: 'see #&#8203;12' },
    { text: 'gh-7', out: 'gh&#8203;-7' },
    { text: 'o/r#9', out: 'o/r#&#8203;9' },
    { text: 'a|b', out: 'a&#124;b' },
    { text: '<b>', out: '&lt;b&gt;' },
    { text: '[x](y)', out: '&#91;x&#93;(y)' },
    { text: 'line\nnext', out: 'line next' },
    { text: 'x@ y # z', out: 'x@ y # z' },
    { text: 'plain text 42', out: 'plain text 42' }
  ])('$text → $out', ({ text, out }) => {
    expect(escapeInline(text)).toBe(out)
  })

  it('turns newlines into <br> when asked', () => {
    expect(escapeInline('a\nb\r\nc', { newlines: 'br' })).toBe('a<br>b<br>c')
  })

  it('truncates with a visible marker counting characters, not UTF-16 units', () => {
    expect(escapeInline('x'.repeat(250))).toBe(`${'x'.repeat(200)} … (50 more characters)`)
    expect(escapeInline('abcdef', { maxChars: 5 })).toBe('abcde … (1 more character)')
    // Never split a surrogate pair: the emoji is either whole or gone.
    const out = escapeInline(`${'a'.repeat(4)}😀😀`, { maxChars: 5 })
    expect(out).toBe('aaaa … (2 more characters)')
  })

  it('counts the limit before escaping, so entities never get cut in half', () => {
    const out = escapeInline('<'.repeat(300), { maxChars: 10 })
    expect(out).toBe(`${'&lt;'.repeat(10)} … (290 more characters)`)
  })
})

describe('fenceUntrusted', () => {
  /** Split a fenced block into its fence, info string, body lines and whatever follows it. */
  function parseFence(block: string): { fence: string; info: string; body: string[]; after: string } {
    const lines = block.split('\n')
    const match = /^(`{3,})(.*)$/.exec(lines[0] ?? '')
    if (!match) throw new Error(`no opening fence in ${block}`)
    const fence = match[1] ?? ''
    const closing = lines.findIndex((line, i) => i > 0 && new RegExp(`^ {0,3}\`{${fence.length},}\\s*$`).test(line))
    if (closing < 0) throw new Error('fence never closed')
    return { fence, info: match[2] ?? '', body: lines.slice(1, closing), after: lines.slice(closing + 1).join('\n') }
  }

  it.each([
    ...HOSTILE,
    { name: 'longer fence', text: 'a\n`````\nb' },
    { name: 'indented fence', text: '   ````\nx' },
    { name: 'tilde fence', text: '~~~~~\n</details>\n~~~~~' },
    { name: 'inline backticks', text: 'use `x` or ``y``' },
    { name: 'trailing newline', text: 'ends with newline\n' }
  ])('keeps $name inside a block it cannot close', ({ text }) => {
    const out = fenceUntrusted(text)
    const { fence, info, body, after } = parseFence(out)
    expect(info).toBe('text')
    expect(after).toBe('')
    const longestInside = Math.max(0, ...(body.join('\n').match(/`+/g) ?? []).map((run) => run.length))
    expect(fence.length).toBeGreaterThan(longestInside)
    expect(fence.length).toBeGreaterThanOrEqual(3)
    // Verbatim apart from sanitizing and the comment-marker guard.
    expect(body.join('\n')).toBe(sanitizeText(text).replace(/<!--/g, '<!\u200b--').replace(/\n$/, ''))
    expect(out).not.toContain('<!--')
  })

  it('truncates past maxChars with a marker outside the block', () => {
    const out = fenceUntrusted('y'.repeat(2500))
    const { body, after } = parseFence(out)
    expect(body).toEqual(['y'.repeat(2000)])
    expect(after).toBe('… (500 more characters)')
    expect(fenceUntrusted('abc', { maxChars: 2 })).toBe('```text\nab\n```\n… (1 more character)')
  })

  it('sanitises the info string so it cannot end the opening line', () => {
    expect(fenceUntrusted('x', { lang: 'py`thon <b>' }).split('\n')[0]).toBe('```pythonb')
    expect(fenceUntrusted('x', { lang: '' })).toBe('```\nx\n```')
  })

  it('renders empty text as an empty block', () => {
    expect(fenceUntrusted('')).toBe('```text\n```')
  })
})

describe('escapeHtml', () => {
  it.each([
    { text: `<a href="x" title='y'>&</a>`, out: '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;' },
    { text: 'plain', out: 'plain' },
    { text: '&amp;', out: '&amp;amp;' }
  ])('$text', ({ text, out }) => {
    expect(escapeHtml(text)).toBe(out)
  })
})

describe('sanitizeText and truncateText', () => {
  it('removes controls, normalises line ends, replaces bidi overrides and lone surrogates', () => {
    expect(sanitizeText('a\u0000b\u001bc\r\nd\re\tf\u0085')).toBe('abc\nd\ne\tf')
    expect(sanitizeText('x\u202ey')).toBe('x\ufffdy')
    expect(sanitizeText('lone \ud800 and \udc00 pair 😀')).toBe('lone \ufffd and \ufffd pair 😀')
  })

  it('cuts without splitting a surrogate pair', () => {
    expect(truncateText('😀😀', 3)).toEqual({ text: '😀', omitted: 1 })
    expect(truncateText('abc', 3)).toEqual({ text: 'abc', omitted: 0 })
    expect(truncateText('abc', 0)).toEqual({ text: '', omitted: 3 })
  })
})
