/**
 * The document shell every self-contained page shares (`report.html`, `compare.html`,
 * `leaderboard.html`): doctype, charset, Content-Security-Policy, viewport, no referrer, a blank
 * favicon so the browser asks the network for none, the inline stylesheet and, when the page has
 * one, its inline script last in the body.
 */

/** What {@link htmlDocument} puts into the shell. Every field is inserted as is, unescaped. */
export interface HtmlPage {
  /** The `<title>` text, already HTML-escaped. */
  title: string
  /** The Content-Security-Policy for the `<meta>` tag; must hold no `"`. */
  csp: string
  /** The inline stylesheet. */
  css: string
  /** The markup inside `<body>` (before the script), including any JSON data block. */
  body: string
  /**
   * The page's inline script, placed after `body`; the `csp` must allow exactly this text.
   * Default: none, and no `<script>` element is written.
   */
  script?: string
}

/** The complete page. Pure: the same page gives the same string. */
export function htmlDocument(page: HtmlPage): string {
  const script = page.script === undefined ? '' : `<script>${page.script}</script>\n`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${page.csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="benchgen-eval">
<title>${page.title}</title>
<link rel="icon" href="data:,">
<style>${page.css}</style>
</head>
<body>
${page.body}
${script}</body>
</html>
`
}
