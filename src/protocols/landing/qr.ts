/**
 * The landing page's QR code. A module of its own because only a page showing settings draws one:
 * route.ts imports it then, so uqr is not evaluated at every start-up (docs/ARCHITECTURE.md
 * "Start-up").
 */
import { renderSVG } from 'uqr'
import { HtmlFragment } from '../../markup/html'

/**
 * The QR code of the profile link as inline SVG (no request, so no CSP source). The library's
 * output is geometry only (the text is encoded in the path, never copied), so it is safe as markup.
 * Medium error correction and the standard four-module quiet zone: read from a screen at an angle.
 */
export function profileQrCode(url: string): HtmlFragment {
  return new HtmlFragment(renderSVG(url, { ecc: 'M', border: 4, pixelSize: 1 }))
}
