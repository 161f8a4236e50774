/**
 * Tools for adapting an Allure 3.18 single-file page where allurerc.mjs has no setting: an exact change to
 * its app script (refused, naming what no longer matches, when the page is of another Allure version), a
 * script of ours run before the app, and that script's dates in ISO 8601 UTC.
 */

const APP_SCRIPT = /<script\b[^>]*\bsrc="data:text\/javascript;base64,([A-Za-z0-9+/=]+)"/;

/** `from` replaced by `to` in the page's app script, which must hold it exactly `copies` times. */
export function replaceInApp(
  html: string,
  change: { page: string; what: string; from: string; to: string; copies: number },
): string {
  const app = APP_SCRIPT.exec(html);
  if (!app)
    throw new Error(`cannot adapt the Allure ${change.page} page: its app script is not where Allure 3.18 puts it`);
  const code = Buffer.from(app[1]!, 'base64').toString('utf8');
  const copies = code.split(change.from).length - 1;
  if (copies !== change.copies)
    throw new Error(
      `cannot ${change.what} appears ${copies === 1 ? 'once' : `${copies} times`}, not ${change.copies === 1 ? 'once' : `${change.copies} times`} (an Allure version other than 3.18?)`,
    );
  const patched = Buffer.from(code.split(change.from).join(change.to), 'utf8').toString('base64');
  return html.slice(0, app.index) + app[0].replace(app[1]!, patched) + html.slice(app.index + app[0].length);
}

/** The page with `script` as the first thing its <head> runs. */
export function withHeadScript(html: string, x: { page: string; id: string; script: string }): string {
  const head = /<head\b[^>]*>/i.exec(html);
  if (!head) throw new Error(`cannot adapt the Allure ${x.page} page: it has no <head> tag`);
  const at = head.index + head[0].length;
  return `${html.slice(0, at)}<script id="${x.id}">${x.script}</script>${html.slice(at)}`;
}

/**
 * A page script (plain ES2017, run before the app) that gives the date formatter of `locale`, the one the
 * app asks for, UTC written as ISO 8601 with the zone: 2026-12-07T19:40:00Z, a date alone 2026-12-07.
 */
export const utcDatesScript = (locale: string): string => `(function () {
  var Base = Intl.DateTimeFormat;
  var pad = function (n) { return (n < 10 ? '0' : '') + n; };
  function IsoUtc(locale, options) {
    var base = new Base(locale, options);
    var asked = base.resolvedOptions();
    if (asked.locale !== ${JSON.stringify(locale)} || (options && options.timeZone)) return base;
    return {
      format: function (date) {
        var d = new Date(date === undefined ? Date.now() : date);
        var day = d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate());
        if (asked.hour === undefined) return day;
        var time = pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes());
        if (asked.second !== undefined) time += ':' + pad(d.getUTCSeconds());
        return day + 'T' + time + 'Z';
      },
      formatToParts: base.formatToParts.bind(base),
      resolvedOptions: function () { return asked; },
    };
  }
  IsoUtc.supportedLocalesOf = Base.supportedLocalesOf;
  Intl.DateTimeFormat = IsoUtc;
})();`;
