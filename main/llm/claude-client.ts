import Anthropic from '@anthropic-ai/sdk';

export interface ClaudeClientOptions {
  apiKey: string;
  /** Tests point this at the local fake server (http://127.0.0.1:port). */
  baseURL?: string;
  /**
   * Retries on 408/409/429/5xx. We rely on the SDK's loop rather than our own: it already
   * honours `retry-after-ms` and `retry-after` (seconds or HTTP date) and otherwise backs off
   * exponentially 0.5 s → 8 s with jitter — exactly the policy we want, and tested against
   * the local server in test/integration/llm.
   */
  maxRetries?: number;
  timeoutMs?: number;
}

export function createClaudeClient(options: ClaudeClientOptions): Anthropic {
  return new Anthropic({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    maxRetries: options.maxRetries ?? 3,
    timeout: options.timeoutMs ?? 60_000,
  });
}
