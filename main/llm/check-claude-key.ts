import Anthropic from '@anthropic-ai/sdk';
import { createClaudeClient } from './claude-client.ts';

export interface KeyCheck {
  /** true: Claude answered with this key; false: refused (bad key) or unreachable (see reachable). */
  ok: boolean;
  reachable: boolean;
  message: string;
}

/**
 * A test call with a key the user just entered: the smallest Messages request (1 output
 * token), no retries. A refused key (401/403) is reported so it is not stored; an unreachable
 * service is reported too but is not the key's fault.
 */
export async function checkClaudeKey(apiKey: string, opts: { model: string; baseURL?: string; timeoutMs?: number }): Promise<KeyCheck> {
  const client = createClaudeClient({ apiKey, ...(opts.baseURL ? { baseURL: opts.baseURL } : {}), maxRetries: 0, timeoutMs: opts.timeoutMs ?? 15_000 });
  try {
    await client.messages.create({ model: opts.model, max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] });
    return { ok: true, reachable: true, message: `Claude accepted the key (test call to ${opts.model}).` };
  } catch (err) {
    if (err instanceof Anthropic.AuthenticationError || err instanceof Anthropic.PermissionDeniedError) {
      return { ok: false, reachable: true, message: `Claude refused this key (HTTP ${err.status}): check that you copied the whole key and that it is active.` };
    }
    if (err instanceof Anthropic.APIConnectionError) {
      return { ok: false, reachable: false, message: 'Claude could not be reached to check the key (no connection); it was stored unchecked.' };
    }
    if (err instanceof Anthropic.APIError) {
      // Rate limits, overload, an unknown model: the key itself was accepted.
      return { ok: err.status === 429 || (err.status ?? 0) >= 500 || err.status === 404 || err.status === 400, reachable: true, message: `Claude answered the test call with HTTP ${err.status}: ${err.message}` };
    }
    return { ok: false, reachable: false, message: `the key could not be checked: ${err instanceof Error ? err.message : String(err)}` };
  }
}
