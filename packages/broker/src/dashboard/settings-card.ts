import {isDeepStrictEqual} from 'node:util'

import {type BucketSettings, DEFAULT_BUCKET_SETTINGS} from '../aws/bucket-settings.js'
import {DEFAULT_PLAN, PLANS} from '../plans/catalogue.js'
import {OPTION_NAMES} from '../provisioning/options.js'
import type {Resource} from '../storage/resources.js'
import {type Html, html} from './html.js'
import {type BucketPlace, changedRows, SETTING_ROWS} from './settings-rows.js'

/**
 * Where the bucket's settings stand. `settings` is what the plan and options ask for and
 * `appliedSettings` what was last written and read back; they differ while a plan change runs,
 * and after one failed.
 */
export type SettingsStatus =
  | {kind: 'adopted'}
  | {kind: 'creating' | 'in-place'; settings: BucketSettings}
  | {kind: 'changing'; settings: BucketSettings; wanted: BucketSettings}
  | {kind: 'failed'; settings: BucketSettings; wanted: BucketSettings; reason: string}

export function settingsStatus(addon: Resource): SettingsStatus {
  if (addon.adopted) return {kind: 'adopted'}

  // Add-ons created before settings were recorded have none; provisioning reads that as the
  // defaults, and so does this page.
  const wanted = addon.settings ?? DEFAULT_BUCKET_SETTINGS
  const applied = addon.appliedSettings
  if (!applied) {
    return {kind: addon.state === 'provisioned' ? 'in-place' : 'creating', settings: wanted}
  }
  if (isDeepStrictEqual(applied, wanted)) return {kind: 'in-place', settings: applied}
  if (addon.failureReason) {
    return {kind: 'failed', settings: applied, wanted, reason: addon.failureReason}
  }

  return {kind: 'changing', settings: applied, wanted}
}

/** The bucket's plan and settings, where a change of plan stands, and how to change them. */
export function settingsCard(addon: Resource): Html {
  const status = settingsStatus(addon)
  const plan = addon.plan ?? DEFAULT_PLAN
  const summary = PLANS.find(({slug}) => slug === plan)?.summary
  return html`<section class="card">
    <h2>Settings</h2>
    ${statusOf(status, plan, addon)}
    <dl>
      <dt>Plan</dt>
      <dd><code>${plan}</code>${summary && `: ${summary}`}</dd>
      <dt>Options</dt>
      <dd>${optionsOf(addon.options)}</dd>
      ${status.kind === 'adopted' ? adoptedRows(addon) : settingRows(status.settings, addon)}
    </dl>
    ${howToChange(addon, plan)}
  </section>`
}

function statusOf(status: SettingsStatus, plan: string, place: BucketPlace): Html | null {
  switch (status.kind) {
    case 'adopted':
      return html`<p>
        <span class="badge">adopted</span> The bucket existed before the add-on. byo-s3 never
        changes it and never deletes it or its objects, not even when the add-on is destroyed.
      </p>`
    case 'creating':
      return html`<p>
        <span class="badge busy">being applied</span> These settings are set on the bucket as it is
        created, and read back before the app gets its config vars.
      </p>`
    case 'in-place':
      return html`<p>
        <span class="badge ok">in place</span> byo-s3 set these on the bucket and read them back.
      </p>`
    case 'changing':
      return html`<p>
          <span class="badge busy">changing</span> byo-s3 is changing the bucket to the
          <code>${plan}</code> plan’s settings; this page reloads until they are in place. Until
          then the bucket keeps the settings below.
        </p>
        ${changesTable(status.settings, status.wanted, plan, place)}`
    case 'failed':
      return html`<p class="problem">
          <span class="badge bad">plan change failed</span> ${status.reason}
        </p>
        <p>
          The bucket keeps the settings below, and the app works as before. Once the cause is fixed,
          change to another plan and back to try again: changing to the plan the add-on has already
          does nothing.
        </p>
        ${changesTable(status.settings, status.wanted, plan, place)}`
  }
}

function changesTable(
  now: BucketSettings,
  wanted: BucketSettings,
  plan: string,
  place: BucketPlace,
) {
  const rows = changedRows(now, wanted, place).map(
    ({label, from, to}) =>
      html`<tr>
        <td>${label}</td>
        <td>${from}</td>
        <td>${to}</td>
      </tr>`,
  )
  return html`<table class="changes">
    <tr>
      <th>Setting</th>
      <th>Now</th>
      <th>With the <code>${plan}</code> plan</th>
    </tr>
    ${rows}
  </table>`
}

function settingRows(settings: BucketSettings, place: BucketPlace): Html {
  const rows = SETTING_ROWS.map(
    ({label, value}) =>
      html`<dt>${label}</dt>
        <dd>${value(settings, place)}</dd>`,
  )
  return html`${rows}
    <dt>Adopted bucket</dt>
    <dd>no: byo-s3 created it</dd>`
}

function adoptedRows(addon: Resource): Html {
  const kmsKeyArn = addon.settings?.kmsKeyArn
  return html`<dt>Adopted bucket</dt>
    <dd>yes</dd>
    <dt>Bucket settings</dt>
    <dd>
      versioning, lifecycle rules, CORS, public access and encryption are as the team set them in
      AWS
    </dd>
    ${
      kmsKeyArn &&
      html`<dt>KMS key</dt>
        <dd>the app’s key may use <code>${kmsKeyArn}</code></dd>`
    }`
}

/** The options in the order byo-s3 defines them, since the row's JSON keeps none. */
function optionsOf(options: Record<string, string>): Html | string {
  const rank = (name: string) => OPTION_NAMES.indexOf(name)
  const entries = Object.entries(options).sort(([a], [b]) => rank(a) - rank(b))
  if (entries.length === 0) return 'none: the plan’s settings as they are'

  return html`${entries.map(
    ([name, value], index) => html`${index > 0 && html`<br />`}<code>--${name} ${value}</code>`,
  )}`
}

function howToChange(addon: Resource, plan: string): Html {
  const app = addon.appName ?? 'APP'
  const others = PLANS.filter(
    (candidate) =>
      candidate.slug !== plan &&
      (!addon.adopted || isDeepStrictEqual(candidate.settings, DEFAULT_BUCKET_SETTINGS)),
  )
  const commands = others.map(
    ({slug, summary}, index) =>
      html`${index > 0 && ' or '}<code>${upgradeCommand(slug, app)}</code> (${summary})`,
  )
  const planChange =
    others.length === 0
      ? html`An adopted bucket keeps the <code>${plan}</code> plan; its settings are changed in AWS.`
      : html`Change the plan with ${commands}; the add-on’s options stay in force over the plan’s
        settings.`
  return html`<p class="note">
    ${planChange} Options are set when an add-on is created and cannot be changed afterwards;
    another add-on can have others, for example
    <code>heroku addons:create byo-s3 -a ${app} -- --versioning true</code>.
  </p>`
}

function upgradeCommand(slug: string, app: string): string {
  return `heroku addons:upgrade byo-s3:${slug} -a ${app}`
}
