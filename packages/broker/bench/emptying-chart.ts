/*
 * The emptying benchmark's chart: one horizontal bar per contender, its length the wall time,
 * labelled with the seconds, objects a second and requests made. Plain SVG written by hand: a
 * bar chart of four rows needs no charting library.
 */
import {escapeXml} from '../test/helpers/aws-xml.js'
import type {Contender} from './emptying.js'

const WIDTH = 760
const LABEL_WIDTH = 170
const BAR_HEIGHT = 26
const ROW_HEIGHT = 46
const TOP = 56
const BAR_SPACE = WIDTH - LABEL_WIDTH - 20
const COLOURS: Record<string, string> = {
  ours: '#2b6cb0',
  'ours, versioned': '#63b3ed',
  floor: '#718096',
  'aws-cli': '#dd6b20',
}

export function emptyingChart(
  contenders: Contender[],
  {awsCli, objects}: {awsCli: string | undefined; objects: number},
): string {
  const longest = Math.max(...contenders.map((contender) => contender.seconds))
  const height = TOP + contenders.length * ROW_HEIGHT + 40
  const rows = contenders.map((contender, n) => {
    const y = TOP + n * ROW_HEIGHT
    const length = Math.max(2, (contender.seconds / longest) * BAR_SPACE)
    const requests = [...contender.requests.values()].reduce((sum, count) => sum + count, 0)
    const figures =
      `${contender.seconds.toFixed(2)} s · ${Math.round(contender.objects / contender.seconds).toLocaleString('en')}/s · ` +
      `${requests.toLocaleString('en')} requests`
    // The figures sit inside a long bar and after a short one.
    const inside = length > BAR_SPACE * 0.6
    return [
      `<text x="${LABEL_WIDTH - 10}" y="${y + 18}" text-anchor="end">${escapeXml(contender.name)}</text>`,
      `<rect x="${LABEL_WIDTH}" y="${y}" width="${length.toFixed(1)}" height="${BAR_HEIGHT}" fill="${COLOURS[contender.name] ?? '#a0aec0'}"/>`,
      `<text x="${(inside ? LABEL_WIDTH + 8 : LABEL_WIDTH + length + 8).toFixed(1)}" y="${y + 18}"` +
        `${inside ? ' fill="#fff"' : ''}>${escapeXml(figures)}</text>`,
    ].join('\n  ')
  })
  const title = `Emptying ${objects.toLocaleString('en')} objects on a loopback S3: wall time (shorter is faster)`
  const note = `aws-cli: ${awsCli ?? 'not run'}; ${new Date().toISOString().slice(0, 10)}`
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="13">
  <rect width="100%" height="100%" fill="#fff"/>
  <text x="10" y="24" font-size="15" font-weight="bold">${escapeXml(title)}</text>
  ${rows.join('\n  ')}
  <text x="10" y="${height - 14}" font-size="11" fill="#4a5568">${escapeXml(note)}</text>
</svg>
`
}
