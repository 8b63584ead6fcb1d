import {createHash} from 'node:crypto'
import {MAX_UPLOAD_BYTES, type StoredFile, type UploadForm} from './bucket.js'
import {FIX_COMMAND} from './config.js'
import {html, Html} from './html.js'
import type {Problem} from './s3-errors.js'

const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}
h1{font-size:1.6rem;margin-bottom:.2rem}.muted{color:#666}
.note{padding:.8rem 1rem;border-radius:8px;margin:1rem 0;background:#eef6ee}
.problem{background:#fdecec}code{background:#f2f2f2;padding:0 .25rem;border-radius:4px}
table{width:100%;border-collapse:collapse}td,th{text-align:left;padding:.4rem;border-bottom:1px solid #ddd}
td form{display:inline}button{cursor:pointer}
`

// S3 fills in ${filename} itself; doing it here too gives the same key on S3-compatible servers
// that do not, and shows the key in the form before it is sent.
const SCRIPT = `
document.getElementById('upload').addEventListener('submit', function (event) {
  var file = event.target.elements.file.files[0]
  if (file) event.target.elements.key.value = file.name
})
`

// Built outside the page's template so that the text between the tags is exactly what the
// policy's hashes cover.
const STYLE_TAG = new Html(`<style>${STYLE}</style>`)
const SCRIPT_TAG = new Html(`<script>${SCRIPT}</script>`)

const sourceHash = (text: string) =>
  `'sha256-${createHash('sha256').update(text).digest('base64')}'`

/** The page's Content-Security-Policy: its own style and script only, forms to itself and S3. */
export function contentSecurityPolicy(uploadUrl?: string): string {
  const formTargets = ["'self'", uploadUrl ? new URL(uploadUrl).origin : ''].filter(Boolean)
  return [
    "default-src 'none'",
    `style-src ${sourceHash(STYLE)}`,
    `script-src ${sourceHash(SCRIPT)}`,
    `form-action ${formTargets.join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ')
}

export interface PageContent {
  bucket?: {name: string; region: string}
  missing?: string[]
  problem?: Problem
  notice?: string
  files?: StoredFile[]
  more?: boolean
  upload?: UploadForm
}

export function renderPage(content: PageContent): string {
  const {bucket} = content
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>file-drop</title>
        ${STYLE_TAG}
      </head>
      <body>
        <main>
          <h1>file-drop</h1>
          <p class="muted">
            ${bucket ? `Files in the bucket ${bucket.name} (${bucket.region})` : 'A byo-s3 bucket, once the add-on is attached'}
          </p>
          ${content.missing && missingSection(content.missing)}
          ${content.problem && problemSection(content.problem)}
          ${content.notice && html`<p class="note" role="status">${content.notice}</p>`}
          ${content.upload && uploadSection(content.upload)}
          ${content.files && filesSection(content.files, content.more === true)}
        </main>
        ${content.upload && SCRIPT_TAG}
      </body>
    </html> `.text
}

function missingSection(missing: string[]): Html {
  return html`<section class="note problem" role="alert">
    <h2>The bucket's config vars are not set</h2>
    <p>
      Missing: ${missing.map((name, index) => html`${index > 0 ? ', ' : ''}<code>${name}</code>`)}.
    </p>
    <p>
      The byo-s3 add-on sets them. Add it to this app with
      <code>${FIX_COMMAND} -a &lt;app&gt;</code>; the app must belong to a Heroku Team linked to an
      AWS account (a team admin runs <code>heroku byo-s3:link --team &lt;team&gt;</code> once).
      Heroku restarts the app with the new config vars.
    </p>
    <p>
      Running locally? Copy them with <code>heroku config -s -a &lt;app&gt; &gt; .env</code> and
      start with <code>node --env-file=.env dist/server.js</code>.
    </p>
  </section>`
}

function problemSection(problem: Problem): Html {
  return html`<p class="note problem" role="alert">
    ${problem.message} <span class="muted">(${problem.code})</span>
  </p>`
}

function uploadSection(upload: UploadForm): Html {
  // The file must be the form's last field: S3 ignores every field after it.
  const fields = Object.entries(upload.fields).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`,
  )
  return html`<section>
    <h2>Upload</h2>
    <form id="upload" method="post" action="${upload.url}" enctype="multipart/form-data">
      ${fields}
      <input type="file" name="file" required aria-label="File to upload" />
      <button type="submit">Upload</button>
    </form>
    <p class="muted">
      Up to ${MAX_UPLOAD_BYTES / 1024 / 1024} MB; the file goes straight from your browser to S3. A
      file with the same name replaces the old one.
    </p>
  </section>`
}

function filesSection(files: StoredFile[], more: boolean): Html {
  if (files.length === 0) return html`<p>No files yet.</p>`

  const rows = files.map(
    (file) =>
      html`<tr>
        <td><a href="/download?key=${encodeURIComponent(file.key)}">${file.key}</a></td>
        <td>${formatSize(file.size)}</td>
        <td>${file.lastModified?.toISOString().replace('T', ' ').slice(0, 16) ?? ''}</td>
        <td>
          <form method="post" action="/delete">
            <input type="hidden" name="key" value="${file.key}" /><button
              type="submit"
              aria-label="Delete ${file.key}"
            >
              Delete
            </button>
          </form>
        </td>
      </tr>`,
  )
  return html`<section>
    <h2>Files</h2>
    <table>
      <thead>
        <tr>
          <th>Name</th>
          <th>Size</th>
          <th>Uploaded (UTC)</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
    ${more && html`<p class="muted">Only the first ${files.length} files are listed.</p>`}
  </section>`
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(1)} ${units[unit]}`
}
