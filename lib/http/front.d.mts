import type { IncomingMessage, ServerResponse } from 'node:http';
export declare const ALLOWED_METHODS: string[];
export declare const HSTS: string;
export declare function clientIp(req: IncomingMessage, hops: number): string;
export declare function front(req: IncomingMessage, res: ServerResponse, opts?: { hops?: number; maxBodyBytes?: number }): boolean;
