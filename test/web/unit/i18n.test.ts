import { describe, expect, test } from 'vitest';
import { REASON_CODES } from '../../../src/index.ts';
import { fillTemplate, pickLanguage, translateIn } from '../../../verifier-web/src/i18n/i18n.ts';
import { EN } from '../../../verifier-web/src/i18n/messages-en.ts';
import { ZH_CN } from '../../../verifier-web/src/i18n/messages-zh-cn.ts';
import { describeReason } from '../../../verifier-web/src/i18n/reasons.ts';

describe('language choice', () => {
  test('follows the browser: any Chinese tag gives zh-CN, otherwise English', () => {
    expect(pickLanguage(['zh-TW', 'en'], null)).toBe('zh-CN');
    expect(pickLanguage(['fr-FR', 'en-GB'], null)).toBe('en');
    expect(pickLanguage(['fr-FR'], null)).toBe('en');
  });

  test('a language picked with the switch wins over the browser', () => {
    expect(pickLanguage(['zh-CN'], 'en')).toBe('en');
    expect(pickLanguage(['en'], 'zh-CN')).toBe('zh-CN');
    expect(pickLanguage(['en'], 'klingon')).toBe('en');
  });
});

describe('messages', () => {
  test('every Chinese text is translated and keeps the English placeholders', () => {
    const sameInBothLanguages = new Set(['scan.manual.placeholder']); // "TC1:…" is not words
    for (const key of Object.keys(EN) as (keyof typeof EN)[]) {
      const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(ZH_CN[key], key).not.toBe('');
      if (!sameInBothLanguages.has(key)) expect(ZH_CN[key], key).not.toBe(EN[key]);
      expect(placeholders(ZH_CN[key]), key).toEqual(placeholders(EN[key]));
    }
  });

  test('fills placeholders and leaves unknown ones visible', () => {
    expect(fillTemplate('{a} and {b}', { a: 1 })).toBe('1 and {b}');
    expect(translateIn('zh-CN', 'status.trustList', { version: 4 })).toBe('信任列表 v4');
  });

  test('every reason code has a plain-word title and sentence in both languages', () => {
    for (const reason of [...REASON_CODES, 'no_trust_list' as const]) {
      for (const language of ['en', 'zh-CN'] as const) {
        const text = describeReason(reason, language);
        expect(text.title.length, `${reason} ${language}`).toBeGreaterThan(1);
        expect(text.sentence.length, `${reason} ${language}`).toBeGreaterThan(5);
        expect(text.title.toLowerCase()).not.toBe('invalid');
      }
    }
  });
});
