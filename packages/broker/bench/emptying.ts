/*
 * How fast deprovisioning empties a bucket: N objects (BENCH_EMPTY_OBJECTS, default 100,000) on
 * the loopback S3 of stub.ts, in a child process, emptied by three contenders in turn, each from
 * the same freshly filled bucket:
 *
 *   ours      emptyAndDeleteBucket with the broker's own AWS clients, as the deprovision job
 *             calls it: Object Lock and MFA delete checks, ListObjectVersions pages,
 *             DeleteObjects batches, ListMultipartUploads, DeleteBucket.
 *   aws-cli   `aws s3 rm s3://bucket --recursive` (BENCH_AWS_CLI, default `aws` on PATH): one
 *             DeleteObject per key, ten at a time, as the CLI ships.
 *   floor     ⌈N/1000⌉ DeleteObjects of 1,000 keys known in advance, one after another, with no
 *             listing: the fewest requests any emptying can make.
 *
 * The bucket is unversioned, because `aws s3 rm` deletes current objects only: on a versioned
 * bucket it would add N delete markers and leave every version behind. Ours then also empties N
 * versions (N/2 keys of two versions each), which only it can do. The loopback S3 answers at
 * once, so the figures are the client's own work and its number of requests; against S3, each
 * request also waits for the network, which counts for more the more requests a contender makes.
 *
 * Writes the chart docs/benchmarks-emptying.svg (BENCH_EMPTY_SVG=FILE writes it elsewhere).
 */
import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {performance} from 'node:perf_hooks'
import {promisify} from 'node:util'
import {DeleteObjectsCommand, ListObjectVersionsCommand} from '@aws-sdk/client-s3'
import {emptyAndDeleteBucket} from '../src/aws/bucket-teardown.js'
import {type AwsClients, createAwsClients} from '../src/aws/clients.js'
import {isAwsError} from '../src/aws/service-errors.js'
import {Child} from './child.js'
import {emptyingChart} from './emptying-chart.js'
import {ACCOUNT_ID, LINKED_CREDENTIALS} from './fixtures.js'
import {cleanups, problems, runBenchmark} from './harness.js'
import {brokerConfig} from './local-broker.js'
import {countBy, line, printMachine, ratio, section, verdict} from './report.js'
import type {FillOptions, StubCall} from './stub.js'

const run = promisify(execFile)

const OBJECTS = Number(process.env.BENCH_EMPTY_OBJECTS ?? 100_000)
const AWS_CLI = process.env.BENCH_AWS_CLI ?? 'aws'
const CHART =
  process.env.BENCH_EMPTY_SVG ??
  new URL('../../../docs/benchmarks-emptying.svg', import.meta.url).pathname
const REGION = 'us-east-1'
const KEYS_PER_DELETE = 1000
const WARM_UP_OBJECTS = 2000
const AIM_TIMES_FASTER = 5

export interface Contender {
  name: string
  what: string
  objects: number
  seconds: number
  requests: Map<string, number>
  serverCpuSeconds: number
}

async function main(): Promise<void> {
  if (!Number.isInteger(OBJECTS) || OBJECTS < 1) {
    throw new Error(`BENCH_EMPTY_OBJECTS must be a whole number above 0, not ${OBJECTS}`)
  }

  const {child: stub, ready} = await Child.start<{url: string}>(
    new URL('./stub-child.ts', import.meta.url),
  )
  cleanups.push({name: 'the stub', run: () => stub.stop()})
  const clients = createAwsClients({...brokerConfig(ready.url).aws, timeoutMs: 10_000})
  cleanups.push({name: 'the AWS clients', run: () => clients.destroy()})
  const awsCli = await awsCliVersion()

  printMachine('byo-s3 bucket emptying benchmark')
  line('server', `the loopback S3 of bench/stub.ts, in a child process (answers at once)`)
  line('aws-cli', awsCli ?? `not found (${AWS_CLI})`)
  line('objects', `${OBJECTS.toLocaleString('en')} (BENCH_EMPTY_OBJECTS)`)

  const contenders = {
    ours: (bucket: string) => emptyAndDeleteBucket(clients, LINKED_CREDENTIALS, target(bucket)),
    floor: (bucket: string, objects: number) => deleteKnownKeys(clients, bucket, objects),
    awsCli: (bucket: string) => removeWithAwsCli(ready.url, bucket),
  }
  const unversioned = {versionsPerKey: 1, versioning: undefined}
  const measure = (name: string, what: string, fill: FillOptions, empty: typeof contenders.ours) =>
    measureEmptying({stub, clients, name, what, fill, empty})

  // The first run of the SDK's code is slow while V8 compiles it; these runs are not counted.
  for (const warmUp of [contenders.ours, contenders.floor]) {
    const fill = {objects: WARM_UP_OBJECTS, ...unversioned}
    await measure('warm-up', '', fill, (bucket) => warmUp(bucket, WARM_UP_OBJECTS))
  }

  const objects = {objects: OBJECTS, ...unversioned}
  const results: Contender[] = []
  section(`Emptying ${OBJECTS.toLocaleString('en')} objects of an unversioned bucket`)
  results.push(await measure('ours', 'emptyAndDeleteBucket', objects, contenders.ours))
  results.push(
    await measure(
      'floor',
      `${Math.ceil(OBJECTS / KEYS_PER_DELETE)} bare DeleteObjects`,
      objects,
      (bucket) => contenders.floor(bucket, OBJECTS),
    ),
  )
  if (awsCli) {
    results.push(await measure('aws-cli', 'aws s3 rm --recursive', objects, contenders.awsCli))
  } else {
    problems.push(
      `${AWS_CLI} was not found: install Debian's AWS CLI (sudo apt-get install -y awscli), ` +
        'or name one with BENCH_AWS_CLI',
    )
  }

  section(`Emptying ${OBJECTS.toLocaleString('en')} versions of a versioned bucket (ours only)`)
  const versions = {
    objects: Math.ceil(OBJECTS / 2),
    versionsPerKey: 2,
    versioning: 'Enabled' as const,
  }
  results.push(await measure('ours, versioned', 'emptyAndDeleteBucket', versions, contenders.ours))

  printSummary(results)
  writeFileSync(CHART, emptyingChart(results, {awsCli, objects: OBJECTS}))
  line('chart', CHART)
}

function target(bucketName: string) {
  return {bucketName, region: REGION, accountId: ACCOUNT_ID}
}

let buckets = 0

/** Fills a new bucket, empties it with `empty`, and checks that nothing is left. */
async function measureEmptying({
  stub,
  clients,
  name,
  what,
  fill,
  empty,
}: {
  stub: Child
  clients: AwsClients
  name: string
  what: string
  fill: FillOptions
  empty: (bucket: string) => Promise<void>
}): Promise<Contender> {
  const bucket = `byo-s3-bench-emptying-${++buckets}`
  await stub.ask('fill', {bucket, ...fill} satisfies FillOptions & {bucket: string})
  await stub.ask('reset')
  const cpuBefore = await stub.ask<NodeJS.CpuUsage>('cpu')
  const started = performance.now()
  await empty(bucket)
  const seconds = (performance.now() - started) / 1000
  const cpuAfter = await stub.ask<NodeJS.CpuUsage>('cpu')
  const calls = await stub.ask<StubCall[]>('calls')

  const objects = fill.objects * fill.versionsPerKey
  const left = await objectsLeft(clients, bucket)
  if (left > 0) problems.push(`${name} left ${left} of ${objects} objects in ${bucket}`)
  const failed = calls.filter(
    (call) => call.status >= 400 && call.operation !== 's3:GetObjectLockConfiguration',
  )
  if (failed.length > 0) {
    problems.push(
      `${name}: the server refused ${failed.length} requests (${failed[0].operation} → ${failed[0].status})`,
    )
  }

  const contender = {
    name,
    what,
    objects,
    seconds,
    requests: countBy(calls.map((call) => call.operation.replace(/^s3:/, ''))),
    serverCpuSeconds: (cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system) / 1e6,
  }
  if (name !== 'warm-up') printContender(contender)
  return contender
}

/** How many versions are left: none once the bucket is gone. */
async function objectsLeft(clients: AwsClients, bucket: string): Promise<number> {
  const s3 = clients.s3(LINKED_CREDENTIALS, REGION)
  try {
    const page = await s3.send(new ListObjectVersionsCommand({Bucket: bucket}))
    return (page.Versions?.length ?? 0) + (page.DeleteMarkers?.length ?? 0)
  } catch (error) {
    if (isAwsError(error, 'NoSuchBucket')) return 0

    throw error
  }
}

/** The floor: DeleteObjects of the stub's keys, 1,000 at a time, no listing and no checks. */
async function deleteKnownKeys(clients: AwsClients, bucket: string, objects: number) {
  const s3 = clients.s3(LINKED_CREDENTIALS, REGION)
  const width = String(objects).length
  for (let first = 0; first < objects; first += KEYS_PER_DELETE) {
    const count = Math.min(KEYS_PER_DELETE, objects - first)
    const keys = Array.from({length: count}, (_, n) => ({
      Key: `objects/${String(first + n).padStart(width, '0')}`,
    }))
    await s3.send(new DeleteObjectsCommand({Bucket: bucket, Delete: {Objects: keys, Quiet: true}}))
  }
}

async function awsCliVersion(): Promise<string | undefined> {
  try {
    const {stdout, stderr} = await run(AWS_CLI, ['--version'], {env: awsCliEnvironment()})
    return (stdout || stderr).trim()
  } catch {
    return undefined
  }
}

/** `aws s3 rm` as a user runs it, with its defaults, against the stub's endpoint. */
async function removeWithAwsCli(endpoint: string, bucket: string): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'byo-s3-bench-aws-'))
  try {
    // Path-style requests, as the stub serves them; every other setting is the CLI's default.
    const config = path.join(dir, 'config')
    writeFileSync(config, '[default]\ns3 =\n  addressing_style = path\n')
    await run(
      AWS_CLI,
      [
        '--endpoint-url',
        endpoint,
        's3',
        'rm',
        `s3://${bucket}`,
        '--recursive',
        '--only-show-errors',
      ],
      {env: {...awsCliEnvironment(), AWS_CONFIG_FILE: config}, maxBuffer: 64 * 2 ** 20},
    )
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

function awsCliEnvironment(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: LINKED_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LINKED_CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: REGION,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_CONFIG_FILE: '/dev/null',
  }
}

// ---------------------------------------------------------------------------------------------
// Output

function printContender({name, what, objects, seconds, requests, serverCpuSeconds}: Contender) {
  const total = [...requests.values()].reduce((sum, n) => sum + n, 0)
  console.log(`\n  ${name}: ${what}`)
  line('wall time', `${seconds.toFixed(2)} s`)
  line('objects/s', (objects / seconds).toFixed(0))
  line('requests', `${total.toLocaleString('en')}: ${describeRequests(requests)}`)
  line('server CPU', `${serverCpuSeconds.toFixed(2)} s`)
}

function describeRequests(requests: Map<string, number>): string {
  return [...requests]
    .map(([operation, count]) => `${count.toLocaleString('en')} ${operation}`)
    .join(', ')
}

function printSummary(results: Contender[]): void {
  const byName = new Map(results.map((result) => [result.name, result]))
  const ours = byName.get('ours')!
  const floor = byName.get('floor')!
  const awsCli = byName.get('aws-cli')
  section('Summary')
  if (awsCli) {
    const faster = awsCli.seconds / ours.seconds
    line(
      'ours ÷ aws-cli',
      `${ratio(ours.seconds, awsCli.seconds)} of its time: ${faster.toFixed(1)}× faster ` +
        `(aim ≥ ${AIM_TIMES_FASTER}×: ${verdict(faster >= AIM_TIMES_FASTER)})`,
    )
  }
  line('ours ÷ floor', `${ratio(ours.seconds, floor.seconds)} of its time`)
  const versioned = byName.get('ours, versioned')
  if (versioned) {
    line('versioned', `${(versioned.objects / versioned.seconds).toFixed(0)} versions/s`)
  }
}

await runBenchmark(main)
