// Pieces every relay contract uses. The wire contracts in this folder are TypeBox schemas: the
// relay validates requests and documents itself (`/openapi.json`) with them, and the TypeScript
// types both sides use are derived from them (`Static<typeof …>`), so a contract is written once.
// The extension imports only the types, so no schema code reaches its bundle.
import { type TSchema, Type } from 'typebox';

/** Every refusal: `reason` is a sentence for the person who must fix it, `field` names what to fix. */
export const ErrorBody = Type.Object(
  {
    error: Type.String({ description: 'short code, e.g. `bad-request`, `unauthorized`, `not-found`' }),
    reason: Type.String(),
    field: Type.Optional(Type.String()),
  },
  { title: 'ErrorBody', description: 'The one error shape of the relay.' },
);

/** The `{ ok: true }` of a change that has nothing else to say. */
export const Ok = Type.Object({ ok: Type.Literal(true) });

/** A JSON Schema string for a JavaScript RegExp (the same pattern the code checks with). */
export function patterned(pattern: RegExp, options: { description?: string; maxLength?: number } = {}) {
  return Type.String({ pattern: pattern.source, ...options });
}

/** `T` or null: for fields the relay sends as null when it knows nothing. */
export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}
