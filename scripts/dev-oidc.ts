// The dev identity provider as a process of its own (scripts/dev.ts starts it in its own process
// group). Options: --port <n>, --redirect-uri <url> (repeatable). The client secret comes in the
// environment (DEV_OIDC_CLIENT_SECRET), never on the command line where `ps` would show it.

import { parseArgs } from 'node:util';
import { DEV_CLIENT_ID } from './lib/dev-identity-vars.ts';
import { startDevOidcProvider } from './lib/dev-oidc-provider.ts';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '8790' }, 'redirect-uri': { type: 'string', multiple: true, default: [] } },
});
const clientSecret = process.env.DEV_OIDC_CLIENT_SECRET;
if (!clientSecret) {
  process.stderr.write('dev-oidc: DEV_OIDC_CLIENT_SECRET is not set\n');
  process.exit(2);
}
const provider = await startDevOidcProvider({
  port: Number(values.port),
  clients: [{ clientId: DEV_CLIENT_ID, clientSecret, redirectUris: values['redirect-uri'] }],
});
process.stdout.write(`dev-oidc: dev identity provider at ${provider.url} (development only)\n`);
const stop = () => void provider.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
