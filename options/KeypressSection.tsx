import { KEYPRESS_TARGETS, UNKNOWN_TARGETS } from '../shared/actions.ts';
import { t } from '../shared/ui/messageClient.ts';
import { SelectField } from './Field.tsx';
import { SHOWN_DIGITS } from './form.ts';
import type { SettingsForm } from './useSettingsForm.ts';

export function KeypressSection({ bind, form }: Pick<SettingsForm, 'bind' | 'form'>) {
  const targets = KEYPRESS_TARGETS.map((value) => ({ value, label: t(`action_${value}`) }));
  const others = Object.entries(form?.otherKeypress ?? {});
  return (
    <section aria-labelledby="sec-keypress">
      <h2 id="sec-keypress">{t('sectionKeypress')}</h2>
      <p class="hint">{t('keypressHelp')}</p>
      {SHOWN_DIGITS.map((digit) => (
        <SelectField
          key={digit}
          field={`keypressActions.${digit}`}
          label={t('labelKeypress', digit)}
          bind={bind(`keypressActions.${digit}`)}
          options={[{ value: '', label: t('keypressUseDefault') }, ...targets]}
        />
      ))}
      {others.length > 0 && (
        <p class="hint" data-testid="other-keypresses">
          {t(
            'keypressOthers',
            others.map(([digit, target]) => `${digit} → ${t(`action_${target}`)}`).join(', '),
          )}
        </p>
      )}
      <SelectField
        field="defaultAction"
        label={t('labelDefaultAction')}
        bind={bind('defaultAction')}
        hint={t('defaultActionHelp')}
        options={targets}
      />
      <SelectField
        field="unknownAction"
        label={t('labelUnknownAction')}
        bind={bind('unknownAction')}
        hint={t('unknownActionHelp')}
        options={UNKNOWN_TARGETS.map((value) => ({ value, label: t(`action_${value}`) }))}
      />
    </section>
  );
}
