import {expect} from 'chai'

import {ByoS3Error, errorLine, ExitCode} from '../../src/lib/errors.js'

describe('errorLine', function () {
  it('keeps a one-line sentence as it is', function () {
    const error = new ByoS3Error('Team acme is not linked to an AWS account.', ExitCode.notFound)

    expect(errorLine(error)).to.equal('Team acme is not linked to an AWS account.')
  })

  it('joins a message spread over several lines into one', function () {
    const error = new Error('AWS rejected the keys.\n  Run heroku byo-s3:link with new keys\n')

    expect(errorLine(error)).to.equal(
      'AWS rejected the keys. Run heroku byo-s3:link with new keys.',
    )
  })

  it('drops the lines oclif wraps around a flag error and ends with its pointer to --help', function () {
    const error = new Error(
      'The following errors occurred:\n  \u001B[2mMissing required flag team\nAll of --a, --b\u001B[22m\nSee more help with --help',
    )

    expect(errorLine(error)).to.equal(
      'Missing required flag team. All of --a, --b. See more help with --help.',
    )
  })

  it('names the error when it has no message', function () {
    expect(errorLine(new TypeError(''))).to.equal('TypeError without a message.')
  })
})
