// Vite's `?raw` suffix imports a file's text (used for the Autodiscover request fixtures in test/protocols/autodiscover/fixtures/).
declare module '*?raw' {
  const text: string
  export default text
}
