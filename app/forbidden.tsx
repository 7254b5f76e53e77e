import Link from 'next/link';
import { buttonClass } from '@/components/ui/button';

export default function Forbidden() {
  return (
    <main className="flex min-h-[60vh] flex-col items-center justify-center px-4 text-center">
      <p className="text-sm font-semibold text-brand-600">403</p>
      <h1 className="mt-2 text-2xl font-semibold">Your role does not open this page</h1>
      <p className="mt-2 max-w-md text-sm text-slate-500">Ask an admin or owner for a role with access if you need it.</p>
      <Link href="/admin" className={buttonClass('secondary', 'md', 'mt-6')}>
        Back to the dashboard
      </Link>
    </main>
  );
}
