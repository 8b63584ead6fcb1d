import {readFileSync} from 'node:fs'
import {expect} from 'chai'

const here = new URL('../', import.meta.url)
const read = (file: string) => readFileSync(new URL(file, here), 'utf8')
const pkg = JSON.parse(read('package.json'))
const lock = JSON.parse(read('package-lock.json'))
const appJson = JSON.parse(read('app.json'))

// The example deploys on its own (its folder as the root of an app), where Heroku's Node.js
// buildpack runs `npm ci` against this folder's lockfile, not the repository's.
describe('deploying file-drop on its own', () => {
  it('has a lockfile of its own that matches package.json, as npm ci requires', () => {
    const root = lock.packages['']

    expect(lock.name).to.equal(pkg.name)
    expect(root.dependencies).to.deep.equal(pkg.dependencies)
    expect(root.devDependencies).to.deep.equal(pkg.devDependencies)
    expect(root.engines).to.deep.equal(pkg.engines)
  })

  it('pins every AWS SDK package to one minor, in package.json and in the lockfile', () => {
    const ranges = Object.entries<string>(pkg.dependencies).filter(([name]) =>
      name.startsWith('@aws-sdk/'),
    )
    expect(ranges.map(([, range]) => range)).to.satisfy((all: string[]) =>
      all.every((range) => range === '~3.1178.0'),
    )
    for (const [name] of ranges) {
      expect(lock.packages[`node_modules/${name}`].version, name).to.match(/^3\.1178\./)
    }
  })

  it('builds, then runs the compiled server on the Node.js major it is tested on', () => {
    expect(pkg.engines.node).to.equal(`${process.versions.node.split('.')[0]}.x`)
    expect(pkg.scripts.build).to.equal('tsc -b')
    expect(read('Procfile').trim()).to.equal('web: node dist/server.js')
  })

  it('gives the app, each review app and each Heroku CI run a byo-s3 add-on of its own', () => {
    expect(appJson.addons).to.deep.equal(['byo-s3'])
    expect(appJson.environments.review.addons).to.deep.equal(['byo-s3'])
    expect(appJson.environments.test.addons).to.deep.equal(['byo-s3'])
    expect(appJson.environments.test.scripts.test).to.equal('npm test && npm run test:bucket')
    expect(pkg.scripts['test:bucket']).to.be.a('string')
  })
})
