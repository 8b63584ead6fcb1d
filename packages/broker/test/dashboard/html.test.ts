import {expect} from 'chai'
import {formatBytes, formatCount, formatTime} from '../../src/dashboard/format.js'
import {html} from '../../src/dashboard/html.js'

describe('the dashboard’s HTML', () => {
  it('escapes every interpolated value', () => {
    const name = `<script>alert("x")</script> & 'quotes'`

    expect(html`<p title="${name}">${name}</p>`.text).to.equal(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;">' +
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;</p>',
    )
  })

  it('keeps nested templates and lists as markup, and renders nothing for null or false', () => {
    const items = ['a<b', 'c'].map((item) => html`<li>${item}</li>`)

    expect(
      html`<ul>
          ${items}
        </ul>
        ${null}${false}${undefined}${0}`.text.replace(/\s+/g, ''),
    ).to.equal('<ul><li>a&lt;b</li><li>c</li></ul>0')
  })

  it('formats sizes as the AWS console does, counts with separators, and times in UTC', () => {
    expect([0, 1, 1023, 1024, 11_571_120, 5 * 1024 ** 4].map(formatBytes)).to.deep.equal([
      '0 bytes',
      '1 byte',
      '1023 bytes',
      '1.0 KB',
      '11.0 MB',
      '5.0 TB',
    ])
    expect(formatCount(10_000)).to.equal('10,000')
    expect(formatTime(new Date('2026-03-04T09:15:42Z'))).to.equal('2026-03-04 09:15 UTC')
  })
})
