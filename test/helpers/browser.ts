/**
 * A headless Chromium for tests that need a real browser. It is the distribution's package
 * (`apt-get install -y chromium`), not a Playwright download: CI installs it, and the tests that
 * need it skip with `CHROMIUM_SKIP_REASON` when it is absent.
 */
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'

/** Where Chromium is looked for; override with CHROMIUM_PATH. Default: /usr/bin/chromium. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Whether the browser tests can run here. */
export const hasChromium = existsSync(CHROMIUM_PATH)

/** Put this in a skipped suite's name so the reason shows up in the test output. */
export const CHROMIUM_SKIP_REASON = `skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`

/**
 * Launches headless Chromium with everything that phones home switched off, so a test that
 * asserts "no network request" measures the page and not the browser.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync']
  })
}

/** A page opened by `openHtml`, with everything suspicious it did recorded as it happened. */
export interface Opened {
  page: Page
  /** Every URL the page requested, the file itself included. */
  requests: string[]
  /** The messages of dialogs the page opened (each is dismissed). */
  dialogs: string[]
  /** Uncaught errors (`pageerror: ...`) and console errors and warnings (`console.error: ...`). */
  problems: string[]
}

export interface OpenHtmlOptions {
  /** Default: 1280×900. */
  viewport?: { width: number; height: number }
  colorScheme?: 'light' | 'dark'
  /** Waited for after the load event, e.g. the page's own "scripts done" marker. */
  readySelector?: string
  /** How long to wait for `readySelector`; default: the page's 5 s default timeout. */
  readyTimeout?: number
}

/**
 * Writes `html` to `<dir>/<name>.html`, opens it via file:// in a new page (default timeout 5 s)
 * and records its requests, dialogs and console problems from before the first byte loads.
 */
export async function openHtml(browser: Browser, dir: string, html: string, name: string, options: OpenHtmlOptions = {}): Promise<Opened> {
  const file = join(dir, `${name}.html`)
  writeFileSync(file, html)
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 900 }, ...(options.colorScheme ? { colorScheme: options.colorScheme } : {}) })
  page.setDefaultTimeout(5_000)
  const opened: Opened = { page, requests: [], dialogs: [], problems: [] }
  page.on('request', (r) => opened.requests.push(r.url()))
  page.on('dialog', (d) => {
    opened.dialogs.push(d.message())
    void d.dismiss()
  })
  page.on('pageerror', (e) => opened.problems.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') opened.problems.push(`console.${m.type()}: ${m.text()}`)
  })
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' })
  if (options.readySelector) await page.waitForSelector(options.readySelector, options.readyTimeout === undefined ? {} : { timeout: options.readyTimeout })
  return opened
}
