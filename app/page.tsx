import { redirect } from 'next/navigation';
import { getDb } from '@/db';
import { setupOpen } from '@/server/users/queries';

export const dynamic = 'force-dynamic';

export default async function Home() {
  redirect((await setupOpen(await getDb())) ? '/setup' : '/admin');
}
