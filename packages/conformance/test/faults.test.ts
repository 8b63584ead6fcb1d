import {expect} from 'chai'
import {FAKE, type Fault, fakeManifest, startFakeAddon} from './helpers/fake-addon.js'
import {runCli, scratch} from './helpers/run-cli.js'

/** Every flag that turns a check on, so that a conforming add-on leaves nothing skipped. */
async function check(fault?: Fault, {timeout = '10', sync = false} = {}) {
  const addon = await startFakeAddon(fault, {sync})
  const files = scratch()
  try {
    const manifest = files.write('addon-manifest.json', JSON.stringify(fakeManifest(addon.url)))
    return await runCli(
      [
        ...['--manifest', manifest, '--heroku-port', '0', '--timeout', timeout],
        ...['--plan', 'basic', '--other-plan', 'premium', '--requires-team'],
        ...['--team-id', FAKE.teamId, '--team-name', FAKE.teamName],
        ...['--addon-sso-url', `${addon.url}/addons/{id}/whoami`],
      ],
      {OAUTH_CLIENT_SECRET: FAKE.clientSecret},
    )
  } finally {
    await addon.close()
    files.remove()
  }
}

describe('conformance against an add-on with one fault', () => {
  it('passes every check of a conforming add-on and exits 0', async () => {
    const run = await check()

    expect(run.failures).to.deep.equal([])
    expect(run.stdout).to.match(/^46 checks: 46 ✓, 0 ✗, 0 skipped\. The add-on conforms\.$/m)
    expect(run.code).to.equal(0)
  })

  it('passes an add-on that provisions synchronously, skipping what follows a 202', async () => {
    const run = await check(undefined, {sync: true})

    expect(run.failures).to.deep.equal([])
    expect(run.stdout).to.include('✓ provision: a valid request gets 200 or 202 (synchronous)\n')
    expect(run.stdout).to.include(
      '- async: marks the add-on provisioned (POST /addons/{id}/actions/provision) ' +
        '(skipped: provisioned synchronously)\n',
    )
    expect(run.stdout).to.match(/^46 checks: 42 ✓, 0 ✗, 4 skipped\. The add-on conforms\.$/m)
    expect(run.code).to.equal(0)
  })

  it('fails a synchronous add-on whose config holds a var the manifest does not list', async () => {
    const run = await check('sends-unknown-config-var', {sync: true})

    expect(run.failures).to.deep.equal([
      "✗ provision: config holds manifest vars with string values: FAKE_ADDON_EXTRA not in the manifest's config_vars",
    ])
    expect(run.code).to.equal(1)
  })

  it('fails the auth checks of an add-on that accepts a wrong password', async () => {
    const run = await check('accepts-wrong-password')

    expect(run.failures).to.deep.equal([
      '✗ auth: provision with a wrong password is refused with 401: answered 202: "Provisioning in the background."',
      '✗ auth: plan change with a wrong password is refused with 401: answered 200: "Plan is basic."',
      '✗ auth: deprovision with a wrong password is refused with 401: answered 204',
    ])
    expect(run.stdout).to.match(
      /^46 checks: 43 ✓, 3 ✗, 0 skipped\. The add-on does not conform\.$/m,
    )
    expect(run.code).to.equal(1)
  })

  it('fails an add-on that answers a provision with 201', async () => {
    const run = await check('answers-201')

    expect(run.failures).to.deep.equal([
      '✗ provision: a valid request gets 200 or 202: answered 201: "Provisioning in the background."',
    ])
    expect(run.code).to.equal(1)
  })

  it('fails an add-on that handles a repeated uuid as a new add-on', async () => {
    const run = await check('not-idempotent')

    expect(run.failures).to.deep.equal([
      '✗ provision: the same uuid again gets the identical reply: 202 first, then 500',
      '✗ provision: two concurrent requests for a new uuid get one reply: 202 first, then 500',
      '✗ grant: exchanged once per add-on, with its code and client_secret: exchanged 2 times',
    ])
    expect(run.code).to.equal(1)
  })

  it('fails an add-on that answers 500 to a DELETE with an empty JSON body', async () => {
    const run = await check('fails-empty-delete')

    const refusal = 'answered 500: "Unexpected end of JSON input"'
    expect(run.failures).to.deep.equal([
      `✗ deprovision: DELETE with a JSON content type and an empty body gets 2xx: ${refusal}`,
      `✗ deprovision: succeeds while the Platform API is down: ${refusal}`,
      `✗ deprovision: a repeated DELETE gets 2xx: ${refusal}`,
      '✗ provision: a deprovisioned uuid gets 410 and creates nothing: answered 202: "Provisioning in the background."',
      '✗ sso: a deprovisioned resource_id is refused with 403 or 404: answered 200',
    ])
    expect(run.code).to.equal(1)
  })

  it('fails an add-on that accepts a forged SSO token', async () => {
    const run = await check('accepts-forged-sso')

    expect(run.failures).to.deep.equal([
      '✗ sso: a forged resource_token is refused with 403: answered 200',
      '✗ x-addon-sso: a forged token is refused with 403: answered 200',
    ])
    expect(run.code).to.equal(1)
  })

  it('fails an add-on that accepts a stale or future SSO timestamp', async () => {
    const run = await check('accepts-stale-sso')

    expect(run.failures).to.deep.equal([
      '✗ sso: a timestamp 6 minutes old is refused with 403: answered 200',
      '✗ sso: a timestamp 10 minutes ahead is refused with 403: answered 200',
      '✗ x-addon-sso: a timestamp 6 minutes old is refused with 403: answered 200',
    ])
    expect(run.code).to.equal(1)
  })

  it('fails an add-on that answers 202 and never marks itself provisioned', async () => {
    // The fault is that the call never comes, so any wait shows it; a short one keeps this quick.
    const run = await check('never-marks-provisioned', {timeout: '2'})

    expect(run.failures).to.deep.equal([
      '✗ async: marks the add-on provisioned (POST /addons/{id}/actions/provision): no successful call within 2 s',
    ])
    expect(run.code).to.equal(1)
  })
})
