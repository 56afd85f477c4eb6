// The short guide `--print-setup` prints for someone trying ScreenPop for the first time:
// everything needed to see one call pop, in the order it is done.

export interface SetupInfo {
  url: string;
  pbxSecret: string;
  /** Where `npm run build:extension` writes the unpacked extension, and whether it exists yet. */
  distDir: string;
  distBuilt: boolean;
  /** The settings file to import in the options page, when one sits beside the config. */
  settingsFile: string | null;
  /** The relayUrl written in that settings file, to warn when it is not where we listen. */
  settingsRelayUrl: string | null;
  demoCrm: boolean;
}

export const LOGO_SAMPLE = {
  callUniqueId: 'A000001',
  extension: '911',
  agentId: '911',
  callerId: '05334979714',
  keypress: '1',
};

/** Single-quotes a value for a POSIX shell. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function setupGuide(info: SetupInfo): string {
  const lines = [
    '',
    `ScreenPop relay is listening on ${info.url}`,
    '',
    `1. Load the extension from ${info.distDir}${info.distBuilt ? '' : ' (not built yet: run `npm run build:extension`)'}`,
    '   chrome://extensions → Developer mode → Load unpacked → choose that folder.',
    '   Firefox: about:debugging → This Firefox → Load Temporary Add-on → the manifest.json in',
    `   ${info.distDir.replace(/dist\/?$/, 'dist-firefox')}`,
  ];
  if (info.settingsFile) {
    lines.push('2. Open the extension’s options page → Import settings → choose', `   ${info.settingsFile}`);
    if (info.settingsRelayUrl && info.settingsRelayUrl.replace(/\/$/, '') !== info.url)
      lines.push(`   Note: that file points at ${info.settingsRelayUrl}; change it to ${info.url} first.`);
  } else {
    lines.push(
      `2. In the extension’s options page, set the relay URL to ${info.url} and enter your agent token.`,
    );
  }
  lines.push(
    '3. Simulate a call answered on extension 911, as a PBX set up for Logo CRM sends it:',
    `   curl -sS -X POST ${shellQuote(`${info.url}/logocrm/Default.aspx/IPS_callAnswered`)} \\`,
    `     -H ${shellQuote(`Authorization: Bearer ${info.pbxSecret}`)} -H 'Content-Type: application/json' \\`,
    `     -d ${shellQuote(JSON.stringify(LOGO_SAMPLE))}`,
  );
  if (info.demoCrm)
    lines.push('   The demo CRM card of Ayşe Demir (IP Santral Firması) should open in the browser.');
  lines.push('', 'Stop the relay with Ctrl+C.', '');
  return lines.join('\n');
}
