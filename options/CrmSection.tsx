import { TEMPLATE_KEYS, type TemplateKey } from '../shared/actions.ts';
import { t } from '../shared/rpc.ts';
import { PLACEHOLDERS } from '../shared/template.ts';
import { TextField } from './Field.tsx';
import { templatePreview } from './form.ts';
import type { SettingsForm } from './useSettingsForm.ts';

const PLACEHOLDER_LIST = PLACEHOLDERS.map((p) => `{${p}}`).join(' ');

const EXAMPLES: Record<TemplateKey, string> = {
  card: 'https://crm.example.com/person?id={personId}',
  companyCard: 'https://crm.example.com/company?id={companyId}',
  quote: 'https://crm.example.com/quote/new?company={companyId}',
  ticket: 'https://crm.example.com/ticket/new?company={companyId}&phone={phone}',
  newContact: 'https://crm.example.com/contact/new?phone={phone}',
  search: 'https://crm.example.com/search?q={national}',
};

export function CrmSection({ bind, origin }: Pick<SettingsForm, 'bind' | 'origin'>) {
  return (
    <section aria-labelledby="sec-crm">
      <h2 id="sec-crm">{t('sectionCrm')}</h2>
      <TextField
        field="crm.origin"
        label={t('labelCrmOrigin')}
        bind={bind('crm.origin')}
        type="url"
        placeholder="https://crm.example.com"
        hint={t('crmOriginHelp')}
      />
      <h3>{t('labelTemplates')}</h3>
      <p class="hint" data-testid="placeholders-help">
        {t('templatesHelp')}{' '}
        <bdi dir="ltr" class="mono">
          {PLACEHOLDER_LIST}
        </bdi>
      </p>
      {TEMPLATE_KEYS.map((action) => (
        <TemplateField key={action} action={action} bind={bind} origin={origin} />
      ))}
    </section>
  );
}

function TemplateField({
  action,
  bind,
  origin,
}: { action: TemplateKey } & Pick<SettingsForm, 'bind' | 'origin'>) {
  const binding = bind(`crm.templates.${action}`);
  const preview = templatePreview(binding.value, origin);
  return (
    <TextField
      field={`crm.templates.${action}`}
      label={t(`action_${action}`)}
      bind={binding}
      placeholder={EXAMPLES[action]}
      hint={
        <span class="preview" data-testid={`preview-${action}`} data-ok={String(preview.kind === 'url')}>
          <span class="preview-label">{t('templatePreview')}</span>{' '}
          {preview.kind === 'url' ? (
            <bdi dir="ltr" class="mono">
              {preview.url}
            </bdi>
          ) : (
            <span class="muted">
              {preview.kind === 'empty' ? t('templateNotSet') : t('templatePreviewNone')}
            </span>
          )}
        </span>
      }
    />
  );
}
