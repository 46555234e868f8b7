import { describe, expect, it } from 'vitest';
import { hostAllowed } from '../../../main/server/host-check.ts';
import { parseRequestTarget } from '../../../main/server/request-target.ts';
import { tokenMatches } from '../../../main/server/session-token.ts';

describe('Host check (DNS rebinding)', () => {
  it('accepts only loopback names or the configured host, at our port', () => {
    for (const h of ['127.0.0.1:8080', 'localhost:8080', 'LOCALHOST:8080', '[::1]:8080']) expect(hostAllowed(h, '127.0.0.1', 8080), h).toBe(true);
    for (const h of [undefined, '', 'a b', '127.0.0.1', '127.0.0.1:80', 'evil.example:8080', '127.0.0.1.nip.io:8080', '192.168.1.5:8080', 'localhost:8080 x', `${'a'.repeat(400)}:8080`, '127.0.0.1:99999']) {
      expect(hostAllowed(h, '127.0.0.1', 8080), String(h)).toBe(false);
    }
    expect(hostAllowed('studio.lan:8080', 'studio.lan', 8080)).toBe(true);
  });

  it('behind 0.0.0.0 any IP literal is accepted (an IP cannot be rebound), a name is not', () => {
    expect(hostAllowed('192.168.1.5:8080', '0.0.0.0', 8080)).toBe(true);
    expect(hostAllowed('[fe80::1]:8080', '::', 8080)).toBe(true);
    expect(hostAllowed('evil.example:8080', '0.0.0.0', 8080)).toBe(false);
  });
});

describe('request targets and tokens', () => {
  it('parses origin-form targets only', () => {
    expect(parseRequestTarget('/files/a.png?x=1')?.pathname).toBe('/files/a.png');
    for (const t of [undefined, '', '//', '//evil.example/x', '*', 'http://evil/', 'x', `/${'a'.repeat(9000)}`]) expect(parseRequestTarget(t), String(t)).toBeNull();
  });

  it('compares tokens exactly (constant time, any length)', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    for (const t of [null, undefined, '', 'ab', 'abcd', 'abd']) expect(tokenMatches(t, 'abc')).toBe(false);
  });
});
