/**
 * Request size limits shared by the front server (server.mjs), Next's configuration
 * (next.config.mjs) and the import schema: one number each, in one place.
 */

/** A dashboard subscriber import file. */
export const IMPORT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** Any request body: the largest upload plus room for the form around it. */
export const MAX_BODY_BYTES = IMPORT_MAX_UPLOAD_BYTES + 1024 * 1024;
