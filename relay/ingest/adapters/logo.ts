// Logo CRM's IP-PBX integration: the PBX posts
// {"callUniqueId":"A000001","extension":"911","agentId":"911","callerId":"05334979714","keypress":"1"}
// to …/Default.aspx/IPS_callAnswered when an agent answers (shared/reference/000_…txt).
import type { NewCallEvent } from '../../../shared/callEvent.ts';
import {
  type AdapterResult,
  adapt,
  asObject,
  checkRule,
  FieldError,
  optional,
  presentMaybeEmpty,
  RULES,
  required,
  withOptional,
} from './fields.ts';

export const LOGO_PATH_RE = /\/Default\.aspx\/IPS_callAnswered\/?$/i;

export function logoAdapter(raw: unknown): AdapterResult {
  return adapt(() => {
    const body = asObject(raw);
    const callId = required(body, 'callUniqueId', RULES.id);
    const agentId = optional(body, 'agentId', RULES.id);
    let extension = optional(body, 'extension', RULES.extension);
    if (!extension) {
      // Some PBXs only know the agent; Logo maps both to the same CRM user, so the agent id can
      // stand in for the extension.
      if (!agentId) throw new FieldError('extension', 'extension or agentId is required');
      extension = checkRule(agentId, 'agentId', RULES.extension);
    }
    const callerId = presentMaybeEmpty(body, 'callerId', RULES.phone);
    const keypress = optional(body, 'keypress', RULES.keypress);
    const event: Omit<NewCallEvent, 'at'> = {
      callId,
      state: 'answered',
      extension,
      callerId,
      direction: 'inbound',
      source: 'logo',
    };
    return withOptional(event, { agentId, keypress });
  });
}
