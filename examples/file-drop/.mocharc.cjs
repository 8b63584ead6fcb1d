'use strict'
// In the byo-s3 repository the summary reporter adds the line the root test script sums up;
// deployed on its own, the example has no such file and uses mocha's spec reporter.
const fs = require('node:fs')
const path = require('node:path')

const summaryReporter = path.resolve(__dirname, '../../scripts/summary-reporter.cjs')

module.exports = {
  'node-option': ['import=tsx', 'no-experimental-require-module'],
  require: ['test/helpers/init.ts'],
  spec: ['test/**/*.test.ts'],
  'forbid-only': true,
  timeout: 20000,
  reporter: fs.existsSync(summaryReporter) ? summaryReporter : 'spec',
}
