import {randomUUID} from 'node:crypto'
import {expect} from 'chai'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {doctor, doctorFixture, orphanUser, ourTags, someBucket} from '../helpers/doctor.js'
import {iamUser} from '../helpers/aws-fake-iam.js'
import {herokuKnowsUser} from '../helpers/heroku.js'
import {linkAcme} from '../helpers/slice.js'

type Finding = {
  kind: string
  resource: string
  name: string
  fixable: boolean
  fix: {outcome: string; detail: string} | null
}

describe('the drift doctor: --fix', () => {
  let broker: TestBroker
  let aws: Awaited<ReturnType<typeof doctorFixture>>

  const fix = async () => {
    herokuKnowsUser('admin')
    const response = await doctor(broker, {fix: true})
    expect(response.statusCode, response.body).to.equal(200)
    return response.json() as {fixed: boolean; problems: number; findings: Finding[]}
  }
  const find = (findings: Finding[], name: string) => findings.find((f) => f.name === name)!

  beforeEach(async () => {
    broker = await startTestBroker()
    expect((await linkAcme(broker)).statusCode).to.equal(200)
    aws = await doctorFixture(broker)
  })

  afterEach(() => broker.app.close())

  it('deletes an orphan user with its keys and policies, and says so', async () => {
    aws.users.set('byo-s3-gone', orphanUser(ourTags()))

    const result = await fix()

    expect(result.fixed).to.equal(true)
    expect(aws.users.has('byo-s3-gone')).to.equal(false)
    expect(find(result.findings, 'byo-s3-gone').fix).to.deep.equal({
      outcome: 'fixed',
      detail: 'Deleted user byo-s3-gone with its keys and policies.',
    })
    expect(result.problems).to.equal(0)
  })

  it('deletes a stray key and keeps the one the app uses', async () => {
    const [appKey] = aws.addon.keys()
    aws.addon.user().accessKeys.push('AKIASTRAYKEY00000001')

    const result = await fix()

    expect(aws.addon.keys()).to.deep.equal([appKey])
    expect(result.findings[0].fix?.outcome).to.equal('fixed')
  })

  it('applies drifted bucket settings again and reads them back', async () => {
    const bucket = aws.bucket()
    const ours = bucket.policy
    bucket.publicAccessBlock = {
      BlockPublicAcls: false,
      IgnorePublicAcls: false,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: false,
    }
    bucket.encryption = undefined
    bucket.objectOwnership = 'ObjectWriter'
    const widened = JSON.parse(bucket.policy!)
    widened.Statement.push({
      Sid: 'Everyone',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:*',
      Resource: '*',
    })
    bucket.policy = JSON.stringify(widened)

    const result = await fix()

    expect(bucket.publicAccessBlock).to.deep.equal({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    })
    expect(bucket.encryption).to.equal('AES256')
    expect(bucket.objectOwnership).to.equal('BucketOwnerEnforced')
    expect(JSON.parse(bucket.policy!)).to.deep.equal(JSON.parse(ours!))
    const [drift] = result.findings
    expect(drift.fix?.outcome).to.equal('fixed')
    expect(drift.fix?.detail).to.match(/publicAccessBlock, ownership, encryption, policy/)
    expect(result.problems).to.equal(0)
  })

  it('says so when a setting does not hold after it was applied again', async () => {
    aws.bucket().encryption = undefined
    aws.bucket().overrides.PutBucketEncryption = {}

    const result = await fix()

    expect(result.findings[0].fix?.outcome).to.equal('failed')
    expect(result.findings[0].fix?.detail).to.match(/still Default encryption/)
    expect(result.problems).to.equal(1)
  })

  it('leaves an orphan bucket and whatever is not ours, and reports the bucket', async () => {
    aws.buckets.set('byo-s3-old-abc123', someBucket(ourTags()))
    aws.buckets.set('byo-s3-untagged-abc', someBucket({}))
    aws.users.set('byo-s3-other-team', orphanUser(ourTags(randomUUID(), randomUUID())))
    aws.users.set('byo-s3-untagged', iamUser({accessKeys: ['AKIAUNTAGGED00000001']}))
    const requestsBefore = aws.addon.s3.requests.length

    const result = await fix()

    expect(aws.buckets.get('byo-s3-old-abc123')!.exists).to.equal(true)
    expect(aws.users.has('byo-s3-other-team')).to.equal(true)
    expect(aws.users.get('byo-s3-untagged')!.accessKeys).to.have.length(1)
    const orphan = find(result.findings, 'byo-s3-old-abc123')
    expect(orphan).to.include({fixable: false, fix: null})
    const writes = aws.addon.s3.requests
      .slice(requestsBefore)
      .filter(({method}) => method !== 'GET' && method !== 'HEAD')
    expect(writes).to.deep.equal([])
    expect(result.problems).to.equal(1)
  })

  it('refuses a team member who is not an admin, and changes nothing', async () => {
    aws.users.set('byo-s3-gone', orphanUser(ourTags()))
    herokuKnowsUser('member')

    const response = await doctor(broker, {fix: true})

    expect(response.statusCode).to.equal(403)
    expect(aws.users.has('byo-s3-gone')).to.equal(true)
  })
})
