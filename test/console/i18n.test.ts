/** The console speaks English, Russian and Vietnamese: every key in all three, none empty, placeholders kept. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { en } from '../../console/src/i18n/en.js';
import { ru } from '../../console/src/i18n/ru.js';
import { vi } from '../../console/src/i18n/vi.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('ru and vi have exactly the English keys, each with a non-empty text and the same placeholders', () => {
  const keys = Object.keys(en).sort();
  for (const [name, dict] of [['ru', ru], ['vi', vi]] as const) {
    assert.deepEqual(Object.keys(dict).sort(), keys, `${name} keys`);
    for (const k of keys) {
      const text = (dict as Record<string, string>)[k]!;
      assert.ok(text.trim().length > 0, `${name}.${k} is empty`);
      assert.deepEqual(placeholders(text), placeholders((en as Record<string, string>)[k]!), `${name}.${k} placeholders`);
    }
  }
  for (const k of keys) assert.ok((en as Record<string, string>)[k]!.trim().length > 0, `en.${k} is empty`);
});

test('the translations are translations: most Russian texts are in Cyrillic, and the Vietnamese ones differ from English', () => {
  const keys = Object.keys(en) as Array<keyof typeof en>;
  const cyrillic = keys.filter((k) => /[А-Яа-яЁё]/.test(ru[k])).length;
  assert.ok(cyrillic / keys.length > 0.9, `${cyrillic} of ${keys.length} Russian texts in Cyrillic`);
  const same = keys.filter((k) => vi[k] === en[k] && en[k].length > 4);
  assert.deepEqual(same, [], 'Vietnamese texts left in English');
});
