/*
 * `npm run bench`: how fast the broker accepts provision requests, and how many AWS calls one
 * provision makes, against a real PostgreSQL and a loopback stub of Heroku and AWS.
 *
 *   Phase A  POST /heroku/resources at 100 concurrent connections (autocannon), every request a
 *            new add-on: latency percentiles and throughput, and where the time goes.
 *   Phase B  one provision job run directly: the AWS calls before the readiness probe, per
 *            operation, the calls of the whole job, and its wall time.
 *   Phase C  POST /heroku/resources and POST /sso/login, each sustained for a fixed time
 *            (BENCH_SUSTAINED_SECONDS, default 20): throughput, p99 and the broker's memory.
 *
 * It prints figures and ratios against the aims, and asserts nothing; it exits non-zero only
 * when something is broken (errors, non-2xx answers, a job that did not finish).
 *
 * Environment: BENCH_DATABASE_URL uses that PostgreSQL instead of a temporary embedded one
 * (its add-ons and jobs are then left in that database); BENCH_CPU_PROFILE=FILE writes a V8 CPU
 * profile of the broker's process during phase A's measured run (open it in Chrome DevTools).
 */
import {chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {Session} from 'node:inspector/promises'
import os from 'node:os'
import path from 'node:path'
import {monitorEventLoopDelay, performance} from 'node:perf_hooks'
import type {FastifyInstance} from 'fastify'
import {buildApp} from '../src/app.js'
import {createLogger} from '../src/logger.js'
import {runProvisionJob} from '../src/provisioning/provision-job.js'
import {startEmbeddedPostgres} from '../src/storage/embedded-postgres.js'
import {migrate} from '../src/storage/migrate.js'
import {Child} from './child.js'
import {basicAuth, provisionBody} from './fixtures.js'
import {instrumentBroker, LABELS, type Timing, type Timings} from './instrument.js'
import type {LoadOptions, LoadResult} from './load.js'
import {brokerConfig, linkBenchTeam} from './local-broker.js'
import {cleanups, problems, runBenchmark} from './harness.js'
import {phaseC, type Sustained} from './sustained.js'
import {countBy, line, machine, ms, printMachine, ratio, section, verdict} from './report.js'
import type {StubCall} from './stub.js'

const CONNECTIONS = 100
const WARM_UP_REQUESTS = 200
const MEASURED_REQUESTS = 2000
const SINGLE_CONNECTION_REQUESTS = 200
const AIM_P99_MS = 50
const AIM_AWS_CALLS_BEFORE_PROBE = 8
const REPEATED_JOBS = 5
// Linux's USER_HZ, the unit of /proc/<pid>/stat's CPU times, is 100 on every common platform.
const CLOCK_TICKS_PER_SECOND = 100

// Warnings and errors only, on stderr, so stdout holds the figures alone.
const logger = createLogger('warn', process.stderr)

async function main(): Promise<void> {
  const database = await startDatabase()
  await migrate(database.url, logger)

  const {child: stub, ready: stubInfo} = await Child.start<{url: string}>(
    new URL('./stub-child.ts', import.meta.url),
  )
  cleanups.push({name: 'the stub', run: () => stub.stop()})

  const config = brokerConfig(stubInfo.url)
  const app = await buildApp({
    config,
    databaseUrl: database.url,
    logger,
    workers: false,
    // The readiness probe must not wait: the stub accepts a new key at once.
    overrides: {readiness: {sleep: async () => {}, initialDelayMs: 0}},
  })
  cleanups.push({name: 'the broker', run: () => app.close()})
  const timings = instrumentBroker(app)
  await app.listen({port: 0, host: '127.0.0.1'})
  const {port} = app.server.address() as {port: number}
  const brokerUrl = `http://127.0.0.1:${port}`
  await linkBenchTeam(app)

  const {child: load} = await Child.start(new URL('./load.ts', import.meta.url))
  cleanups.push({name: 'the load generator', run: () => load.stop()})

  const postgresVersion = (
    await app.services.pool.query<{version: string}>(
      `select current_setting('server_version') as version`,
    )
  ).rows[0].version
  printHeader(`PostgreSQL ${postgresVersion} (${database.label})`)

  const target = {
    url: brokerUrl,
    herokuApiUrl: stubInfo.url,
    authorization: basicAuth(config.addonId, config.addonPassword),
  }
  const a = await phaseA({app, stub, load, timings, target})
  const b = await phaseB({
    app,
    stub,
    brokerUrl,
    authorization: target.authorization,
    herokuApiUrl: stubInfo.url,
  })
  const c = await phaseC({load, target, resourceId: b.addonId})
  printSummary(a, b, c, `PostgreSQL ${postgresVersion}`)
}

async function startDatabase(): Promise<{url: string; label: string}> {
  if (process.env.BENCH_DATABASE_URL) {
    return {url: process.env.BENCH_DATABASE_URL, label: 'BENCH_DATABASE_URL'}
  }

  const dir = mkdtempSync(path.join(os.tmpdir(), 'byo-s3-bench-'))
  cleanups.push({
    name: 'the temporary data folder',
    run: () => rmSync(dir, {recursive: true, force: true}),
  })
  // As root, PostgreSQL runs as an unprivileged user, which must be able to enter this folder.
  chmodSync(dir, 0o755)
  const embedded = await startEmbeddedPostgres(dir, createLogger('error', process.stderr))
  cleanups.push({name: 'the embedded PostgreSQL', run: () => embedded.stop()})
  return {url: embedded.url, label: 'embedded, in a temporary folder'}
}

// ---------------------------------------------------------------------------------------------
// Phase A

interface PhaseA {
  result: LoadResult
  single: LoadResult
}

async function phaseA({
  app,
  stub,
  load,
  timings,
  target,
}: {
  app: FastifyInstance
  stub: Child
  load: Child
  timings: Timings
  target: Omit<LoadOptions, 'connections' | 'amount'>
}): Promise<PhaseA> {
  section(`Phase A: POST /heroku/resources at ${CONNECTIONS} concurrent connections`)
  const run = (connections: number, amount: number) =>
    load.ask<LoadResult>('run', {...target, connections, amount} satisfies LoadOptions)

  const warmUp = await run(CONNECTIONS, WARM_UP_REQUESTS)
  checkLoad('warm-up', warmUp)
  line('warm-up', `${warmUp.requests} requests, p99 ${warmUp.latencyMs.p99} ms (not counted)`)

  /** One run, with the broker's timers, the event loop and every process's CPU watched. */
  const measure = async (connections: number, amount: number) => {
    timings.reset()
    await stub.ask('reset')
    const before = await usageSnapshot(stub, load)
    const delay = monitorEventLoopDelay({resolution: 10})
    delay.enable()
    const profile = connections === CONNECTIONS ? await startCpuProfile() : undefined
    const result = await run(connections, amount)
    await profile?.stop()
    delay.disable()
    const usage = usageSince(before, await usageSnapshot(stub, load))
    return {result, usage, delay, breakdown: timings.summary()}
  }

  const {result, usage, delay, breakdown} = await measure(CONNECTIONS, MEASURED_REQUESTS)
  checkLoad('measured run', result)
  const stubCalls = await stub.ask<StubCall[]>('calls')

  const {latencyMs} = result
  const throughput = result.requests / result.durationSeconds
  line('requests', `${result.requests} in ${result.durationSeconds.toFixed(2)} s`)
  line('latency p50', `${latencyMs.p50} ms`)
  line('latency p90', `${latencyMs.p90} ms`)
  line('latency p99', `${latencyMs.p99} ms`)
  line('latency max', `${latencyMs.max} ms`)
  line('requests/s', throughput.toFixed(0))
  line('non-2xx', `${result.non2xx}${statusNote(result)}`)
  line('errors', `${result.errors} (timeouts ${result.timeouts})`)
  line('aim', `p99 under ${AIM_P99_MS} ms`)
  line(
    `p99 / ${AIM_P99_MS} ms`,
    `${ratio(latencyMs.p99, AIM_P99_MS)} (${verdict(latencyMs.p99 <= AIM_P99_MS)})`,
  )

  console.log()
  console.log('Where the time goes (timed inside the broker during the measured run):')
  printBreakdown(breakdown, result.requests)
  console.log()
  line(
    'closed loop',
    `${CONNECTIONS} requests always in flight, so mean latency ≈ ${CONNECTIONS} / ` +
      `${throughput.toFixed(0)} req/s = ${((CONNECTIONS / throughput) * 1000).toFixed(0)} ms ` +
      `(measured mean ${latencyMs.mean.toFixed(0)} ms)`,
  )
  printUsage(usage, delay, result.requests)
  line('stub calls', describeCalls(stubCalls, result.requests))
  await checkAccepted(app, WARM_UP_REQUESTS + MEASURED_REQUESTS)

  const single = await measure(1, SINGLE_CONNECTION_REQUESTS)
  checkLoad('single-connection run', single.result)
  const singleLatency = single.result.latencyMs
  section(`For context: the same request on 1 connection, ${single.result.requests} requests`)
  line(
    'latency',
    `p50 ${singleLatency.p50} ms, p90 ${singleLatency.p90} ms, p99 ${singleLatency.p99} ms`,
  )
  line('requests/s', (single.result.requests / single.result.durationSeconds).toFixed(0))
  printBreakdown(single.breakdown, single.result.requests)
  printUsage(single.usage, single.delay, single.result.requests)
  return {result, single: single.result}
}

/** A CPU profile of this process when BENCH_CPU_PROFILE names a file to write it to. */
async function startCpuProfile(): Promise<{stop(): Promise<void>} | undefined> {
  const file = process.env.BENCH_CPU_PROFILE
  if (!file) return undefined

  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.start')
  return {
    async stop() {
      const {profile} = await session.post('Profiler.stop')
      writeFileSync(file, JSON.stringify(profile))
      session.disconnect()
      line('CPU profile', `of the measured run written to ${file}`)
    },
  }
}

function checkLoad(what: string, result: LoadResult): void {
  if (result.errors > 0) problems.push(`${what}: ${result.errors} request errors`)
  if (result.non2xx > 0) {
    problems.push(`${what}: ${result.non2xx} non-2xx answers${statusNote(result)}`)
  }
}

function statusNote(result: LoadResult): string {
  const codes = Object.entries(result.statusCodes).map(([code, count]) => `${count}× ${code}`)
  return codes.length > 0 ? ` (${codes.join(', ')})` : ''
}

/** Every accepted request recorded its add-on and queued a job: check both landed. */
async function checkAccepted(app: FastifyInstance, expected: number): Promise<void> {
  const {rows} = await app.services.pool.query<{accepted: number; jobs: number}>(
    `select (select count(*)::int from resources where 'accepted' = any(steps)) as accepted,
            (select count(*)::int from pgboss.job where name = 'provision') as jobs`,
  )
  const {accepted, jobs} = rows[0]
  line('stored', `${accepted} accepted add-ons, ${jobs} queued provision jobs`)
  if (!process.env.BENCH_DATABASE_URL && (accepted !== expected || jobs !== expected)) {
    problems.push(`expected ${expected} accepted add-ons and jobs, found ${accepted} and ${jobs}`)
  }
}

function printBreakdown(breakdown: Timing[], requests: number): void {
  const byLabel = new Map(breakdown.map((timing) => [timing.label, timing]))
  const rows = Object.values(LABELS).map((label) => byLabel.get(label))
  console.log(
    `  ${'step'.padEnd(44)}${'per request'.padStart(12)}${'mean'.padStart(10)}` +
      `${'p50'.padStart(10)}${'p99'.padStart(10)}${'ms/request'.padStart(12)}`,
  )
  for (const timing of rows) {
    if (!timing) continue

    console.log(
      `  ${timing.label.padEnd(44)}${(timing.count / requests).toFixed(1).padStart(12)}` +
        `${ms(timing.meanMs).padStart(10)}${ms(timing.p50Ms).padStart(10)}` +
        `${ms(timing.p99Ms).padStart(10)}${ms(timing.totalMs / requests).padStart(12)}`,
    )
  }

  const server = byLabel.get(LABELS.server)
  if (!server) return

  const parts = rows
    .filter((timing): timing is Timing => timing !== undefined && timing.label !== LABELS.server)
    .reduce((sum, timing) => sum + timing.totalMs / requests, 0)
  const rest = server.totalMs / requests - parts
  console.log(
    `  ${'rest: Fastify, JSON, JS between awaits, queueing'.padEnd(44)}${''.padStart(42)}` +
      `${ms(rest).padStart(12)}`,
  )
}

function printUsage(
  usage: ReturnType<typeof usageSince>,
  delay: ReturnType<typeof monitorEventLoopDelay>,
  requests: number,
): void {
  const cores = (coreSeconds: number) => (coreSeconds / usage.wallSeconds).toFixed(2)
  const perRequest = (coreSeconds: number) => ms((coreSeconds * 1000) / requests)
  line(
    'event loop',
    `broker's main thread busy ${(usage.eventLoopUtilization * 100).toFixed(0)}% of the run; ` +
      `delay p50 ${ms(delay.percentile(50) / 1e6)}, p99 ${ms(delay.percentile(99) / 1e6)}`,
  )
  const parts: [string, number | undefined][] = [
    ['broker', usage.broker],
    ['PostgreSQL', usage.postgres],
    ['stub', usage.stub],
    ['load generator', usage.load],
  ]
  line(
    'CPU',
    `machine busy ${usage.machineCores.toFixed(2)} of ${os.cpus().length} cores ` +
      `(${(usage.machineBusy * 100).toFixed(0)}%); by process, in cores and CPU ms per request:`,
  )
  for (const [name, coreSeconds] of parts) {
    if (coreSeconds === undefined) continue

    console.log(
      `    ${name.padEnd(22)}${cores(coreSeconds).padStart(6)}${perRequest(coreSeconds).padStart(12)}`,
    )
  }
}

interface UsageSnapshot {
  at: number
  machine: {busy: number; total: number}
  postgres: number | undefined
  broker: NodeJS.CpuUsage
  stub: NodeJS.CpuUsage
  load: NodeJS.CpuUsage
  eventLoop: ReturnType<typeof performance.eventLoopUtilization>
}

async function usageSnapshot(stub: Child, load: Child): Promise<UsageSnapshot> {
  const [stubCpu, loadCpu] = await Promise.all([
    stub.ask<NodeJS.CpuUsage>('cpu'),
    load.ask<NodeJS.CpuUsage>('cpu'),
  ])
  return {
    at: performance.now(),
    machine: machineTimes(),
    postgres: postgresCpuSeconds(),
    broker: process.cpuUsage(),
    stub: stubCpu,
    load: loadCpu,
    eventLoop: performance.eventLoopUtilization(),
  }
}

/** CPU time in core-seconds, and machine busy as a fraction of all cores, between snapshots. */
function usageSince(before: UsageSnapshot, after: UsageSnapshot) {
  const seconds = (cpu: NodeJS.CpuUsage, base: NodeJS.CpuUsage) =>
    (cpu.user + cpu.system - base.user - base.system) / 1e6
  const wallSeconds = (after.at - before.at) / 1000
  const busySeconds = (after.machine.busy - before.machine.busy) / 1000
  const broker = seconds(after.broker, before.broker)
  const stub = seconds(after.stub, before.stub)
  const load = seconds(after.load, before.load)
  const postgres =
    after.postgres === undefined || before.postgres === undefined
      ? undefined
      : after.postgres - before.postgres
  return {
    wallSeconds,
    machineBusy:
      (after.machine.busy - before.machine.busy) / (after.machine.total - before.machine.total),
    broker,
    stub,
    load,
    postgres,
    machineCores: busySeconds / wallSeconds,
    eventLoopUtilization: performance.eventLoopUtilization(after.eventLoop, before.eventLoop)
      .utilization,
  }
}

/**
 * CPU seconds used so far by every process named postgres, from /proc (Linux only). Backends
 * live as long as their pooled connections, which outlast each measured run.
 */
function postgresCpuSeconds(): number | undefined {
  if (process.platform !== 'linux') return undefined

  let ticks = 0
  let found = false
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue

    let stat: string
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
    } catch {
      continue // the process has ended
    }

    const nameEnd = stat.lastIndexOf(')')
    if (stat.slice(stat.indexOf('(') + 1, nameEnd) !== 'postgres') continue

    // After the name: state is field 3, utime field 14 and stime field 15 (clock ticks).
    const fields = stat.slice(nameEnd + 2).split(' ')
    ticks += Number(fields[11]) + Number(fields[12])
    found = true
  }

  return found ? ticks / CLOCK_TICKS_PER_SECOND : undefined
}

/** Busy and total CPU milliseconds of the whole machine, summed over its cores. */
function machineTimes(): {busy: number; total: number} {
  let busy = 0
  let total = 0
  for (const {times} of os.cpus()) {
    const all = times.user + times.nice + times.sys + times.irq + times.idle
    total += all
    busy += all - times.idle
  }

  return {busy, total}
}

function describeCalls(calls: StubCall[], requests: number): string {
  const counts = countBy(calls.map((call) => call.operation))
  const failed = calls.filter((call) => call.status >= 400)
  if (failed.length > 0) {
    problems.push(`phase A: the stub answered ${failed.length} calls with an error`)
  }

  return (
    [...counts]
      .map(([operation, count]) => `${(count / requests).toFixed(2)}× ${operation}`)
      .join(', ') + ' per request'
  )
}

// ---------------------------------------------------------------------------------------------
// Phase B

interface PhaseB {
  beforeProbe: number
  totalAws: number
  probes: number
  wallMs: number
  repeatedMedianMs: number
  /** A provisioned add-on, for the SSO logins of phase C. */
  addonId: string
}

async function phaseB({
  app,
  stub,
  brokerUrl,
  authorization,
  herokuApiUrl,
}: {
  app: FastifyInstance
  stub: Child
  brokerUrl: string
  authorization: string
  herokuApiUrl: string
}): Promise<PhaseB> {
  section('Phase B: AWS calls of one provision, before its readiness probe')

  const provisionOne = async () => {
    const body = provisionBody(herokuApiUrl)
    const response = await fetch(`${brokerUrl}/heroku/resources`, {
      method: 'POST',
      headers: {
        authorization,
        'content-type': 'application/json',
        accept: 'application/vnd.heroku-addons+json; version=3',
      },
      body: JSON.stringify(body),
    })
    await response.arrayBuffer()
    if (response.status !== 202) {
      problems.push(`phase B: the provision request got ${response.status}`)
    }

    await stub.ask('reset')
    const started = performance.now()
    await runProvisionJob(app.services, body.uuid, app.log)
    const wallMs = performance.now() - started
    const calls = await stub.ask<StubCall[]>('calls')
    const {rows} = await app.services.pool.query<{state: string}>(
      'select state from resources where id = $1',
      [body.uuid],
    )
    if (rows[0]?.state !== 'provisioned') {
      problems.push(
        `phase B: the job left the add-on ${rows[0]?.state ?? 'missing'}, not provisioned`,
      )
    }
    return {calls, wallMs, addonId: body.uuid}
  }

  const {calls, wallMs, addonId} = await provisionOne()
  const isAws = (call: StubCall) => /^(s3|iam|sts):/.test(call.operation)
  const probeAt = calls.findIndex((call) => call.operation === 's3:ListObjectsV2')
  if (probeAt < 0) problems.push('phase B: the job made no readiness probe (ListObjectsV2)')
  const beforeProbe = calls.slice(0, probeAt < 0 ? calls.length : probeAt).filter(isAws)
  const awsCalls = calls.filter(isAws)
  const probes = calls.filter((call) => call.operation === 's3:ListObjectsV2').length
  const unexpected = calls.filter(
    (call) =>
      call.status >= 400 && !(call.operation === 's3:GetBucketTagging' && call.status === 404),
  )
  if (unexpected.length > 0) {
    problems.push(
      `phase B: the stub refused ${unexpected.map((c) => `${c.operation} (${c.status})`).join(', ')}`,
    )
  }

  line('before the probe', `${beforeProbe.length} AWS calls (S3, IAM, STS)`)
  const counts = countBy(beforeProbe.map(describeCall))
  for (const [operation, count] of counts) {
    console.log(`    ${String(count).padStart(2)}  ${operation}`)
  }
  line('aim', `${AIM_AWS_CALLS_BEFORE_PROBE} or fewer`)
  line(
    `calls / ${AIM_AWS_CALLS_BEFORE_PROBE}`,
    `${ratio(beforeProbe.length, AIM_AWS_CALLS_BEFORE_PROBE)} ` +
      `(${verdict(beforeProbe.length <= AIM_AWS_CALLS_BEFORE_PROBE)})`,
  )
  const heroku = calls.filter((call) => !isAws(call))
  line(
    'whole job',
    `${awsCalls.length} AWS calls (${probes} of them readiness probes), ${heroku.length} ` +
      `Heroku calls (${[...countBy(heroku.map((call) => call.operation)).keys()].join(', ')})`,
  )
  line('job wall time', `${ms(wallMs)} (stubbed AWS and Heroku; the probe does not sleep)`)

  const repeated: number[] = []
  for (let run = 0; run < REPEATED_JOBS; run++) {
    const again = await provisionOne()
    repeated.push(again.wallMs)
    if (again.calls.filter(isAws).length !== awsCalls.length) {
      problems.push('phase B: repeated jobs made a different number of AWS calls')
    }
  }
  repeated.sort((x, y) => x - y)
  const repeatedMedianMs = repeated[Math.floor(repeated.length / 2)]
  line(
    'again',
    `${REPEATED_JOBS} more jobs: median ${ms(repeatedMedianMs)}, ` +
      `min ${ms(repeated[0])}, max ${ms(repeated[repeated.length - 1])} (the first job ran cold: SDK clients built, code not yet optimised)`,
  )
  return {
    beforeProbe: beforeProbe.length,
    totalAws: awsCalls.length,
    probes,
    wallMs,
    repeatedMedianMs,
    addonId,
  }
}

function describeCall(call: StubCall): string {
  return call.status >= 400 ? `${call.operation} → ${call.status}` : call.operation
}

// ---------------------------------------------------------------------------------------------
// Output

function printHeader(database: string): void {
  const autocannon = JSON.parse(
    readFileSync(new URL(import.meta.resolve('autocannon/package.json')), 'utf8'),
  ) as {version: string}
  printMachine('byo-s3 broker benchmark')
  line('database', database)
  line(
    'stubs',
    `Heroku and AWS on one loopback HTTP server, in a child process; load from autocannon ` +
      `${autocannon.version} in another`,
  )
}

function printSummary(a: PhaseA, b: PhaseB, c: Sustained[], database: string): void {
  const {model, cores, memory, node, date} = machine()
  const {result} = a
  const throughput = result.requests / result.durationSeconds
  section('Summary')
  console.log(
    `Machine: ${model}, ${cores} cores, ${memory}; Node ${node}; ${database}; ${date.slice(0, 10)}`,
  )
  console.log(
    `POST /heroku/resources, ${CONNECTIONS} concurrent, ${result.requests} requests: ` +
      `p50 ${result.latencyMs.p50} ms, p90 ${result.latencyMs.p90} ms, p99 ${result.latencyMs.p99} ms, ` +
      `max ${result.latencyMs.max} ms; ${throughput.toFixed(0)} req/s; ` +
      `${result.non2xx} non-2xx, ${result.errors} errors`,
  )
  console.log(
    `  aim p99 < ${AIM_P99_MS} ms: p99/aim = ${ratio(result.latencyMs.p99, AIM_P99_MS)} ` +
      `(${verdict(result.latencyMs.p99 <= AIM_P99_MS)}); 1 connection: p50 ` +
      `${a.single.latencyMs.p50} ms, p99 ${a.single.latencyMs.p99} ms`,
  )
  console.log(
    `One provision: ${b.beforeProbe} AWS calls before the readiness probe ` +
      `(aim ≤ ${AIM_AWS_CALLS_BEFORE_PROBE}: ${ratio(b.beforeProbe, AIM_AWS_CALLS_BEFORE_PROBE)}, ` +
      `${verdict(b.beforeProbe <= AIM_AWS_CALLS_BEFORE_PROBE)}), ${b.totalAws} in the whole job ` +
      `with ${b.probes} probes; job wall time ${ms(b.wallMs)} (median of ${REPEATED_JOBS} more ` +
      `${ms(b.repeatedMedianMs)}), against stubs`,
  )
  for (const {name, result, memory} of c) {
    console.log(
      `${name}, sustained ${result.durationSeconds.toFixed(0)} s: ` +
        `${(result.requests / result.durationSeconds).toFixed(0)} req/s, p99 ${result.latencyMs.p99} ms; ` +
        `broker RSS at most ${memory.rssMaxMiB.toFixed(0)} MiB, heap at most ${memory.heapMaxMiB.toFixed(0)} MiB`,
    )
  }
}

await runBenchmark(main)
