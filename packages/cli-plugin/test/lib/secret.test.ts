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
    terminal.readStdin = async () => 'abc/DEF+ghi/0123456789\n'

    expect(await readSecretAccessKey(true)).to.equal('abc/DEF+ghi/0123456789')
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

  it('takes secrets of 16 to 256 characters', async function () {
    for (const secret of ['s'.repeat(16), 'S'.repeat(256)]) {
      terminal.readStdin = async () => secret

      expect(await readSecretAccessKey(true)).to.equal(secret)
    }
  })

  it('refuses a secret of 15 characters with exit 2, without naming it', async function () {
    terminal.readStdin = async () => 'fifteen-chars-x\n'

    const error = await rejection(readSecretAccessKey(true))

    expect(error.message).to.match(/^The AWS secret access key is too short: /)
    expect(error.message).not.to.contain('fifteen-chars-x')
    expect(error.exitCode).to.equal(2)
  })

  it('refuses a secret of 257 characters with exit 2', async function () {
    terminal.isInteractive = () => true
    terminal.promptHidden = async () => 'S'.repeat(257)

    const error = await rejection(readSecretAccessKey(false))

    expect(error.message).to.match(/^The AWS secret access key is too long: /)
    expect(error.exitCode).to.equal(2)
  })
})
