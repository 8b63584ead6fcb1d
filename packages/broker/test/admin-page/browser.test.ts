import {once} from 'node:events'
import {existsSync, mkdirSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {expect} from 'chai'
import {type Browser, chromium, type Page} from 'playwright-core'
import {escapeHtml} from '../../src/dashboard/html.js'
import {ADMIN_CLIENT, herokuKnowsPageUser} from '../helpers/admin-page.js'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {ACCOUNT_ID, fakeQueryApi, LINKED_CREDENTIALS, STS_URL} from '../helpers/aws-fakes.js'
import {elements, queryResult, STS_NAMESPACE} from '../helpers/aws-xml.js'

const CHROMIUM = '/usr/bin/chromium'
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url))
const ADMIN_TOKEN = 'HRKU-browser-admin-token-31c9'
const MEMBER_TOKEN = 'HRKU-browser-member-token-8e02'

/**
 * A stand-in for id.heroku.com: its authorize page shows the button a user clicks to allow the
 * client, then sends the browser back with a code; its token endpoint trades that code, once, for
 * the token of whichever user `nextToken` names.
 */
class HerokuIdStandIn {
  nextToken = ADMIN_TOKEN
  readonly exchanged: string[] = []
  readonly #codes = new Map<string, string>()
  #server?: Server
  callbackUrl = ''

  async start(): Promise<string> {
    this.#server = createServer((request, response) => {
      const url = new URL(request.url!, 'http://stand-in')
      if (request.method === 'GET' && url.pathname === '/oauth/authorize') {
        const code = `code-${this.#codes.size + 1}`
        this.#codes.set(code, this.nextToken)
        const back = new URL(this.callbackUrl)
        back.searchParams.set('code', code)
        back.searchParams.set('state', url.searchParams.get('state') ?? '')
        const client = url.searchParams.get('client_id') ?? ''
        response.writeHead(200, {'content-type': 'text/html'})
        response.end(`<!doctype html><title>Heroku</title><p>Allow ${escapeHtml(client)}
          (${escapeHtml(url.searchParams.get('scope') ?? '')})?</p>
          <a href="${escapeHtml(back.toString())}">Allow</a>`)
        return
      }

      if (request.method === 'POST' && url.pathname === '/oauth/token') {
        let body = ''
        request.on('data', (chunk) => (body += chunk))
        request.on('end', () => {
          const form = new URLSearchParams(body)
          const token = this.#codes.get(form.get('code') ?? '')
          this.#codes.delete(form.get('code') ?? '')
          const valid =
            token &&
            form.get('grant_type') === 'authorization_code' &&
            form.get('client_secret') === ADMIN_CLIENT.ADMIN_OAUTH_CLIENT_SECRET
          if (!valid) {
            response.writeHead(401, {'content-type': 'application/json'})
            response.end(JSON.stringify({id: 'unauthorized'}))
            return
          }

          this.exchanged.push(token)
          response.writeHead(200, {'content-type': 'application/json'})
          response.end(
            JSON.stringify({access_token: token, expires_in: 28_799, token_type: 'Bearer'}),
          )
        })
        return
      }

      response.writeHead(404)
      response.end()
    })
    this.#server.listen(0, '127.0.0.1')
    await once(this.#server, 'listening')
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`
  }

  async stop() {
    this.#server?.close()
  }
}

describe('the admin page in a browser', function () {
  this.timeout(120_000)
  let broker: TestBroker
  let browser: Browser
  let base: string
  const heroku = new HerokuIdStandIn()

  before(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `No Chromium at ${CHROMIUM}: install Debian's (apt-get install -y chromium), as .ci/run does.`,
      )
    }

    const idUrl = await heroku.start()
    broker = await startTestBroker({...ADMIN_CLIENT, HEROKU_ID_URL: idUrl})
    base = await broker.app.listen({host: '127.0.0.1', port: 0})
    heroku.callbackUrl = `${base}/admin/auth/callback`
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
    await heroku.stop()
  })

  async function signIn(page: Page) {
    await page.goto(`${base}/admin`)
    await page.getByRole('link', {name: 'Sign in with Heroku'}).click()
    await page.getByRole('link', {name: 'Allow'}).click()
    await page.waitForURL(`${base}/admin`)
  }

  it('signs in through Heroku, links a team with keys and shows it linked', async () => {
    herokuKnowsPageUser(ADMIN_TOKEN, 'admin')
    const sts = fakeQueryApi(STS_URL, () => ({
      body: queryResult(
        'GetCallerIdentity',
        elements({
          UserId: 'AIDAEXAMPLE',
          Account: ACCOUNT_ID,
          Arn: `arn:aws:iam::${ACCOUNT_ID}:user/l`,
        }),
        STS_NAMESPACE,
      ),
    }))
    heroku.nextToken = ADMIN_TOKEN
    const page = await browser.newPage({viewport: {width: 1280, height: 900}})

    await signIn(page)

    expect(heroku.exchanged).to.deep.equal([ADMIN_TOKEN])
    const teams = await page.locator('main').innerText()
    expect(teams).to.contain('ada@acme.example')
    expect(teams).to.contain('not linked')
    await page.getByRole('link', {name: 'acme'}).click()
    await page.getByLabel('Access key id').fill(LINKED_CREDENTIALS.accessKeyId)
    await page.getByLabel('Secret access key').fill(LINKED_CREDENTIALS.secretAccessKey)
    await page.getByRole('button', {name: 'Link team acme'}).click()
    await page.waitForURL(`${base}/admin/team/acme`)

    const linked = await page.locator('main').innerText()
    expect(linked).to.contain('linked (keys)')
    expect(linked).to.contain(ACCOUNT_ID)
    expect(linked).to.contain('AKIA************MPLE')
    expect(await page.getByLabel('Secret access key').inputValue()).to.equal('')
    expect(await page.content()).not.to.contain(LINKED_CREDENTIALS.secretAccessKey)
    expect(sts).to.have.length(1)
    const styled = await page.evaluate(
      "getComputedStyle(document.querySelector('.card')).borderRadius",
    )
    expect(styled, 'the inline stylesheet applies under the CSP').to.equal('8px')
    await page.screenshot({path: path.join(ARTIFACTS, 'admin-team.png'), fullPage: true})

    await page.setViewportSize({width: 390, height: 844})
    const overflow = await page.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    )
    expect(overflow, 'nothing wider than a phone screen').to.equal(0)
    await page.screenshot({path: path.join(ARTIFACTS, 'admin-team-phone.png'), fullPage: true})
    await page.close()
  })

  it('shows a member the state only, and refuses a member’s link posted by hand', async () => {
    herokuKnowsPageUser(MEMBER_TOKEN, 'member')
    heroku.nextToken = MEMBER_TOKEN
    const context = await browser.newContext()
    const page = await context.newPage()

    await signIn(page)
    await page.getByRole('link', {name: 'acme'}).click()

    const text = await page.locator('main').innerText()
    expect(text).to.contain('Your role: member')
    expect(text).to.contain('Only admins of team acme can link it')
    expect(await page.getByLabel('Secret access key').count()).to.equal(0)
    const csrf = await page.locator('input[name="csrf"]').first().inputValue()
    const refused = await page.request.post(`${base}/admin/team/acme/link`, {
      form: {csrf, ...LINKED_CREDENTIALS},
    })
    expect(refused.status()).to.equal(403)
    expect(await refused.text()).to.contain('Only admins of team acme can link it to AWS')
    await context.close()
  })
})
