import {expect} from 'chai'
import {readConfig} from '../src/config.js'
import {startApp, uploadFormOf, type RunningApp} from '../test/helpers/app.js'

/**
 * The app against the bucket its environment names: on Heroku CI, the byo-s3 add-on that
 * app.json's test environment creates for the run. Uploads, lists, downloads and deletes one
 * small file, through the app, as `npm test` does against a local server.
 */
describe('file-drop against the add-on’s bucket', function () {
  this.timeout(60_000)
  let app: RunningApp
  const name = `file-drop-check-${Date.now()}.txt`

  before(async function () {
    const result = readConfig(process.env)
    if (!result.ok) {
      throw new Error(
        `No bucket to check: ${result.missing.join(', ')} not set. On Heroku CI, app.json's ` +
          'test environment adds the byo-s3 add-on; locally, copy them with `heroku config -s`.',
      )
    }

    app = await startApp(process.env)
  })

  after(() => app?.close())

  it('uploads, lists, downloads and deletes a file', async () => {
    const {action, fields} = uploadFormOf(await (await fetch(app.base)).text())
    const form = new FormData()
    for (const [field, value] of Object.entries(fields)) form.append(field, value)
    form.append('file', new Blob(['checked by file-drop\n']), name)

    const posted = await fetch(action, {method: 'POST', body: form, redirect: 'manual'})
    expect(posted.status, await posted.clone().text()).to.equal(303)
    expect(await (await fetch(posted.headers.get('location')!)).text()).to.contain(
      `Uploaded ${name}.`,
    )

    const download = await fetch(`${app.base}/download?key=${encodeURIComponent(name)}`)
    expect(await download.text()).to.equal('checked by file-drop\n')

    const deleted = await fetch(`${app.base}/delete`, {
      method: 'POST',
      body: new URLSearchParams({key: name}),
    })
    expect(await deleted.text()).to.contain(`Deleted ${name}.`)
  })
})
