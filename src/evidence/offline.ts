/**
 * Keeping the bundle's pages offline. Allure 3.18's pages embed a Google Analytics tag whatever the
 * environment says; it is cut out here. Then every page is checked for anything that would reach the
 * network when opened: a remote script, style sheet, font, image or frame. Links an assessor may click
 * (`<a href>`) and URLs inside scripts' text are not loads, so they are not counted.
 */

/** The loader tag and the inline `gtag(...)` configuration script after it. */
const ANALYTICS = [
  /<script\b[^>]*\bsrc="https:\/\/www\.googletagmanager\.com\/[^"]*"[^>]*>\s*<\/script>/g,
  /<script\b[^>]*>(?:(?!<\/script>)[\s\S])*?\bgtag\((?:(?!<\/script>)[\s\S])*?<\/script>/g,
];

export function stripAnalytics(html: string): string {
  return ANALYTICS.reduce((page, pattern) => page.replace(pattern, ''), html);
}

export const hasAnalytics = (html: string): boolean => /googletagmanager\.com|gtag\(/.test(html);

const REMOTE = String.raw`(?:https?:)?//`;

/** Where pages load things from: attributes of loading elements, CSS url() and @import. */
const LOADS: { what: string; pattern: RegExp }[] = [
  { what: 'script', pattern: new RegExp(String.raw`<script\b[^>]*\bsrc\s*=\s*["']?${REMOTE}[^"'\s>]*`, 'gi') },
  {
    what: 'style sheet or font',
    pattern: new RegExp(String.raw`<link\b[^>]*\bhref\s*=\s*["']?${REMOTE}[^"'\s>]*`, 'gi'),
  },
  {
    what: 'image or media',
    pattern: new RegExp(
      String.raw`<(?:img|source|video|audio|embed|track|input)\b[^>]*\b(?:src|srcset)\s*=\s*["']?${REMOTE}[^"'\s>]*`,
      'gi',
    ),
  },
  {
    what: 'frame',
    pattern: new RegExp(String.raw`<(?:iframe|frame|object)\b[^>]*\b(?:src|data)\s*=\s*["']?${REMOTE}[^"'\s>]*`, 'gi'),
  },
  { what: 'CSS url()', pattern: new RegExp(String.raw`url\(\s*["']?${REMOTE}[^)"']*`, 'gi') },
  { what: 'CSS @import', pattern: new RegExp(String.raw`@import\s+["']${REMOTE}[^"']*`, 'gi') },
];

export interface RemoteReference {
  what: string;
  /** The start of the reference, shortened. */
  text: string;
}

export function remoteReferences(html: string): RemoteReference[] {
  return LOADS.flatMap(({ what, pattern }) =>
    [...html.matchAll(pattern)].map((m) => ({ what, text: m[0].slice(0, 160) })),
  );
}

export class RemoteReferenceError extends Error {
  override name = 'RemoteReferenceError';
  constructor(readonly found: { page: string; reference: RemoteReference }[]) {
    super(
      [
        `a page of the bundle would reach the network when opened (${found.length} reference${found.length === 1 ? '' : 's'}):`,
      ]
        .concat(
          found.slice(0, 10).map(({ page, reference }) => `  - ${page}: remote ${reference.what}: ${reference.text}`),
        )
        .join('\n'),
    );
  }
}

/** Throws naming every page and remote load found; `pages` maps bundle paths to HTML. */
export function assertOffline(pages: ReadonlyMap<string, string>): void {
  const found = [...pages].flatMap(([page, html]) => remoteReferences(html).map((reference) => ({ page, reference })));
  if (found.length > 0) throw new RemoteReferenceError(found);
}
