import type {RotationView} from '../rotation/rotation.js'
import {formatTime} from './format.js'
import {type Html, html} from './html.js'

/** The rotation part of the dashboard: where the latest rotation stands, and the button. */
export function rotationCard(rotation: RotationView, csrfToken: string): Html {
  const running = rotation.state === 'rotating' || rotation.state === 'overlap'
  return html`<section class="card">
    <h2>Rotate credentials</h2>
    ${status(rotation)}
    <form method="post" action="/dashboard/rotate">
      <input type="hidden" name="csrf" value="${csrfToken}" />
      <button type="submit" ${running ? html` disabled` : null}>Rotate credentials</button>
    </form>
    <p class="note">
      Rotating creates a new access key and checks that it works, then sets it in
      <code>BYO_S3_AWS_ACCESS_KEY_ID</code> and <code>BYO_S3_AWS_SECRET_ACCESS_KEY</code>; Heroku
      restarts the app. The old key keeps working for a while, then is deleted.
    </p>
  </section>`
}

function status(rotation: RotationView): Html {
  const {state, accessKeyId, previousAccessKeyId, previousKeyDeletesAt} = rotation
  const key = (id: string | null) => (id ? html`<code>${id}</code>` : 'none')
  switch (state) {
    case 'rotating':
      return html`<p>
        <span class="badge busy">rotating</span> Started ${time(rotation.startedAt)}. A new key is
        being created and checked; this page reloads until it is in use.
      </p>`
    case 'overlap':
      return html`<p>
        <span class="badge ok">new key in use</span> The app now uses ${key(accessKeyId)}. The
        previous key ${key(previousAccessKeyId)} keeps working until ${time(previousKeyDeletesAt)},
        then it is deleted; rotate again after that.
      </p>`
    case 'failed':
      return html`<p>
          <span class="badge bad">rotation failed</span> ${rotation.failureReason ?? ''} The app
          uses ${key(accessKeyId)}. Try again.
        </p>
        ${previousAccessKeyId && leftOver(key(previousAccessKeyId))}`
    default:
      return rotation.finishedAt
        ? html`<p>Last rotated ${time(rotation.finishedAt)}.</p>`
        : html`<p>The key has not been rotated since the add-on was created.</p>`
  }
}

function leftOver(previousKey: Html | string): Html {
  return html`<p>The previous key ${previousKey} still exists; the next rotation deletes it.</p>`
}

function time(moment: string | null): string {
  return moment ? formatTime(moment) : 'at an unknown time'
}
