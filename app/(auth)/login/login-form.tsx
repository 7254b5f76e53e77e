'use client';
import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Field, Input } from '@/components/ui/form';
import { buttonClass } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';

function messageFor(code: string): string {
  if (code.startsWith('rate_limited')) {
    const seconds = Number(code.split(':')[1]) || 60;
    const minutes = Math.ceil(seconds / 60);
    return `Too many sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
  }
  if (code === 'disabled') return 'This account is disabled. Ask an admin or owner to enable it.';
  if (code === 'invalid' || code === 'CredentialsSignin') return 'Wrong e-mail or password.';
  return 'Sign-in is unavailable right now. Try again in a moment.';
}

export function LoginForm({ callbackUrl, notice }: { callbackUrl: string; notice?: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    setPending(true);
    setError(null);
    const res = await signIn('credentials', {
      redirect: false,
      email: String(data.get('email') ?? ''),
      password: String(data.get('password') ?? ''),
    }).catch(() => null);
    setPending(false);
    if (!res || res.error || !res.ok) {
      setError(messageFor(res?.error ?? 'unavailable'));
      (form.elements.namedItem('password') as HTMLInputElement | null)?.select();
      return;
    }
    // Only a same-origin path, computed on the server (no open redirect).
    router.replace(callbackUrl);
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} className="mt-6 space-y-4" noValidate>
      {notice && !error && <Notice tone="success">{notice}</Notice>}
      {error && (
        <Notice tone="error" data-testid="login-error">
          {error}
        </Notice>
      )}
      <Field label="E-mail" htmlFor="email">
        <Input name="email" type="email" autoComplete="username" required autoFocus />
      </Field>
      <Field label="Password" htmlFor="password">
        <Input name="password" type="password" autoComplete="current-password" required />
      </Field>
      <button type="submit" disabled={pending} aria-busy={pending} className={buttonClass('primary', 'md', 'w-full')}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
