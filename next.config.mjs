import { MAX_BODY_BYTES } from './lib/http/limits.mjs';

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // PGlite loads its wasm/data files from its package folder at run time, pg-boss and postgres.js
  // open sockets and keep module-level state: keep them out of the bundle.
  serverExternalPackages: ['@electric-sql/pglite', 'pg-boss', 'postgres', 'undici'],
  experimental: {
    // Room for a subscriber import upload plus the form around it; the front server (lib/http/front.mjs)
    // enforces the same number on the bytes actually read, chunked or not.
    serverActions: { bodySizeLimit: MAX_BODY_BYTES },
    authInterrupts: true,
  },
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
          // Pages also carry a CSP with frame-ancestors 'none' (proxy.ts); this covers everything else.
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
          { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
        ],
      },
    ];
  },
};
export default nextConfig;
