/**
 * Everything behind the admin token, as one router: the admin API under /admin/ and automx2's
 * /initdb/, with the OpenAPI document that describes both.
 */
import { requestFacts } from '../app/request-facts'
import { initdb } from '../seed/initdb'
import { adminRouter, declare } from './operation'
import { openApiDocument } from './openapi'
import { COMMON_ANSWERS } from './request'
import { admin } from './router'

export const adminApi = adminRouter()

declare(
  admin,
  { method: 'get', path: '/openapi.json', operationId: 'getOpenApi', summary: 'This document', tag: 'openapi', answers: { 200: { description: 'the OpenAPI 3.1 document', json: { type: 'object' } }, ...COMMON_ANSWERS } },
  (c) => {
    const facts = requestFacts(c)
    return c.json(openApiDocument(adminApi, `${facts.https ? 'https' : 'http'}://${facts.host}`))
  },
)
adminApi.route('/admin', admin)
adminApi.route('/', initdb)
