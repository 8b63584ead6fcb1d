import {randomUUID} from 'node:crypto'
import {expect} from 'chai'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {LINKED_CREDENTIALS} from '../helpers/aws-fakes.js'
import {
  doctor,
  doctorFixture,
  orphanUser,
  ourTags,
  retainedTags,
  someBucket,
} from '../helpers/doctor.js'
import {iamUser} from '../helpers/aws-fake-iam.js'
import {herokuKnowsUser, TEAM, USER_TOKEN} from '../helpers/heroku.js'
import {linkAcme} from '../helpers/slice.js'
import {startRotationRecord} from '../../src/storage/rotations.js'

type Finding = {kind: string; resource: string; name: string; problem: string; action: string}

describe('the drift doctor: report', () => {
  let broker: TestBroker
  let aws: Awaited<ReturnType<typeof doctorFixture>>

  const report = async () => {
    herokuKnowsUser('admin')
    const response = await doctor(broker)
    expect(response.statusCode, response.body).to.equal(200)
    return response.json() as {
      problems: number
      counts: Record<string, number>
      findings: Finding[]
    }
  }
  const named = (findings: Finding[], name: string) => findings.filter((f) => f.name === name)

  beforeEach(async () => {
    broker = await startTestBroker()
    expect((await linkAcme(broker)).statusCode).to.equal(200)
    aws = await doctorFixture(broker)
  })

  afterEach(() => broker.app.close())

  it('finds nothing wrong with a freshly provisioned add-on', async () => {
    const result = await report()

    expect(result.findings).to.deep.equal([])
    expect(result.problems).to.equal(0)
    expect(result.counts).to.deep.equal({
      orphan: 0,
      retained: 0,
      missing: 0,
      drift: 0,
      stuck: 0,
      failing: 0,
    })
  })

  it('reports a bucket tagged for the team that no live add-on has as an orphan', async () => {
    aws.buckets.set('byo-s3-old-shop-abc123', someBucket(ourTags()))

    const result = await report()

    const [orphan] = named(result.findings, 'byo-s3-old-shop-abc123')
    expect(orphan).to.include({kind: 'orphan', resource: 'bucket', fixable: false})
    expect(orphan.action).to.match(/never deletes a bucket/)
    expect(result.problems).to.equal(1)
  })

  it('names the deprovisioned add-on an orphan bucket was made for', async () => {
    await broker.app.services.pool.query(
      `update resources set state = 'failed', failure_reason = 'quota' where id = $1`,
      [aws.addon.uuid],
    )

    const result = await report()

    const [orphan] = named(result.findings, aws.bucketName)
    expect(orphan.kind).to.equal('orphan')
    expect(orphan.problem).to.include(`its add-on ${aws.addon.uuid} is failed (quota)`)
  })

  it('reports a retained bucket as retained, not as an orphan or a problem', async () => {
    aws.buckets.set('byo-s3-kept-abc123', someBucket(retainedTags()))

    const result = await report()

    expect(named(result.findings, 'byo-s3-kept-abc123')[0]).to.include({kind: 'retained'})
    expect(result.problems).to.equal(0)
  })

  it('reports a tagged IAM user of no live add-on as an orphan that --fix may delete', async () => {
    aws.users.set('byo-s3-gone', orphanUser(ourTags()))

    const result = await report()

    expect(named(result.findings, 'byo-s3-gone')[0]).to.include({
      kind: 'orphan',
      resource: 'user',
      fixable: true,
    })
  })

  it('reports a key of a live add-on’s user that the app does not use', async () => {
    aws.addon.user().accessKeys.push('AKIASTRAYKEY00000001')

    const result = await report()

    expect(result.findings).to.have.length(1)
    expect(result.findings[0]).to.include({
      kind: 'orphan',
      resource: 'key',
      name: 'AKIA************0001',
      fixable: true,
    })
  })

  it('leaves the keys of a live add-on’s user alone once someone removed its tags', async () => {
    aws.addon.user().tags = {}
    aws.addon.user().accessKeys.push('AKIASTRAYKEY00000001')

    expect((await report()).findings).to.deep.equal([])
  })

  it('leaves the second key of a running rotation alone', async () => {
    const [appKey] = aws.addon.keys()
    await startRotationRecord(broker.app.services.pool, aws.addon.uuid, appKey)
    aws.addon.user().accessKeys.push('AKIANEWROTATIONKEY01')

    expect((await report()).findings).to.deep.equal([])
  })

  it('ignores resources of other teams and resources without our tags', async () => {
    const otherTeam = randomUUID()
    aws.buckets.set('byo-s3-other-team-abc', someBucket(ourTags(randomUUID(), otherTeam)))
    aws.buckets.set('byo-s3-untagged-abc', someBucket({}))
    aws.buckets.set('byo-s3-foreign-abc', someBucket({project: 'x'}))
    aws.users.set('byo-s3-other-team', orphanUser(ourTags(randomUUID(), otherTeam)))
    aws.users.set('byo-s3-untagged', iamUser({accessKeys: ['AKIAUNTAGGED00000001']}))
    aws.users.set('someone', iamUser({path: '/', tags: ourTags()}))

    expect((await report()).findings).to.deep.equal([])
  })

  it('looks only at buckets with the team’s prefix, and pages through the listing', async () => {
    aws.listingPageSize(2)
    for (let n = 0; n < 3; n++) aws.buckets.set(`byo-s3-orphan-${n}`, someBucket(ourTags()))
    aws.buckets.set('elsewhere-orphan', someBucket(ourTags()))

    const result = await report()

    expect(result.counts.orphan).to.equal(3)
    expect(aws.listings.length).to.be.greaterThan(1)
    expect(aws.listings.every((query) => query.get('prefix') === 'byo-s3')).to.equal(true)
    const tagReads = aws.addon.s3.requests.filter((r) => r.operation === 'GetBucketTagging')
    expect(tagReads.some((r) => r.bucket === 'elsewhere-orphan')).to.equal(false)
  })

  it('reports a live add-on’s bucket, user or key that AWS no longer has', async () => {
    aws.bucket().exists = false
    const [appKey] = aws.addon.keys()
    aws.addon.user().accessKeys = []

    const result = await report()

    expect(result.findings.map(({kind, resource}) => `${kind} ${resource}`)).to.have.members([
      'missing bucket',
      'missing key',
    ])
    expect(named(result.findings, 'AKIA************' + appKey.slice(-4))).to.have.length(1)
  })

  it('reports a live add-on’s IAM user that is gone', async () => {
    aws.users.delete(`byo-s3-${aws.addon.uuid}`)

    const result = await report()

    expect(result.findings).to.have.length(1)
    expect(result.findings[0]).to.include({kind: 'missing', resource: 'user', fixable: false})
  })

  it('reports Block Public Access turned off, encryption changed and a widened policy', async () => {
    const bucket = aws.bucket()
    bucket.publicAccessBlock = {
      BlockPublicAcls: false,
      IgnorePublicAcls: false,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: false,
    }
    bucket.encryption = undefined
    const policy = JSON.parse(bucket.policy!)
    policy.Statement.push({
      Sid: 'Everyone',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${aws.bucketName}/*`,
    })
    bucket.policy = JSON.stringify(policy)

    const result = await report()

    expect(result.findings).to.have.length(1)
    const [drift] = result.findings
    expect(drift).to.include({kind: 'drift', resource: 'bucket', name: aws.bucketName})
    expect(drift.problem).to.include('Block Public Access is not fully on')
    expect(drift.problem).to.include('default encryption is neither SSE-S3 nor SSE-KMS')
    expect(drift.problem).to.include('the bucket policy allows more than byo-s3 set')
  })

  it('reports changed ownership controls', async () => {
    aws.bucket().objectOwnership = 'ObjectWriter'

    const [drift] = (await report()).findings

    expect(drift.problem).to.include('Object Ownership is not BucketOwnerEnforced')
  })

  it('takes a Deny someone added to the policy as no drift', async () => {
    const bucket = aws.bucket()
    const policy = JSON.parse(bucket.policy!)
    policy.Statement.push({
      Sid: 'NoDeletes',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:DeleteObject',
      Resource: '*',
    })
    bucket.policy = JSON.stringify(policy)

    expect((await report()).findings).to.deep.equal([])
  })

  it('reports an add-on stuck in provisioning and a blocked one', async () => {
    const stuck = randomUUID()
    const blocked = randomUUID()
    await broker.app.services.pool.query(
      `insert into resources (id, state, team_id, updated_at, failure_reason) values
         ($1, 'provisioning', $3, now() - interval '4 hours', null),
         ($2, 'blocked', $3, now(), 'Delete bucket x by hand.'),
         ($4, 'provisioning', $3, now() - interval '5 minutes', null)`,
      [stuck, blocked, TEAM.id, randomUUID()],
    )

    const result = await report()

    const stuckOnes = result.findings.filter(({kind}) => kind === 'stuck')
    expect(stuckOnes.map(({name}) => name)).to.have.members([stuck, blocked])
    expect(named(result.findings, blocked)[0].problem).to.include('Delete bucket x by hand.')
  })

  it('reports a failed job with its last error, and not one a later run completed', async () => {
    const pool = broker.app.services.pool
    const failedJob = randomUUID()
    await pool.query(
      `insert into pgboss.job (id, name, data, state, retry_count, output, created_on) values
         ($1, 'rotate', jsonb_build_object('addonId', $2::text), 'failed', 10,
          '{"message": "AccessDenied: not allowed", "stack": "at secret-place"}', now() - interval '1 hour'),
         ($3, 'change-plan', jsonb_build_object('addonId', $2::text), 'failed', 10,
          '{"message": "old failure"}', now() - interval '2 hours'),
         ($4, 'change-plan', jsonb_build_object('addonId', $2::text), 'completed', 0,
          null, now() - interval '1 hour')`,
      [failedJob, aws.addon.uuid, randomUUID(), randomUUID()],
    )

    const result = await report()

    const failing = result.findings.filter(({kind}) => kind === 'failing')
    expect(failing.map(({name}) => name)).to.deep.equal([failedJob])
    expect(failing[0].problem).to.include('The rotate job failed after 11 attempt(s)')
    expect(failing[0].problem).to.include('AccessDenied: not allowed')
    expect(failing[0].problem).not.to.include('secret-place')
  })

  it('refuses a team member who is not an admin', async () => {
    herokuKnowsUser('member')

    const response = await doctor(broker)

    expect(response.statusCode).to.equal(403)
    expect(response.json().id).to.equal('not_team_admin')
  })

  it('answers 404 for a team that is not linked', async () => {
    await broker.app.services.pool.query('delete from resources')
    await broker.app.services.pool.query('delete from team_links')
    herokuKnowsUser('admin')

    const response = await doctor(broker)

    expect(response.statusCode).to.equal(404)
    expect(response.json().id).to.equal('not_linked')
  })

  it('keeps every secret out of the report and the logs, and stores it as the latest', async () => {
    aws.users.set('byo-s3-gone', orphanUser(ourTags()))

    herokuKnowsUser('admin')
    const response = await doctor(broker)
    herokuKnowsUser('admin')
    const second = await doctor(broker, {fix: true})

    for (const text of [response.body, second.body, broker.logLines.join('\n')]) {
      expect(text).not.to.include(LINKED_CREDENTIALS.secretAccessKey)
      expect(text).not.to.include('app-secret-1')
    }
    expect(second.body).not.to.include(USER_TOKEN)
    herokuKnowsUser('admin')
    const link = await broker.app.inject({
      method: 'GET',
      url: '/admin/teams/acme/link',
      headers: {authorization: `Bearer ${USER_TOKEN}`},
    })
    // The fix deleted the orphan user, so the latest report has no problem left.
    expect(link.json().doctor).to.include({problems: 0, error: null})
  })
})
