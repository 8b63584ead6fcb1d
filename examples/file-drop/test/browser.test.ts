import {existsSync, mkdirSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {expect} from 'chai'
import {type Browser, chromium} from 'playwright-core'
import {startApp, type RunningApp} from './helpers/app.js'
import {addonEnv, BUCKET, startS3Server, type S3Server} from './helpers/s3-server.js'

const CHROMIUM = '/usr/bin/chromium'
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url))
const FILE = {
  name: 'notes & ideas.txt',
  mimeType: 'text/plain',
  buffer: Buffer.from('hello, bucket\n'),
}

describe('file-drop in a browser', function () {
  this.timeout(120_000)
  let s3: S3Server
  let app: RunningApp
  let browser: Browser

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      // The repository's CI installs Chromium (.ci/run); a Heroku CI dyno has none.
      if (process.env.CI && !process.env.HEROKU_TEST_RUN_ID) {
        throw new Error(`No Chromium at ${CHROMIUM}: CI installs Debian's (see .ci/run).`)
      }
      console.log(
        `    Skipped: no Chromium at ${CHROMIUM}. Install Debian's (apt-get install -y chromium) to run it.`,
      )
      this.skip()
    }

    s3 = await startS3Server()
    app = await startApp(addonEnv(s3))
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox'],
    })
    mkdirSync(ARTIFACTS, {recursive: true})
  })

  after(async () => {
    await browser?.close()
    await app?.close()
    await s3?.close()
  })

  // The bucket has no CORS rule: the form posts to S3 as a page navigation, which needs none.
  it('uploads a file straight to S3, lists it, downloads it and deletes it', async () => {
    const page = await browser.newPage({acceptDownloads: true})
    const refused: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') refused.push(message.text())
    })

    await page.goto(app.base)
    expect(await page.locator('main p.muted').first().innerText()).to.contain(BUCKET)
    const styled = await page.evaluate('getComputedStyle(document.body).fontFamily')
    expect(styled, 'the inline stylesheet applies under the CSP').to.contain('system-ui')
    await page.locator('input[type=file]').setInputFiles(FILE)
    await page.getByRole('button', {name: 'Upload', exact: true}).click()
    await page.waitForURL((url) => url.searchParams.has('uploaded'))

    expect(await page.getByRole('status').innerText()).to.equal(`Uploaded ${FILE.name}.`)
    const link = page.getByRole('link', {name: FILE.name})
    expect(await link.count()).to.equal(1)
    await page.screenshot({path: path.join(ARTIFACTS, 'file-drop.png'), fullPage: true})

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()])
    expect(download.suggestedFilename()).to.equal(FILE.name)
    const stream = await download.createReadStream()
    const chunks: Buffer[] = []
    for await (const chunk of stream) chunks.push(chunk as Buffer)
    expect(Buffer.concat(chunks).toString('utf8')).to.equal('hello, bucket\n')

    await page.getByRole('button', {name: `Delete ${FILE.name}`}).click()
    await page.waitForURL((url) => url.searchParams.has('deleted'))
    expect(await page.getByRole('status').innerText()).to.equal(`Deleted ${FILE.name}.`)
    expect(await page.getByRole('link', {name: FILE.name}).count()).to.equal(0)
    expect(refused, 'no request was blocked by the page’s policy or CORS').to.deep.equal([])
  })
})
