import { describe, expect, it } from 'vitest';
import { Metrics } from '../../../relay/http/metrics.ts';

describe('metrics', () => {
  it('renders counters, gauges and histograms in the Prometheus text format', () => {
    const m = new Metrics();
    m.inc('screenpop_events_total', { source: 'logo', state: 'answered' });
    m.inc('screenpop_events_total', { source: 'logo', state: 'answered' });
    m.add('screenpop_connected_agents', { transport: 'ws' }, 1);
    m.observe('screenpop_delivery_latency_ms', {}, 3);
    m.observe('screenpop_delivery_latency_ms', {}, 700);
    const text = m.render();
    expect(text).toContain('# TYPE screenpop_events_total counter');
    expect(text).toContain('screenpop_events_total{source="logo",state="answered"} 2');
    expect(text).toContain('screenpop_connected_agents{transport="ws"} 1');
    expect(text).toContain('screenpop_delivery_latency_ms_bucket{le="5"} 1');
    expect(text).toContain('screenpop_delivery_latency_ms_bucket{le="1000"} 2');
    expect(text).toContain('screenpop_delivery_latency_ms_bucket{le="+Inf"} 2');
    expect(text).toContain('screenpop_delivery_latency_ms_count 2');
    expect(text).toContain('screenpop_delivery_latency_ms_sum 703');
  });

  it('escapes label values', () => {
    const m = new Metrics();
    m.inc('screenpop_rejects_total', { reason: 'bad "x"\n' });
    expect(m.render()).toContain('screenpop_rejects_total{reason="bad \\"x\\"\\n"} 1');
  });
});
