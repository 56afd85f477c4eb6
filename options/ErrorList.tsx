import type { FieldError } from '../shared/settings.ts';
import { t } from '../shared/ui/messageClient.ts';
import { errorText } from '../shared/ui/uiText.ts';
import { describeField } from './form.ts';

/** Errors as "field: what to do" lines, for errors that have no field on the page to sit beside. */
export function ErrorList({ errors }: { errors: readonly FieldError[] }) {
  if (!errors.length) return null;
  return (
    <ul class="error-list">
      {errors.map((e) => (
        <li key={`${e.field}:${e.code}`} data-field={e.field}>
          {t('fieldErrorLine', [describeField(e.field, t), errorText(e.code, t)])}
        </li>
      ))}
    </ul>
  );
}
