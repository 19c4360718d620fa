// Build-time constants injected by vite.config.ts (`define`).

/** base64url of the pinned 32-byte root public key. */
declare const __TRICOLOR_ROOT_PUBLIC_KEY__: string;
/** hex kid of the pinned root. */
declare const __TRICOLOR_ROOT_KID__: string;
