import {fail, pass, type Report} from './report.js'

/** The parts of an add-on manifest (`addon-manifest.json`) a conformance run reads. */
export interface Manifest {
  id?: unknown
  api?: {
    version?: unknown
    config_vars_prefix?: unknown
    config_vars?: unknown
    password?: unknown
    sso_salt?: unknown
    regions?: unknown
    username?: unknown
    production?: {base_url?: unknown; sso_url?: unknown}
    test?: {base_url?: unknown; sso_url?: unknown} | string
  }
}

// The regions kensa knew; `*` allows them all.
const KNOWN_REGIONS = ['us', 'eu', 'frankfurt', 'oregon', 'tokyo', 'virginia', '*']
const CONFIG_VAR = /^[A-Z][0-9A-Z_]+$/

/** The slug upper-cased with `-` made `_`, unless the manifest names its own prefix. */
export function configPrefix(manifest: Manifest): string {
  const {config_vars_prefix: prefix} = manifest.api ?? {}
  if (typeof prefix === 'string' && prefix !== '') return prefix

  return String(manifest.id ?? '')
    .toUpperCase()
    .replaceAll('-', '_')
}

export function configVars(manifest: Manifest): string[] {
  const vars = manifest.api?.config_vars
  return Array.isArray(vars) ? vars.filter((name) => typeof name === 'string') : []
}

/** The manifest's own statements, as kensa checked them, plus what v3 adds. */
export async function checkManifest(report: Report, manifest: Manifest): Promise<void> {
  const api = manifest.api
  const isText = (value: unknown) => typeof value === 'string' && value.trim() !== ''

  await report.check('manifest: id is a non-blank string', () =>
    isText(manifest.id) ? pass() : fail('id is missing or blank'),
  )
  await report.check('manifest: api is an object', () =>
    typeof api === 'object' && api !== null && !Array.isArray(api)
      ? pass()
      : fail('api is missing or not an object'),
  )
  await report.check('manifest: api.version is "3"', () =>
    api?.version === '3' ? pass() : fail(`api.version is ${JSON.stringify(api?.version)}`),
  )
  await report.check('manifest: api.regions holds known regions, us or *', () => {
    const regions = api?.regions
    if (!Array.isArray(regions)) return fail('api.regions is not an array')
    const unknown = regions.filter((region) => !KNOWN_REGIONS.includes(region))
    if (unknown.length > 0) return fail(`unknown regions: ${unknown.join(', ')}`)
    if (!regions.includes('us') && !regions.includes('*')) return fail('neither us nor * listed')
    return pass()
  })
  await report.check('manifest: api.password is set', () =>
    isText(api?.password) ? pass() : fail('api.password is missing or blank'),
  )
  await report.check('manifest: api.sso_salt is set', () =>
    isText(api?.sso_salt) ? pass() : fail('api.sso_salt is missing or blank'),
  )
  await report.check('manifest: api.test and api.production are both set', () =>
    api?.test && api?.production ? pass() : fail('one of them is missing'),
  )
  await report.check('manifest: production base_url and sso_url use https', () => {
    const {base_url: base, sso_url: sso} = api?.production ?? {}
    const plain = Object.entries({base_url: base, sso_url: sso}).filter(
      ([, url]) => typeof url !== 'string' || !url.startsWith('https:'),
    )
    return plain.length === 0
      ? pass()
      : fail(`${plain.map(([name]) => name).join(' and ')} must start with https:`)
  })
  await report.check('manifest: config_vars are upper-case names with the prefix', () => {
    const vars = api?.config_vars
    if (vars === undefined) return pass('none listed')
    if (!Array.isArray(vars)) return fail('api.config_vars is not an array')
    const prefix = `${configPrefix(manifest)}_`
    const bad = vars.filter(
      (name) => typeof name !== 'string' || !CONFIG_VAR.test(name) || !name.startsWith(prefix),
    )
    return bad.length === 0
      ? pass(`prefix ${prefix}`)
      : fail(`${bad.map(String).join(', ')} must match ${CONFIG_VAR} and start with ${prefix}`)
  })
  await report.check('manifest: no deprecated api.username', () =>
    api?.username === undefined ? pass() : fail('api.username is set; remove it'),
  )
}
