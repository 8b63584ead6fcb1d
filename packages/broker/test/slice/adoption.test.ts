import {expect} from 'chai'
import nock from 'nock'
import {HEROKU_API, startTestBroker, type TestBroker} from '../helpers/app.js'
import {bucketState, type FakeBucket, manyVersions} from '../helpers/aws-fake-bucket.js'
import {herokuKnowsUser, USER_TOKEN} from '../helpers/heroku.js'
import {
  deprovision,
  herokuAcceptsConfig,
  linkAcme,
  type ProvisionOptions,
  provisionForAcme,
  runDeprovision,
  runProvision,
  stateOf,
} from '../helpers/slice.js'

const KMS_KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'

/** The team's own bucket, as it was before byo-s3: versions, objects, tags, its own settings. */
function existingBucket(overrides: Partial<FakeBucket> = {}): FakeBucket {
  return bucketState({
    location: 'us-east-1',
    versions: manyVersions('report', 6),
    deleteMarkers: [{key: 'report-00000', versionId: 'marker-1'}],
    bodies: new Map([['index.html', '<h1>acme</h1>']]),
    tags: {team: 'data', 'cost-centre': '42'},
    encryption: 'aws:kms',
    kmsKeyId: KMS_KEY,
    ...overrides,
  })
}

function snapshot(bucket: FakeBucket) {
  return structuredClone({...bucket, overrides: undefined})
}

describe('adopting an existing bucket with --bucket', () => {
  let broker: TestBroker
  // A bucket of its own for each test: one bucket serves one live add-on at a time.
  let BUCKET: string
  let buckets = 0

  beforeEach(() => {
    BUCKET = `acme-assets-${++buckets}`
  })

  before(async () => {
    broker = await startTestBroker()
    expect((await linkAcme(broker, {allowAdopt: true})).statusCode).to.equal(200)
  })

  after(() => broker.app.close())

  async function adopt(
    bucket: FakeBucket,
    options: Record<string, string> = {},
    extra: ProvisionOptions = {},
  ) {
    const provision = await provisionForAcme(broker, {
      ...extra,
      options: {bucket: BUCKET, ...options},
    })
    provision.s3.buckets.set(BUCKET, bucket)
    return provision
  }

  async function adopted(bucket: FakeBucket, options: Record<string, string> = {}) {
    const provision = await adopt(bucket, options)
    expect(provision.response.statusCode, provision.response.body).to.equal(202)
    const heroku = herokuAcceptsConfig(provision.uuid)
    const before = snapshot(bucket)

    await runProvision(broker, provision.uuid)

    const {state, message} = await stateOf(broker, provision.uuid)
    expect(state, message).to.equal('provisioned')
    heroku.scope.done()
    const config = Object.fromEntries(heroku.sent[0].map(({name, value}) => [name, value]))
    return {...provision, config, before}
  }

  async function setOnDeprovision(onDeprovision: string) {
    herokuKnowsUser('admin')
    const response = await broker.app.inject({
      method: 'PATCH',
      url: '/admin/teams/acme/link',
      headers: {authorization: `Bearer ${USER_TOKEN}`},
      payload: {onDeprovision},
    })
    expect(response.statusCode).to.equal(200)
  }

  async function failed(provision: Awaited<ReturnType<typeof adopt>>) {
    expect(provision.response.statusCode, provision.response.body).to.equal(202)
    const heroku = nock(HEROKU_API).post(`/addons/${provision.uuid}/actions/deprovision`).reply(200)

    await runProvision(broker, provision.uuid)

    heroku.done()
    const result = await stateOf(broker, provision.uuid)
    expect(result.state).to.equal('failed')
    return result.failureReason!
  }

  it('makes only the IAM user, its policy and key, and changes nothing about the bucket', async () => {
    const bucket = existingBucket()
    const {response, s3, iam, users, uuid, config, before} = await adopted(bucket)

    expect(response.json().message).to.equal(
      `Adopting bucket ${BUCKET} of AWS account 111122223333 as it is. Its config vars are ` +
        'set when it is ready.',
    )
    const operations = [...new Set(s3.requests.map((call) => call.operation))]
    expect(operations).to.deep.equal(['HeadBucket', 'ListObjectsV2'])
    expect(s3.requests[0].headers['x-amz-expected-bucket-owner']).to.equal('111122223333')
    expect(iam.map((call) => call.Action)).to.deep.equal([
      'GetAccountSummary',
      'CreateUser',
      'PutUserPolicy',
      'ListAccessKeys',
      'CreateAccessKey',
      'ListAccessKeys',
    ])
    const policy = users.get(`byo-s3-${uuid}`)!.inlinePolicies['byo-s3-bucket-access']
    expect(
      JSON.parse(policy).Statement.map((statement: {Resource: string}) => statement.Resource),
    ).to.deep.equal([`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`])
    expect([config.BYO_S3_BUCKET_NAME, config.BYO_S3_AWS_REGION]).to.deep.equal([
      BUCKET,
      'us-east-1',
    ])
    expect(snapshot(bucket)).to.deep.equal(before)
    const {rows} = await broker.app.services.pool.query(
      'select adopted, applied_settings from resources where id = $1',
      [uuid],
    )
    expect(rows).to.deep.equal([{adopted: true, applied_settings: null}])
  })

  it('deprovisions by deleting the IAM user only, leaving the bucket and every object', async () => {
    const bucket = existingBucket()
    const {uuid, s3, users} = await adopted(bucket)
    const before = snapshot(bucket)
    const callsBefore = s3.requests.length

    await deprovision(broker, uuid)
    await runDeprovision(broker, uuid)

    const {state, message} = await stateOf(broker, uuid)
    expect(state).to.equal('deprovisioned')
    expect(message).to.equal(`Bucket ${BUCKET} was adopted and is left as it was.`)
    expect(users.size).to.equal(0)
    expect(s3.requests.slice(callsBefore), 'S3 calls while deprovisioning').to.deep.equal([])
    expect(snapshot(bucket)).to.deep.equal(before)
    expect(bucket.versions).to.have.length(6)
  })

  it('leaves an adopted bucket untagged even when the team retains buckets', async () => {
    await setOnDeprovision('retain')
    try {
      const bucket = existingBucket()
      const {uuid, s3} = await adopted(bucket)
      const callsBefore = s3.requests.length

      await deprovision(broker, uuid)
      await runDeprovision(broker, uuid)

      expect(s3.requests.slice(callsBefore)).to.deep.equal([])
      expect(bucket.tags).to.deep.equal({team: 'data', 'cost-centre': '42'})
    } finally {
      await setOnDeprovision('delete')
    }
  })

  it('follows the bucket to its own region when no --region was asked for', async () => {
    const bucket = existingBucket({location: 'eu-west-1'})
    const {config, s3} = await adopted(bucket)

    expect(config.BYO_S3_AWS_REGION).to.equal('eu-west-1')
    const heads = s3.requests.filter((call) => call.operation === 'HeadBucket')
    expect(heads.map((call) => call.region)).to.deep.equal(['us-east-1', 'eu-west-1'])
    const probes = s3.requests.filter((call) => call.operation === 'ListObjectsV2')
    expect(new Set(probes.map((call) => call.region))).to.deep.equal(new Set(['eu-west-1']))
  })

  it('refuses a bucket elsewhere than the --region asked for, and keeps the bucket', async () => {
    const bucket = existingBucket({location: 'eu-west-1'})
    const provision = await adopt(bucket, {region: 'us-east-2'})
    const before = snapshot(bucket)

    const reason = await failed(provision)

    expect(reason).to.equal(
      `Bucket ${BUCKET} is in eu-west-1, not in the region the add-on was asked for. Leave ` +
        'out --region to use the bucket where it is, or pass --region eu-west-1.',
    )
    expect(provision.users.size).to.equal(0)
    expect(snapshot(bucket)).to.deep.equal(before)
  })

  it('refuses a bucket of another AWS account, deleting the IAM user it made and nothing else', async () => {
    const bucket = existingBucket({owner: '999988887777'})
    const provision = await adopt(bucket)
    const before = snapshot(bucket)

    const reason = await failed(provision)

    expect(reason).to.contain(
      `Bucket ${BUCKET} is not in AWS account 111122223333, which the team is linked to`,
    )
    expect(provision.users.size, 'IAM users left').to.equal(0)
    expect(snapshot(bucket)).to.deep.equal(before)
    const operations = new Set(provision.s3.requests.map((call) => call.operation))
    expect([...operations]).to.deep.equal(['HeadBucket'])
  })

  it('refuses a bucket that does not exist', async () => {
    const provision = await adopt(bucketState({exists: false}))

    const reason = await failed(provision)

    expect(reason).to.contain(`Bucket ${BUCKET} does not exist, so it cannot be adopted.`)
  })

  it('refuses a bucket another live add-on uses, before anything is made', async () => {
    const first = await adopt(existingBucket())
    expect(first.response.statusCode).to.equal(202)

    const second = await provisionForAcme(broker, {options: {bucket: BUCKET}})

    expect(second.response.statusCode).to.equal(422)
    expect(second.response.json().message).to.equal(
      `Bucket ${BUCKET} is already used by another byo-s3 add-on. A bucket can serve one ` +
        'add-on at a time: destroy that add-on first, or leave out --bucket for a new bucket.',
    )
    await deprovision(broker, first.uuid)
  })

  it('refuses a bucket byo-s3 made for another live add-on', async () => {
    const made = await provisionForAcme(broker)
    herokuAcceptsConfig(made.uuid)
    await runProvision(broker, made.uuid)
    const [madeBucket] = made.s3.buckets.keys()

    const second = await provisionForAcme(broker, {options: {bucket: madeBucket}})

    expect(second.response.statusCode).to.equal(422)
    expect(second.response.json().message).to.contain(`Bucket ${madeBucket} is already used`)
    await deprovision(broker, made.uuid)
  })

  it('adopts a bucket again once the add-on that used it is deprovisioned', async () => {
    const bucket = existingBucket()
    const first = await adopted(bucket)
    await deprovision(broker, first.uuid)
    await runDeprovision(broker, first.uuid)

    const second = await adopt(existingBucket())

    expect(second.response.statusCode, second.response.body).to.equal(202)
    await deprovision(broker, second.uuid)
  })

  it('refuses settings options with --bucket, since an adopted bucket keeps its own', async () => {
    const {response} = await provisionForAcme(broker, {
      options: {bucket: BUCKET, versioning: 'true', 'cors-origins': 'https://shop.example'},
    })

    expect(response.statusCode).to.equal(422)
    expect(response.json().message).to.equal(
      'byo-s3 adopts an existing bucket as it is and never changes its settings, so --bucket ' +
        'goes only with --region and --kms-key-arn, not with --versioning, --cors-origins.',
    )
  })

  it('refuses --bucket on a plan that configures the bucket', async () => {
    const {response} = await provisionForAcme(broker, {
      plan: 'versioned',
      options: {bucket: BUCKET},
    })

    expect(response.statusCode).to.equal(422)
    expect(response.json().message).to.contain("cannot have the versioned plan's settings")
  })

  it('lets the app use the bucket’s KMS key with --kms-key-arn, leaving its encryption alone', async () => {
    const bucket = existingBucket({location: 'eu-west-1'})
    const {users, uuid, s3} = await adopted(bucket, {'kms-key-arn': KMS_KEY})

    const policy = JSON.parse(users.get(`byo-s3-${uuid}`)!.inlinePolicies['byo-s3-bucket-access'])
    expect(policy.Statement.at(-1)).to.deep.equal({
      Sid: 'KmsKeyUse',
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: KMS_KEY,
    })
    expect(s3.requests.map((call) => call.operation)).not.to.include('PutBucketEncryption')
  })

  it('refuses a KMS key of another region than the adopted bucket’s, once the job finds it', async () => {
    const provision = await adopt(existingBucket({location: 'us-west-2'}), {'kms-key-arn': KMS_KEY})

    const reason = await failed(provision)

    expect(reason).to.contain(`Bucket ${BUCKET} is in us-west-2, and the KMS key`)
    expect(provision.users.size).to.equal(0)
  })
})
