// Local publish (`keys publish --local`): SIGNING_KEYS and TRUST_ROOT_PUBLIC_KEY into .dev.vars,
// keeping every other line, and the signed list into the local D1 through wrangler.

import type { LocalTargetOptions } from '../../keys/environment.ts';
import type { PublishTarget } from '../../keys/publication/publish.ts';
import { updateDotenvFile } from './dev-vars.ts';
import { insertLocalTrustList, localInstalledTrustList, localTrustListVersion } from './local-d1.ts';

export function localTarget(options: LocalTargetOptions): PublishTarget & { secretsChanged: boolean } {
  const target = {
    kind: 'local' as const,
    secretsChanged: false,
    installed: async () => {
      const version = await localTrustListVersion(options);
      return version === 0 ? { version } : { version, newest: await localInstalledTrustList(options) };
    },
    async install(publication: Parameters<PublishTarget['install']>[0]) {
      // Secrets first: the list may name an active key whose seed the Worker must already have.
      target.secretsChanged = await updateDotenvFile(options.devVarsPath, {
        SIGNING_KEYS: JSON.stringify(publication.signingKeys),
        TRUST_ROOT_PUBLIC_KEY: publication.rootPublicKey,
      });
      await insertLocalTrustList(options, publication.list, publication.cose, options.now);
    },
  };
  return target;
}
