import { Badge, type Tone } from '@/components/ui/badge';
import type { DeliveryStatus, Subscription } from '@/db/schema';

const statusTone: Record<Subscription['status'], Tone> = { active: 'green', expired: 'orange', unsubscribed: 'gray' };
export const statusLabel: Record<Subscription['status'], string> = { active: 'Active', expired: 'Expired', unsubscribed: 'Unsubscribed' };

export function SubscriberStatus({ status }: { status: Subscription['status'] }) {
  return (
    <Badge tone={statusTone[status]} data-testid="status">
      {statusLabel[status]}
    </Badge>
  );
}

const deliveryTone: Record<DeliveryStatus, Tone> = {
  queued: 'gray',
  sending: 'blue',
  sent: 'green',
  retrying: 'yellow',
  failed: 'red',
  expired: 'orange',
  skipped: 'gray',
};

export function DeliveryStatusBadge({ status }: { status: DeliveryStatus }) {
  return <Badge tone={deliveryTone[status]}>{status[0]!.toUpperCase() + status.slice(1)}</Badge>;
}

/** The short form of a subscriber id: UUIDv7 starts with the time, so the random tail tells them apart. */
export const shortId = (id: string) => `…${id.slice(-8)}`;
