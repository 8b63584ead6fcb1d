import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {expect} from 'chai'
import {FAKE, type Fault, fakeManifest, startFakeAddon} from './helpers/fake-addon.js'
import {runCli, scratch} from './helpers/run-cli.js'

describe('the conformance command line', () => {
  it('explains every flag, the secrets it reads and the exit status in --help', async () => {
    const run = await runCli(['--help'])

    for (const flag of [
      '--manifest',
      '--url',
      '--base-url',
      '--sso-url',
      '--password-file',
      '--sso-salt-file',
      '--client-secret-file',
      '--heroku-port',
      '--heroku-host',
      '--team-id',
      '--team-name',
      '--app-name',
      '--plan',
      '--other-plan',
      '--timeout',
      '--requires-team',
      '--addon-sso-url',
    ]) {
      expect(run.stdout).to.include(`  ${flag} `)
    }
    expect(run.stdout).to.include('$ADDON_PASSWORD').and.include('$SSO_SALT')
    expect(run.stdout).to.include('HEROKU_API_URL and HEROKU_ID_URL')
    expect(run.code).to.equal(0)
  })

  it('refuses an unknown flag with exit status 2', async () => {
    const run = await runCli(['--password', 'hunter2'])

    expect(run.stderr).to.include("Unknown option '--password'")
    expect(run.stderr).to.include('See --help')
    expect(run.code).to.equal(2)
  })

  it('says which manifest it cannot read, with exit status 2', async () => {
    const run = await runCli(['--manifest', '/nonexistent/addon-manifest.json'])

    expect(run.stderr).to.include('Cannot read the manifest from /nonexistent/addon-manifest.json')
    expect(run.code).to.equal(2)
  })

  it('says when the Heroku port is taken, with exit status 2', async () => {
    const files = scratch()
    const busy = createServer()
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
    try {
      const manifest = files.write('m.json', JSON.stringify(fakeManifest('http://127.0.0.1:9')))
      const port = String((busy.address() as AddressInfo).port)
      const run = await runCli(['--manifest', manifest, '--heroku-port', port])

      expect(run.stderr).to.include(`cannot listen on port ${port} (EADDRINUSE)`)
      expect(run.code).to.equal(2)
    } finally {
      busy.close()
      files.remove()
    }
  })

  it('says where it expected an add-on that does not answer, and exits 1', async () => {
    const files = scratch()
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`
    await new Promise((resolve) => closed.close(resolve))
    try {
      const manifest = files.write('m.json', JSON.stringify(fakeManifest(url)))
      const run = await runCli(['--manifest', manifest, '--heroku-port', '0'])

      expect(run.failures).to.deep.equal([
        `✗ the add-on answers every request: cannot reach it (ECONNREFUSED): check that it runs at ${url}/heroku/resources`,
      ])
      expect(run.code).to.equal(1)
    } finally {
      files.remove()
    }
  })

  describe('with the secrets outside the manifest', () => {
    // The manifest in the repository holds placeholders; the secrets come from a file and env.
    async function check(fault?: Fault) {
      const addon = await startFakeAddon(fault)
      const files = scratch()
      try {
        const manifest = fakeManifest(addon.url)
        manifest.api.password = 'REPLACE_WITH_ADDON_PASSWORD'
        manifest.api.sso_salt = 'REPLACE_WITH_SSO_SALT'
        const clientSecret = files.write('client-secret', `${FAKE.clientSecret}\n`)
        const run = await runCli(
          [
            ...['--manifest', files.write('addon-manifest.json', JSON.stringify(manifest))],
            ...['--url', addon.url, '--heroku-port', '0', '--plan', 'basic'],
            ...['--password-file', files.write('password', `${FAKE.password}\n`)],
            ...['--client-secret-file', clientSecret],
            ...['--team-id', FAKE.teamId],
          ],
          {SSO_SALT: FAKE.ssoSalt},
        )
        return {...run, output: run.stdout + run.stderr}
      } finally {
        await addon.close()
        files.remove()
      }
    }

    it('uses them, and never prints them', async () => {
      const run = await check()

      expect(run.failures).to.deep.equal([])
      expect(run.code).to.equal(0)
      for (const secret of [FAKE.password, FAKE.ssoSalt, FAKE.clientSecret]) {
        expect(run.output).not.to.include(secret)
      }
    })

    it('never prints them while it reports failures', async () => {
      const run = await check('accepts-wrong-password')

      expect(run.failures).to.have.length(3)
      expect(run.code).to.equal(1)
      for (const secret of [FAKE.password, FAKE.ssoSalt, FAKE.clientSecret]) {
        expect(run.output).not.to.include(secret)
      }
    })
  })
})
