// The dev environment's sign-in driver (scripts/lib/dev-sign-in.ts) against the real dev provider:
// `npm run dev:enrol` must refuse any provider that is not the dev one.
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_IDENTITIES, devIdentity, gb11643CheckDigit } from '../../scripts/lib/dev-identities.ts';
import { type RunningDevProvider, startDevOidcProvider } from '../../scripts/lib/dev-oidc-provider.ts';
import { notDevProvider } from '../../scripts/lib/dev-sign-in.ts';

let dev: RunningDevProvider;
let impostor: ReturnType<typeof createServer>;
let impostorUrl: string;

beforeAll(async () => {
  dev = await startDevOidcProvider({ port: 0, clients: [] });
  // A loopback OpenID provider that is not the dev one: discovery without the marker.
  impostor = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ issuer: impostorUrl, authorization_endpoint: `${impostorUrl}/auth` }));
  });
  await new Promise<void>((r) => impostor.listen(0, '127.0.0.1', r));
  const address = impostor.address();
  impostorUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await dev?.close();
  await new Promise((r) => impostor?.close(r));
});

describe('dev:enrol signs in only at the dev provider', () => {
  it('accepts the dev provider', async () => {
    expect(await notDevProvider(`${dev.url}/auth?client_id=x`)).toBeUndefined();
  });
  it('refuses a loopback provider whose discovery lacks the dev marker', async () => {
    expect(await notDevProvider(`${impostorUrl}/auth`)).toMatch(/does not say it is the Tricolor dev provider/);
  });
  it('refuses any provider over https or off loopback, without asking it anything', async () => {
    expect(await notDevProvider('https://id.example.gov.cn/auth')).toMatch(/not plain HTTP on loopback/);
    expect(await notDevProvider('http://10.0.0.8:8790/auth')).toMatch(/not plain HTTP on loopback/);
  });
});

describe('dev identities', () => {
  it('carry valid GB 11643 check digits, except the one that must be refused', () => {
    for (const p of DEV_IDENTITIES) {
      const valid = p.idNumber.at(-1) === gb11643CheckDigit(p.idNumber.slice(0, 17));
      expect([p.login, valid]).toEqual([p.login, p.login !== 'bad-check-digit']);
      expect(p.idNumber.slice(6, 14)).toBe(p.birthdate.replaceAll('-', ''));
    }
  });
  it('generates a stable person for gen-<name> and none for other logins', () => {
    expect(devIdentity('gen-alice')).toEqual(devIdentity('gen-alice'));
    expect(devIdentity('gen-alice')!.idNumber).not.toBe(devIdentity('gen-bob')!.idNumber);
    expect(devIdentity('mallory')).toBeUndefined();
  });
});
