import {existsSync, mkdirSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {expect} from 'chai'
import {type Browser, chromium} from 'playwright-core'
import {escapeHtml} from '../../src/dashboard/html.js'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {listObjectsV2PageXml} from '../helpers/aws-xml.js'
import {linkAcme} from '../helpers/slice.js'
import {provisionedAddon, ssoForm} from '../helpers/sso.js'

const CHROMIUM = '/usr/bin/chromium'
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url))

/** The page Heroku's redirector serves: a hidden form that posts itself to the `sso_url`. */
function redirectorPage(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields).map(
    ([name, value]) =>
      `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
  )
  return `<!doctype html><html><body onload="document.forms[0].submit()">
<form method="post" action="${escapeHtml(action)}">${inputs.join('')}</form></body></html>`
}

describe('the dashboard in a browser', function () {
  this.timeout(120_000)
  let broker: TestBroker
  let browser: Browser
  let base: string

  before(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `No Chromium at ${CHROMIUM}: install Debian's (apt-get install -y chromium), as .ci/run does.`,
      )
    }

    broker = await startTestBroker({}, {workers: true})
    expect((await linkAcme(broker)).statusCode).to.equal(200)
    base = await broker.app.listen({host: '127.0.0.1', port: 0})
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox'],
    })
    mkdirSync(ARTIFACTS, {recursive: true})
  })

  after(async () => {
    await browser?.close()
    await broker?.app.close()
  })

  it('signs in through Heroku’s SSO form, shows the bucket and rotates its key', async () => {
    const addon = await provisionedAddon(broker, {region: 'eu-west-1', appName: 'shop'})
    const objects = Array.from({length: 240}, (_, n) => ({key: `invoices/${n}.pdf`, size: 48_213}))
    addon.s3.buckets.get(addon.bucketName)!.overrides.ListObjectsV2 = {
      body: listObjectsV2PageXml(addon.bucketName, objects),
    }
    const page = await browser.newPage({viewport: {width: 1000, height: 1100}})

    await page.setContent(redirectorPage(`${base}/sso/login`, ssoForm(broker, addon.uuid)))
    await page.waitForURL(`${base}/dashboard`)

    expect(await page.locator('h1').textContent()).to.equal('byo-s3-angular-71234')
    const text = await page.locator('main').innerText()
    expect(text).to.contain(addon.bucketName)
    expect(text).to.contain('eu-west-1')
    expect(text).to.contain('240')
    expect(text).to.contain('11.0 MB')
    expect(text).to.contain(addon.accessKeyId)
    const styled = await page.evaluate(
      "getComputedStyle(document.querySelector('.card')).borderRadius",
    )
    expect(styled, 'the inline stylesheet applies under the CSP').to.equal('8px')
    await page.screenshot({path: path.join(ARTIFACTS, 'dashboard.png'), fullPage: true})

    await page.getByRole('button', {name: 'Rotate credentials'}).click()
    await page.waitForURL(`${base}/dashboard`)
    // The workers run the rotation; the page reloads itself until the new key is in use.
    await page.getByText('new key in use').waitFor({timeout: 60_000})

    const newKey = addon.config.accessKeyId()!
    expect(newKey).not.to.equal(addon.accessKeyId)
    const rotated = await page.locator('main').innerText()
    expect(rotated).to.contain(`The app now uses ${newKey}`)
    expect(rotated).to.contain(`previous key ${addon.accessKeyId} keeps working`)
    expect(rotated).not.to.contain(addon.config.secretAccessKey()!)
    await page.screenshot({path: path.join(ARTIFACTS, 'dashboard-rotated.png'), fullPage: true})
  })
})
