import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../main/db/database.ts';
import { createClaudeClient } from '../../../main/llm/claude-client.ts';
import { polishPrompts } from '../../../main/llm/polish-prompts.ts';
import { costUsd } from '../../../main/llm/pricing.ts';
import { batchLlmUsage } from '../../../main/llm/usage-repo.ts';
import { errorResponse, jsonMessageResponse, messageResponse, startClaudeServer, type ClaudeServer } from '../../fixtures/claude-server.ts';

let server: ClaudeServer;
let db: Database;
const dir = mkdtempSync(join(tmpdir(), 'aq-polish-'));

beforeAll(async () => {
  server = await startClaudeServer();
  db = openDatabase(join(dir, 'test.db'));
  db.prepare(`INSERT INTO batches (id, name, config, created_at, updated_at) VALUES ('b1', 'test', '{}', 0, 0)`).run();
});
afterEach(() => {
  expect(server.pending()).toBe(0); // every scripted response was consumed
  server.requests.length = 0;
});
afterAll(async () => {
  await server.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const client = () => createClaudeClient({ apiKey: 'sk-ant-test', baseURL: server.baseURL, maxRetries: 3 });
const inputs = [
  { row: 2, prompt: 'sword iron', lockedTerms: ['flat vector illustration'] },
  { row: 3, prompt: 'potion red' },
];

describe('Claude prompt polish against a local Messages API', () => {
  it('polishes with structured JSON, bounded tokens, and records usage and cost for the batch', async () => {
    server.enqueue(
      jsonMessageResponse(
        { prompts: [{ row: 2, prompt: 'an iron sword, flat vector illustration' }, { row: 3, prompt: 'a red potion bottle' }] },
        { inputTokens: 1200, outputTokens: 80 },
      ),
    );
    const out = await polishPrompts(inputs, { client: client(), db, batchId: 'b1' });
    expect(out.results.map((r) => [r.row, r.prompt, r.polished])).toEqual([
      [2, 'an iron sword, flat vector illustration', true],
      [3, 'a red potion bottle', true],
    ]);
    const req = server.requests[0]!;
    expect(req.path).toBe('/v1/messages');
    // SDK 1.x sends the key as a Bearer token; older ones used x-api-key.
    expect(req.headers['x-api-key'] ?? req.headers['authorization']).toMatch(/^(Bearer )?sk-ant-test$/);
    expect(req.body).toMatchObject({ model: 'claude-haiku-4-5', max_tokens: 496, output_config: { format: { type: 'json_schema' } } });
    expect(JSON.stringify(req.body?.['messages'])).toContain('flat vector illustration');
    expect(batchLlmUsage(db, 'b1')).toEqual({ requests: 1, inputTokens: 1200, outputTokens: 80, costUsd: costUsd('claude-haiku-4-5', 1200, 80) });
    expect(costUsd('claude-haiku-4-5', 1200, 80)).toBeCloseTo(0.0016, 10);
  });

  it('retries a 429 honouring retry-after, then succeeds', async () => {
    server.enqueue(errorResponse(429, { headers: { 'retry-after': '1' } }), jsonMessageResponse({ prompts: [{ row: 3, prompt: 'a red potion' }] }));
    const t0 = Date.now();
    const out = await polishPrompts([inputs[1]!], { client: client() });
    expect(out.results[0]).toMatchObject({ prompt: 'a red potion', polished: true });
    expect(server.requests).toHaveLength(2);
    const gap = server.requests[1]!.receivedAt - server.requests[0]!.receivedAt;
    expect(gap).toBeGreaterThanOrEqual(950);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('retries a 500 with backoff, then succeeds', async () => {
    server.enqueue(errorResponse(500), errorResponse(529, { headers: { 'retry-after-ms': '20' } }), jsonMessageResponse({ prompts: [{ row: 3, prompt: 'a potion' }] }));
    const out = await polishPrompts([inputs[1]!], { client: client() });
    expect(out.results[0]).toMatchObject({ prompt: 'a potion', polished: true });
    expect(server.requests).toHaveLength(3);
  });

  it('falls back to the original prompt on a malformed reply, a wrong shape or a dropped locked term', async () => {
    server.enqueue(messageResponse('Sure! Here are your prompts: sword, potion'));
    const bad = await polishPrompts(inputs, { client: client() });
    expect(bad.results.map((r) => [r.prompt, r.polished])).toEqual([
      ['sword iron', false],
      ['potion red', false],
    ]);
    expect(bad.results[0]?.error).toMatch(/^Claude reply was not valid JSON \(starts with "Sure! Here/);

    server.enqueue(jsonMessageResponse({ prompts: [{ row: 2, text: 'x' }] }));
    const shape = await polishPrompts([inputs[0]!], { client: client() });
    expect(shape.results[0]?.error).toMatch(/did not match the expected shape \(prompts\.0\.prompt/);

    server.enqueue(jsonMessageResponse({ prompts: [{ row: 2, prompt: 'an iron sword, painterly' }, { row: 3, prompt: 'red potion' }] }));
    const dropped = await polishPrompts(inputs, { client: client() });
    expect(dropped.results.map((r) => [r.prompt, r.polished, r.error])).toEqual([
      ['sword iron', false, "Claude dropped the locked term 'flat vector illustration'"],
      ['red potion', true, undefined],
    ]);
  });

  it('keeps originals when retries run out, and stops on a rejected key', async () => {
    server.enqueue(errorResponse(503, { headers: { 'retry-after-ms': '5' } }), errorResponse(503, { headers: { 'retry-after-ms': '5' } }));
    const out = await polishPrompts([inputs[1]!], { client: createClaudeClient({ apiKey: 'k', baseURL: server.baseURL, maxRetries: 1 }) });
    expect(out.results[0]).toMatchObject({ prompt: 'potion red', polished: false, error: expect.stringMatching(/^Claude API error 503/) });
    server.enqueue(errorResponse(401));
    await expect(polishPrompts([inputs[1]!], { client: client() })).rejects.toThrow(/API key was rejected \(401\)/);
  });
});
