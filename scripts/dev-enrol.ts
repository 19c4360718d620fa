// `npm run dev:enrol -- <dev identity> [--url http://127.0.0.1:8787] [--symptoms] [--contact] [--high-risk]`
// Signs a dev identity (a seeded login such as wang-xiaoming, or any gen-<name>) in at the dev
// provider over plain HTTP, through the Worker's own sign-in, and prints the holder id, secret and
// token as JSON. It refuses any provider that is not the dev one (docs/identity.md).

import { parseArgs } from 'node:util';
import { beginSignIn, finishSignIn, holderSecretFrom, notDevProvider, signInAtProvider } from './lib/dev-sign-in.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8787' },
    symptoms: { type: 'boolean', default: false },
    contact: { type: 'boolean', default: false },
    'high-risk': { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  process.stderr.write(`dev:enrol: ${message}\n`);
  process.exit(1);
}

const login = positionals[0] ?? fail('name a dev identity, e.g. `npm run dev:enrol -- wang-xiaoming` (README "Dev identities")');
const worker = values.url.replace(/\/$/, '');
const start = await beginSignIn(fetch, worker, {
  symptoms: values.symptoms,
  contactWithCase: values.contact,
  fromHighRiskArea: values['high-risk'],
}).catch((e: unknown) => fail(`the Worker at ${worker} did not start a sign-in: ${e instanceof Error ? e.message : String(e)}`));

// Only the dev provider: plain HTTP on loopback, and its discovery document says so.
const refusal = await notDevProvider(start.authorizeUrl);
if (refusal) fail(`the Worker signs in at a provider that is not the dev one (${refusal}); dev:enrol works only against it`);

const back = await signInAtProvider(start.authorizeUrl, login).catch((e: unknown) =>
  fail(`the dev provider refused ${login}: ${e instanceof Error ? e.message : String(e)}`),
);
const callback = await finishSignIn(fetch, back, start.workerJar);
const secret = holderSecretFrom(callback);
if (!secret) fail(`sign-in refused: ${callback.headers.get('location') ?? callback.status}`);
const res = await fetch(`${worker}/v1/holders/me/token`, { headers: { authorization: `Bearer ${secret}` } });
const body = (await res.json()) as { holderId: string; token: string; status: unknown; exp: number };
if (!res.ok) fail(`token fetch failed: ${res.status} ${JSON.stringify(body)}`);
process.stdout.write(
  `${JSON.stringify({ holderId: body.holderId, secret, token: body.token, status: body.status, exp: body.exp }, null, 2)}\n`,
);
