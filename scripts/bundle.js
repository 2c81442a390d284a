// Bundles the action (dist/index.js) and the CLI (dist/cli/index.js) with ncc. Both are
// committed; `.ci/run` rebuilds them and fails when they differ from what is committed.
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'

const ncc = new URL('../node_modules/@vercel/ncc/dist/ncc/cli.js', import.meta.url).pathname
const targets = [
  { entry: 'src/action/index.ts', out: 'dist' },
  { entry: 'src/cli/index.ts', out: 'dist/cli' }
]
rmSync('dist', { recursive: true, force: true })
for (const { entry, out } of targets) {
  // No source maps and no source-map-support: nothing extra to load at start-up.
  execFileSync(process.execPath, [ncc, 'build', entry, '-o', out, '--license', 'licenses.txt', '--quiet', '--target', 'es2022'], { stdio: 'inherit' })
}
