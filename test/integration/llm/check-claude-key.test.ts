import { afterEach, describe, expect, it } from 'vitest';
import { checkClaudeKey } from '../../../main/llm/check-claude-key.ts';
import { errorResponse, messageResponse, startClaudeServer, type ClaudeServer } from '../../fixtures/claude-server.ts';

let server: ClaudeServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe('checking a Claude key when it is entered (local Claude double)', () => {
  it('accepts a key Claude answers with one tiny request, and refuses one it rejects', async () => {
    server = await startClaudeServer([messageResponse('p'), errorResponse(401, { message: 'invalid x-api-key' })]);
    const good = await checkClaudeKey('sk-ant-good', { model: 'claude-haiku-4-5', baseURL: server.baseURL });
    expect(good).toMatchObject({ ok: true, reachable: true });
    expect(JSON.stringify(server.requests[0]!.headers)).toContain('sk-ant-good');
    expect(server.requests[0]!.body).toMatchObject({ max_tokens: 1, model: 'claude-haiku-4-5' });
    const bad = await checkClaudeKey('sk-ant-bad', { model: 'claude-haiku-4-5', baseURL: server.baseURL });
    expect(bad).toMatchObject({ ok: false, reachable: true });
    expect(bad.message).toMatch(/refused this key \(HTTP 401\)/);
    expect(server.requests).toHaveLength(2); // no retries
  });

  it('says so when Claude cannot be reached (not the key’s fault)', async () => {
    server = await startClaudeServer();
    const url = server.baseURL;
    await server.close();
    server = null;
    const r = await checkClaudeKey('sk-ant-x', { model: 'm', baseURL: url, timeoutMs: 3000 });
    expect(r).toMatchObject({ ok: false, reachable: false });
    expect(r.message).toMatch(/could not be reached/);
  });
});
