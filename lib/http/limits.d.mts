export declare const IMPORT_MAX_UPLOAD_BYTES: number;
export declare const MAX_BODY_BYTES: number;
