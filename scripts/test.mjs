// Runs every workspace's tests in turn and closes with one total line, `N passed, N failed`.
// Each package keeps its own .mocharc; the summary reporter writes its counts to a file here.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, existsSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

const packages = [
  'packages/broker',
  'packages/cli-plugin',
  'packages/conformance',
  'examples/file-drop',
]
const dir = mkdtempSync(path.join(tmpdir(), 'byo-s3-test-'))
const total = {passes: 0, failures: 0, pending: 0}
let exitCode = 0

for (const pkg of packages) {
  const resultsFile = path.join(dir, `${path.basename(pkg)}.json`)
  const run = spawnSync('npm', ['test', '-w', pkg, '--', ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: {...process.env, BYO_S3_RESULTS_FILE: resultsFile},
  })
  if (run.status !== 0) exitCode = run.status ?? 1
  if (!existsSync(resultsFile)) {
    console.error(`${pkg}: the test run ended before reporting any result`)
    total.failures += 1
    exitCode ||= 1
    continue
  }

  const counts = JSON.parse(readFileSync(resultsFile, 'utf8'))
  for (const key of Object.keys(total)) total[key] += counts[key]
}

rmSync(dir, {recursive: true, force: true})
if (total.pending > 0) console.log(`${total.pending} skipped`)
console.log(`${total.passes} passed, ${total.failures} failed`)
process.exit(exitCode)
