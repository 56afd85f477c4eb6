// "Send a test call": the relay appends an answered (and at once ended) call for this agent (POST
// /v1/diagnostics/test-call), which comes back over the agent's own stream and pops like any
// other; the answer is the trace of its answer once the worker has handled it.
import type { EventTrace } from '../shared/diagnostics.ts';
import type { Db } from './db.ts';
import { waitForTrace } from './eventTrace.ts';

const TEST_CALL_TIMEOUT_MS = 10_000;

export interface TestCallDeps {
  db: Db;
  fetch: typeof fetch;
  /** Null when the relay URL is not set (or unusable). */
  relayBase: string | null;
  token: string;
  timeoutMs?: number;
}

export interface TestCallResult {
  ok: boolean;
  /** A `_locales` key. */
  error?: string;
  trace?: EventTrace;
}

/** The `_locales` key for a refusal by the relay. */
function relayError(status: number): string {
  if (status === 401) return 'diagErrUnauthorized';
  if (status === 429) return 'diagErrRateLimited';
  return 'diagErrRelay';
}

export async function runTestCall(deps: TestCallDeps): Promise<TestCallResult> {
  if (!deps.relayBase || !deps.token) return { ok: false, error: 'diagErrNotConfigured' };
  let callId: string;
  try {
    const res = await deps.fetch(`${deps.relayBase}/v1/diagnostics/test-call`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${deps.token}`, 'Content-Type': 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(5_000),
    });
    if (!res.ok) return { ok: false, error: relayError(res.status) };
    const body = (await res.json()) as { callId?: unknown };
    if (typeof body.callId !== 'string') return { ok: false, error: 'diagErrRelay' };
    callId = body.callId;
  } catch {
    return { ok: false, error: 'diagErrNetwork' };
  }
  // The answer is the event that pops; the hangup right after it only ends the call.
  const trace = await waitForTrace(deps.db, callId, 'answered', {
    timeoutMs: deps.timeoutMs ?? TEST_CALL_TIMEOUT_MS,
  });
  if (!trace) return { ok: false, error: 'diagErrTimeout' };
  return trace.outcome === 'popped' ? { ok: true, trace } : { ok: false, error: trace.error, trace };
}
