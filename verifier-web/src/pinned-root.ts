// The trust root pinned at build time (vite.config.ts): the only key a trust list may be signed by.
import { fromBase64Url } from '../../src/index.ts';

export const PINNED_ROOT_PUBLIC_KEY: Uint8Array = fromBase64Url(__TRICOLOR_ROOT_PUBLIC_KEY__);
export const PINNED_ROOT_KID: string = __TRICOLOR_ROOT_KID__;
