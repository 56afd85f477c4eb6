// When and how a call opens its CRM tab, and how long the popup's queue keeps calls.

import { FOCUS_POLICIES, POP_ON, TAB_POLICIES } from '../shared/settings.ts';
import { t } from '../shared/ui/messageClient.ts';
import { SelectField, TextField } from './Field.tsx';
import type { SettingsForm } from './useSettingsForm.ts';

const choices = (prefix: string, values: readonly string[]) =>
  values.map((value) => ({ value, label: t(`${prefix}_${value}`) }));

export function PopSection({ bind }: Pick<SettingsForm, 'bind'>) {
  return (
    <section aria-labelledby="sec-pop">
      <h2 id="sec-pop">{t('sectionPop')}</h2>
      <SelectField
        field="popOn"
        label={t('labelPopOn')}
        bind={bind('popOn')}
        hint={t('popOnHelp')}
        options={choices('popOn', POP_ON)}
      />
      <SelectField
        field="tabPolicy"
        label={t('labelTabPolicy')}
        bind={bind('tabPolicy')}
        options={choices('tabPolicy', TAB_POLICIES)}
      />
      <SelectField
        field="focusPolicy"
        label={t('labelFocusPolicy')}
        bind={bind('focusPolicy')}
        options={choices('focusPolicy', FOCUS_POLICIES)}
      />
      <SelectField
        field="notifications"
        label={t('labelNotifications')}
        bind={bind('notifications')}
        options={choices('notifications', ['true', 'false'])}
      />
    </section>
  );
}

export function QueueSettingsSection({ bind }: Pick<SettingsForm, 'bind'>) {
  return (
    <section aria-labelledby="sec-queue">
      <h2 id="sec-queue">{t('sectionQueue')}</h2>
      <TextField field="queue.maxCalls" label={t('labelQueueMaxCalls')} bind={bind('queue.maxCalls')} />
      <TextField field="queue.maxAgeDays" label={t('labelQueueMaxAge')} bind={bind('queue.maxAgeDays')} />
    </section>
  );
}
