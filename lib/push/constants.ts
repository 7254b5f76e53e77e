/** Web Push limits and vocabularies, safe to import anywhere (including the browser bundle). */

export const RECORD_SIZE = 4096;
/** salt (16) + record size (4) + key id length (1) + sender public key (65). */
export const HEADER_BYTES = 16 + 4 + 1 + 65;
export const TAG_BYTES = 16;
/** The largest plaintext that fits one push message (RFC 8291 one record, 4096-byte bodies). */
export const MAX_PAYLOAD_BYTES = RECORD_SIZE - HEADER_BYTES - TAG_BYTES - 1;

export const URGENCIES = ['very-low', 'low', 'normal', 'high'] as const;
export type Urgency = (typeof URGENCIES)[number];
/** RFC 8030 §5.4: at most 32 characters of the URL- and filename-safe base64 alphabet. */
export const TOPIC_RE = /^[A-Za-z0-9_-]{1,32}$/;
/** Push services keep messages at most about four weeks. */
export const MAX_TTL_SECONDS = 28 * 24 * 3600;
