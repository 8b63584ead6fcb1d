import {createHash} from 'node:crypto'
import {Html, html} from './html.js'

const STYLE = `
:root { --ink: #1d2330; --muted: #5d6474; --line: #e2e5eb; --page: #f5f6f8; --accent: #5a3fa8;
  --ok: #17714a; --busy: #9a5800; --bad: #b42318 }
* { box-sizing: border-box }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: var(--page) }
.top { background: #2a1a52; color: #fff; padding: 12px 24px; font-weight: 600 }
main { max-width: 860px; margin: 0 auto; padding: 24px }
h1 { font-size: 22px; margin: 0 }
.lede { color: var(--muted); margin: 2px 0 20px }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 18px 24px;
  margin-bottom: 16px }
.card h2 { font-size: 16px; margin: 0 0 12px }
dl { display: grid; grid-template-columns: 190px 1fr; gap: 8px 16px; margin: 0 }
dt { color: var(--muted) }
dd { margin: 0; overflow-wrap: anywhere }
code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  background: #eff0f4; padding: 1px 5px; border-radius: 4px }
.badge { display: inline-block; padding: 0 10px; border-radius: 999px; font-size: 13px;
  font-weight: 600; background: #eceef3 }
.badge.ok { background: #e2f3ea; color: var(--ok) }
.badge.busy { background: #fff2dc; color: var(--busy) }
.badge.bad { background: #fde7e5; color: var(--bad) }
table { border-collapse: collapse; width: 100% }
th, td { text-align: left; padding: 6px 8px 6px 0; border-bottom: 1px solid var(--line) }
th { color: var(--muted); font-weight: 500 }
table.changes { margin-bottom: 16px }
.note { color: var(--muted); font-size: 14px; margin: 12px 0 0 }
.problem { color: var(--bad) }
form { margin: 16px 0 0 }
button { font: inherit; font-weight: 600; color: #fff; background: var(--accent); border: 0;
  border-radius: 6px; padding: 8px 16px; cursor: pointer }
button:disabled { background: #b8b0d4; cursor: default }
a { color: var(--accent) }
a.button { display: inline-block; color: #fff; background: var(--accent); border-radius: 6px;
  padding: 8px 16px; font-weight: 600; text-decoration: none }
button.quiet { color: var(--accent); background: #fff; border: 1px solid var(--accent) }
.actions { display: flex; flex-wrap: wrap; gap: 8px }
.actions form { margin: 0 }
.fields label { display: block; margin: 0 0 12px; color: var(--muted) }
.fields input { display: block; width: 100%; max-width: 460px; font: inherit; color: var(--ink);
  padding: 7px 9px; border: 1px solid var(--line); border-radius: 6px; margin-top: 4px }
pre { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #eff0f4;
  padding: 10px; border-radius: 6px; overflow-x: auto; user-select: all }
.scroll { overflow-x: auto }
@media (max-width: 600px) { dl { grid-template-columns: 1fr } dt { margin-top: 6px }
  main { padding: 16px 12px } .card { padding: 14px 14px } }
`

/** The Content-Security-Policy source that allows this stylesheet and no other inline style. */
export const STYLE_SOURCE = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`
// Built whole, so that no formatting of the template below changes the text the hash covers.
const STYLE_ELEMENT = new Html(`<style>${STYLE}</style>`)

export interface PageOptions {
  title: string
  body: Html
  /** Reload the page after this many seconds, while something it shows is still changing. */
  refreshSeconds?: number
}

/** A whole page: no script, no asset from elsewhere, one inline stylesheet. */
export function layout({title, body, refreshSeconds}: PageOptions): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        ${refreshSeconds ? html`<meta http-equiv="refresh" content="${refreshSeconds}" />` : null}
        <title>${title} · BYO S3</title>
        ${STYLE_ELEMENT}
      </head>
      <body>
        <div class="top">BYO S3</div>
        <main>${body}</main>
      </body>
    </html> `.text
}

/** How to get back to the dashboard, under every refusal it shows. */
const DASHBOARD_HELP = html`<div class="card">
  <p>
    To open the dashboard, go to your app's <strong>Resources</strong> tab in the Heroku Dashboard
    and click the BYO S3 add-on, or run:
  </p>
  <p><code>heroku addons:open byo-s3 --app YOUR-APP</code></p>
</div>`

/** A page with one message, for refusals and failures; it says how to get back in. */
export function messagePage(title: string, message: string, help: Html = DASHBOARD_HELP): string {
  return layout({
    title,
    body: html`<h1>${title}</h1>
      <p class="lede">${message}</p>
      ${help}`,
  })
}
