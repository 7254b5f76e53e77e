declare module 'http_ece' {
  import type { ECDH } from 'node:crypto';
  interface Params {
    version?: 'aes128gcm' | 'aesgcm' | 'aesgcm128';
    privateKey?: ECDH;
    dh?: Buffer | string;
    authSecret?: Buffer | string;
    salt?: Buffer | string;
    keyid?: string;
    key?: Buffer | string;
    rs?: number;
  }
  const ece: { decrypt(buffer: Buffer, params: Params): Buffer; encrypt(buffer: Buffer, params: Params): Buffer };
  export default ece;
}
