// Pieces of route schemas many routes share: who may call (OpenAPI `security`), refusals in the
// one error shape, the cursor parameter. The security schemes themselves are in server/openApi.ts.
import { Type } from 'typebox';
import { ErrorBody } from '../../shared/wire/common.ts';

/** `security` of a route an agent token opens. */
export const AGENT_AUTH = [{ agentBearer: [] }];
/** `security` of the admin API. */
export const ADMIN_AUTH = [{ adminBearer: [] }];
/** `security` of a route anyone may call (health, pairing). */
export const NO_AUTH: Record<string, string[]>[] = [];

/** Refusals in the one error shape, by status. */
export function refusals(...codes: number[]): Record<number, typeof ErrorBody> {
  return Object.fromEntries(codes.map((code) => [code, ErrorBody]));
}

/** `?after=`: where an agent's feed resumes. */
export const CURSOR_QUERY = {
  after: Type.Optional(
    Type.String({ description: 'The id of the last event received; empty or absent for "from now".' }),
  ),
};
