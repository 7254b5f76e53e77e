import { Badge } from '@/components/ui/badge';

export type KeyStatus = 'active' | 'revoked' | 'expired';
const statusTone = { active: 'green', revoked: 'red', expired: 'yellow' } as const;
const statusLabel = { active: 'Active', revoked: 'Revoked', expired: 'Expired' } as const;

/** A key is revoked, past its expiry, or active. */
export function keyStatus(k: { revokedAt: Date | null; expiresAt?: Date | null }, now: number): KeyStatus {
  if (k.revokedAt) return 'revoked';
  if (k.expiresAt && k.expiresAt.getTime() <= now) return 'expired';
  return 'active';
}

export function KeyStatusBadge({ status }: { status: KeyStatus }) {
  return (
    <Badge tone={statusTone[status]} data-testid="status">
      {statusLabel[status]}
    </Badge>
  );
}
