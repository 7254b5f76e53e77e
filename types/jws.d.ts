declare module 'jws' {
  export function verify(signature: string, algorithm: string, secretOrKey: string | Buffer): boolean;
  export function decode(signature: string): { header: Record<string, unknown>; payload: string | Record<string, unknown>; signature: string } | null;
}
