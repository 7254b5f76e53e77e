/** The LISTEN/NOTIFY channel that announces a newly published campaign (payload: its inbox seq). */
export const INBOX_CHANNEL = 'pushdeck_inbox';
