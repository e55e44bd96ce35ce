#!/usr/bin/env node
// The ceiling of the Node entry for one case (started by bench/load.mjs, not by hand): a bare
// node:http server answering every request with the bytes the service answered once, status and
// headers included. Node adds Date, Connection and Keep-Alive itself, as it does for the service.
// Whatever the service spends above this is its own code: Hono, the adaptor, routing, rendering.
//
//   node bench/ceiling.mjs <answer.json> <port>
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'

const [file, port] = process.argv.slice(2)
const { status, headers, body } = JSON.parse(readFileSync(file, 'utf8'))
const bytes = Buffer.from(body, 'base64')
const server = createServer((request, response) => {
  // Read the body like the service does (POX sends one), then answer.
  request.resume()
  request.on('end', () => {
    response.writeHead(status, headers)
    response.end(bytes)
  })
})
server.listen(Number(port), '127.0.0.1')
process.once('SIGTERM', () => server.close(() => process.exit(0)))
