import { describe, expect, it } from 'vitest';
import { isNonPublicAddress, PushAllowlist } from './allowlist';

const def = new PushAllowlist(undefined);

describe('push-service allowlist', () => {
  it.each([
    'https://fcm.googleapis.com/fcm/send/abc:def',
    'https://updates.push.services.mozilla.com/wpush/v2/gAAAA',
    'https://web.push.apple.com/QGuQyavXutnMH',
    'https://wns2-par02p.notify.windows.com/w/?token=BQYAAA',
    'https://android.googleapis.com/gcm/send/x',
  ])('allows the big push services: %s', (url) => {
    expect(def.check(url).ok).toBe(true);
  });

  it.each([
    ['http://fcm.googleapis.com/fcm/send/x', /https/],
    ['https://evil.example/push', /not a push service/],
    ['https://push.services.mozilla.com/x', /not a push service/], // wildcard needs a subdomain
    ['https://fcm.googleapis.com.evil.example/x', /not a push service/],
    ['https://fcm.googleapis.com:8443/x', /not a push service/],
    ['https://user:pw@fcm.googleapis.com/x', /credentials/],
    ['https://fcm.googleapis.com./x', /not a push service/],
    ['not a url', /valid URL/],
    ['javascript:alert(1)', /https/],
  ])('refuses %s', (url, reason) => {
    const r = def.check(url);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it.each([
    'https://127.0.0.1/x',
    'https://2130706433/x', // decimal
    'https://0x7f000001/x', // hex
    'https://0177.0.0.1/x', // octal
    'https://127.1/x', // short form
    'https://[::1]/x',
    'https://[::ffff:127.0.0.1]/x',
    'https://[::ffff:7f00:1]/x',
    'https://10.0.0.1/x',
    'https://169.254.169.254/latest/meta-data',
    'https://8.8.8.8/x', // even public IP literals need an explicit entry
  ])('refuses IP literals in every notation unless listed: %s', (url) => {
    expect(def.check(url).ok).toBe(false);
  });

  it('allows exactly the listed IP and port', () => {
    const list = new PushAllowlist('default, 127.0.0.1:8443, [::1]:9443');
    expect(list.check('https://127.0.0.1:8443/push/a').ok).toBe(true);
    expect(list.check('https://2130706433:8443/push/a').ok).toBe(true); // same address, another spelling
    expect(list.check('https://127.0.0.1:8444/push/a').ok).toBe(false);
    expect(list.check('https://127.0.0.2:8443/push/a').ok).toBe(false);
    expect(list.check('https://[::1]:9443/p').ok).toBe(true);
    expect(list.check('https://fcm.googleapis.com/x').ok).toBe(true);
  });

  it('allows any port only when an entry says :*', () => {
    const list = new PushAllowlist('127.0.0.1:*');
    expect(list.check('https://127.0.0.1:34567/push/a').ok).toBe(true);
    expect(list.check('https://127.0.0.1/push/a').ok).toBe(true);
    expect(list.check('https://10.0.0.1:34567/push/a').ok).toBe(false);
  });

  it('replaces the defaults when configured without "default"', () => {
    const list = new PushAllowlist('push.example.org');
    expect(list.check('https://push.example.org/x').ok).toBe(true);
    expect(list.check('https://fcm.googleapis.com/x').ok).toBe(false);
  });

  it('lets names resolve to private addresses only when listed exactly', () => {
    const list = new PushAllowlist('*.example.org, internal.example.net');
    expect(list.addressAllowed('a.example.org', '93.184.216.34')).toBe(true);
    expect(list.addressAllowed('a.example.org', '10.1.2.3')).toBe(false);
    expect(list.addressAllowed('a.example.org', '::ffff:192.168.0.1')).toBe(false);
    expect(list.addressAllowed('internal.example.net', '10.1.2.3')).toBe(true);
  });

  it('classifies addresses', () => {
    for (const ip of [
      '127.0.0.1',
      '10.9.9.9',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.1.1',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      '::ffff:10.0.0.1',
      '64:ff9b::7f00:1',
    ]) {
      expect(isNonPublicAddress(ip), ip).toBe(true);
    }
    for (const ip of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      expect(isNonPublicAddress(ip), ip).toBe(false);
    }
  });
});
