import type { Metadata } from 'next';
import { Badge } from '@/components/ui/badge';
import { Card, SectionCard } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { Table, TBody, Td, Th, THead } from '@/components/ui/table';
import { Time } from '@/components/ui/time';
import { can, manageableRoles, roleDescription, roleLabel, ROLES } from '@/lib/auth/roles';
import { requirePageCtx } from '@/server/auth/session';
import { listUsers } from '@/server/users/queries';
import { AddMemberForm } from './_components/add-member-form';
import { CreateUserForm } from './_components/create-user-form';
import { UserRowActions } from './_components/user-row-actions';

export const metadata: Metadata = { title: 'Users' };

export default async function UsersPage() {
  const ctx = await requirePageCtx('users.read', '/admin/users');
  const users = await listUsers(ctx);
  const mayManage = can(ctx.actor.role, 'users.manage');
  const grantable = manageableRoles(ctx.actor.role);

  return (
    <>
      <PageHeader
        title="Users"
        description="The people of this project and what each of them may do here; owners administer every project. Someone can belong to several projects, with a role in each."
      />
      <div className="grid gap-6 xl:grid-cols-[1fr_22rem]">
        <Card>
          <Table>
            <THead>
              <tr>
                <Th>User</Th>
                <Th>Role</Th>
                <Th>Status</Th>
                <Th>Last sign-in</Th>
                {mayManage && <Th className="text-right">Manage</Th>}
              </tr>
            </THead>
            <TBody>
              {users.map((u) => {
                const self = u.id === ctx.actor.id;
                const editable = mayManage && !self && grantable.includes(u.role);
                return (
                  <tr key={u.id} data-testid={`user-row-${u.email}`}>
                    <Td>
                      <div className="font-medium text-slate-900">{u.name || u.email}</div>
                      {u.name && <div className="text-xs text-slate-500">{u.email}</div>}
                      {self && <div className="text-xs text-brand-600">You</div>}
                    </Td>
                    <Td>
                      <Badge tone={u.role === 'owner' ? 'brand' : u.role === 'admin' ? 'blue' : 'gray'} data-testid="role">
                        {roleLabel[u.role]}
                      </Badge>
                      {u.role === 'owner' && <div className="mt-0.5 text-xs text-slate-500">every project</div>}
                    </Td>
                    <Td>{u.disabledAt ? <Badge tone="red">Disabled</Badge> : <Badge tone="green">Active</Badge>}</Td>
                    <Td>
                      <Time value={u.lastLoginAt} />
                    </Td>
                    {mayManage && (
                      <Td className="text-right">
                        {editable ? (
                          <UserRowActions user={{ id: u.id, email: u.email, role: u.role, disabled: !!u.disabledAt }} grantable={grantable} />
                        ) : (
                          <span className="text-xs text-slate-400">{self ? 'Your account' : 'Owner only'}</span>
                        )}
                      </Td>
                    )}
                  </tr>
                );
              })}
            </TBody>
          </Table>
        </Card>
        <div className="space-y-6">
          {mayManage && (
            <SectionCard
              title="Add a user"
              description="A new account, a member of this project. They sign in with this e-mail and password; ask them to change the password afterwards."
            >
              <CreateUserForm grantable={grantable} />
            </SectionCard>
          )}
          {mayManage && (
            <SectionCard
              title="Add someone who has an account"
              description="People who already work in another project of this installation join this one with a role here."
            >
              <AddMemberForm grantable={grantable} />
            </SectionCard>
          )}
          <SectionCard title="Roles">
            <dl className="space-y-3 text-sm">
              {ROLES.map((r) => (
                <div key={r}>
                  <dt className="font-medium text-slate-900">{roleLabel[r]}</dt>
                  <dd className="text-slate-500">{roleDescription[r]}</dd>
                </div>
              ))}
            </dl>
          </SectionCard>
        </div>
      </div>
    </>
  );
}
