/**
 * The allure2 (classic) page's dates, which allurerc.mjs cannot set: it writes a run's date in US order
 * (12/7/2026) and its times in the reader's own zone without naming it. Its date formatter (language en)
 * gets the ISO 8601 UTC script the awesome page has, and its one time-of-day function reads UTC and says
 * so: 2026-12-07 19:40:00Z. A page of another Allure version is refused, naming what no longer matches.
 */
import { replaceInApp, utcDatesScript, withHeadScript } from './page-adaptation.ts';

/** The app's time of day: local hours, minutes, seconds (and milliseconds when asked). */
const LOCAL_TIME =
  'return[n.getHours(),lp(n.getMinutes(),2,`0`),lp(n.getSeconds(),2,`0`)+(t?`.${n.getMilliseconds()}`:``)].join(`:`)}';
const UTC_TIME =
  'return[lp(n.getUTCHours(),2,`0`),lp(n.getUTCMinutes(),2,`0`),lp(n.getUTCSeconds(),2,`0`)+(t?`.${lp(n.getUTCMilliseconds(),3,`0`)}`:``)].join(`:`)+`Z`}';

export function adaptAllure2Page(html: string): string {
  const withApp = replaceInApp(html, {
    page: 'allure2',
    what: 'give the allure2 page its times in UTC: its time-of-day function',
    from: LOCAL_TIME,
    to: UTC_TIME,
    copies: 1,
  });
  return withHeadScript(withApp, { page: 'allure2', id: 'mesh-assure-allure2', script: utcDatesScript('en') });
}
