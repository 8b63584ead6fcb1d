import {expect} from 'chai'
import {runPlanChangeJob} from '../../src/plans/plan-change-job.js'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {bucketState} from '../helpers/aws-fake-bucket.js'
import {s3Error} from '../helpers/aws-xml.js'
import {herokuAddonConfig} from '../helpers/rotation.js'
import {linkAcme, provisionForAcme, runProvision, stateOf} from '../helpers/slice.js'
import {getDashboard, provisionedAddon, signIn} from '../helpers/sso.js'

const KMS_KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'

interface SettingsCard {
  /** The card's markup, as sent. */
  markup: string
  /** Each row's label and its value as text: tags removed, line breaks and spaces collapsed. */
  rows: Record<string, string>
  /** The card's text outside the rows, tags removed and spaces collapsed. */
  text: string
}

const textOf = (markup: string) =>
  markup
    .replace(/<br \/>/g, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/\s+/g, ' ')
    .trim()

function settingsCardOf(page: string): SettingsCard {
  const markup = /<section class="card">\s*<h2>Settings<\/h2>[^]*?<\/section>/.exec(page)?.[0]
  if (!markup) throw new Error(`no Settings card in the page:\n${page}`)

  const rows: Record<string, string> = {}
  for (const [, label, value] of markup.matchAll(/<dt>([^]*?)<\/dt>\s*<dd>([^]*?)<\/dd>/g)) {
    rows[textOf(label)] = textOf(value)
  }
  return {markup, rows, text: textOf(markup.replace(/<dl>[^]*<\/dl>/, ''))}
}

describe('the dashboard’s Settings card', () => {
  let broker: TestBroker

  before(async () => {
    broker = await startTestBroker()
    const link = await linkAcme(broker, {allowPublic: true, allowAdopt: true})
    expect(link.statusCode, link.body).to.equal(200)
  })

  after(() => broker.app.close())

  async function dashboardOf(uuid: string) {
    const response = await getDashboard(broker, await signIn(broker, uuid))
    expect(response.statusCode, response.body).to.equal(200)
    return {page: response.body, card: settingsCardOf(response.body)}
  }

  function changePlan(uuid: string, plan: string) {
    return broker.app.inject({
      method: 'PUT',
      url: `/heroku/resources/${uuid}`,
      headers: {authorization: broker.partnerAuth, 'content-type': 'application/json'},
      payload: {plan},
    })
  }

  function runPlanChange(uuid: string) {
    return runPlanChangeJob(broker.app.services, uuid, broker.app.log, {
      retryCount: 0,
      retryLimit: 10,
    })
  }

  it('shows every setting of an add-on created with options, as set and read back', async () => {
    const addon = await provisionedAddon(broker, {
      region: 'eu-west-1',
      options: {
        versioning: 'true',
        'noncurrent-expiry-days': '45',
        'abort-multipart-days': '2',
        'cors-origins': 'https://shop.example,http://localhost:3000',
        'public-prefix': 'true',
        'kms-key-arn': KMS_KEY,
      },
    })

    const {card} = await dashboardOf(addon.uuid)

    expect(card.rows).to.deep.equal({
      Plan: 'standard: a private bucket, unversioned',
      Options:
        '--versioning true --cors-origins https://shop.example,http://localhost:3000 ' +
        '--public-prefix true --noncurrent-expiry-days 45 --abort-multipart-days 2 ' +
        `--kms-key-arn ${KMS_KEY}`,
      Versioning: 'on: every version of every object is kept',
      'Noncurrent versions': 'deleted 45 days after they stop being current',
      'Unfinished uploads': 'multipart uploads are aborted after 2 days, and their parts deleted',
      'CORS origins':
        'https://shop.example, http://localhost:3000: pages there may GET, PUT, POST and HEAD ' +
        'objects from the browser',
      'Public prefix':
        'public/: anyone may read objects under it, at ' +
        `https://${addon.bucketName}.s3.eu-west-1.amazonaws.com/public/...`,
      Encryption: `SSE-KMS, with the key ${KMS_KEY}`,
      'Adopted bucket': 'no: byo-s3 created it',
    })
    expect(card.markup).to.contain('<span class="badge ok">in place</span>')
  })

  it('shows the plan’s own settings for an add-on without options', async () => {
    const addon = await provisionedAddon(broker, {plan: 'versioned'})

    const {card} = await dashboardOf(addon.uuid)

    expect(card.rows).to.deep.equal({
      Plan: 'versioned: a private bucket with versioning; old versions are deleted after 30 days',
      Options: 'none: the plan’s settings as they are',
      Versioning: 'on: every version of every object is kept',
      'Noncurrent versions': 'deleted 30 days after they stop being current',
      'Unfinished uploads': 'multipart uploads are aborted after 7 days, and their parts deleted',
      'CORS origins': 'none: no web page may call the bucket from a browser',
      'Public prefix': 'none: every object is private',
      Encryption: 'SSE-S3, with keys S3 manages',
      'Adopted bucket': 'no: byo-s3 created it',
    })
  })

  it('says how to change the plan, and that options are set when an add-on is created', async () => {
    const addon = await provisionedAddon(broker, {appName: 'shop'})

    const {card} = await dashboardOf(addon.uuid)

    expect(card.markup).to.contain('<code>heroku addons:upgrade byo-s3:versioned -a shop</code>')
    expect(card.markup).to.contain(
      '<code>heroku addons:create byo-s3 -a shop -- --versioning true</code>',
    )
    expect(card.text).to.contain('Options are set when an add-on is created')
    expect(card.text).not.to.contain('byo-s3:standard')
  })

  it('shows an adopted bucket as adopted, never changed or deleted by byo-s3', async () => {
    const provision = await provisionForAcme(broker, {
      region: 'eu-west-1',
      options: {bucket: 'acme-assets', 'kms-key-arn': KMS_KEY},
    })
    expect(provision.response.statusCode, provision.response.body).to.equal(202)
    provision.s3.buckets.set('acme-assets', bucketState({location: 'eu-west-1'}))
    herokuAddonConfig(provision.uuid)
    await runProvision(broker, provision.uuid)
    expect((await stateOf(broker, provision.uuid)).state).to.equal('provisioned')

    const {card} = await dashboardOf(provision.uuid)

    expect(card.markup).to.contain('<span class="badge">adopted</span>')
    expect(card.text).to.contain(
      'byo-s3 never changes it and never deletes it or its objects, not even when the add-on is destroyed',
    )
    expect(card.rows).to.deep.equal({
      Plan: 'standard: a private bucket, unversioned',
      Options: `--kms-key-arn ${KMS_KEY} --bucket acme-assets`,
      'Adopted bucket': 'yes',
      'Bucket settings':
        'versioning, lifecycle rules, CORS, public access and encryption are as the team set ' +
        'them in AWS',
      'KMS key': `the app’s key may use ${KMS_KEY}`,
    })
    expect(card.text).to.contain('An adopted bucket keeps the standard plan')
    expect(card.text).not.to.contain('addons:upgrade')
  })

  it('shows a plan change in progress, what it changes, and reloads until it is done', async () => {
    const addon = await provisionedAddon(broker)
    expect((await changePlan(addon.uuid, 'versioned')).statusCode).to.equal(200)

    const during = await dashboardOf(addon.uuid)

    expect(during.card.markup).to.contain('<span class="badge busy">changing</span>')
    expect(during.card.text).to.contain(
      'byo-s3 is changing the bucket to the versioned plan’s settings',
    )
    expect(during.card.text).to.contain(
      'Setting Now With the versioned plan ' +
        'Versioning off on: every version of every object is kept ' +
        'Noncurrent versions no expiry rule deleted 30 days after they stop being current',
    )
    expect(during.card.rows.Plan).to.match(/^versioned: /)
    expect(during.card.rows.Versioning, 'what the bucket has until then').to.equal('off')
    expect(during.page).to.contain('<meta http-equiv="refresh" content="10" />')

    await runPlanChange(addon.uuid)
    const after = await dashboardOf(addon.uuid)

    expect(after.card.markup).to.contain('<span class="badge ok">in place</span>')
    expect(after.card.markup).not.to.contain('<table')
    expect(after.card.rows.Versioning).to.equal('on: every version of every object is kept')
    expect(after.page).not.to.contain('http-equiv="refresh"')
  })

  it('says plainly that a plan change failed, and why, with the reason escaped', async () => {
    const addon = await provisionedAddon(broker)
    const bucket = addon.s3.buckets.get(addon.bucketName)!
    bucket.overrides.PutBucketVersioning = {
      status: 403,
      body: s3Error('AccessDenied', '<img src=x onerror="alert(1)"> is not allowed'),
    }
    await changePlan(addon.uuid, 'versioned')
    await runPlanChange(addon.uuid)

    const {page, card} = await dashboardOf(addon.uuid)

    expect(card.markup).to.contain('<span class="badge bad">plan change failed</span>')
    expect(card.markup).to.contain(
      'The versioned plan&#39;s settings were not applied: AccessDenied: ' +
        '&lt;img src=x onerror=&quot;alert(1)&quot;&gt; is not allowed',
    )
    expect(page).not.to.contain('<img')
    expect(card.text).to.contain('The bucket keeps the settings below')
    expect(card.text).to.contain('Versioning off on: every version of every object is kept')
    expect(card.rows.Versioning).to.equal('off')
    expect(page).not.to.contain('http-equiv="refresh"')
  })

  it('forgets a failed change once another plan is asked for', async () => {
    const addon = await provisionedAddon(broker)
    addon.s3.buckets.get(addon.bucketName)!.overrides.PutBucketVersioning = {
      status: 403,
      body: s3Error('AccessDenied'),
    }
    await changePlan(addon.uuid, 'versioned')
    await runPlanChange(addon.uuid)

    expect((await changePlan(addon.uuid, 'standard')).statusCode).to.equal(200)
    const {card} = await dashboardOf(addon.uuid)

    expect(card.markup).to.contain('<span class="badge ok">in place</span>')
    expect(card.text).not.to.contain('failed')
  })

  it('escapes what Heroku brings: the app’s name', async () => {
    const appName = `<b>shop</b>&"'`
    const addon = await provisionedAddon(broker, {appName})

    const {page, card} = await dashboardOf(addon.uuid)

    expect(page).not.to.contain(appName)
    expect(card.markup).to.contain(
      '<code>heroku addons:create byo-s3 -a &lt;b&gt;shop&lt;/b&gt;&amp;&quot;&#39; -- ' +
        '--versioning true</code>',
    )
  })
})
