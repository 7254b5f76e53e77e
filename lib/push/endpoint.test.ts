import { describe, expect, it } from 'vitest';
import { canonicalEndpoint } from './endpoint';

describe('canonical endpoints', () => {
  it('spells every form of one URL the same', () => {
    const one = 'https://127.0.0.1:4190/push/abc';
    for (const spelling of [
      'https://127.0.0.1:4190/push/abc',
      'https://127.0.0.1:04190/push/abc',
      'https://2130706433:4190/push/abc',
      'https://0x7f000001:4190/push/abc',
      'https://127.1:4190/push/abc',
      'https://0177.0.0.1:4190/push/abc',
      'https://127.0.0.1:4190/push/abc?',
      'https://127.0.0.1:4190/push/abc#fragment',
      'https://127.0.0.1:4190/push/./abc',
      'https://127.0.0.1:4190/push/x/../abc',
      'https://:@127.0.0.1:4190/push/abc',
      'HTTPS://127.0.0.1:4190/push/%61bc',
      'https://127.0.0.1:4190/push/ab%63',
    ]) {
      expect(canonicalEndpoint(spelling), spelling).toBe(one);
    }
  });

  it('keeps real credentials, for the allowlist to refuse', () => {
    expect(canonicalEndpoint('https://user:pw@fcm.googleapis.com/x')).toBe('https://user:pw@fcm.googleapis.com/x');
  });

  it('drops the default port and lower-cases the host', () => {
    expect(canonicalEndpoint('https://FCM.GoogleAPIs.com:443/fcm/send/abc')).toBe('https://fcm.googleapis.com/fcm/send/abc');
  });

  it('drops any query on push services that identify subscriptions by path, keeps it elsewhere', () => {
    expect(canonicalEndpoint('https://fcm.googleapis.com/fcm/send/abc?x=1')).toBe('https://fcm.googleapis.com/fcm/send/abc');
    expect(canonicalEndpoint('https://updates.push.services.mozilla.com/wpush/v2/gAAA?x=2&y')).toBe('https://updates.push.services.mozilla.com/wpush/v2/gAAA');
    expect(canonicalEndpoint('https://web.push.apple.com/QGuQ?x=3')).toBe('https://web.push.apple.com/QGuQ');
    // WNS carries its token in the query.
    expect(canonicalEndpoint('https://wns2-par02p.notify.windows.com/w/?token=BQYAAA%2bb%2F')).toBe(
      'https://wns2-par02p.notify.windows.com/w/?token=BQYAAA%2Bb%2F',
    );
  });

  it('keeps escapes that mean something, in upper case', () => {
    expect(canonicalEndpoint('https://127.0.0.1:4190/a%2fb%3a')).toBe('https://127.0.0.1:4190/a%2Fb%3A');
  });

  it('is idempotent, and null for what is not a URL', () => {
    for (const e of ['https://127.1:04190/./x?#y', 'https://fcm.googleapis.com/fcm/send/a?b', 'https://x.notify.windows.com/w/?token=a%2b']) {
      const once = canonicalEndpoint(e)!;
      expect(canonicalEndpoint(once)).toBe(once);
    }
    expect(canonicalEndpoint('not a url')).toBeNull();
  });
});
