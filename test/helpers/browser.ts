/**
 * A headless Chromium for tests that need a real browser. It is the distribution's package
 * (`apt-get install -y chromium`), not a Playwright download: CI installs it, and the tests that
 * need it skip with `CHROMIUM_SKIP_REASON` when it is absent.
 */
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

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
