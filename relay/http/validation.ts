// Request validation by the route schemas (TypeBox, validated by Fastify's Ajv). A refusal names
// the field the way the rest of the relay does (`extensions[0]`, `phone`), so an admin or a PBX log
// reader sees what to fix in the same words whichever check caught it.
import type { FastifyServerOptions } from 'fastify';

interface SchemaError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** `/extensions/0` → `extensions[0]`; a missing property is named by itself. */
export function fieldOf(error: SchemaError): string | undefined {
  const parts = error.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
  if (error.keyword === 'required' && typeof error.params.missingProperty === 'string')
    parts.push(error.params.missingProperty);
  if (error.keyword === 'additionalProperties' && typeof error.params.additionalProperty === 'string')
    parts.push(error.params.additionalProperty);
  let field = '';
  for (const part of parts) field += /^\d+$/.test(part) ? `[${part}]` : field ? `.${part}` : part;
  return field || undefined;
}

function reasonOf(error: SchemaError, field: string | undefined, where: string): string {
  if (error.keyword === 'required') return `${field} is required`;
  if (error.keyword === 'additionalProperties') return `${field} is not a known field`;
  if (error.keyword === 'pattern') return `${field ?? where} has characters or a length that are not allowed`;
  return `${field ?? where} ${error.message ?? 'is not valid'}`;
}

/** A validation error with the field it is about, for errorHandler (httpErrors.ts). */
export class SchemaValidationError extends Error {
  readonly statusCode = 400;
  constructor(
    reason: string,
    readonly field: string | undefined,
  ) {
    super(reason);
  }
}

const WHERE: Record<string, string> = {
  body: '(body)',
  querystring: '(query)',
  params: '(path)',
  headers: '(headers)',
};

export const schemaErrorFormatter: NonNullable<FastifyServerOptions['schemaErrorFormatter']> = (
  errors,
  dataVar,
) => {
  const first = errors[0] as unknown as SchemaError | undefined;
  if (!first) return new SchemaValidationError('request is not valid', undefined);
  const where = WHERE[dataVar] ?? dataVar;
  // A whole body or query of the wrong kind is named as `(body)`, as the admin API always has.
  const field = fieldOf(first) ?? where;
  return new SchemaValidationError(reasonOf(first, field, where), field);
};

/**
 * Ajv as the relay needs it: unknown properties are refused by the handlers (naming them), not
 * silently removed; query values stay strings (a repeated parameter is an array, and refused).
 */
export const AJV_OPTIONS: FastifyServerOptions['ajv'] = {
  customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: false },
};
