import type {RotationView} from '../rotation/rotation.js'
import type {Resource} from '../storage/resources.js'
import {formatBytes, formatCount, formatTime} from './format.js'
import {type Html, html} from './html.js'
import {layout} from './layout.js'
import {rotationCard} from './rotation-card.js'
import {settingsCard, settingsStatus} from './settings-card.js'
import type {UsageView} from './usage.js'

export interface DashboardView {
  addon: Resource
  usage: UsageView
  rotation: RotationView
  /** What the page's form carries to prove it came from this session's page. */
  csrfToken: string
}

/** The config vars Heroku sets on the app, and what each holds. */
const CONFIG_VARS: [string, string][] = [
  ['BYO_S3_BUCKET_NAME', 'the bucket’s name'],
  ['BYO_S3_AWS_REGION', 'the bucket’s region'],
  ['BYO_S3_AWS_ACCESS_KEY_ID', 'the access key id in use'],
  ['BYO_S3_AWS_SECRET_ACCESS_KEY', 'its secret, never shown here'],
]

const STATE_BADGES: Record<string, [string, string]> = {
  provisioned: ['ready', 'ok'],
  provisioning: ['being created', 'busy'],
}

/**
 * The add-on dashboard: what the bucket is, where it lives, what it holds, how it is set up, and
 * its keys.
 */
export function dashboardPage({addon, usage, rotation, csrfToken}: DashboardView): string {
  const title = addon.name ?? 'BYO S3 add-on'
  const app = addon.appName ?? 'your app'
  const ready = addon.state === 'provisioned'
  return layout({
    title,
    refreshSeconds: refreshSeconds(addon, rotation),
    body: html`<h1>${title}</h1>
      <p class="lede">An S3 bucket for <strong>${app}</strong>, in the team’s own AWS account.</p>
      ${bucketCard(addon, usage)} ${settingsCard(addon)} ${credentialsCard(addon, app)}
      ${ready && rotationCard(rotation, csrfToken)}`,
  })
}

/** While the bucket is being created or changed, or a new key checked, the page reloads itself. */
function refreshSeconds(addon: Resource, rotation: RotationView): number | undefined {
  if (rotation.state === 'rotating') return 5
  if (addon.state === 'provisioning') return 10
  if (settingsStatus(addon).kind === 'changing') return 10

  return undefined
}

function bucketCard(addon: Resource, usage: UsageView): Html {
  const {bucketName, region} = addon
  const [label, tone] = STATE_BADGES[addon.state] ?? [addon.state, 'bad']
  const consoleUrl = bucketName && region ? awsConsoleUrl(bucketName, region) : null
  return html`<section class="card">
    <h2>Bucket</h2>
    <dl>
      <dt>Name</dt>
      <dd>${bucketName ? html`<code>${bucketName}</code>` : 'not created yet'}</dd>
      <dt>Region</dt>
      <dd>${region ?? 'not chosen yet'}</dd>
      <dt>State</dt>
      <dd><span class="badge ${tone}">${label}</span></dd>
      <dt>Created</dt>
      <dd>${formatTime(addon.createdAt)}</dd>
      ${usageRows(usage)}
    </dl>
    ${
      consoleUrl &&
      html`<p class="note">
        <a href="${consoleUrl}" target="_blank" rel="noopener noreferrer"
          >Open the bucket in the AWS console</a
        >${addon.awsAccountId ? html` (AWS account <code>${addon.awsAccountId}</code>)` : null}
      </p>`
    }
  </section>`
}

function awsConsoleUrl(bucketName: string, region: string): string {
  const url = new URL(`https://s3.console.aws.amazon.com/s3/buckets/${bucketName}`)
  url.searchParams.set('region', region)
  return url.toString()
}

function usageRows(usage: UsageView): Html {
  if (usage.kind === 'not-yet') {
    return html`<dt>Objects</dt>
      <dd>The bucket is still being created.</dd>`
  }

  if (usage.kind === 'unavailable') {
    return html`<dt>Objects</dt>
      <dd class="problem">${usage.reason}</dd>`
  }

  const {objects, bytes, complete} = usage
  if (!complete) {
    return html`<dt>Objects</dt>
      <dd>more than ${formatCount(objects)} (counting stops there)</dd>
      <dt>Total size</dt>
      <dd>more than ${formatBytes(bytes)}</dd>`
  }

  return html`<dt>Objects</dt>
    <dd>${formatCount(objects)}</dd>
    <dt>Total size</dt>
    <dd>${formatBytes(bytes)}</dd>`
}

function credentialsCard(addon: Resource, app: string): Html {
  const rows = CONFIG_VARS.map(
    ([name, holds]) =>
      html`<tr>
        <td><code>${name}</code></td>
        <td>${holds}</td>
      </tr>`,
  )
  return html`<section class="card">
    <h2>Credentials</h2>
    <dl>
      <dt>Access key in use</dt>
      <dd>${addon.appAccessKeyId ? html`<code>${addon.appAccessKeyId}</code>` : 'none yet'}</dd>
    </dl>
    <p class="note">The app reads the bucket through these config vars:</p>
    <table>
      <tr>
        <th>Config var</th>
        <th>Holds</th>
      </tr>
      ${rows}
    </table>
    <p class="note">
      Read the secret with <code>heroku config:get BYO_S3_AWS_SECRET_ACCESS_KEY --app ${app}</code>.
      An add-on attached under another name (<code>--as</code>) has that name in place of
      <code>BYO_S3</code>.
    </p>
  </section>`
}
