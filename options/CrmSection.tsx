import { TEMPLATE_KEYS, type TemplateKey } from '../shared/actions.ts';
import { PRESETS, type Preset, presetTemplates } from '../shared/presets.ts';
import { PLACEHOLDERS } from '../shared/template.ts';
import { t } from '../shared/ui/messageClient.ts';
import { SelectField, TextField } from './Field.tsx';
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
  const preset = (bind('crm.preset').value || 'custom') as Preset;
  return (
    <section aria-labelledby="sec-crm">
      <h2 id="sec-crm">{t('sectionCrm')}</h2>
      <SelectField
        field="crm.preset"
        label={t('labelCrmPreset')}
        bind={bind('crm.preset')}
        hint={t('presetHelp')}
        options={PRESETS.map((p) => ({ value: p, label: t(`preset_${p}`) }))}
      />
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
        <TemplateField key={action} action={action} bind={bind} origin={origin} preset={preset} />
      ))}
    </section>
  );
}

function TemplateField({
  action,
  bind,
  origin,
  preset,
}: { action: TemplateKey; preset: Preset } & Pick<SettingsForm, 'bind' | 'origin'>) {
  const binding = bind(`crm.templates.${action}`);
  // An empty field opens the preset's template: the preview shows what a call would really open.
  const fromPreset = presetTemplates(preset)[action];
  const preview = templatePreview(binding.value.trim() || fromPreset, origin);
  return (
    <TextField
      field={`crm.templates.${action}`}
      label={t(`template_${action}`)}
      bind={binding}
      placeholder={fromPreset ? t('templateFromPreset', fromPreset) : EXAMPLES[action]}
      hint={
        <span class="preview" data-testid={`preview-${action}`} data-ok={String(preview.kind === 'url')}>
          {action === 'companyCard' && <span class="preview-note">{t('companyCardHelp')} </span>}
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
