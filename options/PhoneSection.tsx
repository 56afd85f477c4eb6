import { getCountries } from 'libphonenumber-js';
import { useMemo } from 'preact/hooks';
import { t } from '../shared/ui/messageClient.ts';
import { SelectField } from './Field.tsx';
import { browserRegionName, regionOptions } from './regions.ts';
import type { SettingsForm } from './useSettingsForm.ts';

export function PhoneSection({ bind }: Pick<SettingsForm, 'bind'>) {
  const region = bind('defaultRegion');
  const regions = useMemo(
    () => regionOptions(getCountries(), browserRegionName(), new Intl.Collator().compare),
    [],
  );
  // Keep a value the list does not know visible (its error says what is wrong with it).
  const options = regions.some((r) => r.code === region.value)
    ? regions
    : [{ code: region.value, label: region.value }, ...regions];
  return (
    <section aria-labelledby="sec-phone">
      <h2 id="sec-phone">{t('sectionPhone')}</h2>
      <SelectField
        field="defaultRegion"
        label={t('labelDefaultRegion')}
        bind={region}
        hint={t('defaultRegionHelp')}
        options={options.map((r) => ({ value: r.code, label: r.label }))}
      />
    </section>
  );
}
