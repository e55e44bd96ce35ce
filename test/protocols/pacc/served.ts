/**
 * The exact bytes the service serves as PACC for `DRAFT_SEED` (test/seed/export.suite.ts): pinned,
 * so both targets are shown to serve the same bytes, and the JSON Schema test checks them too.
 */
export const SERVED_FOR_DRAFT_SEED =
  '{"protocols":{"imap":{"host":"imap.lakeview.example"},"submit":{"host":"smtp.lakeview.example"},' +
  '"jmap":{"url":"https://jmap.lakeview.example/.well-known/jmap"},"caldav":{"url":"https://dav.lakeview.example/calendars/"},' +
  '"webdav":{"url":"https://files.lakeview.example/dav/"}},' +
  '"authentication":{"password":true,"oauth-public":{"issuer":"https://login.lakeview.example"}},' +
  '"info":{"provider":{"name":"Lakeview Post","shortName":"Lakeview"},"help":{"documentation":"https://help.lakeview.example/mail-setup"}}}'
