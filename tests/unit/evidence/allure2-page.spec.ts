/** The allure2 page's adaptation: its time-of-day function reads UTC, and a page it was not written for is refused. */
import { expect, test } from '@playwright/test';
import { adaptAllure2Page } from '../../../src/evidence/allure2-page.ts';

const LOCAL_TIME =
  'return[n.getHours(),lp(n.getMinutes(),2,`0`),lp(n.getSeconds(),2,`0`)+(t?`.${n.getMilliseconds()}`:``)].join(`:`)}';
const page = (app: string) =>
  `<html><head><title>r</title></head><body><script src="data:text/javascript;base64,${Buffer.from(app).toString('base64')}"></script></body></html>`;

test('the time of day reads UTC and says Z, and the dates script runs before the app', () => {
  const adapted = adaptAllure2Page(page(`function mp(e,t){let n=new Date(e);${LOCAL_TIME}`));
  expect(adapted).toMatch(/^<html><head><script id="mesh-assure-allure2">/);
  const app = Buffer.from(/base64,([^"]+)"/.exec(adapted)![1]!, 'base64').toString('utf8');
  expect(app).toContain('n.getUTCHours()');
  expect(app).not.toContain(LOCAL_TIME);
});

for (const [what, html, says] of [
  ['no app script', '<html><head></head><body></body></html>', 'its app script is not where Allure 3.18 puts it'],
  ['no time-of-day function', page('function mp(){}'), 'its time-of-day function appears 0 times, not once'],
] as const) {
  test(`a page with ${what} is refused, saying so`, () => {
    expect(() => adaptAllure2Page(html)).toThrow(says);
  });
}
