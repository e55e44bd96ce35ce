/**
 * Reads the landing page's QR code back with an independent decoder (jsQR), so the tests check
 * what a phone would scan rather than how the encoder was called. The SVG (render.ts, uqr) is one
 * `<path>` of unit squares `M{x},{y}h1v1h-1z` in a square viewBox; it is rasterised here into RGBA
 * pixels, several per module. Host-neutral: used by the renderer tests and the route suite.
 */
import jsQR from 'jsqr'

const PIXELS_PER_MODULE = 4

/** The `<svg>…</svg>` of the page's QR code, or null when the page has none. */
export function qrSvgOf(page: string): string | null {
  const start = page.indexOf('<div class="qr-code"')
  if (start < 0) return null
  const svgStart = page.indexOf('<svg', start)
  const svgEnd = page.indexOf('</svg>', svgStart)
  return svgStart < 0 || svgEnd < 0 ? null : page.slice(svgStart, svgEnd + '</svg>'.length)
}

/** The text the QR code encodes, or null when jsQR finds none. */
export function decodeQrSvg(svg: string): string | null {
  const viewBox = /viewBox="0 0 (\d+) (\d+)"/.exec(svg)
  const path = /<path[^>]* d="([^"]*)"/.exec(svg)
  if (!viewBox || !path?.[1]) throw new Error('not a uqr SVG: no viewBox or path')
  const modules = Number(viewBox[1])
  const dark = new Set<string>()
  for (const square of path[1].matchAll(/M(\d+),(\d+)h1v1h-1z/g)) dark.add(`${square[1]},${square[2]}`)
  if (dark.size === 0) throw new Error('not a uqr SVG: no unit squares in the path')
  const side = modules * PIXELS_PER_MODULE
  const rgba = new Uint8ClampedArray(side * side * 4)
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const value = dark.has(`${Math.floor(x / PIXELS_PER_MODULE)},${Math.floor(y / PIXELS_PER_MODULE)}`) ? 0 : 255
      rgba.set([value, value, value, 255], (y * side + x) * 4)
    }
  }
  return jsQR(rgba, side, side)?.data ?? null
}

/** The text of the page's QR code, or null when the page shows none. */
export function decodePageQr(page: string): string | null {
  const svg = qrSvgOf(page)
  return svg === null ? null : decodeQrSvg(svg)
}
