/** The awesome page's adaptation refuses a page it was not written for, naming what no longer matches. */
import { expect, test } from '@playwright/test';
import { adaptAwesomePage } from '../../../src/evidence/awesome-page.ts';

const URL_CHECK = 'const n=t.match(/^([A-Za-z][A-Za-z0-9+.-]*):/);if(!n)return;';
const page = (app: string) =>
  `<html><head><title>r</title></head><body><script src="data:text/javascript;base64,${Buffer.from(app).toString('base64')}"></script></body></html>`;

test('the URL checks accept ./ and ../ paths, and the page script runs before the app', () => {
  const adapted = adaptAwesomePage(page(`a=e=>{${URL_CHECK}};b=e=>{${URL_CHECK}}`));
  expect(adapted).toMatch(/^<html><head><script id="mesh-assure-awesome">/);
  const app = Buffer.from(/base64,([^"]+)"/.exec(adapted)![1]!, 'base64').toString('utf8');
  expect(app.split('new URL(t,document.baseURI)')).toHaveLength(3);
  expect(app).not.toContain(URL_CHECK);
});

for (const [what, html, says] of [
  ['no app script', '<html><head></head><body></body></html>', 'its app script is not where Allure 3.18 puts it'],
  ['one URL check', page(`a=e=>{${URL_CHECK}}`), 'its URL check appears once, not 2 times'],
  ['no <head>', page(`${URL_CHECK}${URL_CHECK}`).replace('<head><title>r</title></head>', ''), 'it has no <head> tag'],
] as const) {
  test(`a page with ${what} is refused, saying so`, () => {
    expect(() => adaptAwesomePage(html)).toThrow(says);
  });
}
