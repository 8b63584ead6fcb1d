import {formatTime} from '../dashboard/format.js'
import {type Html, html} from '../dashboard/html.js'
import {layout} from '../dashboard/layout.js'
import type {bucketsOf, linkOf, linksOf} from '../admin-api/links.js'
import type {roleSetupOf} from '../admin-api/role-setup.js'
import type {verifyLink} from '../admin-api/verify.js'
import type {Team} from '../heroku/platform.js'

type TeamLinks = Awaited<ReturnType<typeof linksOf>>
type LinkState = Awaited<ReturnType<typeof linkOf>> | null
type Buckets = Awaited<ReturnType<typeof bucketsOf>>
type Verification = Awaited<ReturnType<typeof verifyLink>>
type RoleSetup = Awaited<ReturnType<typeof roleSetupOf>>

/** Under each refusal of /admin: the way back in. */
export const ADMIN_HELP = html`<div class="card">
  <p><a href="/admin">Back to your teams</a>, or sign in again there.</p>
  <p class="note">The same is possible in a terminal: <code>heroku byo-s3:links</code>.</p>
</div>`

export function notConfiguredPage(): string {
  return layout({
    title: 'Admin page not configured',
    body: html`<h1>Admin page not configured</h1>
      <p class="lede">This byo-s3 broker has no Heroku OAuth client for its admin page yet.</p>
      <div class="card">
        <p>The broker’s operator registers one, then sets its id and secret:</p>
        <p><code>heroku clients:create "byo-s3 admin" https://BROKER/admin/auth/callback</code></p>
        <p>
          <code>heroku config:set ADMIN_OAUTH_CLIENT_ID=… ADMIN_OAUTH_CLIENT_SECRET=…</code>
        </p>
        <p class="note">
          Team admins can link teams meanwhile with <code>heroku byo-s3:link</code>.
        </p>
      </div>`,
  })
}

export function signInPage(): string {
  return layout({
    title: 'Sign in',
    body: html`<h1>Link your teams to AWS</h1>
      <p class="lede">Sign in with Heroku to see your teams and link them to an AWS account.</p>
      <div class="card">
        <p><a class="button" href="/admin/auth/start">Sign in with Heroku</a></p>
        <p class="note">
          The page keeps your Heroku token for an hour, encrypted in a cookie of this browser only.
        </p>
      </div>`,
  })
}

function signOut(csrf: string): Html {
  return html`<form method="post" action="/admin/auth/sign-out">
    <input type="hidden" name="csrf" value="${csrf}" />
    <button type="submit" class="quiet">Sign out</button>
  </form>`
}

export function teamsPage(email: string, teams: TeamLinks, csrf: string): string {
  const rows = teams.map(
    (team) =>
      html`<tr>
        <td><a href="/admin/team/${encodeURIComponent(team.team.name)}">${team.team.name}</a></td>
        <td>${team.role ?? 'none'}</td>
        <td>${linkBadge(team.linked, team.kind)}</td>
        <td>${team.awsAccountId ? html`<code>${team.awsAccountId}</code>` : '—'}</td>
      </tr>`,
  )
  return layout({
    title: 'Your teams',
    body: html`<h1>Your teams</h1>
      <p class="lede">Signed in to Heroku as <strong>${email}</strong>.</p>
      <section class="card">
        ${
          teams.length === 0
            ? html`<p>You belong to no Heroku team. byo-s3 works for apps owned by teams.</p>`
            : html`<table>
                <tr>
                  <th>Team</th>
                  <th>Your role</th>
                  <th>Link</th>
                  <th>AWS account</th>
                </tr>
                ${rows}
              </table>`
        }
      </section>
      ${signOut(csrf)}`,
  })
}

function linkBadge(linked: boolean, kind: string | null): Html {
  if (!linked) return html`<span class="badge">not linked</span>`
  return html`<span class="badge ok">linked${kind === 'role' ? ' (role)' : ' (keys)'}</span>`
}

export interface TeamPageView {
  team: Team
  link: LinkState
  csrf: string
  /** Only for admins: members see the link's state alone. */
  buckets?: Buckets
  verification?: Verification
  roleSetup?: RoleSetup
}

export function teamPage(view: TeamPageView): string {
  const {team, link, csrf} = view
  const admin = team.role === 'admin'
  return layout({
    title: `Team ${team.name}`,
    body: html`<p><a href="/admin">← Your teams</a></p>
      <h1>Team ${team.name}</h1>
      <p class="lede">Your role: <strong>${team.role ?? 'none'}</strong></p>
      ${linkCard(link)} ${view.verification && verificationCard(view.verification)}
      ${
        admin
          ? html`${actionsCard(team, link, csrf)} ${linkForm(team, csrf)}
            ${view.roleSetup && roleSetupCard(view.roleSetup)} ${bucketsCard(view.buckets ?? [])}`
          : html`<p class="note">
              Only admins of team ${team.name} can link it, unlink it, verify it or see its buckets.
            </p>`
      }
      ${signOut(csrf)}`,
  })
}

function linkCard(link: LinkState): Html {
  if (!link) {
    return html`<section class="card">
      <h2>Link</h2>
      <p>
        ${linkBadge(false, null)} New add-ons of this team cannot be created until it is linked.
      </p>
    </section>`
  }

  return html`<section class="card">
    <h2>Link</h2>
    <dl>
      <dt>State</dt>
      <dd>${linkBadge(true, link.kind)}</dd>
      <dt>AWS account</dt>
      <dd><code>${link.awsAccountId}</code></dd>
      ${
        link.kind === 'role'
          ? html`<dt>Role</dt>
              <dd><code>${link.roleArn}</code></dd>`
          : html`<dt>Access key</dt>
              <dd><code>${link.accessKeyId}</code></dd>`
      }
      <dt>Linked by</dt>
      <dd>${link.linkedBy}, ${formatTime(link.linkedAt)}</dd>
      <dt>Add-ons using it</dt>
      <dd>${link.bucketCount}</dd>
      <dt>On deprovision</dt>
      <dd>${link.onDeprovision} the bucket</dd>
    </dl>
  </section>`
}

function actionsCard(team: Team, link: LinkState, csrf: string): Html {
  const base = `/admin/team/${encodeURIComponent(team.name)}`
  return html`<section class="card">
    <h2>Check and unlink</h2>
    <div class="actions">
      ${
        link &&
        html`<form method="post" action="${base}/verify">
          <input type="hidden" name="csrf" value="${csrf}" />
          <button type="submit">Verify the link</button>
        </form>`
      }
      <form method="post" action="${base}/role-setup">
        <input type="hidden" name="csrf" value="${csrf}" />
        <button type="submit" class="quiet">Show the role setup</button>
      </form>
      ${
        link &&
        html`<form method="post" action="${base}/unlink">
          <input type="hidden" name="csrf" value="${csrf}" />
          <button type="submit" class="quiet">Unlink</button>
        </form>`
      }
    </div>
    <p class="note">Unlinking is refused while the team has byo-s3 add-ons.</p>
  </section>`
}

function linkForm(team: Team, csrf: string): Html {
  return html`<section class="card">
    <h2>Link to AWS</h2>
    <form method="post" action="/admin/team/${encodeURIComponent(team.name)}/link" class="fields">
      <input type="hidden" name="csrf" value="${csrf}" />
      <p class="note">With an IAM user’s access key:</p>
      <label
        >Access key id
        <input name="accessKeyId" autocomplete="off" spellcheck="false" placeholder="AKIA…"
      /></label>
      <label
        >Secret access key
        <input name="secretAccessKey" type="password" autocomplete="new-password"
      /></label>
      <p class="note">Or with a role made from the role setup, in place of the keys:</p>
      <label
        >Role ARN
        <input
          name="roleArn"
          autocomplete="off"
          spellcheck="false"
          placeholder="arn:aws:iam::111122223333:role/…"
      /></label>
      <button type="submit">Link team ${team.name}</button>
    </form>
    <p class="note">
      byo-s3 checks the keys or the role with AWS before storing anything; the secret is stored
      encrypted and never shown again.
    </p>
  </section>`
}

function verificationCard(result: Verification): Html {
  const missing = result.missing
  return html`<section class="card">
    <h2>Verification</h2>
    <dl>
      <dt>Checked</dt>
      <dd>${formatTime(result.checkedAt)}</dd>
      <dt>AWS identity</dt>
      <dd><code>${result.arn}</code></dd>
      <dt>Permissions</dt>
      <dd>
        ${
          !result.permissionsChecked
            ? html`not checked: ${result.reason ?? 'unknown reason'}`
            : missing.length === 0
              ? html`<span class="badge ok">all granted</span>`
              : html`<span class="badge bad">missing</span> ${missing.map(
                    (action) => html`<code>${action}</code> `,
                  )}`
        }
      </dd>
    </dl>
  </section>`
}

function roleSetupCard(setup: RoleSetup): Html {
  const json = (value: unknown) => JSON.stringify(value, null, 2)
  return html`<section class="card">
    <h2>Role setup</h2>
    <p>
      Create role <code>${setup.rolePath}${setup.roleName}</code> in the team’s AWS account with
      these policies, then link with its ARN. External ID: <code>${setup.externalId}</code>
    </p>
    <h3>Trust policy</h3>
    <pre>${json(setup.trustPolicy)}</pre>
    <h3>Permissions policy</h3>
    <pre>${json(setup.permissionsPolicy)}</pre>
  </section>`
}

function bucketsCard(buckets: Buckets): Html {
  const rows = buckets.map(
    (bucket) =>
      html`<tr>
        <td>${bucket.app.name ?? '—'}</td>
        <td>${bucket.bucket ? html`<code>${bucket.bucket}</code>` : '—'}</td>
        <td>${bucket.region ?? '—'}</td>
        <td>${bucket.state}</td>
      </tr>`,
  )
  return html`<section class="card">
    <h2>Buckets</h2>
    ${
      buckets.length === 0
        ? html`<p>No add-on of this team has a bucket yet.</p>`
        : html`<div class="scroll">
            <table>
              <tr>
                <th>App</th>
                <th>Bucket</th>
                <th>Region</th>
                <th>State</th>
              </tr>
              ${rows}
            </table>
          </div>`
    }
  </section>`
}
