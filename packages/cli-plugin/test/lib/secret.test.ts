import {expect} from 'chai'

import {ByoS3Error} from '../../src/lib/errors.js'
import {readSecretAccessKey} from '../../src/lib/secret.js'
import {terminal} from '../../src/lib/terminal.js'

async function rejection(promise: Promise<unknown>): Promise<ByoS3Error> {
  const error = await promise.then(
    () => expect.fail('expected a rejection'),
    (error_: unknown) => error_,
  )
  expect(error).to.be.instanceOf(ByoS3Error)
  return error as ByoS3Error
}

describe('readSecretAccessKey', function () {
  it('reads the whole of stdin and drops the trailing newline', async function () {
    terminal.readStdin = async () => 'abc/DEF+ghi\n'

    expect(await readSecretAccessKey(true)).to.equal('abc/DEF+ghi')
  })

  it('refuses --secret-stdin when stdin is a terminal', async function () {
    terminal.isInteractive = () => true

    const error = await rejection(readSecretAccessKey(true))

    expect(error.message).to.equal(
      '--secret-stdin reads the secret from a pipe, but stdin is a terminal. Pipe the secret in, or drop --secret-stdin to be prompted.',
    )
    expect(error.exitCode).to.equal(2)
  })

  it('refuses an empty prompt answer', async function () {
    terminal.isInteractive = () => true
    terminal.promptHidden = async () => ''

    const error = await rejection(readSecretAccessKey(false))

    expect(error.message).to.match(/^The AWS secret access key is empty\./)
  })
})
