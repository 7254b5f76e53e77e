import { Card, CardHeader } from '@/components/ui/card';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { Table, TBody, Td, Th, THead } from '@/components/ui/table';
import { Time } from '@/components/ui/time';
import type { listTokenKeys } from '@/server/api-keys/queries';
import { revokeTokenKeyAction } from '../actions';
import { AddTokenKeyForm } from './add-token-key-form';
import { CodeBlock } from './code-block';
import { Code } from './inline-code';
import { keyStatus, KeyStatusBadge } from './key-status';
import { RevokeButton } from './revoke-button';

/**
 * The keys signed tokens are verified with (the one from the environment first), the form that
 * adds one, and how to make a key pair and sign a token.
 */
export function TokenKeysSection({
  tokenKeys,
  now,
  examples,
}: {
  tokenKeys: Awaited<ReturnType<typeof listTokenKeys>>;
  now: Date;
  examples: { keygen: string; sign: string };
}) {
  const nowMs = now.getTime();
  const env = tokenKeys.environment;
  return (
    <Card className="min-w-0">
      <CardHeader
        title="Token verification keys"
        description={
          <>
            Signed tokens are ES256 JWTs with <Code>exp</Code>, <Code>topics</Code> and <Code>scope</Code> (<Code>broadcast</Code> to send,{' '}
            <Code>subscribe</Code> to let a visitor join private topics). A token is accepted when one of these keys verifies its signature.
          </>
        }
      />
      {tokenKeys.keys.length === 0 && !env ? (
        <EmptyState title="No verification keys yet">Add the public half of the key pair your service signs tokens with.</EmptyState>
      ) : (
        <Table>
          <THead>
            <tr>
              <Th>Name</Th>
              <Th>Fingerprint</Th>
              <Th>Added by</Th>
              <Th>Added</Th>
              <Th>Status</Th>
              <Th className="text-right">Manage</Th>
            </tr>
          </THead>
          <TBody>
            {env && (
              <tr data-testid="token-key-row" data-environment="">
                <Td>
                  <div className="font-medium text-slate-900">
                    <Code>JWT_PUBLIC_KEY_B64</Code>
                  </div>
                  <div className="mt-0.5 text-xs text-slate-500">From the environment</div>
                </Td>
                <Td>
                  <code className="font-mono text-xs text-slate-600" title={env.fingerprint} data-testid="fingerprint">
                    {env.fingerprint.slice(0, 16)}…
                  </code>
                </Td>
                <Td className="text-slate-500">Server configuration</Td>
                <Td className="text-slate-500">—</Td>
                <Td>
                  <Badge tone="green" data-testid="status">
                    Active
                  </Badge>
                </Td>
                <Td className="text-right text-xs whitespace-nowrap text-slate-500">Unset the variable to stop trusting it</Td>
              </tr>
            )}
            {tokenKeys.keys.map((k) => {
              const status = keyStatus(k, nowMs);
              return (
                <tr key={k.id} data-testid="token-key-row" data-key-id={k.id}>
                  <Td className="font-medium text-slate-900">{k.name}</Td>
                  <Td>
                    <code className="font-mono text-xs whitespace-nowrap text-slate-600" title={k.fingerprint} data-testid="fingerprint">
                      {k.fingerprint.slice(0, 16)}…
                    </code>
                  </Td>
                  <Td>
                    <div className="max-w-[12rem] truncate" title={k.createdByLabel}>
                      {k.createdByLabel}
                    </div>
                  </Td>
                  <Td>
                    <Time value={k.createdAt} />
                  </Td>
                  <Td>
                    <KeyStatusBadge status={status} />
                  </Td>
                  <Td className="text-right">
                    {status === 'revoked' ? (
                      <span className="text-xs text-slate-400">—</span>
                    ) : (
                      <RevokeButton
                        id={k.id}
                        label={k.name}
                        what="verification key"
                        consequence="Tokens it signed are refused at once."
                        action={revokeTokenKeyAction}
                      />
                    )}
                  </Td>
                </tr>
              );
            })}
          </TBody>
        </Table>
      )}
      <div className="grid gap-6 border-t border-slate-100 px-5 py-5 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <div className="min-w-0">
          <h3 className="mb-3 text-sm font-semibold text-slate-900">Add a verification key</h3>
          <AddTokenKeyForm />
        </div>
        <div className="min-w-0 space-y-4">
          <CodeBlock title="Make a key pair with openssl" code={examples.keygen}>
            Keep <Code>es256_private.pem</Code> with the program that signs; paste <Code>es256_public.pem</Code> here.
          </CodeBlock>
          <p className="text-sm text-slate-500">
            Like notiflux, Pushdeck also trusts the key in <Code>JWT_PUBLIC_KEY_B64</Code> (the base64 of the public PEM, e.g.{' '}
            <Code>base64 -w0 es256_public.pem</Code>) when it is set{env ? '; it is set on this server and listed above' : ''}.
          </p>
          <CodeBlock title="Sign a token (Node.js)" code={examples.sign}>
            Any JWT library that signs ES256 works the same way. Keep <Code>exp</Code> a few minutes ahead.
          </CodeBlock>
        </div>
      </div>
    </Card>
  );
}
