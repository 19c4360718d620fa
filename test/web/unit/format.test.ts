import { expect, test } from 'vitest';
import { formatAgo } from '../../../verifier-web/src/i18n/format.ts';

test('an age reads as a count of its largest unit in both languages, never as a calendar word', () => {
  expect(formatAgo(30 * 3600, 'en')).toBe('1 day ago'); // not "yesterday": 30 h may be two calendar days
  expect(formatAgo(2 * 86400 + 3600, 'en')).toBe('2 days ago');
  expect(formatAgo(2 * 86400 + 3600, 'zh-CN')).toBe('2天前'); // not 前天
  expect(formatAgo(3 * 3600 + 59, 'zh-CN')).toBe('3小时前');
});

test('an age under a minute reads as now', () => {
  expect(formatAgo(20, 'en')).toBe('now');
  expect(formatAgo(20, 'zh-CN')).toBe('现在');
});
