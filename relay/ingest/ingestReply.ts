// Refusals on the PBX-facing routes: in the shape the sender's own software understands
// (Netsantral reads `status`, ParsVT clients read `success`), always with our `error`, `reason` and
// `field`, and labelled on the request so every refusal is counted once in screenpop_rejects_total.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBody } from '../http/httpErrors.ts';
import type { PbxFormat } from './pbxSources.ts';

const ERROR_NAMES: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'rate-limited',
};

/** The error body in the format's own envelope. */
export function errorShape(format: PbxFormat | undefined, body: ErrorBody): Record<string, unknown> {
  if (format === 'netsantral') return { status: 'error', ...body };
  if (format === 'vtiger') return { success: false, ...body };
  return { ...body };
}

export function refuse(
  reply: FastifyReply,
  format: PbxFormat | undefined,
  status: number,
  label: string | null,
  reason: string,
  field?: string,
): FastifyReply {
  reply.request.rejectLabel = label;
  // One line per refusal, for the operator; reasons name sources and fields, never a secret.
  if (label) {
    const entry = { statusCode: status, label, reason, ...(field ? { field } : {}) };
    if (status === 401 || status === 403 || status === 429)
      reply.request.log.warn(entry, 'PBX request refused');
    else reply.request.log.info(entry, 'PBX request refused');
  }
  const body: ErrorBody = { error: ERROR_NAMES[status] ?? 'bad-request', reason };
  if (field) body.field = field;
  return reply.code(status).type('application/json; charset=utf-8').send(errorShape(format, body));
}

/** The metric label of a refused request (what `refuse` recorded, else one from the status); null: not a refusal. */
export function rejectLabel(request: FastifyRequest, status: number): string | null {
  const label = request.rejectLabel;
  if (label !== undefined) return label;
  if (status === 413) return 'too-large';
  if (status === 429) return 'rate-limited';
  return ERROR_NAMES[status] ?? 'bad-request';
}
