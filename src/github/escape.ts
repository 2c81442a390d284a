/**
 * The one door through which untrusted text (model output, dataset text, case ids, tag names)
 * reaches a GitHub comment, check run or job summary.
 *
 * What the rest of the code may rely on: text passed through `escapeInline` cannot mention a
 * user or team, link an issue, inject HTML, a link or an image, or break the table row or the
 * `<details>` element it sits in; text passed through `fenceUntrusted` is shown verbatim inside a
 * code block that it cannot close. Pure string functions, no I/O.
 *
 * Why the neutralisers insert a zero-width space instead of an HTML entity: GitHub links
 * mentions and references on the rendered HTML's text nodes, after entities are decoded, so
 * `&#64;octocat` would still notify @octocat. A zero-width space between `@` and the name
 * survives rendering and breaks the match, while looking the same to a reader.
 */

/** Written as an entity so the neutralised spot is visible when reading the markdown source. */
const ZWSP = '&#8203;'
/** Placeholder while patterns are neutralised on raw text; entity-escaped at the end. */
const ZWSP_RAW = '\u200b'

/** Options of {@link fenceUntrusted}. */
export interface FenceOptions {
  /** Characters of `text` shown before the rest is cut with a marker. Default 2000. */
  maxChars?: number
  /** The fence's info string (syntax highlighting); anything but `[\w+.-]` is dropped. Default `'text'`. */
  lang?: string
}

/** Options of {@link escapeInline}. */
export interface InlineOptions {
  /** Characters of `text` shown before the rest is cut with a marker. Default 200. */
  maxChars?: number
  /**
   * What a line break becomes: `'space'` (default; right for table cells and one-line summaries)
   * or `'br'` (a `<br>`, for places that render HTML such as a `<summary>` or a table cell that
   * should keep its lines).
   */
  newlines?: 'space' | 'br'
}

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;'
}

/** HTML-escape `& < > " '`; enough for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ENTITIES[ch] ?? ch)
}

/**
 * Characters escapeInline turns into entities: HTML syntax, the table cell separator, and the
 * markdown characters that can start a link, image, code span, strikethrough, emphasis or escape.
 * Entities are decoded after markdown is parsed, so none of these can act as syntax any more.
 * `_` is left alone: it is common in case ids and tag names, GFM ignores it inside words, and
 * the worst it can do elsewhere is italics.
 */
const INLINE_ENTITIES: Record<string, string> = {
  ...HTML_ENTITIES,
  '|': '&#124;',
  '\\': '&#92;',
  '`': '&#96;',
  '[': '&#91;',
  ']': '&#93;',
  '*': '&#42;',
  '~': '&#126;',
  [ZWSP_RAW]: ZWSP
}

/**
 * Clean text of what no renderer should receive: C0/C1 controls (except tab and line feed),
 * carriage returns (normalised to line feeds), lone surrogates, and bidirectional overrides
 * that could make shown text read differently from what it is ("Trojan source").
 */
export function sanitizeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '')
    .replace(/[\u202a-\u202e\u2066-\u2069]/g, '\ufffd')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
}

/**
 * Cut `text` to at most `maxChars` UTF-16 units without splitting a surrogate pair. Returns the
 * kept part and how many characters (code points) were cut, for the marker.
 */
export function truncateText(text: string, maxChars: number): { text: string; omitted: number } {
  const limit = Math.max(0, Math.floor(maxChars))
  if (text.length <= limit) return { text, omitted: 0 }
  let end = limit
  const last = text.charCodeAt(end - 1)
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end -= 1
  return { text: text.slice(0, end), omitted: countCodePoints(text, end) }
}

/**
 * Sanitize and cut untrusted text for display. Only a bounded prefix is sanitized: a model can
 * return megabytes, and cleaning all of it to show 2,000 characters is wasted work. The count of
 * cut characters covers the whole text (the part past the window is counted, not cleaned).
 */
function prepareUntrusted(text: string, maxChars: number): { text: string; omitted: number } {
  // Twice the limit leaves room for removed control characters and CRLFs folded into LFs.
  const window = Math.max(0, Math.floor(maxChars)) * 2 + 16
  if (text.length <= window) return truncateText(sanitizeText(text), maxChars)
  const cut = truncateText(sanitizeText(text.slice(0, window)), maxChars)
  return { text: cut.text, omitted: cut.omitted + countCodePoints(text, window) }
}

function countCodePoints(text: string, from: number): number {
  let count = 0
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i)
    // A low surrogate following a high one is the second half of one character.
    if (code >= 0xdc00 && code <= 0xdfff && i > from && isHigh(text.charCodeAt(i - 1))) continue
    count++
  }
  return count
}

const isHigh = (code: number): boolean => code >= 0xd800 && code <= 0xdbff

/** The visible marker that says text was cut, e.g. `… (1,234 more characters)`. */
export function truncationMarker(omitted: number): string {
  return `… (${omitted.toLocaleString('en-US')} more character${omitted === 1 ? '' : 's'})`
}

/**
 * Break everything GitHub would turn into a notification or a link, on raw text (before entity
 * escaping, so the `#` of our own `&#124;` entities is never touched):
 * - `@user`, `@org/team` (and e-mail autolinks, which need the `@` too);
 * - `#123`, `GH-123`, `owner/repo#123` (the `#` rule covers the last);
 * - bare-URL autolinks (`http://`, `www.`), which GFM links without any markdown syntax.
 */
function neutralizeReferences(text: string): string {
  return text
    .replace(/@(?=[A-Za-z0-9_-])/g, `@${ZWSP_RAW}`)
    .replace(/#(?=\d)/g, `#${ZWSP_RAW}`)
    .replace(/\b(GH)-(?=\d)/gi, `$1${ZWSP_RAW}-`)
    .replace(/:\/\//g, `:${ZWSP_RAW}//`)
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${ZWSP_RAW}.`)
}

/**
 * Render untrusted text for a table cell, a `<summary>`, or a line of prose: sanitized,
 * references and mentions neutralised, HTML and markdown syntax escaped as entities (so
 * `<script>`, `</details>`, `[x](http://evil)`, `![img](…)` and `|` show as text), line breaks
 * turned into spaces or `<br>`, and cut at `maxChars` (default 200) with a visible marker.
 *
 * Never wrap the result in backticks: inside a code span the entities would show literally.
 */
export function escapeInline(text: string, options: InlineOptions = {}): string {
  const { maxChars = 200, newlines = 'space' } = options
  const cut = prepareUntrusted(text, maxChars)
  const neutral = neutralizeReferences(cut.text)
  const newline = newlines === 'br' ? '<br>' : ' '
  let out = ''
  for (const ch of neutral) {
    if (ch === '\n') out += newline
    else if (ch === '\t') out += ' '
    else out += INLINE_ENTITIES[ch] ?? ch
  }
  return cut.omitted > 0 ? `${out}${truncateSuffix(out)}${truncationMarker(cut.omitted)}` : out
}

/** A space before the marker unless the kept text already ends in whitespace. */
function truncateSuffix(kept: string): string {
  return kept === '' || /\s$/.test(kept) ? '' : ' '
}

/**
 * Render untrusted text verbatim in a fenced code block that it cannot close: the fence is made
 * of backticks, one longer than the longest run of backticks inside (and at least three); a
 * tilde run cannot close a backtick fence at all. Text past `maxChars` (default 2000) is cut and
 * the marker `… (N more characters)` follows the block, outside it, so it cannot be mistaken for
 * model output.
 *
 * Inside a code block GitHub links no mentions or references and renders no HTML, so the text is
 * only sanitized, plus one change: `<!--` gets a zero-width space so model output can never
 * contain a sticky-comment marker (`<!-- benchgen-eval:… -->`) that a comment lookup could match.
 * The block starts and ends on its own lines; callers put a blank line before it when it sits
 * inside an HTML element such as `<details>`.
 */
export function fenceUntrusted(text: string, options: FenceOptions = {}): string {
  const { maxChars = 2000, lang = 'text' } = options
  const cut = prepareUntrusted(text, maxChars)
  const body = cut.text.replace(/<!--/g, `<!${ZWSP_RAW}--`)
  const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1))
  // A backtick in the info string would end a backtick fence's opening line early.
  const info = lang.replace(/[^\w+.-]/g, '')
  const block = `${fence}${info}\n${body}${body.endsWith('\n') || body === '' ? '' : '\n'}${fence}`
  return cut.omitted > 0 ? `${block}\n${truncationMarker(cut.omitted)}` : block
}

function longestRun(text: string, ch: string): number {
  let longest = 0
  let current = 0
  for (let i = 0; i < text.length; i++) {
    if (text[i] === ch) {
      current++
      if (current > longest) longest = current
    } else current = 0
  }
  return longest
}
