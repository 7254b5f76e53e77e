import Link from 'next/link';
import { buttonClass } from '@/components/ui/button';

export default function NotFound() {
  return (
    <main className="flex min-h-[60vh] flex-col items-center justify-center px-4 text-center">
      <p className="text-sm font-semibold text-brand-600">404</p>
      <h1 className="mt-2 text-2xl font-semibold">There is nothing here</h1>
      <p className="mt-2 max-w-md text-sm text-slate-500">The page may have moved, or the link is mistyped.</p>
      <Link href="/" className={buttonClass('secondary', 'md', 'mt-6')}>
        Go to the start page
      </Link>
    </main>
  );
}
