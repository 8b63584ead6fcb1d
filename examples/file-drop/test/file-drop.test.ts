import {expect} from 'chai'
import {startApp, uploadFormOf, type RunningApp} from './helpers/app.js'
import {
  addonEnv,
  BUCKET,
  SECRET_ACCESS_KEY,
  startS3Server,
  type S3Server,
} from './helpers/s3-server.js'

// Spaces, markup, quotes and a slash: the key must survive the form, the URL and the page.
const FILE_NAME = 'reports/Q1 <draft> & "final" é.txt'
const CONTENT = 'numbers for the first quarter\n'

describe('file-drop against an S3-compatible server', () => {
  let s3: S3Server
  let app: RunningApp
  const pages: string[] = []

  async function page(path: string, init?: RequestInit): Promise<{status: number; text: string}> {
    const response = await fetch(`${app.base}${path}`, init)
    const text = await response.text()
    pages.push(text)
    return {status: response.status, text}
  }

  async function upload(name: string, content: string): Promise<Response> {
    const {action, fields} = uploadFormOf((await page('/')).text)
    const form = new FormData()
    for (const [field, value] of Object.entries(fields)) {
      // What the page's script does before the form goes; S3 itself would fill in ${filename}.
      form.append(field, field === 'key' ? value.replace('${filename}', name) : value)
    }
    form.append('file', new Blob([content]), name)
    return fetch(action, {method: 'POST', body: form, redirect: 'manual'})
  }

  before(async () => {
    s3 = await startS3Server()
    app = await startApp(addonEnv(s3))
  })

  after(async () => {
    await app?.close()
    await s3?.close()
  })

  it('lists an empty bucket with its name and region, and an upload form aimed at S3', async () => {
    const {status, text} = await page('/')

    expect(status).to.equal(200)
    expect(text).to.contain(`Files in the bucket ${BUCKET} (eu-west-1)`)
    expect(text).to.contain('No files yet.')
    const {action, fields} = uploadFormOf(text)
    expect(action).to.equal(`${s3.endpoint}/${BUCKET}`)
    expect(fields.key).to.equal('${filename}')
    expect(fields.success_action_redirect).to.equal(`${app.base}/?uploaded`)
    expect(fields).to.have.property('Policy')
    expect(fields, 'buckets enforce bucket-owner ownership: no ACL').not.to.have.property('acl')
    const policy = JSON.parse(Buffer.from(fields.Policy, 'base64').toString('utf8'))
    expect(policy.conditions).to.deep.include(['content-length-range', 1, 100 * 1024 * 1024])
  })

  it('uploads through the presigned form, lists, downloads and deletes the file', async () => {
    const posted = await upload(FILE_NAME, CONTENT)

    expect(posted.status).to.equal(303)
    const back = new URL(posted.headers.get('location')!)
    expect(back.origin).to.equal(app.base)
    expect(back.searchParams.get('key')).to.equal(FILE_NAME)

    const listed = await page(`${back.pathname}${back.search}`)
    expect(listed.status).to.equal(200)
    expect(listed.text).to.contain(
      'Uploaded reports/Q1 &lt;draft&gt; &amp; &quot;final&quot; é.txt.',
    )
    expect(listed.text).not.to.contain('<draft>')
    const link = `/download?key=${encodeURIComponent(FILE_NAME)}`
    expect(listed.text).to.contain(`href="${link.replace(/&/g, '&amp;')}"`)
    expect(listed.text).to.contain('<td>30 B</td>')

    const download = await fetch(`${app.base}${link}`, {redirect: 'manual'})
    expect(download.status).to.equal(303)
    const signed = new URL(download.headers.get('location')!)
    expect(signed.origin).to.equal(s3.endpoint)
    expect(signed.searchParams.get('X-Amz-Expires')).to.equal('60')
    const file = await fetch(signed)
    expect(file.status).to.equal(200)
    expect(await file.text()).to.equal(CONTENT)
    expect(file.headers.get('content-disposition')).to.match(
      /^attachment; filename="Q1 <draft> & _final_ _.txt"; filename\*=UTF-8''Q1%20%3Cdraft%3E%20%26%20%22final%22%20%C3%A9.txt$/,
    )

    const deleted = await fetch(`${app.base}/delete`, {
      method: 'POST',
      body: new URLSearchParams({key: FILE_NAME}),
      redirect: 'manual',
    })
    expect(deleted.status).to.equal(303)
    const after = await page(deleted.headers.get('location')!)
    expect(after.text).to.contain('Deleted reports/Q1 &lt;draft&gt;')
    expect(after.text).to.contain('No files yet.')
    expect((await fetch(signed)).status, 'the object is gone from the bucket').to.equal(404)
  })

  it('says in words that a file is not there any more', async () => {
    const {status, text} = await page(`/download?key=${encodeURIComponent('gone.txt')}`)

    expect(status).to.equal(404)
    expect(text).to.contain(
      'There is no file gone.txt in the bucket: it may just have been deleted.',
    )
    expect(text).to.contain('(NoSuchKey)')
  })

  it('never puts the secret key in a page or the log', async () => {
    await upload('secret-check.txt', 'x')
    await page('/')

    expect(pages.length).to.be.greaterThan(3)
    for (const text of pages) expect(text).not.to.contain(SECRET_ACCESS_KEY)
    expect(app.logs()).to.contain('request completed')
    expect(app.logs()).not.to.contain(SECRET_ACCESS_KEY)
  })
})

describe('file-drop when S3 refuses', () => {
  let s3: S3Server
  before(async () => {
    s3 = await startS3Server()
  })
  after(() => s3?.close())

  it('says in words that the bucket does not exist', async () => {
    const app = await startApp(addonEnv(s3, {BYO_S3_BUCKET_NAME: 'byo-s3-destroyed-bucket-0000'}))
    try {
      const response = await fetch(app.base)
      const text = await response.text()

      expect(response.status).to.equal(502)
      expect(text).to.contain('The bucket byo-s3-destroyed-bucket-0000 does not exist.')
      expect(text).to.contain('heroku addons:create byo-s3')
      expect(text).to.contain('(NoSuchBucket)')
      expect(app.logs()).to.match(/"s3Error":"NoSuchBucket".*"msg":"S3 request failed"/)
    } finally {
      await app.close()
    }
  })

  // s3rver checks that a key exists but not V4 signatures, so a deleted key stands in for both.
  it('says in words that S3 does not accept the key', async () => {
    const app = await startApp(addonEnv(s3, {BYO_S3_AWS_ACCESS_KEY_ID: 'AKIADELETEDKEY000001'}))
    try {
      const response = await fetch(app.base)
      const text = await response.text()

      expect(response.status).to.equal(502)
      expect(text).to.contain('S3 does not accept the access key in BYO_S3_AWS_ACCESS_KEY_ID')
      expect(text).to.contain('(InvalidAccessKeyId)')
      expect(text + app.logs()).not.to.contain(SECRET_ACCESS_KEY)
    } finally {
      await app.close()
    }
  })
})

describe('file-drop without the add-on', () => {
  it('names every missing config var and the command that sets them, on the page and in the log', async () => {
    const app = await startApp({PORT: '5000'})
    try {
      const response = await fetch(app.base)
      const text = await response.text()

      expect(response.status).to.equal(503)
      for (const name of [
        'BYO_S3_BUCKET_NAME',
        'BYO_S3_AWS_ACCESS_KEY_ID',
        'BYO_S3_AWS_SECRET_ACCESS_KEY',
        'BYO_S3_AWS_REGION',
      ]) {
        expect(text).to.contain(`<code>${name}</code>`)
        expect(app.logs()).to.contain(name)
      }
      expect(text).to.contain('heroku addons:create byo-s3 -a &lt;app&gt;')
      expect(app.logs()).to.contain('heroku addons:create byo-s3')
      expect(text).not.to.contain('<form id="upload"')
    } finally {
      await app.close()
    }
  })

  it('names only the one that is missing', async () => {
    const app = await startApp({
      BYO_S3_BUCKET_NAME: BUCKET,
      BYO_S3_AWS_ACCESS_KEY_ID: 'AKIAFILEDROPTEST0001',
      BYO_S3_AWS_REGION: 'eu-west-1',
    })
    try {
      const text = await (await fetch(`${app.base}/download?key=a.txt`)).text()

      expect(text).to.contain('Missing: <code>BYO_S3_AWS_SECRET_ACCESS_KEY</code>.')
      expect(text).not.to.contain('<code>BYO_S3_BUCKET_NAME</code>')
    } finally {
      await app.close()
    }
  })
})
