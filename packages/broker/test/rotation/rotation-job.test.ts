import {expect} from 'chai'
import {instantReadiness, startTestBroker, type TestBroker} from '../helpers/app.js'
import {queryError, s3Error} from '../helpers/aws-xml.js'
import {deprovision, linkAcme, runDeprovision, stateOf} from '../helpers/slice.js'
import {
  appKeyOf,
  endOverlap,
  keysExist,
  provisionedAddon,
  rotationRows,
  runRotation,
} from '../helpers/rotation.js'
import {JobInterrupted} from '../../src/provisioning/provision-job.js'
import {queueRunningRotations} from '../../src/rotation/rotation-job.js'
import {rotationOf, startRotation} from '../../src/rotation/rotation.js'

const STEPS = [
  'new_key_created',
  'new_key_works',
  'config_updated',
  'app_key_recorded',
  'old_key_scheduled',
  'old_key_deleted',
]

class SimulatedCrash extends Error {}

// Real IAM refuses a third key; the shared fake does not, so these tests add the limit.
const twoKeysAtMost = {
  CreateAccessKey: (_params: Record<string, string>, user?: {accessKeys: string[]}) =>
    user && user.accessKeys.length >= 2
      ? {
          status: 409,
          body: queryError('LimitExceeded', 'Cannot exceed quota for AccessKeysPerUser: 2'),
        }
      : undefined,
}

describe('the rotation job', () => {
  let broker: TestBroker
  let crashAfter: string | undefined

  before(async () => {
    broker = await startTestBroker(
      {},
      {
        afterStep: (step) => {
          if (step === crashAfter) throw new SimulatedCrash(`crash after ${step}`)
        },
      },
    )
    expect((await linkAcme(broker)).statusCode).to.equal(200)
  })

  beforeEach(() => {
    crashAfter = undefined
    broker.app.services.readiness = instantReadiness
  })

  after(() => broker.app.close())

  const rotated = (uuid: string) => rotationOf(broker.app.services, uuid)
  const deletionJobs = async (uuid: string) => {
    const {rows} = await broker.app.services.pool.query(
      `select state, start_after as "startAfter" from pgboss.job
       where name = 'delete-old-key' and singleton_key = $1 order by created_on`,
      [uuid],
    )
    return rows as {state: string; startAfter: Date}[]
  }

  it('swaps the app to a new key, keeps the old one through the overlap, then deletes it', async () => {
    const {uuid, config, keys, s3} = await provisionedAddon(broker)
    const oldKey = config.accessKeyId()!

    const started = await startRotation(broker.app.services, uuid)
    expect(started).to.include({state: 'rotating', accessKeyId: oldKey})
    await runRotation(broker, uuid)

    const newKey = config.accessKeyId()!
    expect(newKey).to.not.equal(oldKey)
    expect(keys(), 'the old key still works during the overlap').to.have.members([oldKey, newKey])
    expect(await appKeyOf(broker, uuid)).to.equal(newKey)
    const probes = s3.requests.filter(
      (request) =>
        request.operation === 'ListObjectsV2' && request.headers.authorization.includes(newKey),
    )
    expect(probes, 'the new key was tried against the bucket').to.have.length.greaterThan(0)
    const overlap = await rotated(uuid)
    expect(overlap).to.include({state: 'overlap', accessKeyId: newKey, previousAccessKeyId: oldKey})
    const deletesIn = Date.parse(overlap.previousKeyDeletesAt!) - Date.now()
    expect(deletesIn).to.be.within(59 * 60_000, 60 * 60_000)
    const [waiting] = await deletionJobs(uuid)
    expect(waiting.state).to.equal('created')
    expect(waiting.startAfter.toISOString()).to.equal(overlap.previousKeyDeletesAt)

    await runRotation(broker, uuid)
    expect(keys(), 'a job run before the overlap ends deletes nothing').to.have.length(2)

    await endOverlap(broker, uuid)
    await runRotation(broker, uuid)

    expect(keys()).to.deep.equal([newKey])
    expect(await rotated(uuid)).to.include({
      state: 'idle',
      accessKeyId: newKey,
      previousAccessKeyId: null,
    })
    const [row] = await rotationRows(broker, uuid)
    expect(row.state).to.equal('done')
    expect(row.steps).to.deep.equal(STEPS)
    expect(row.newSecretAccessKeySealed).to.equal(null)
  })

  it('sets every config var again with the new key, the bucket and region unchanged', async () => {
    const {uuid, config} = await provisionedAddon(broker, {region: 'eu-west-1'})
    const [provisioned] = config.patches

    await startRotation(broker.app.services, uuid)
    await runRotation(broker, uuid)

    const [, rotatedVars] = config.patches
    const valueOf = (vars: typeof rotatedVars, name: string) =>
      vars.find((v) => v.name === name)?.value
    expect(rotatedVars.map((v) => v.name).sort()).to.deep.equal(
      provisioned.map((v) => v.name).sort(),
    )
    for (const name of ['BYO_S3_BUCKET_NAME', 'BYO_S3_AWS_REGION']) {
      expect(valueOf(rotatedVars, name), name).to.equal(valueOf(provisioned, name))
    }
    expect(valueOf(rotatedVars, 'BYO_S3_AWS_REGION')).to.equal('eu-west-1')
    expect(valueOf(rotatedVars, 'BYO_S3_AWS_SECRET_ACCESS_KEY')).to.not.equal(
      valueOf(provisioned, 'BYO_S3_AWS_SECRET_ACCESS_KEY'),
    )
  })

  for (const step of STEPS) {
    it(`resumes after a crash right after ${step}, the app never without a working key`, async () => {
      const {uuid, config, users, iam, keys} = await provisionedAddon(broker, {
        iamOverrides: twoKeysAtMost,
      })
      const oldKey = config.accessKeyId()
      const appKeyExists = (when: string) =>
        expect(keysExist(users, uuid, config.accessKeyId()), `app's key exists ${when}`).to.equal(
          true,
        )
      await startRotation(broker.app.services, uuid)
      if (step === 'old_key_deleted') await endOverlapAfterScheduling(uuid)

      crashAfter = step
      const crash = await runRotation(broker, uuid).catch((error) => error)
      crashAfter = undefined
      expect(crash, 'the first run crashed').to.be.instanceOf(JobInterrupted)
      appKeyExists(`after a crash right after ${step}`)

      await runRotation(broker, uuid)
      appKeyExists('after the resumed run')
      await endOverlap(broker, uuid)
      await runRotation(broker, uuid)
      appKeyExists('at the end')

      const newKey = config.accessKeyId()
      expect(newKey).to.not.equal(oldKey)
      expect(keys()).to.deep.equal([newKey])
      expect(await appKeyOf(broker, uuid)).to.equal(newKey)
      expect((await rotationRows(broker, uuid))[0].state).to.equal('done')
      const created = iam.filter((call) => call.Action === 'CreateAccessKey')
      expect(created, 'one key for provisioning, one for the rotation').to.have.length(2)
    })
  }

  // For the last step only: the overlap ends as soon as the deletion is scheduled.
  async function endOverlapAfterScheduling(uuid: string) {
    crashAfter = 'old_key_scheduled'
    await runRotation(broker, uuid).catch(() => {})
    crashAfter = undefined
    await endOverlap(broker, uuid)
  }

  it('deletes a second key left over from a failed rotation before it creates the new one', async () => {
    const {uuid, config, user, keys, iam} = await provisionedAddon(broker, {
      iamOverrides: twoKeysAtMost,
    })
    const oldKey = config.accessKeyId()!
    user().accessKeys.push('AKIALEFTOVERKEY00001')

    await startRotation(broker.app.services, uuid)
    await runRotation(broker, uuid)

    const newKey = config.accessKeyId()!
    expect(keys()).to.have.members([oldKey, newKey])
    expect(keys()).to.not.include('AKIALEFTOVERKEY00001')
    const actions = iam.map((call) => call.Action)
    expect(actions.lastIndexOf('DeleteAccessKey')).to.be.lessThan(
      actions.lastIndexOf('CreateAccessKey'),
    )
  })

  it("deletes no leftover key when Heroku's config vars hold it, and says what to check", async () => {
    const {uuid, config, user, keys} = await provisionedAddon(broker)
    const recordedKey = config.accessKeyId()!
    user().accessKeys.push('AKIAUNRECORDEDKEY001')
    // The app got a key the database never recorded as its own.
    config.patches.length = 0
    await broker.app.services.platform.setAddonConfig('token', uuid, {
      BYO_S3_AWS_ACCESS_KEY_ID: 'AKIAUNRECORDEDKEY001',
    })

    await startRotation(broker.app.services, uuid)
    await runRotation(broker, uuid)

    expect(keys()).to.have.members([recordedKey, 'AKIAUNRECORDEDKEY001'])
    const view = await rotated(uuid)
    expect(view.state).to.equal('failed')
    expect(view.failureReason).to.contain('AKIAUNRECORDEDKEY001')
    expect(view.failureReason).to.contain(`byo-s3 recorded ${recordedKey}`)
  })

  it('answers a start while a rotation runs, or waits out its overlap, with that rotation', async () => {
    const {uuid} = await provisionedAddon(broker)

    const starts = await Promise.all(
      Array.from({length: 5}, () => startRotation(broker.app.services, uuid)),
    )
    await runRotation(broker, uuid)
    const duringOverlap = await startRotation(broker.app.services, uuid)

    expect(new Set(starts.map((view) => view.startedAt)).size).to.equal(1)
    expect(duringOverlap.state).to.equal('overlap')
    expect(duringOverlap.startedAt).to.equal(starts[0].startedAt)
    expect(await rotationRows(broker, uuid)).to.have.length(1)
  })

  it('starts a new rotation once the last one is done', async () => {
    const {uuid, config, keys} = await provisionedAddon(broker)

    for (let round = 0; round < 2; round++) {
      await startRotation(broker.app.services, uuid)
      await runRotation(broker, uuid)
      await endOverlap(broker, uuid)
      await runRotation(broker, uuid)
    }

    expect((await rotationRows(broker, uuid)).map((row) => row.state)).to.deep.equal([
      'done',
      'done',
    ])
    expect(keys()).to.deep.equal([config.accessKeyId()])
  })

  it('undoes the rotation when Heroku refuses the new config vars: the app keeps its key', async () => {
    const {uuid, config, keys} = await provisionedAddon(broker)
    const oldKey = config.accessKeyId()!
    config.refuseNextPatches(403)

    await startRotation(broker.app.services, uuid)
    await runRotation(broker, uuid, {retryCount: 0, retryLimit: 10})

    expect(keys()).to.deep.equal([oldKey])
    expect(config.accessKeyId()).to.equal(oldKey)
    expect(await appKeyOf(broker, uuid)).to.equal(oldKey)
    const view = await rotated(uuid)
    expect(view.state).to.equal('failed')
    expect(view.accessKeyId).to.equal(oldKey)
    expect(view.failureReason).to.match(/^Heroku answered 403 .*The app keeps its access key/)
    const [row] = await rotationRows(broker, uuid)
    expect(row.newSecretAccessKeySealed).to.equal(null)
  })

  it('sets the old key back before deleting the new one when Heroku stays down', async () => {
    const {uuid, config, keys} = await provisionedAddon(broker)
    const oldKey = config.accessKeyId()!
    config.refuseNextPatches(503)

    await startRotation(broker.app.services, uuid)
    const retried = await runRotation(broker, uuid, {retryCount: 0, retryLimit: 1}).catch((e) => e)
    expect(retried, 'the first attempt is retried').to.be.an('error')
    config.refuseNextPatches(503)
    await runRotation(broker, uuid, {retryCount: 1, retryLimit: 1})

    expect(
      config.patches.at(-1)!.find((v) => v.name === 'BYO_S3_AWS_ACCESS_KEY_ID')!.value,
    ).to.equal(oldKey)
    expect(keys()).to.deep.equal([oldKey])
    expect((await rotated(uuid)).state).to.equal('failed')
  })

  it('keeps both keys when neither the new config nor the old one can be set', async () => {
    const {uuid, config, keys} = await provisionedAddon(broker)
    const oldKey = config.accessKeyId()!
    config.refuseNextPatches(503, 2)

    await startRotation(broker.app.services, uuid)
    await runRotation(broker, uuid, {retryCount: 10, retryLimit: 10})

    expect(keys()).to.have.length(2)
    expect(keys()).to.include(oldKey)
    const view = await rotated(uuid)
    expect(view.state).to.equal('failed')
    expect(view.failureReason).to.contain('both access keys')
  })

  it('deletes the new key and keeps the old one when S3 never accepts the new key', async () => {
    const {uuid, config, keys, s3} = await provisionedAddon(broker)
    const oldKey = config.accessKeyId()!
    for (const bucket of s3.buckets.values()) {
      bucket.overrides.ListObjectsV2 = {status: 403, body: s3Error('InvalidAccessKeyId')}
    }
    broker.app.services.readiness = {...instantReadiness, maxWaitMs: 0}

    await startRotation(broker.app.services, uuid)
    await runRotation(broker, uuid, {retryCount: 10, retryLimit: 10})

    expect(keys()).to.deep.equal([oldKey])
    expect(config.patches, 'the config vars were never touched').to.have.length(1)
    const view = await rotated(uuid)
    expect(view.state).to.equal('failed')
    expect(view.failureReason).to.contain('S3 did not yet accept the new access key')
  })

  it('keeps the new key when deleting the old one is refused, leaving the old one to the next rotation', async () => {
    const denied = {status: 403, body: queryError('AccessDenied', 'not allowed: DeleteAccessKey')}
    let refuseDeletes = false
    const {uuid, config, keys, user} = await provisionedAddon(broker, {
      iamOverrides: {DeleteAccessKey: () => (refuseDeletes ? denied : undefined)},
    })
    const oldKey = config.accessKeyId()!

    await startRotation(broker.app.services, uuid)
    await runRotation(broker, uuid)
    await endOverlap(broker, uuid)
    refuseDeletes = true
    await runRotation(broker, uuid)

    const newKey = config.accessKeyId()!
    expect(keys()).to.have.members([oldKey, newKey])
    expect(await rotated(uuid)).to.include({
      state: 'failed',
      accessKeyId: newKey,
      previousAccessKeyId: oldKey,
    })

    refuseDeletes = false
    await startRotation(broker.app.services, uuid)
    await runRotation(broker, uuid)
    expect(user().accessKeys).to.not.include(oldKey)
    expect(user().accessKeys).to.include(newKey)
  })

  it('stops when the add-on is deprovisioned mid-rotation; the deprovision deletes both keys', async () => {
    const {uuid, users} = await provisionedAddon(broker)
    await startRotation(broker.app.services, uuid)
    crashAfter = 'new_key_works'
    await runRotation(broker, uuid).catch(() => {})
    crashAfter = undefined
    expect(users.get(`byo-s3-${uuid}`)!.accessKeys).to.have.length(2)

    expect((await deprovision(broker, uuid)).statusCode).to.equal(204)
    await runDeprovision(broker, uuid)

    expect(users.has(`byo-s3-${uuid}`), 'the IAM user and both keys are gone').to.equal(false)
    expect((await stateOf(broker, uuid)).state).to.equal('deprovisioned')
    const [row] = await rotationRows(broker, uuid)
    expect(row.state).to.equal('failed')
    expect(row.failureReason).to.contain('deprovisioned during the rotation')
    expect(row.newSecretAccessKeySealed).to.equal(null)
  })

  it('stops before its next step when a DELETE arrives while it waits for a retry', async () => {
    const {uuid, iam, config} = await provisionedAddon(broker)
    await startRotation(broker.app.services, uuid)
    crashAfter = 'new_key_created'
    await runRotation(broker, uuid).catch(() => {})
    crashAfter = undefined
    const callsBefore = iam.length

    await deprovision(broker, uuid)
    await runRotation(broker, uuid)

    expect(iam.length, 'no AWS call after the DELETE').to.equal(callsBefore)
    expect(config.patches).to.have.length(1)
    const [row] = await rotationRows(broker, uuid)
    expect(row.state).to.equal('failed')
    expect(row.newSecretAccessKeySealed).to.equal(null)
  })

  it('deletes both keys when the add-on is deprovisioned during the overlap', async () => {
    const {uuid, users} = await provisionedAddon(broker)
    await startRotation(broker.app.services, uuid)
    await runRotation(broker, uuid)

    await deprovision(broker, uuid)
    await runDeprovision(broker, uuid)
    await runRotation(broker, uuid)

    expect(users.has(`byo-s3-${uuid}`)).to.equal(false)
    expect((await rotationRows(broker, uuid))[0].state).to.equal('failed')
    const gone = await rotated(uuid).then(
      () => expect.fail('a deprovisioned add-on has no keys to show'),
      (error) => error,
    )
    expect(gone).to.include({status: 404, id: 'addon_not_found'})
  })

  it('queues a running rotation again when its job was lost', async () => {
    const {uuid} = await provisionedAddon(broker)
    await startRotation(broker.app.services, uuid)
    await runRotation(broker, uuid)
    const {pool} = broker.app.services
    await pool.query(`delete from pgboss.job where singleton_key = $1`, [uuid])

    await queueRunningRotations(broker.app.services)

    const jobs = await deletionJobs(uuid)
    expect(jobs).to.have.length(1)
    expect(jobs[0].startAfter.toISOString()).to.equal((await rotated(uuid)).previousKeyDeletesAt)
  })
})
