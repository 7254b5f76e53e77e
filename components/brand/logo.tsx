export function Logo({ className = 'size-8' }: { className?: string }) {
  return (
    <svg viewBox="0 0 64 64" className={className} aria-hidden>
      <rect width="64" height="64" rx="14" className="fill-brand-600" />
      <path d="M32 14a13 13 0 0 0-13 13v8.5l-4 6.5h34l-4-6.5V27a13 13 0 0 0-13-13Z" fill="#fff" />
      <circle cx="32" cy="47.5" r="4.5" fill="#fff" />
    </svg>
  );
}
