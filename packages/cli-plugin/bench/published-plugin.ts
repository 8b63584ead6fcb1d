import {execFile} from 'node:child_process'
import {cp, mkdtemp, rm, symlink} from 'node:fs/promises'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

import {buildPlugin, pluginRoot} from '../test/helpers/heroku-cli.js'

const require = createRequire(import.meta.url)
const oclif = require.resolve('oclif/bin/run.js')
const workspaceModules = fileURLToPath(new URL('../../../node_modules', import.meta.url))

export interface StagedPlugin {
  root: string
  remove(): Promise<void>
}

/**
 * The plugin as npm would install it: package.json, dist/ and the oclif.manifest.json that
 * `npm pack` adds, in a temporary folder whose node_modules is the workspace's. From the manifest
 * the CLI knows the plugin's commands without loading their code, as with a plugin installed by
 * `heroku plugins:install`. A plugin linked from its source folder has no manifest, so the CLI
 * would load every one of its commands on every run, `heroku version` included.
 */
export async function stagePublishedPlugin(): Promise<StagedPlugin> {
  await buildPlugin()
  const root = await mkdtemp(join(tmpdir(), 'byo-s3-cli-plugin-'))
  const remove = () => rm(root, {force: true, recursive: true})
  try {
    await cp(join(pluginRoot, 'package.json'), join(root, 'package.json'))
    await cp(join(pluginRoot, 'dist'), join(root, 'dist'), {
      recursive: true,
      filter: (source) => !source.endsWith('.tsbuildinfo'),
    })
    await symlink(workspaceModules, join(root, 'node_modules'), 'dir')
    await promisify(execFile)(process.execPath, [oclif, 'manifest', root])
    return {root, remove}
  } catch (error) {
    await remove()
    throw error
  }
}
