import {randomUUID} from 'node:crypto'
import {expect} from 'chai'
import {runPlanChangeJob} from '../../src/plans/plan-change-job.js'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {bucketState} from '../helpers/aws-fake-bucket.js'
import {s3Error, sentLifecycleRules, xmlTexts} from '../helpers/aws-xml.js'
import {herokuKnowsUser, USER_TOKEN} from '../helpers/heroku.js'
import {
  herokuAcceptsConfig,
  linkAcme,
  type ProvisionOptions,
  provisionForAcme,
  runProvision,
  stateOf,
} from '../helpers/slice.js'

describe('plan change: PUT /heroku/resources/:id', () => {
  let broker: TestBroker

  before(async () => {
    broker = await startTestBroker()
    expect((await linkAcme(broker, {allowAdopt: true})).statusCode).to.equal(200)
  })

  after(() => broker.app.close())

  async function provisioned(extra: ProvisionOptions = {}) {
    const provision = await provisionForAcme(broker, extra)
    expect(provision.response.statusCode, provision.response.body).to.equal(202)
    herokuAcceptsConfig(provision.uuid)
    await runProvision(broker, provision.uuid)
    expect((await stateOf(broker, provision.uuid)).state).to.equal('provisioned')
    const [bucketName] = provision.s3.buckets.keys()
    return {...provision, bucketName, bucket: provision.s3.buckets.get(bucketName)!}
  }

  function changePlan(uuid: string, body: object) {
    return broker.app.inject({
      method: 'PUT',
      url: `/heroku/resources/${uuid}`,
      headers: {authorization: broker.partnerAuth, 'content-type': 'application/json'},
      payload: body,
    })
  }

  function runPlanChange(uuid: string, attempt?: {retryCount: number; retryLimit: number}) {
    return runPlanChangeJob(broker.app.services, uuid, broker.app.log, attempt)
  }

  async function rowOf(uuid: string) {
    const {rows} = await broker.app.services.pool.query(
      `select plan, settings, applied_settings as "applied", failure_reason as "failureReason",
         state from resources where id = $1`,
      [uuid],
    )
    return rows[0]
  }

  async function setPolicy(settings: object) {
    herokuKnowsUser('admin')
    const response = await broker.app.inject({
      method: 'PATCH',
      url: '/admin/teams/acme/link',
      headers: {authorization: `Bearer ${USER_TOKEN}`},
      payload: settings,
    })
    expect(response.statusCode, response.body).to.equal(200)
  }

  /** A refused plan change: 422, and the add-on's row and queue as they were. */
  async function refusedChange(uuid: string, plan: string): Promise<string> {
    const before = await rowOf(uuid)

    const response = await changePlan(uuid, {plan})

    expect(response.statusCode, response.body).to.equal(422)
    expect(await rowOf(uuid)).to.deep.equal(before)
    expect(await queuedPlanChanges(uuid)).to.equal(0)
    return response.json().message
  }

  async function queuedPlanChanges(uuid: string): Promise<number> {
    const {rows} = await broker.app.services.pool.query(
      `select count(*)::int as count from pgboss.job
       where name = 'change-plan' and data->>'addonId' = $1`,
      [uuid],
    )
    return rows[0].count
  }

  it('upgrades a standard bucket to versioned: versioning on, old versions expire, read back', async () => {
    const {uuid, s3, bucket, bucketName} = await provisioned()
    const callsBefore = s3.requests.length

    const response = await changePlan(uuid, {plan: 'versioned'})

    expect(response.statusCode, response.body).to.equal(200)
    expect(response.json().message).to.equal(
      'Plan is now versioned: a private bucket with versioning; old versions are deleted after ' +
        `30 days. byo-s3 is changing bucket ${bucketName} to match.`,
    )
    expect(s3.requests.length, 'AWS calls on the request path').to.equal(callsBefore)
    expect(await queuedPlanChanges(uuid)).to.equal(1)

    await runPlanChange(uuid)

    const calls = s3.requests.slice(callsBefore)
    const writes = calls.filter((call) => /^(Put|Delete)/.test(call.operation))
    expect(writes.map((call) => call.operation)).to.deep.equal([
      'PutBucketVersioning',
      'PutBucketLifecycleConfiguration',
    ])
    expect(xmlTexts(writes[0].body, 'Status')).to.deep.equal(['Enabled'])
    expect(sentLifecycleRules(writes[1].body).map((rule) => rule.noncurrentDays)).to.deep.equal([
      undefined,
      30,
    ])
    const reads = calls
      .map((call) => call.operation)
      .filter((operation) => operation.startsWith('Get'))
    expect(reads).to.include.members(['GetBucketVersioning', 'GetBucketLifecycleConfiguration'])
    expect(bucket.versioning).to.equal('Enabled')
    const row = await rowOf(uuid)
    expect(row.plan).to.equal('versioned')
    expect(row.settings).to.include({versioning: true, noncurrentExpiryDays: 30})
    expect(row.applied).to.deep.equal(row.settings)
  })

  it('downgrades a versioned bucket to standard: versioning suspended, the expiry rule removed', async () => {
    const {uuid, s3, bucket} = await provisioned({plan: 'versioned'})
    const callsBefore = s3.requests.length

    await changePlan(uuid, {plan: 'standard'})
    await runPlanChange(uuid)

    const writes = s3.requests.slice(callsBefore).filter((call) => call.operation.startsWith('Put'))
    expect(writes.map((call) => call.operation)).to.deep.equal([
      'PutBucketVersioning',
      'PutBucketLifecycleConfiguration',
    ])
    expect(bucket.versioning).to.equal('Suspended')
    expect(sentLifecycleRules(writes[1].body).map((rule) => rule.id)).to.deep.equal([
      'byo-s3-abort-incomplete-multipart-uploads',
    ])
  })

  it('keeps the add-on’s own options across a plan change', async () => {
    const {uuid, s3} = await provisioned({options: {'abort-multipart-days': '3'}})
    const callsBefore = s3.requests.length

    await changePlan(uuid, {plan: 'versioned'})
    await runPlanChange(uuid)

    const lifecycle = s3.requests
      .slice(callsBefore)
      .find((call) => call.operation === 'PutBucketLifecycleConfiguration')!
    expect(
      sentLifecycleRules(lifecycle.body).map((rule) => [rule.abortDays, rule.noncurrentDays]),
    ).to.deep.equal([
      [3, undefined],
      [undefined, 30],
    ])
  })

  it('refuses a downgrade that would leave --noncurrent-expiry-days on a bucket keeping no versions', async () => {
    const {uuid} = await provisioned({
      plan: 'versioned',
      options: {'noncurrent-expiry-days': '30'},
    })

    const message = await refusedChange(uuid, 'standard')

    expect(message).to.equal(
      'This add-on has --noncurrent-expiry-days 30, which deletes old versions, and the standard ' +
        'plan keeps none, so the plan cannot change. Stay on the versioned plan, or create a new ' +
        'add-on on the standard plan without --noncurrent-expiry-days.',
    )
  })

  it('downgrades an add-on that turned versioning on itself, keeping its expiry of old versions', async () => {
    const {uuid} = await provisioned({
      plan: 'versioned',
      options: {versioning: 'true', 'noncurrent-expiry-days': '30'},
    })

    const response = await changePlan(uuid, {plan: 'standard'})

    expect(response.statusCode, response.body).to.equal(200)
    expect((await rowOf(uuid)).settings).to.include({versioning: true, noncurrentExpiryDays: 30})
  })

  describe('under the team’s policy as it is now', () => {
    afterEach(() =>
      setPolicy({allowPublic: false, forbiddenOptions: [], forcedOptions: {}, allowAdopt: true}),
    )

    it('refuses a public prefix the team no longer allows', async () => {
      await setPolicy({allowPublic: true})
      const {uuid} = await provisioned({options: {'public-prefix': 'true'}})
      await setPolicy({allowPublic: false})

      const message = await refusedChange(uuid, 'versioned')

      expect(message).to.equal(
        "Team acme's byo-s3 policy does not allow public buckets, so --public-prefix cannot " +
          'be used. A team admin can allow them with heroku byo-s3:link --team acme --allow-public.',
      )
    })

    it('refuses while the add-on has an option the team now forbids, saying who can allow it', async () => {
      const {uuid} = await provisioned({options: {'cors-origins': 'https://shop.example'}})
      await setPolicy({forbiddenOptions: ['cors-origins', 'kms-key-arn']})

      const message = await refusedChange(uuid, 'versioned')

      expect(message).to.equal(
        "Team acme's byo-s3 policy now forbids --cors-origins, which this add-on has, so its " +
          'plan cannot change. A team admin can allow it with heroku byo-s3:link --team acme ' +
          '--forbid-option kms-key-arn; or create a new add-on without it.',
      )
    })

    it('puts the options the team forces now over the add-on’s, but never moves its bucket', async () => {
      const {uuid} = await provisioned({options: {'abort-multipart-days': '3'}})
      await setPolicy({forcedOptions: {'abort-multipart-days': '2', region: 'eu-west-1'}})

      const response = await changePlan(uuid, {plan: 'versioned'})

      expect(response.statusCode, response.body).to.equal(200)
      const {rows} = await broker.app.services.pool.query(
        'select options, settings, region from resources where id = $1',
        [uuid],
      )
      expect(rows[0].options).to.deep.equal({'abort-multipart-days': '2'})
      expect(rows[0].settings).to.include({abortMultipartDays: 2, versioning: true})
      expect(rows[0].region).to.equal('us-east-1')
    })

    it('refuses an option the team forces now that does not fit the add-on’s own', async () => {
      const {uuid} = await provisioned({
        plan: 'versioned',
        options: {'noncurrent-expiry-days': '7'},
      })
      await setPolicy({forcedOptions: {versioning: 'false'}})

      const message = await refusedChange(uuid, 'standard')

      expect(message).to.contain('This add-on has --noncurrent-expiry-days 7, which deletes old')
    })
  })

  it('treats the same plan as a no-op: 200, no job, no AWS call', async () => {
    const {uuid, s3, iam} = await provisioned()
    const calls = [s3.requests.length, iam.length]

    const response = await changePlan(uuid, {plan: 'standard'})
    await runPlanChange(uuid)

    expect(response.statusCode).to.equal(200)
    expect(response.json().message).to.equal(
      'The add-on has the standard plan already; nothing changes.',
    )
    expect([s3.requests.length, iam.length]).to.deep.equal(calls)
    expect(await queuedPlanChanges(uuid)).to.equal(0)
  })

  it('refuses an unknown plan with 422 naming the known ones, changing nothing', async () => {
    const {uuid} = await provisioned()

    const response = await changePlan(uuid, {plan: 'platinum'})

    expect(response.statusCode).to.equal(422)
    expect(response.json().message).to.equal(
      'byo-s3 has no plan "platinum". Its plans are: standard (a private bucket, unversioned), ' +
        'versioned (a private bucket with versioning; old versions are deleted after 30 days).',
    )
    expect((await rowOf(uuid)).plan).to.equal('standard')
    expect(await queuedPlanChanges(uuid)).to.equal(0)
  })

  it('keys on the path’s id, not on a uuid in the body', async () => {
    const {uuid} = await provisioned()

    const response = await changePlan(uuid, {plan: 'versioned', uuid: randomUUID()})

    expect(response.statusCode).to.equal(200)
    expect((await rowOf(uuid)).plan).to.equal('versioned')
  })

  it('answers 404 for an add-on it does not know', async () => {
    const response = await changePlan(randomUUID(), {plan: 'versioned'})

    expect(response.statusCode).to.equal(404)
  })

  it('leaves a change before the bucket is secured to provisioning, which applies the new plan', async () => {
    const {uuid, s3} = await provisionForAcme(broker)

    await changePlan(uuid, {plan: 'versioned'})
    await runPlanChange(uuid)
    expect(s3.requests, 'AWS calls before provisioning').to.deep.equal([])
    herokuAcceptsConfig(uuid)
    await runProvision(broker, uuid)

    const versioning = s3.requests.find((call) => call.operation === 'PutBucketVersioning')!
    expect(xmlTexts(versioning.body, 'Status')).to.deep.equal(['Enabled'])
    const row = await rowOf(uuid)
    expect(row.applied).to.deep.equal(row.settings)
    expect(row.applied.versioning).to.equal(true)
  })

  it('retries a transient failure', async () => {
    const {uuid, bucket} = await provisioned()
    // The SDK itself tries each call three times.
    const slowDown = {status: 503, body: s3Error('SlowDown')}
    bucket.overrides.PutBucketVersioning = [slowDown, slowDown, slowDown]

    await changePlan(uuid, {plan: 'versioned'})
    const first = await runPlanChange(uuid, {retryCount: 0, retryLimit: 10}).catch((e) => e)
    await runPlanChange(uuid, {retryCount: 1, retryLimit: 10})

    expect(first).to.have.property('name', 'SlowDown')
    const row = await rowOf(uuid)
    expect(row.applied.versioning).to.equal(true)
    expect(row.failureReason).to.equal(null)
  })

  it('keeps the add-on provisioned and says why when AWS refuses the change', async () => {
    const {uuid, bucket} = await provisioned()
    bucket.overrides.PutBucketVersioning = {status: 403, body: s3Error('AccessDenied', 'no')}

    await changePlan(uuid, {plan: 'versioned'})
    await runPlanChange(uuid, {retryCount: 0, retryLimit: 10})

    const row = await rowOf(uuid)
    expect(row.state).to.equal('provisioned')
    expect(row.failureReason).to.equal(
      "The versioned plan's settings were not applied: AccessDenied: no",
    )
    expect(row.applied.versioning).to.equal(false)
  })

  it('refuses a plan that configures the bucket for an adopted bucket', async () => {
    const provision = await provisionForAcme(broker, {options: {bucket: 'acme-plan-assets'}})
    provision.s3.buckets.set('acme-plan-assets', bucketState({location: 'us-east-1'}))
    herokuAcceptsConfig(provision.uuid)
    await runProvision(broker, provision.uuid)

    const response = await changePlan(provision.uuid, {plan: 'versioned'})

    expect(response.statusCode).to.equal(422)
    expect(response.json().message).to.contain("never changes an adopted bucket's settings")
    expect(await queuedPlanChanges(provision.uuid)).to.equal(0)
  })
})
