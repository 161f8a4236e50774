/**
 * What Allure 3.18's awesome view cannot be configured to do (allurerc.mjs has no setting for it), done to
 * the generated page, never to the results it carries:
 * - dates: its en-iso locale formats in the reader's own zone without naming it. A script run before the
 *   app gives that locale's formatter (en-CA, which only en-iso asks for) UTC, written as ISO 8601 with
 *   the zone: 2026-12-07T19:40:00Z.
 * - links: the app makes only http(s), mailto and tel links clickable, so a case's tms link to its entry
 *   on the landing page (`../../index.html#case-<id>`) showed as text. Its two copies of that URL check
 *   also accept a path relative to the page that starts with ./ or ../, which stays inside the bundle.
 * - panels with nothing to show: a tab whose counter is 0 or that has none (the app counts what a tab
 *   holds; for one run: quality gates, global attachments and errors, a case's history, retries and
 *   environments) is hidden; Results and a case's Overview always stay.
 * A change that no longer matches the app (another Allure version) stops the packing, naming it.
 */

import { replaceInApp, utcDatesScript, withHeadScript } from './page-adaptation.ts';

/** The start of the app's URL check, in both of its copies: no scheme, no link. */
const NO_SCHEME = 'const n=t.match(/^([A-Za-z][A-Za-z0-9+.-]*):/);if(!n)return;';
const NO_SCHEME_COPIES = 2;
const RELATIVE_INSIDE =
  'const n=t.match(/^([A-Za-z][A-Za-z0-9+.-]*):/);if(!n)return/^\\.\\.?\\//.test(t)?new URL(t,document.baseURI).toString():void 0;';

/** Runs before the app; plain ES2017, no template in it, so that it reads as the page will run it. */
const PAGE_SCRIPT = `${utcDatesScript('en-CA')}
(function () {
  var EMPTY_WHEN_UNCOUNTED =
    'button[data-testid^="nav-tab-"]:not([data-testid="nav-tab-results"]),' +
    'button[data-testid^="test-result-tab-"]:not([data-testid="test-result-tab-overview"])';
  var hideEmptyTabs = function () {
    document.querySelectorAll(EMPTY_WHEN_UNCOUNTED).forEach(function (tab) {
      var counter = tab.querySelector('[data-testid="counter"]');
      tab.hidden = !counter || counter.textContent.trim() === '0';
    });
  };
  new MutationObserver(hideEmptyTabs).observe(document, { subtree: true, childList: true, characterData: true });
})();`;

export function adaptAwesomePage(html: string): string {
  const withApp = replaceInApp(html, {
    page: 'awesome',
    what: "make the awesome page's links inside the bundle clickable: its URL check",
    from: NO_SCHEME,
    to: RELATIVE_INSIDE,
    copies: NO_SCHEME_COPIES,
  });
  return withHeadScript(withApp, { page: 'awesome', id: 'mesh-assure-awesome', script: PAGE_SCRIPT });
}
