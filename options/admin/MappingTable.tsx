// The extension ↔ user mapping: one row per agent, edited in place, added below, removed after a
// question. Every change goes to the relay at once and reaches the agents without a restart.
import { useState } from 'preact/hooks';
import { t } from '../../shared/ui/messageClient.ts';
import { ConfirmButton, ErrorNote } from './AdminBits.tsx';
import { AgentForm } from './AgentForm.tsx';
import type { AdminClient, AdminError } from './adminApi.ts';
import { type AgentView, draftFromAgent, draftToBody, EMPTY_DRAFT } from './adminModel.ts';

interface Props {
  client: AdminClient;
  agents: readonly AgentView[];
  /** Puts the relay's answer into the table (or reloads it). */
  onChanged: (agent?: AgentView, removed?: string) => void;
}

export function MappingTable({ client, agents, onChanged }: Props) {
  const [editing, setEditing] = useState<string | null>(null);
  const [rowError, setRowError] = useState<AdminError | null>(null);
  const users = agents.map((a) => a.user);

  const remove = async (user: string) => {
    const res = await client.removeAgent(user);
    setRowError(res.ok ? null : res.error);
    // Also after a refusal: the row may be gone already (another admin), and the reload shows it.
    onChanged(undefined, res.ok ? user : undefined);
  };

  return (
    <div class="admin-panel">
      <h3>{t('adminMappingTitle')}</h3>
      <p class="hint">{t('adminMappingHelp')}</p>
      <div class="admin-table-wrap">
        <table class="admin-table" data-testid="admin-agents">
          <thead>
            <tr>
              <th scope="col">{t('adminColUser')}</th>
              <th scope="col">{t('adminColName')}</th>
              <th scope="col">{t('adminColExtensions')}</th>
              <th scope="col">{t('adminColAgentIds')}</th>
              <th scope="col">{t('adminColCrmUserId')}</th>
              <th scope="col">{t('adminColTokens')}</th>
              <th scope="col">
                <span class="visually-hidden">{t('adminColActions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {agents.length === 0 && (
              <tr>
                <td colSpan={7} class="muted">
                  {t('adminNoAgents')}
                </td>
              </tr>
            )}
            {agents.map((agent) =>
              editing === agent.user ? (
                <tr key={agent.user} data-user={agent.user} class="admin-editing">
                  <td colSpan={7}>
                    <AgentForm
                      initial={draftFromAgent(agent)}
                      isNew={false}
                      users={users}
                      idPrefix="admin-edit"
                      submitLabel={t('adminSave')}
                      onCancel={() => setEditing(null)}
                      onSubmit={async (draft) => {
                        // `user` cannot change; an emptied name goes back to the user, as on add,
                        // and an emptied CRM user id is sent empty, which clears it.
                        const { user: _user, ...body } = draftToBody(draft);
                        const res = await client.changeAgent(agent.user, {
                          name: agent.user,
                          crmUserId: '',
                          ...body,
                        });
                        if (!res.ok) {
                          if (res.error.status === 404) onChanged();
                          return res.error;
                        }
                        setEditing(null);
                        onChanged(res.value);
                        return null;
                      }}
                    />
                  </td>
                </tr>
              ) : (
                <tr key={agent.user} data-testid="admin-agent-row" data-user={agent.user}>
                  <td dir="ltr" class="mono">
                    {agent.user}
                  </td>
                  <td dir="auto">{agent.name}</td>
                  <td dir="ltr" class="mono" data-testid="admin-agent-extensions">
                    {agent.extensions.join(', ')}
                  </td>
                  <td dir="ltr" class="mono">
                    {agent.agentIds.join(', ')}
                  </td>
                  <td dir="ltr" class="mono" data-testid="admin-agent-crm-user-id">
                    {agent.crmUserId ?? ''}
                  </td>
                  <td class="admin-num">{agent.tokens.length}</td>
                  <td class="admin-row-actions">
                    <button
                      type="button"
                      class="secondary"
                      data-testid="admin-edit"
                      onClick={() => {
                        setRowError(null);
                        setEditing(agent.user);
                      }}
                    >
                      {t('adminEdit')}
                    </button>
                    <ConfirmButton
                      label={t('adminRemove')}
                      question={t('adminRemoveQuestion', agent.user)}
                      confirmLabel={t('adminRemoveYes')}
                      testId="admin-remove"
                      onConfirm={() => remove(agent.user)}
                    />
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      </div>
      <ErrorNote error={rowError} testId="admin-row-error" />
      <h3>{t('adminAddTitle')}</h3>
      <AgentForm
        initial={EMPTY_DRAFT}
        isNew
        users={users}
        idPrefix="admin-add"
        submitLabel={t('adminAdd')}
        onSubmit={async (draft) => {
          const res = await client.addAgent(draftToBody(draft));
          if (!res.ok) return res.error;
          onChanged(res.value);
          return null;
        }}
      />
    </div>
  );
}
