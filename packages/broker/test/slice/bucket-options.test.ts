import {expect} from 'chai'
import nock from 'nock'
import {HEROKU_API, startTestBroker, type TestBroker} from '../helpers/app.js'
import {s3Error, sentCorsRules, sentLifecycleRules, xmlTexts} from '../helpers/aws-xml.js'
import {
  herokuAcceptsConfig,
  linkAcme,
  type ProvisionOptions,
  provisionForAcme,
  runProvision,
  stateOf,
} from '../helpers/slice.js'

const KMS_KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'

describe('options at create time: each one applied to the new bucket and read back', () => {
  let broker: TestBroker

  before(async () => {
    broker = await startTestBroker()
    const link = await linkAcme(broker, {region: 'eu-west-1', allowPublic: true})
    expect(link.statusCode, link.body).to.equal(200)
  })

  after(() => broker.app.close())

  /** Provisions with the options and runs the job; the bucket's S3 calls, in order, and more. */
  async function provisioned(options: Record<string, string>, extra: ProvisionOptions = {}) {
    const provision = await provisionForAcme(broker, {...extra, options})
    expect(provision.response.statusCode, provision.response.body).to.equal(202)
    const heroku = herokuAcceptsConfig(provision.uuid)

    await runProvision(broker, provision.uuid)

    const {state, message} = await stateOf(broker, provision.uuid)
    expect(state, message).to.equal('provisioned')
    heroku.scope.done()
    const config = Object.fromEntries(heroku.sent[0].map(({name, value}) => [name, value]))
    const bucketName = config.BYO_S3_BUCKET_NAME
    const calls = provision.s3.requests.filter((call) => call.bucket === bucketName)
    const ops = calls.map((call) => call.operation)
    const sent = (operation: string) => calls.find((call) => call.operation === operation)!.body
    const appPolicy = JSON.parse(
      provision.iam.find((call) => call.Action === 'PutUserPolicy')!.PolicyDocument,
    )
    const {rows} = await broker.app.services.pool.query(
      'select settings, applied_settings as "applied", options from resources where id = $1',
      [provision.uuid],
    )
    return {
      ...provision,
      config,
      bucket: provision.s3.buckets.get(bucketName)!,
      calls,
      ops,
      sent,
      appPolicy,
      row: rows[0],
    }
  }

  it('gives a bucket without options the standard plan: unversioned, uploads aborted after 7 days', async () => {
    const {ops, sent, bucket, row} = await provisioned({})

    expect(ops).not.to.include.members(['PutBucketVersioning', 'PutBucketCors'])
    expect(sentLifecycleRules(sent('PutBucketLifecycleConfiguration'))).to.deep.equal([
      {
        id: 'byo-s3-abort-incomplete-multipart-uploads',
        status: 'Enabled',
        abortDays: 7,
        noncurrentDays: undefined,
      },
    ])
    expect(ops).to.include.members(['GetBucketVersioning', 'GetBucketLifecycleConfiguration'])
    expect(bucket.versioning).to.equal(undefined)
    expect(row.settings).to.deep.equal({
      versioning: false,
      noncurrentExpiryDays: null,
      abortMultipartDays: 7,
      corsOrigins: [],
      publicPrefix: null,
      kmsKeyArn: null,
    })
    expect(row.applied).to.deep.equal(row.settings)
  })

  it('--region puts the bucket in that region, over the team’s default and the app’s', async () => {
    const {config, calls, row} = await provisioned({region: 'eu-central-1'}, {region: 'us-east-1'})

    expect(config.BYO_S3_AWS_REGION).to.equal('eu-central-1')
    expect(new Set(calls.map((call) => call.region))).to.deep.equal(new Set(['eu-central-1']))
    const create = calls.find((call) => call.operation === 'CreateBucket')!
    expect(xmlTexts(create.body, 'LocationConstraint')).to.deep.equal(['eu-central-1'])
    expect(row.options).to.deep.equal({region: 'eu-central-1'})
  })

  it('--versioning true turns versioning on and reads it back', async () => {
    const {ops, sent, bucket} = await provisioned({versioning: 'true'})

    expect(xmlTexts(sent('PutBucketVersioning'), 'Status')).to.deep.equal(['Enabled'])
    expect(ops.indexOf('GetBucketVersioning')).to.be.greaterThan(ops.indexOf('PutBucketVersioning'))
    expect(bucket.versioning).to.equal('Enabled')
  })

  it('--versioning false leaves a new bucket unversioned and checks that it is', async () => {
    const {ops, bucket} = await provisioned({versioning: 'false'})

    expect(ops).not.to.include('PutBucketVersioning')
    expect(ops).to.include('GetBucketVersioning')
    expect(bucket.versioning).to.equal(undefined)
  })

  it('--cors-origins lets those origins GET, PUT, POST and HEAD, exposing the ETag', async () => {
    const {ops, sent, row} = await provisioned({
      'cors-origins': 'https://shop.example, http://localhost:3000/',
    })

    expect(sentCorsRules(sent('PutBucketCors'))).to.deep.equal([
      {
        id: 'byo-s3-cors',
        origins: ['https://shop.example', 'http://localhost:3000'],
        methods: ['GET', 'PUT', 'POST', 'HEAD'],
        headers: ['*'],
        exposed: ['ETag'],
        maxAge: 3000,
      },
    ])
    expect(ops.indexOf('GetBucketCors')).to.be.greaterThan(ops.indexOf('PutBucketCors'))
    expect(row.settings.corsOrigins).to.deep.equal([
      'https://shop.example',
      'http://localhost:3000',
    ])
  })

  it('--public-prefix relaxes only the policy flags, checks them, then lets anyone read public/', async () => {
    const {ops, sent, bucket, config} = await provisioned({'public-prefix': 'true'})

    const flags = sent('PutPublicAccessBlock')
    expect(xmlTexts(flags, 'BlockPublicAcls')).to.deep.equal(['true'])
    expect(xmlTexts(flags, 'IgnorePublicAcls')).to.deep.equal(['true'])
    expect(xmlTexts(flags, 'BlockPublicPolicy')).to.deep.equal(['false'])
    expect(xmlTexts(flags, 'RestrictPublicBuckets')).to.deep.equal(['false'])
    expect(
      ops.slice(ops.indexOf('PutPublicAccessBlock'), ops.indexOf('PutBucketPolicy')),
    ).to.include('GetPublicAccessBlock')
    const statements = JSON.parse(bucket.policy!).Statement
    expect(statements.map((statement: {Sid: string}) => statement.Sid)).to.deep.equal([
      'DenyNonTlsRequests',
      'PublicReadPrefix',
    ])
    expect(statements[1]).to.deep.equal({
      Sid: 'PublicReadPrefix',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${config.BYO_S3_BUCKET_NAME}/public/*`,
    })
  })

  it('--public-prefix fails clearly, naming the account setting, when the account blocks public policies', async () => {
    const denied = {
      status: 403,
      body: s3Error(
        'AccessDenied',
        'public policies are prevented by the BlockPublicPolicy setting',
      ),
    }
    const provision = await provisionForAcme(broker, {
      options: {'public-prefix': 'true'},
      s3Overrides: {PutBucketPolicy: denied},
    })
    const heroku = nock(HEROKU_API).post(`/addons/${provision.uuid}/actions/deprovision`).reply(200)

    await runProvision(broker, provision.uuid)

    heroku.done()
    const {state, failureReason} = await stateOf(broker, provision.uuid)
    expect(state).to.equal('failed')
    expect(failureReason).to.contain('AWS refused the bucket policy that lets anyone read public/')
    expect(failureReason).to.contain("the AWS account's Block Public Access setting")
    expect(failureReason).to.contain('(BlockPublicPolicy)')
    expect([...provision.s3.buckets.values()].every((bucket) => !bucket.exists)).to.equal(true)
  })

  it('--noncurrent-expiry-days adds a rule deleting old versions after that many days', async () => {
    const {sent} = await provisioned({versioning: 'true', 'noncurrent-expiry-days': '45'})

    expect(sentLifecycleRules(sent('PutBucketLifecycleConfiguration'))).to.deep.equal([
      {
        id: 'byo-s3-abort-incomplete-multipart-uploads',
        status: 'Enabled',
        abortDays: 7,
        noncurrentDays: undefined,
      },
      {
        id: 'byo-s3-expire-noncurrent-versions',
        status: 'Enabled',
        abortDays: undefined,
        noncurrentDays: 45,
      },
    ])
  })

  it('--abort-multipart-days changes when unfinished uploads are aborted', async () => {
    const {sent, ops} = await provisioned({'abort-multipart-days': '2'})

    const [rule] = sentLifecycleRules(sent('PutBucketLifecycleConfiguration'))
    expect(rule.abortDays).to.equal(2)
    expect(ops).to.include('GetBucketLifecycleConfiguration')
  })

  it('--kms-key-arn encrypts with that key and a bucket key, and lets the app use that key only', async () => {
    const {sent, bucket, appPolicy} = await provisioned({'kms-key-arn': KMS_KEY})

    const encryption = sent('PutBucketEncryption')
    expect(xmlTexts(encryption, 'SSEAlgorithm')).to.deep.equal(['aws:kms'])
    expect(xmlTexts(encryption, 'KMSMasterKeyID')).to.deep.equal([KMS_KEY])
    expect(xmlTexts(encryption, 'BucketKeyEnabled')).to.deep.equal(['true'])
    expect([bucket.encryption, bucket.kmsKeyId, bucket.bucketKeyEnabled]).to.deep.equal([
      'aws:kms',
      KMS_KEY,
      true,
    ])
    const kms = appPolicy.Statement.filter((statement: {Action: string[]}) =>
      [statement.Action].flat().some((action) => action.startsWith('kms:')),
    )
    expect(kms).to.deep.equal([
      {
        Sid: 'KmsKeyUse',
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: KMS_KEY,
      },
    ])
  })

  it('gives an app without --kms-key-arn no KMS rights at all', async () => {
    const {appPolicy} = await provisioned({})

    expect(JSON.stringify(appPolicy)).not.to.contain('kms:')
  })
})
