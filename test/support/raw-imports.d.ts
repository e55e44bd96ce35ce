// Vite's `?raw` suffix imports a file's text (used for request fixtures in test/fixtures/).
declare module '*?raw' {
  const text: string
  export default text
}
