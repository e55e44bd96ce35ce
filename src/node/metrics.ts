/**
 * The Node server's counters, in Prometheus' text format on GET /metrics (guarded by METRICS_TOKEN,
 * app/metrics.ts): prom-client, one registry per server, so that two servers in one process (the
 * tests) never share counts. Label values come from fixed lists (protocol, outcome, client family).
 */
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client'
import type { MetricsExposition, MetricsRecorder } from '../app/metrics'

/** Seconds; config answers take milliseconds, directory lookups and outages up to the timeouts. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

export function prometheusMetrics(): { readonly recorder: MetricsRecorder; readonly exposition: MetricsExposition } {
  const registry = new Registry()
  const requests = new Counter({
    name: 'mailconf_requests_total',
    help: 'Config requests answered, by protocol, outcome (ok, unknown_domain, bad_request, unavailable) and client family',
    labelNames: ['protocol', 'outcome', 'client_family'] as const,
    registers: [registry],
  })
  const duration = new Histogram({
    name: 'mailconf_request_duration_seconds',
    help: 'Time to answer a config request, by protocol',
    labelNames: ['protocol'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  })
  // The process's own health (CPU, memory, event-loop delay), as every Node exporter offers.
  collectDefaultMetrics({ register: registry, prefix: 'mailconf_' })
  return {
    recorder: {
      record({ protocol, outcome, clientFamily, durationMs }) {
        requests.inc({ protocol, outcome, client_family: clientFamily })
        duration.observe({ protocol }, durationMs / 1000)
      },
    },
    exposition: { contentType: registry.contentType, text: () => registry.metrics() },
  }
}
