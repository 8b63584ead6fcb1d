import {createHash} from 'node:crypto'
import {expect} from 'chai'
import {sign} from '@fastify/cookie'
import nock from 'nock'
import pg from 'pg'
import {encodeToken, generateKey} from '../../src/crypto/fernet-token.js'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {fakeS3, type FakeReply, s3BucketUrl, type S3Request} from '../helpers/aws-fakes.js'
import {listObjectsV2PageXml, s3Error} from '../helpers/aws-xml.js'
import {deprovision, linkAcme} from '../helpers/slice.js'
import {
  getDashboard,
  postSsoForm,
  provisionedAddon,
  sessionCookieOf,
  signIn,
  ssoForm,
} from '../helpers/sso.js'

type Addon = Awaited<ReturnType<typeof provisionedAddon>>

const objects = (prefix: string, count: number, size: number) =>
  Array.from({length: count}, (_, n) => ({key: `${prefix}/${n}`, size}))

describe('the add-on dashboard', () => {
  let broker: TestBroker
  let addon: Addon
  let cookie: string

  before(async () => {
    broker = await startTestBroker()
    expect((await linkAcme(broker)).statusCode).to.equal(200)
    addon = await provisionedAddon(broker, {region: 'eu-west-1', appName: 'shop'})
    cookie = await signIn(broker, addon.uuid)
    nock.cleanAll()
  })

  after(() => broker.app.close())

  /** S3 answering the bucket's listings with these replies in turn, the last one from then on. */
  function bucketLists(...replies: FakeReply[]): S3Request[] {
    let next = 0
    return fakeS3(s3BucketUrl(addon.bucketName, addon.region), () => {
      const reply = replies[Math.min(next, replies.length - 1)]
      next++
      return reply
    })
  }

  it('shows the bucket, its region, state, age, contents and console link', async () => {
    bucketLists(
      {body: listObjectsV2PageXml(addon.bucketName, objects('a', 1000, 1024), 'page-2')},
      {body: listObjectsV2PageXml(addon.bucketName, objects('b', 500, 2048))},
    )

    const response = await getDashboard(broker, cookie)

    expect(response.statusCode, response.body).to.equal(200)
    expect(response.headers['content-type']).to.equal('text/html; charset=utf-8')
    const page = response.body
    expect(page).to.contain('byo-s3-angular-71234')
    expect(page).to.contain('<strong>shop</strong>')
    expect(page).to.contain(`<code>${addon.bucketName}</code>`)
    expect(page).to.contain('eu-west-1')
    expect(page).to.contain('ready')
    expect(page).to.match(/\d{4}-\d\d-\d\d \d\d:\d\d UTC/)
    expect(page).to.contain('<dd>1,500</dd>')
    expect(page).to.contain('<dd>2.0 MB</dd>')
    expect(page).to.contain(
      `href="https://s3.console.aws.amazon.com/s3/buckets/${addon.bucketName}?region=eu-west-1"`,
    )
  })

  it('lists the config var names and the key id in use, never the secret', async () => {
    bucketLists({body: listObjectsV2PageXml(addon.bucketName, [])})

    const page = (await getDashboard(broker, cookie)).body

    for (const name of [
      'BYO_S3_BUCKET_NAME',
      'BYO_S3_AWS_ACCESS_KEY_ID',
      'BYO_S3_AWS_SECRET_ACCESS_KEY',
      'BYO_S3_AWS_REGION',
    ]) {
      expect(page).to.contain(`<code>${name}</code>`)
    }
    expect(page).to.contain(`<code>${addon.accessKeyId}</code>`)
    expect(page).not.to.contain(addon.secretAccessKey)
  })

  it('lists the bucket with the app’s own key, following continuation tokens', async () => {
    const calls = bucketLists(
      {body: listObjectsV2PageXml(addon.bucketName, objects('a', 1000, 1), 'token-2')},
      {body: listObjectsV2PageXml(addon.bucketName, objects('b', 3, 1))},
    )

    await getDashboard(broker, cookie)

    expect(calls.map((call) => call.query.get('list-type'))).to.deep.equal(['2', '2'])
    expect(calls.map((call) => call.query.get('continuation-token'))).to.deep.equal([
      null,
      'token-2',
    ])
    for (const call of calls) {
      expect(call.headers.authorization).to.contain(`Credential=${addon.accessKeyId}/`)
    }
  })

  it('stops counting after 10 pages and says there are more than 10,000 objects', async () => {
    const calls = bucketLists({
      body: listObjectsV2PageXml(addon.bucketName, objects('k', 1000, 1), 'more'),
    })

    const response = await getDashboard(broker, cookie)

    expect(calls).to.have.length(10)
    expect(response.body).to.contain('more than 10,000')
  })

  it('says in a sentence that it could not count the objects when S3 refuses', async () => {
    bucketLists({status: 403, body: s3Error('AccessDenied')})

    const response = await getDashboard(broker, cookie)

    expect(response.statusCode).to.equal(200)
    expect(response.body).to.contain(`<code>${addon.bucketName}</code>`)
    expect(response.body).to.match(/class="problem">S3 refused to list the bucket .*AccessDenied/)
  })

  it('blames the missing Fernet key, not S3, when the app’s stored key does not open', async () => {
    const client = new pg.Client({connectionString: broker.databaseUrl})
    await client.connect()
    const column = 'app_secret_access_key_sealed'
    const {rows} = await client.query(`select ${column} from resources where id = $1`, [addon.uuid])
    const sealedWithAnotherKey = encodeToken(generateKey(), addon.secretAccessKey)
    await client.query(`update resources set ${column} = $1 where id = $2`, [
      sealedWithAnotherKey,
      addon.uuid,
    ])

    try {
      const response = await getDashboard(broker, cookie)

      expect(response.statusCode).to.equal(200)
      expect(response.body).to.contain(
        'class="problem">byo-s3 cannot open the add-on’s stored key: FERNET_KEYS no longer holds the key it was sealed with',
      )
      expect(response.body).to.contain('Rotating the broker’s Fernet key')
      expect(response.body).not.to.contain('S3 refused')
    } finally {
      await client.query(`update resources set ${column} = $1 where id = $2`, [
        rows[0][column],
        addon.uuid,
      ])
      await client.end()
    }
  })

  it('says so when S3 does not answer in time', async () => {
    bucketLists({status: 503, body: s3Error('ServiceUnavailable')})

    const response = await getDashboard(broker, cookie)

    expect(response.statusCode).to.equal(200)
    expect(response.body).to.contain('S3 did not answer in time')
  })

  it('sends headers that keep the page out of caches, frames and other origins', async () => {
    bucketLists({body: listObjectsV2PageXml(addon.bucketName, [])})

    const response = await getDashboard(broker, cookie)

    expect(response.headers).to.include({
      'cache-control': 'no-store',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
    })
    const policy = String(response.headers['content-security-policy'])
    expect(policy).to.contain("default-src 'none'")
    expect(policy).to.contain("frame-ancestors 'none'")
    expect(policy).to.match(/style-src 'sha256-[A-Za-z0-9+/=]+'/)
    expect(policy).not.to.match(/https?:|\*/)
    expect(response.body).not.to.match(/<script|<link|src=/)
    const style = /<style>([^]*)<\/style>/.exec(response.body)![1]
    const hash = createHash('sha256').update(style).digest('base64')
    expect(policy).to.contain(`style-src 'sha256-${hash}'`)
  })

  it('asks a browser without a session to open the add-on from Heroku', async () => {
    const response = await getDashboard(broker)

    expect(response.statusCode).to.equal(401)
    expect(response.headers['content-type']).to.match(/^text\/html/)
    expect(response.headers['cache-control']).to.equal('no-store')
    expect(response.body).to.contain('heroku addons:open byo-s3')
  })

  it('ignores a cookie whose value or signature was changed', async () => {
    const [name, value] = cookie.split('=')
    const other = (await provisionedAddon(broker, {appName: 'ledger'})).uuid
    const tampered = [
      `${name}=${decodeURIComponent(value).replace(addon.uuid, other)}`,
      `${name}=${value.slice(0, -2)}xx`,
      `${name}=${value.split('.').slice(0, 3).join('.')}`,
      `${name}=${addon.uuid}`,
    ]
    for (const forged of tampered) {
      expect((await getDashboard(broker, forged)).statusCode, forged).to.equal(401)
    }
  })

  it('ignores an expired session even when its signature is valid', async () => {
    const key = broker.config.keyRing.derivedKeys('dashboard session')[0]
    const expiredAt = Math.floor(Date.now() / 1000) - 1
    const value = sign(`${addon.uuid}.${expiredAt}.${'a'.repeat(22)}`, key)

    const response = await getDashboard(broker, `byo-s3-session=${encodeURIComponent(value)}`)

    expect(response.statusCode).to.equal(401)
  })

  it('shows only the session’s own add-on, whatever id the address names', async () => {
    const other = await provisionedAddon(broker, {appName: 'billing'})
    bucketLists({body: listObjectsV2PageXml(addon.bucketName, [])})

    const response = await getDashboard(
      broker,
      cookie,
      `/dashboard?addon=${other.uuid}&resource_id=${other.uuid}`,
    )

    expect(response.statusCode).to.equal(200)
    expect(response.body).to.contain(addon.bucketName)
    expect(response.body).not.to.contain(other.bucketName)
    expect(response.body).not.to.contain(other.uuid)
  })

  it('ends the session once its add-on is deprovisioned', async () => {
    const gone = await provisionedAddon(broker, {appName: 'gone'})
    const goneCookie = await signIn(broker, gone.uuid)
    expect((await deprovision(broker, gone.uuid)).statusCode).to.equal(204)

    const response = await getDashboard(broker, goneCookie)

    expect(response.statusCode).to.equal(404)
    expect(response.body).not.to.contain(gone.bucketName)
  })

  it('logs no secret, SSO token or session cookie', async () => {
    const form = ssoForm(broker, addon.uuid)
    const login = await postSsoForm(broker, form)
    const session = sessionCookieOf(login)!
    bucketLists({body: listObjectsV2PageXml(addon.bucketName, [])})
    expect((await getDashboard(broker, session)).statusCode).to.equal(200)

    const logs = broker.logLines.join('\n')
    expect(logs).to.contain('dashboard session started')
    expect(logs).not.to.contain(addon.secretAccessKey)
    expect(logs).not.to.contain(form.resource_token)
    const value = decodeURIComponent(session.split('=')[1])
    expect(logs).not.to.contain(value)
    expect(logs).not.to.contain(value.split('.').at(-1))
  })
})
