import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Metrics } from '../../../relay/http/metrics.ts';
import { AUTH, pbxApp } from '../../fixtures/pbx/pbxApp.ts';

const PROMTOOL = process.env.PROMTOOL ?? '/usr/bin/promtool';
/** Set by .ci/run: a CI machine without promtool fails this check instead of skipping it. */
const PROMTOOL_REQUIRED = process.env.SCREENPOP_REQUIRE_PROMTOOL === '1';

describe('metrics', () => {
  it('renders counters, gauges and the delivery latency histogram in seconds', async () => {
    const m = new Metrics();
    m.events.inc({ source: 'logo', state: 'answered' });
    m.events.inc({ source: 'logo', state: 'answered' });
    m.connectedAgents.inc({ transport: 'ws' });
    m.observeDeliveryMs(3);
    m.observeDeliveryMs(700);
    const text = await m.render();
    expect(text).toContain('# TYPE screenpop_events_total counter');
    expect(text).toContain('screenpop_events_total{source="logo",state="answered"} 2');
    expect(text).toContain('screenpop_connected_agents{transport="ws"} 1');
    expect(text).toContain('# TYPE screenpop_delivery_latency_seconds histogram');
    expect(text).toContain('screenpop_delivery_latency_seconds_bucket{le="0.005"} 1');
    expect(text).toContain('screenpop_delivery_latency_seconds_bucket{le="1"} 2');
    expect(text).toContain('screenpop_delivery_latency_seconds_bucket{le="+Inf"} 2');
    expect(text).toContain('screenpop_delivery_latency_seconds_count 2');
    expect(text).toContain('screenpop_delivery_latency_seconds_sum 0.703');
    expect(text, 'no metric is in milliseconds any more').not.toMatch(/_ms\b/);
    expect(text).toContain('screenpop_contact_reload_failures_total 0');
    expect(await m.value('screenpop_events_total', { source: 'logo', state: 'answered' })).toBe(2);
  });

  it('adds the default process metrics, and two apps in one process keep their own counts', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.rejects.inc({ reason: 'unauthorized' });
    const [textA, textB] = [await a.render(), await b.render()];
    for (const text of [textA, textB]) {
      expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
      expect(text).toContain('nodejs_eventloop_lag_seconds');
      expect(text).toContain('process_resident_memory_bytes');
    }
    expect(textA).toContain('screenpop_rejects_total{reason="unauthorized"} 1');
    expect(textB).not.toContain('screenpop_rejects_total{reason="unauthorized"}');
  });

  it('escapes label values', async () => {
    const m = new Metrics();
    m.rejects.inc({ reason: 'bad "x"\n' });
    expect(await m.render()).toContain('screenpop_rejects_total{reason="bad \\"x\\"\\n"} 1');
  });

  it('reads the event log size when scraped', async () => {
    const m = new Metrics();
    let size = 3;
    m.trackEventLogSize(() => size);
    expect(await m.render()).toContain('screenpop_event_log_size 3');
    size = 5;
    expect(await m.render()).toContain('screenpop_event_log_size 5');
  });

  it('serves /metrics that `promtool check metrics` accepts, after some traffic', async () => {
    const have = existsSync(PROMTOOL);
    if (!have && PROMTOOL_REQUIRED)
      throw new Error(`${PROMTOOL} is missing and SCREENPOP_REQUIRE_PROMTOOL=1 (apt-get install prometheus)`);
    const relay = pbxApp({}, { contacts: true });
    try {
      const payload = { callId: 'c1', state: 'ringing', extension: '911', callerId: '05334979714' };
      const post = async (headers: Record<string, string>) =>
        (await relay.app.inject({ method: 'POST', url: '/v1/calls', headers, payload })).statusCode;
      expect(await post(AUTH)).toBe(200);
      expect(await post(AUTH), 'a retry: counted as a duplicate').toBe(200);
      expect(await post({})).toBe(401);
      relay.metrics.observeDeliveryMs(12);
      relay.metrics.connectedAgents.inc({ transport: 'ws' });
      const res = await relay.app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(res.body).toContain('screenpop_events_total{source="generic",state="ringing"} 1');
      expect(res.body).toContain('screenpop_duplicates_total{source="generic"} 1');
      expect(res.body).toContain('screenpop_rejects_total{reason="unauthorized"} 1');
      expect(res.body).toMatch(/^screenpop_event_log_size 1$/m);
      expect(res.body).toContain('process_start_time_seconds');
      if (!have) {
        process.stdout.write(`skipping promtool check: ${PROMTOOL} not found (apt-get install prometheus)\n`);
        return;
      }
      const check = spawnSync(PROMTOOL, ['check', 'metrics'], { input: res.body, encoding: 'utf8' });
      expect(`${check.stdout}${check.stderr}`, 'promtool reports no problem').toBe('');
      expect(check.status, 'promtool check metrics exits 0').toBe(0);
    } finally {
      await relay.close();
    }
  });
});
