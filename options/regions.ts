// The default-region select: every region libphonenumber knows, by name in the browser's language.

export interface RegionOption {
  code: string;
  label: string;
}

export function regionOptions(
  codes: readonly string[],
  displayName: (code: string) => string | undefined,
  compare: (a: string, b: string) => number,
): RegionOption[] {
  return codes
    .map((code) => {
      const name = displayName(code);
      return { code, label: name && name !== code ? `${name} (${code})` : code };
    })
    .sort((a, b) => compare(a.label, b.label));
}

/** Region names from Intl; undefined where the browser has none. */
export function browserRegionName(): (code: string) => string | undefined {
  let names: Intl.DisplayNames | null = null;
  try {
    names = new Intl.DisplayNames(undefined, { type: 'region' });
  } catch {
    // Without Intl.DisplayNames the codes alone still work.
  }
  return (code) => {
    try {
      return names?.of(code);
    } catch {
      return undefined;
    }
  };
}
