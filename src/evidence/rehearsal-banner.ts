/**
 * The banner that marks a sandbox run as a rehearsal on every page of the bundle: the landing page builds
 * it in, and the Allure and Playwright pages get it injected right after `<body>`, fixed to the bottom of
 * the window so that the single-page apps, which render into their own root element, leave it in place.
 */
export const REHEARSAL_TEXT = 'REHEARSAL against a MESH sandbox: not assurance evidence';

export const REHEARSAL_BANNER =
  '<div id="mesh-assure-rehearsal" role="note" style="position:fixed;left:0;right:0;bottom:0;z-index:2147483647;' +
  'padding:6px 12px;background:#ffeb3b;color:#000;font:bold 14px/1.4 system-ui,sans-serif;text-align:center;' +
  `border-top:2px solid #000;pointer-events:none">${REHEARSAL_TEXT}</div>`;

export function injectRehearsalBanner(html: string): string {
  const body = /<body\b[^>]*>/i.exec(html);
  if (!body) throw new Error('cannot mark the page as a rehearsal: it has no <body> tag');
  const at = body.index + body[0].length;
  return html.slice(0, at) + REHEARSAL_BANNER + html.slice(at);
}
