// Realistic contact directories for the sync and matching benchmarks: companies with many people,
// Turkish, Russian, German and Iranian numbers written the ways people write them, shared
// switchboard numbers (one number, several contacts) and some rows without any phone.
//   node --import tsx bench/contacts/generate.ts 100000 > contacts.csv

/** A small deterministic PRNG, so every run benchmarks the same directory. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const digits = (r: () => number, n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');

/** One number in one of the formats a person might type, for one of four countries. */
export function phone(r: () => number): string {
  const kind = Math.floor(r() * 10);
  if (kind < 5) {
    const n = `5${digits(r, 9)}`; // TR mobile
    const f = Math.floor(r() * 4);
    if (f === 0) return `0${n}`;
    if (f === 1) return `0${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6, 8)} ${n.slice(8)}`;
    if (f === 2) return `+90 (${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6)}`;
    return n;
  }
  if (kind < 7) {
    const n = `9${digits(r, 9)}`; // RU mobile
    return r() < 0.5 ? `8 (${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6, 8)}-${n.slice(8)}` : `+7${n}`;
  }
  if (kind < 9) {
    const n = `30${digits(r, 7)}`; // DE Berlin landline
    return r() < 0.5 ? `0${n.slice(0, 2)} ${n.slice(2)}` : `+49 ${n.slice(0, 2)} ${n.slice(2)}`;
  }
  const n = `912${digits(r, 7)}`; // IR mobile
  return r() < 0.5 ? `0${n}` : `0098 ${n}`;
}

const FIRST = [
  'Ayşe',
  'Mehmet',
  'Elif',
  'Can',
  'Olga',
  'Ivan',
  'Anna',
  'Jonas',
  'Maryam',
  'Reza',
  'Zeynep',
  'Hans',
];
const LAST = [
  'Yılmaz',
  'Demir',
  'Kaya',
  'Petrova',
  'Ivanov',
  'Müller',
  'Schmidt',
  'Ahmadi',
  'Karimi',
  'Şahin',
];
const CO = ['Lojistik', 'Yazılım', 'Gıda', 'Tekstil', 'Stroy', 'Handel', 'Sanat', 'Pars', 'Enerji', 'Tech'];

const csvField = (v: string) => (/[",\n;]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** `count` rows: about one company per 20 contacts, the rest people of those companies. */
export function* rows(count: number, seed = 42): Generator<string> {
  const r = rng(seed);
  yield 'id,kind,name,company_id,company,phones,owner,updated_at';
  let company = { id: '', name: '', switchboard: '' };
  for (let i = 0; i < count; i++) {
    const owner = `agent${Math.floor(r() * 50)}`;
    const updated = new Date(Date.UTC(2026, 0, 1) + Math.floor(r() * 3e10)).toISOString();
    if (i % 20 === 0) {
      company = {
        id: `C${i}`,
        name: `${LAST[i % LAST.length]} ${CO[Math.floor(r() * CO.length)]} ${i}`,
        switchboard: phone(r),
      };
      yield [
        company.id,
        'company',
        csvField(company.name),
        '',
        '',
        csvField(company.switchboard),
        owner,
        updated,
      ].join(',');
      continue;
    }
    const name = `${FIRST[Math.floor(r() * FIRST.length)]} ${LAST[Math.floor(r() * LAST.length)]}`;
    const phones = r() < 0.05 ? [] : [phone(r)];
    if (r() < 0.3) phones.push(phone(r));
    // Some people list the company switchboard too: one number, several contacts.
    if (r() < 0.1) phones.push(company.switchboard);
    yield [
      `P${i}`,
      'person',
      csvField(name),
      company.id,
      csvField(company.name),
      csvField(phones.join(';')),
      owner,
      updated,
    ].join(',');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const count = Number(process.argv[2] ?? 10000);
  for (const line of rows(count)) process.stdout.write(`${line}\n`);
}
