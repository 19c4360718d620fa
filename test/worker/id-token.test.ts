// Hostile ID tokens, all minted by real OpenID providers (test/worker/identity-providers.ts) and
// then verified as the Worker's callback verifies them (worker/identity/id-token.ts). Each gets
// its own stable reason code; none reaches a holder (the callback only enrols after `ok`).
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { devIdToken, type RawClient } from '../../scripts/lib/dev-sign-in.ts';
import { configFor } from '../../worker/config.ts';
import { checkIdNumber } from '../../worker/identity/id-number.ts';
import { verifyIdToken } from '../../worker/identity/id-token.ts';
import { ProviderMetadataCache } from '../../worker/identity/provider.ts';
import { count } from './helpers.ts';

const idc = configFor(env).identity!;
const now = () => Math.floor(Date.now() / 1000);
const client = (providerUrl: string, clientId = idc.clientId, clientSecret = idc.clientSecret): RawClient => ({
  providerUrl,
  clientId,
  clientSecret,
  redirectUri: idc.redirectUri,
});
const trusted = client(env.OIDC_ISSUER!);

async function verify(token: string, o: { nonce?: string; at?: number } = {}) {
  const provider = await new ProviderMetadataCache().get(idc.issuer, now());
  return verifyIdToken(token, {
    keys: provider.keys,
    issuer: idc.issuer,
    clientId: idc.clientId,
    alg: idc.alg,
    nonce: o.nonce ?? 'n-1',
    now: o.at ?? now(),
    claims: idc.claims,
  });
}

const b64url = (text: string) => btoa(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
const part = (token: string, i: number) => JSON.parse(atob(token.split('.')[i]!.replaceAll('-', '+').replaceAll('_', '/')));

describe('ID token verification against the real provider', () => {
  it('accepts a genuine token and reads the verified person from it', async () => {
    const result = await verify(await devIdToken(trusted, 'wang-xiaoming', 'n-1'));
    expect(result).toEqual({ ok: true, person: { idNumber: '330106199003071236', name: '王小明', birthYear: 1990 } });
  });

  it.each([
    ['a tampered payload', 'id_token_signature'],
    ['alg none', 'id_token_alg'],
    ['HS256 keyed with the client secret', 'id_token_alg'],
  ])('refuses %s (%s)', async (what, reason) => {
    const genuine = await devIdToken(trusted, 'wang-xiaoming', 'n-1');
    const [h, p, s] = genuine.split('.');
    let forged: string;
    if (what === 'a tampered payload')
      forged = `${h}.${b64url(JSON.stringify({ ...part(genuine, 1), id_number: '330102198511200014' }))}.${s}`;
    else if (what === 'alg none') forged = `${b64url(JSON.stringify({ alg: 'none' }))}.${p}.`;
    else {
      const header = b64url(JSON.stringify({ alg: 'HS256' }));
      const key = await crypto.subtle.importKey(
        'raw',
        new TextEncoder().encode(idc.clientSecret),
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['sign'],
      );
      const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${header}.${p}`)));
      forged = `${header}.${p}.${b64url(String.fromCharCode(...mac))}`;
    }
    const holders = await count('holders');
    expect(await verify(forged)).toEqual({ ok: false, reason });
    expect(await count('holders')).toBe(holders);
  });

  it('refuses a token issued to another client of the same provider (id_token_audience)', async () => {
    const token = await devIdToken(
      client(env.OIDC_ISSUER!, env.TEST_OIDC_OTHER_CLIENT_ID, env.TEST_OIDC_OTHER_CLIENT_SECRET),
      'li-na',
      'n-1',
    );
    expect(part(token, 1).aud).toBe(env.TEST_OIDC_OTHER_CLIENT_ID);
    expect(await verify(token)).toEqual({ ok: false, reason: 'id_token_audience' });
  });

  it('refuses a token signed with the trusted keys under another issuer (id_token_issuer)', async () => {
    const token = await devIdToken(client(env.TEST_OIDC_SHARED_KEYS_URL), 'li-na', 'n-1');
    expect(await verify(token)).toEqual({ ok: false, reason: 'id_token_issuer' });
  });

  it('refuses a token from a second provider the Worker does not trust, even one naming the trusted issuer (id_token_signature)', async () => {
    const token = await devIdToken(client(env.TEST_OIDC_UNTRUSTED_URL), 'li-na', 'n-1');
    expect(part(token, 1).iss).toBe(idc.issuer);
    expect(await verify(token)).toEqual({ ok: false, reason: 'id_token_signature' });
  });

  it('refuses an expired token (id_token_expired) and one older than the sign-in can be (id_token_issued_at)', async () => {
    const token = await devIdToken(trusted, 'li-na', 'n-1');
    const { exp, iat } = part(token, 1);
    expect(await verify(token, { at: exp + 61 })).toEqual({ ok: false, reason: 'id_token_expired' });
    expect(await verify(token, { at: iat - 120 })).toEqual({ ok: false, reason: 'id_token_issued_at' });
  });

  it('refuses a replayed token: its nonce belongs to another sign-in (id_token_nonce)', async () => {
    const token = await devIdToken(trusted, 'li-na', 'n-earlier-sign-in');
    expect(await verify(token, { nonce: 'n-this-sign-in' })).toEqual({ ok: false, reason: 'id_token_nonce' });
  });
});

describe('ID numbers (GB 11643-1999)', () => {
  const gb = { kind: 'gb11643' } as const;
  it.each([
    ['11010519491231002X', true], // the standard's own example
    ['11010519491231002x', true],
    ['330106199003071236', true],
    ['330106199003071235', false], // check digit off by one
    ['110105194912310021', false],
    ['330108200202290034', false], // 29 February 2002 did not exist (its check digit is right)
    ['ZZZZ-0001', false],
    ['33010619900307123', false],
  ])('%s valid: %s', (idNumber, valid) => {
    expect(checkIdNumber(idNumber, gb).ok).toBe(valid);
  });

  it('names a wrong check digit apart from a malformed number', () => {
    expect(checkIdNumber('330106199003071235', gb)).toEqual({ ok: false, reason: 'id_number_check_digit' });
    expect(checkIdNumber('ZZZZ-0001', gb)).toEqual({ ok: false, reason: 'id_number_malformed' });
  });

  it('takes a deployment pattern instead when configured', () => {
    const passport = { kind: 'pattern', pattern: /^[A-Z]\d{8}$/u } as const;
    expect(checkIdNumber('e12345678', passport)).toEqual({ ok: true, idNumber: 'E12345678' });
    expect(checkIdNumber('330106199003071236', passport).ok).toBe(false);
  });
});
