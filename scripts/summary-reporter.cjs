'use strict'
// Mocha's spec reporter, plus the plain closing line CI reads: `N passed, N failed`.
// When BYO_S3_RESULTS_FILE is set, the counts also go to that file so the root test script can
// print one total for all workspaces.
const fs = require('node:fs')
const Mocha = require('mocha')

const {EVENT_RUN_END} = Mocha.Runner.constants

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options)
    runner.once(EVENT_RUN_END, () => {
      const {passes = 0, failures = 0, pending = 0} = this.stats
      const file = process.env.BYO_S3_RESULTS_FILE
      if (file) fs.writeFileSync(file, JSON.stringify({passes, failures, pending}))
      if (pending > 0) console.log(`${pending} skipped`)
      console.log(`${passes} passed, ${failures} failed`)
    })
  }
}

module.exports = SummaryReporter
