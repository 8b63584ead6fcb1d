import type {Link, LinkInfo, LinkKind, LinkResult, TeamLink} from './broker.js'
import {color, printHeader, printObject, printTable} from './output.js'

export function linkedMessage(link: LinkResult): string {
  const {awsAccountId, created, team} = link
  if (!created) {
    return `Updated the link of team ${color.team(team.name)} to AWS account ${awsAccountId} (${credentialsOf(link)}). ${settingsSentence(link)}`
  }

  const next = color.code('heroku addons:create byo-s3')
  const through = link.kind === 'role' ? ` through role ${link.roleArn}` : ''
  return `Linked team ${color.team(team.name)} to AWS account ${awsAccountId}${through}. ${settingsSentence(link)} Developers can now run ${next}.`
}

function credentialsOf(link: Link): string {
  return link.kind === 'role' ? `role ${link.roleArn}` : `access key ${link.accessKeyId}`
}

/** What the link's settings mean for the next add-on, in one to three sentences. */
export function settingsSentence(link: Link): string {
  const where = link.region ? `in ${link.region}` : "in each app's own region"
  const onDestroy = link.onDeprovision === 'retain' ? 'keeps its bucket' : 'deletes its bucket'
  const policy = policySentence(link)
  return `New buckets are created ${where}, named ${bucketNamePattern(link)}; destroying an add-on ${onDestroy}.${policy ? ` ${policy}` : ''}`
}

/** The team's policy for add-on options, when it has one; empty for the defaults. */
function policySentence(link: Link): string {
  const forbidden = link.forbiddenOptions ?? []
  const forced = Object.entries(link.forcedOptions ?? {})
  return [
    link.allowPublic ? 'Add-ons may make public/ readable by anyone.' : '',
    link.allowAdopt
      ? 'Add-ons may adopt any existing bucket of the account with --bucket, getting a key to all its objects.'
      : '',
    forbidden.length > 0
      ? `Add-ons may not use ${forbidden.map((name) => `--${name}`).join(', ')}.`
      : '',
    forced.length > 0 ? `Every new add-on gets ${forcedFlags(forced)}.` : '',
  ]
    .filter(Boolean)
    .join(' ')
}

function forcedFlags(forced: [string, string][]): string {
  return forced.map(([name, value]) => `--${name} ${value}`).join(', ')
}

function bucketNamePattern(link: Link): string {
  return `${link.bucketPrefix}-<app>-<random>`
}

export function printLinks(links: TeamLink[]): void {
  printTable(links, [
    {get: (link) => link.team.name, header: 'Team'},
    {get: (link) => link.role ?? '', header: 'Role'},
    {get: (link) => (link.linked ? 'yes' : 'no'), header: 'Linked'},
    {get: (link) => kindName(link.kind), header: 'Kind'},
    {get: (link) => link.awsAccountId ?? '', header: 'AWS Account'},
  ])
}

function kindName(kind: LinkKind | null | undefined): string {
  if (kind === 'role') return 'IAM role'
  return kind === 'keys' ? 'access keys' : ''
}

function forcedOptionsText(forced: Record<string, string>): string {
  const entries = Object.entries(forced)
  return entries.length > 0 ? entries.map(([name, value]) => `${name}=${value}`).join(', ') : 'none'
}

export function printLinkInfo(link: LinkInfo): void {
  printHeader(`AWS link of team ${color.team(link.team.name)}`)
  printObject({
    Team: link.team.name,
    'AWS Account': link.awsAccountId,
    Kind: kindName(link.kind ?? 'keys'),
    Role: link.roleArn,
    'Access Key': link.accessKeyId,
    Region: link.region ?? "each app's own region",
    'Bucket Names': bucketNamePattern(link),
    'On Deprovision': link.onDeprovision,
    'Public Buckets': link.allowPublic ? 'allowed' : 'not allowed',
    'Adopt Buckets': link.allowAdopt ? 'allowed' : 'not allowed',
    'Forbidden Options': (link.forbiddenOptions ?? []).join(', ') || 'none',
    'Forced Options': forcedOptionsText(link.forcedOptions ?? {}),
    Buckets: link.bucketCount,
    'Linked By': link.linkedBy,
    'Linked At': link.linkedAt,
    'Verified At': link.verifiedAt,
    'Drift Check': doctorRunText(link.doctor),
  })
}

// Left out for a broker too old to say; null before the first check.
function doctorRunText(run: LinkInfo['doctor']): string | undefined {
  if (run === undefined) return undefined
  if (run === null) return 'not run yet'
  if (run.error !== null) return `${run.checkedAt}, could not run: ${run.error}`

  if (!run.problems) return `${run.checkedAt}, no problems`

  const problems = run.problems === 1 ? '1 problem' : `${run.problems} problems`
  return `${run.checkedAt}, ${problems}: run heroku byo-s3:doctor to see them`
}
