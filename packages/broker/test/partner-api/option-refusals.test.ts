import {expect} from 'chai'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {linkAcme, provisionForAcme, stateOf} from '../helpers/slice.js'

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab'

describe('Partner API: options it refuses with 422, saying what it accepts', () => {
  let broker: TestBroker

  before(async () => {
    broker = await startTestBroker()
    expect((await linkAcme(broker)).statusCode).to.equal(200)
  })

  after(() => broker.app.close())

  async function refusal(options: Record<string, string>, extra: {plan?: string} = {}) {
    const provision = await provisionForAcme(broker, {...extra, options})
    expect(provision.response.statusCode, provision.response.body).to.equal(422)
    expect((await stateOf(broker, provision.uuid)).state).to.equal('refused')
    expect(provision.s3.requests, 'S3 calls').to.deep.equal([])
    expect(provision.iam, 'IAM calls').to.deep.equal([])
    return {...provision, message: provision.response.json().message as string}
  }

  const badValues: [string, string, string][] = [
    ['region', 'mars-north-1', '--region takes an AWS region: us-east-1, us-east-2'],
    ['versioning', 'yes', '--versioning takes true or false, not "yes"'],
    [
      'cors-origins',
      'https://shop.example/uploads',
      '--cors-origins takes up to 20 comma-separated origins',
    ],
    [
      'cors-origins',
      'https://*.shop.example',
      '--cors-origins takes up to 20 comma-separated origins',
    ],
    [
      'cors-origins',
      `https://x"onmouseover=alert(1)&'y.example`,
      '--cors-origins takes up to 20 comma-separated origins',
    ],
    [
      'cors-origins',
      'https://shop_example.com',
      '--cors-origins takes up to 20 comma-separated origins',
    ],
    [
      'cors-origins',
      'ftp://files.shop.example',
      '--cors-origins takes up to 20 comma-separated origins',
    ],
    [
      'public-prefix',
      'assets',
      '--public-prefix takes true (anyone may read objects under public/) or false',
    ],
    [
      'noncurrent-expiry-days',
      '0',
      '--noncurrent-expiry-days takes a whole number of days from 1 to 3650',
    ],
    [
      'noncurrent-expiry-days',
      '1.5',
      '--noncurrent-expiry-days takes a whole number of days from 1 to 3650',
    ],
    [
      'abort-multipart-days',
      '366',
      '--abort-multipart-days takes a whole number of days from 1 to 365',
    ],
    ['kms-key-arn', 'alias/aws/s3', '--kms-key-arn takes the ARN of a KMS key'],
    [
      'bucket',
      'Shop_Assets',
      '--bucket takes the name of an existing S3 bucket of the linked AWS account',
    ],
  ]
  for (const [name, value, problem] of badValues) {
    it(`refuses --${name} ${value}, saying what it takes, before asking Heroku anything`, async () => {
      const {message, oauth} = await refusal({[name]: value})

      expect(message).to.contain(problem)
      expect(message).to.contain('byo-s3 accepts --region (')
      expect(oauth.isDone(), 'grant exchanged').to.equal(false)
    })
  }

  it('refuses an option it does not know, listing every option it accepts', async () => {
    const {message} = await refusal({colour: 'blue'})

    expect(message).to.match(/^byo-s3 has no option --colour\. byo-s3 accepts /)
    for (const name of [
      'region',
      'versioning',
      'cors-origins',
      'public-prefix',
      'noncurrent-expiry-days',
      'abort-multipart-days',
      'kms-key-arn',
      'bucket',
    ]) {
      expect(message).to.contain(`--${name} (`)
    }
  })

  it('names every problem at once', async () => {
    const {message} = await refusal({versioning: 'on', 'abort-multipart-days': 'week'})

    expect(message).to.contain('--versioning takes true or false, not "on"; --abort-multipart-days')
  })

  async function storedMessage(uuid: string): Promise<string> {
    const {rows} = await broker.app.services.pool.query(
      'select message from resources where id = $1',
      [uuid],
    )
    return rows[0].message
  }

  it('quotes at most 60 characters of a bad value, in the reply and in what it stores', async () => {
    const origins = `https://${'a'.repeat(900_000)}.example/path`

    const {message, uuid} = await refusal({'cors-origins': origins})

    expect(message).to.contain(`not "https://${'a'.repeat(52)}…"`)
    expect(message.length).to.be.below(1500)
    expect(await storedMessage(uuid)).to.equal(message)
  })

  it('shortens an unknown option’s name as it does a bad value', async () => {
    const {message} = await refusal({[`x${'y'.repeat(5000)}`]: 'true'})

    expect(message).to.match(/^byo-s3 has no option --xy{59}…\. byo-s3 accepts /)
  })

  it('names the first ten problems and counts the rest', async () => {
    const options = Object.fromEntries(Array.from({length: 60_000}, (_, i) => [`x${i}`, '']))

    const {message, uuid} = await refusal(options)

    const names = Array.from({length: 10}, (_, i) => `byo-s3 has no option --x${i}`)
    expect(message).to.match(new RegExp(`^${names.join('; ')}; and 59990 more problems\\. `))
    expect(message.length).to.be.below(1500)
    expect(await storedMessage(uuid)).to.equal(message)
  })

  it('refuses a value longer than any option takes', async () => {
    const {message} = await refusal({'cors-origins': `https://${'a'.repeat(3000)}.example`})

    expect(message).to.contain('--cors-origins takes up to 20 comma-separated origins')
  })

  it('refuses --noncurrent-expiry-days on a bucket that keeps no versions', async () => {
    const {message} = await refusal({'noncurrent-expiry-days': '30'})

    expect(message).to.contain('add --versioning true, or choose the versioned plan')
  })

  it('refuses a KMS key of another AWS account, naming both accounts', async () => {
    const {message} = await refusal({
      'kms-key-arn': `arn:aws:kms:us-east-1:999988887777:key/${KEY_ID}`,
    })

    expect(message).to.contain('belongs to AWS account 999988887777')
    expect(message).to.contain('linked to account 111122223333')
  })

  it('refuses a KMS key of another region than the bucket’s', async () => {
    const {message} = await refusal({
      'kms-key-arn': `arn:aws:kms:eu-west-1:111122223333:key/${KEY_ID}`,
    })

    expect(message).to.contain('is in eu-west-1, and the bucket would be in us-east-1')
    expect(message).to.contain('Pass --region eu-west-1')
  })

  it('refuses an unknown plan, naming the plans there are', async () => {
    const {message} = await refusal({}, {plan: 'platinum'})

    expect(message).to.equal(
      'byo-s3 has no plan "platinum". Its plans are: standard (a private bucket, unversioned), ' +
        'versioned (a private bucket with versioning; old versions are deleted after 30 days).',
    )
  })

  it('quotes at most 60 characters of an unknown plan', async () => {
    const {message} = await refusal({}, {plan: 'p'.repeat(10_000)})

    expect(message).to.match(/^byo-s3 has no plan "p{60}…"\. Its plans are: /)
  })

  it('accepts the versioned plan with --noncurrent-expiry-days, which then needs no --versioning', async () => {
    const provision = await provisionForAcme(broker, {
      plan: 'versioned',
      options: {'noncurrent-expiry-days': '7'},
    })

    expect(provision.response.statusCode, provision.response.body).to.equal(202)
  })
})
