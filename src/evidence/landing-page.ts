/**
 * index.html, the page an assessor opens first: the run summary, what changed since the baseline, and the
 * case table with links into the reports. Built from the manifest alone, as plain HTML and inline CSS with
 * no script, so it renders the same from file:// anywhere.
 */
import type { CaseResult } from './case-results.ts';
import { BUNDLE_FILES } from './layout.ts';
import {
  bundleKind,
  sutKind,
  type BundleKind,
  type Manifest,
  type ManifestBody,
  type ProductDriving,
} from './manifest.ts';
import { REHEARSAL_TEXT } from './rehearsal-banner.ts';

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d1d1d;background:#fafafa}
main{max-width:1200px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:24px;margin:8px 0 4px}h2{font-size:18px;margin:28px 0 8px}
.rehearsal{background:#ffeb3b;border:2px solid #000;padding:10px 14px;font-weight:bold;margin:12px 0}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #ccc;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef1f4}dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;background:#fff;border:1px solid #ccc;padding:10px 14px}
dt{font-weight:600}dd{margin:0}code,.ids{font-family:ui-monospace,Consolas,monospace;font-size:13px}
.none{color:#888}.notes{color:#444;font-size:13px}tr:target{background:#fff7c2;outline:2px solid #8a5a00}
.result{font-weight:bold;white-space:nowrap}.passed{color:#0a7d27}.failed{color:#b00020}.pending{color:#8a5a00}
.not-demonstrable{color:#5b3d99}.skipped,.not-run{color:#666}
.pass-to-fail,.removed{color:#b00020}.fail-to-pass{color:#0a7d27}
`;

const DRIVEN: Record<ProductDriving, string> = {
  commands: 'its commands (MESH_PRODUCT_*_CMD), run by mesh-assure',
  operator: 'an operator at the terminal, who did each step in the product when prompted',
};

/** The run summary; a row with nothing to show (no ODS code, product, RFC or certificate) is left out. */
function summaryRows(m: ManifestBody): [string, string][] {
  const cert = m.certificate;
  const product = [m.product.name, m.product.version && `version ${m.product.version}`].filter(Boolean).join(' ');
  const rows: ([string, string] | undefined)[] = [
    ['Target', `${escape(m.target.kind)}${m.target.url ? ` (<code>${escape(m.target.url)}</code>)` : ''}`],
    [
      'Mailboxes',
      `sut <code>${escape(m.mailboxes.sut)}</code>, peer <code>${escape(m.mailboxes.peer)}</code>${m.mailboxes.dormant ? `, dormant <code>${escape(m.mailboxes.dormant)}</code>` : ''}`,
    ],
    m.odsCode ? ['ODS code', escape(m.odsCode)] : undefined,
    ['Workflow', `<code>${escape(m.workflowId)}</code>`],
    cert
      ? [
          'Client certificate',
          `${escape(cert.subject)}<br>issuer ${escape(cert.issuer)}<br>expires ${escape(cert.notAfter)}<br>SHA-256 <code>${escape(cert.fingerprintSha256)}</code>`,
        ]
      : undefined,
    [
      'System under test',
      sutKind(m) === 'product'
        ? `product: the supplier's software${m.product.name ? `, ${escape(m.product.name)}` : ''}${m.product.version ? ` version ${escape(m.product.version)}` : ''}`
        : "reference: mesh-assure's own client played the sut mailbox",
    ],
    sutKind(m) === 'product' ? ['Product driven by', DRIVEN[m.driven ?? 'commands']] : undefined,
    product ? ['Product', escape(product)] : undefined,
    m.rfc ? ['RFC', escape(m.rfc)] : undefined,
    ['Tool', `mesh-assure ${escape(m.tool.version)} (Node ${escape(m.tool.node)})`],
    ['Run', `${bundleKind(m)} <code>${escape(m.runId)}</code>, ${escape(m.startedAt)} to ${escape(m.finishedAt)}`],
    [
      'Results',
      Object.entries(m.summary)
        .filter(([k, n]) => k !== 'total' && n > 0)
        .map(([k, n]) => `<span class="${k}">${n} ${k}</span>`)
        .join(', ') + ` of ${m.summary.total} cases`,
    ],
  ];
  return rows.filter((row) => row !== undefined);
}

function messageIds(ids: readonly string[]): string {
  if (ids.length === 0) return '<span class="none">none</span>';
  const list = ids.map(escape).join('<br>');
  return ids.length <= 4
    ? `<span class="ids">${list}</span>`
    : `<details><summary>${ids.length} message ids</summary><span class="ids">${list}</span></details>`;
}

/** How many notes a case row shows before the rest fold away (an observe rule can cite a thousand requests). */
const SHOWN_NOTES = 6;

function notesOf(c: CaseResult): string {
  if (c.notes.length === 0) return '';
  const line = (notes: string[]) => notes.map(escape).join('<br>');
  const rest = c.notes.slice(SHOWN_NOTES);
  const more = rest.length ? `<details><summary>${rest.length} more</summary>${line(rest)}</details>` : '';
  return `<div class="notes">${line(c.notes.slice(0, SHOWN_NOTES))}${more}</div>`;
}

function reportLinks(c: CaseResult, kind: BundleKind): string {
  if (c.result === 'not-run') return '';
  if (kind === 'observe') return `<a href="${BUNDLE_FILES.observeResult}">observe.json</a>`;
  return [
    c.playwrightTestId
      ? `<a href="${BUNDLE_FILES.playwright}#?testId=${encodeURIComponent(c.playwrightTestId)}">Playwright</a>`
      : '',
    // Both Allure views name a result by the same id: the awesome view routes #/<id>, the classic #testresult/<id>.
    c.allureTestResultId
      ? `<a href="${BUNDLE_FILES.allureAwesome}#/${encodeURIComponent(c.allureTestResultId)}">Allure</a>`
      : '',
    c.allureTestResultId
      ? `<a href="${BUNDLE_FILES.allure2}#testresult/${encodeURIComponent(c.allureTestResultId)}">Allure 2</a>`
      : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

function caseRow(c: CaseResult, kind: BundleKind): string {
  const duration = c.durationMs === null ? '' : `${(c.durationMs / 1000).toFixed(1)} s`;
  return (
    `<tr id="case-${escape(c.id)}" data-case="${escape(c.id)}"><td>${escape(c.id)}</td><td>${escape(c.title)}${c.optional ? ' <span class="none">(optional)</span>' : ''}${notesOf(c)}</td>` +
    `<td class="result ${c.result}">${c.result}</td><td>${messageIds(c.messageIds)}</td><td>${duration}</td><td>${reportLinks(c, kind)}</td></tr>`
  );
}

function comparisonSection(m: ManifestBody): string {
  if (!m.comparison) return '';
  const { baseline, changes } = m.comparison;
  const rows = changes
    .map((c) => `<tr><td>${escape(c.id)}</td><td class="${c.change}">${c.change}</td><td>${escape(c.text)}</td></tr>`)
    .join('');
  return `<h2>Changes since the baseline</h2>
<p>Baseline <code>${escape(baseline.bundle)}</code> (run <code>${escape(baseline.runId)}</code>${baseline.rfc ? `, RFC ${escape(baseline.rfc)}` : ''}, ended ${escape(baseline.finishedAt)}; SHA-256 <code>${escape(baseline.sha256)}</code>).</p>
${changes.length ? `<table id="changes"><thead><tr><th>case</th><th>change</th><th>detail</th></tr></thead><tbody>${rows}</tbody></table>` : '<p id="changes">No case changed result, and no timing changed by more than a factor of two.</p>'}`;
}

const WITNESS_FILES = `<li><a href="${BUNDLE_FILES.allureAwesome}">Allure report</a> and its <a href="${BUNDLE_FILES.allure2}">classic (Allure 2) view</a>: every case's steps, each HTTP request in order with status and mex-* headers (authorization redacted), message ids and payload digests.</li>
<li><a href="${BUNDLE_FILES.playwright}">Playwright report</a>: the same tests as Playwright ran them.</li>
<li><a href="${BUNDLE_FILES.exchanges}">exchanges.jsonl</a>: every HTTP exchange of the run in order; <a href="${BUNDLE_FILES.junit}">junit.xml</a>; <a href="${BUNDLE_FILES.results}">results.json</a>.</li>`;

const OBSERVE_FILES = `<li><a href="${BUNDLE_FILES.observeResult}">observe.json</a>: every rule's verdict with all its findings and the requests that prove it, the limits it was judged by, steps the product never completed and product commands that failed.</li>
<li><a href="${BUNDLE_FILES.productJournal}">product-journal.json</a>: every request of the product's mailbox as the sandbox journalled it (method, path, status, time, token nonce, Accept and mex-* headers; never the authorization).</li>`;

const HEADINGS: Record<BundleKind, string> = {
  witness: 'MESH technical conformance evidence',
  observe: "MESH behaviour of the product, judged from the sandbox's journal",
};

export function renderLandingPage(m: ManifestBody | Manifest): string {
  const kind = bundleKind(m);
  const product = [m.product.name, m.product.version].filter(Boolean).join(' ');
  const banner = m.rehearsal
    ? `<div class="rehearsal" role="note">${REHEARSAL_TEXT}. The sandbox is ${m.target.kind === 'nhs-sandbox' ? "NHS England's own development sandbox" : "mesh-assure's own MESH server"}, not the live service; submit a run against INT.</div>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>MESH evidence ${escape(m.mailboxes.sut)} ${escape(m.target.kind)}${product ? ` ${escape(product)}` : ''}</title>
<style>${STYLE}</style></head>
<body><main>
${banner}
<h1>${HEADINGS[kind]}${product ? `: ${escape(product)}` : ''}</h1>
<dl id="summary">${summaryRows(m)
    .map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`)
    .join('')}</dl>
${comparisonSection(m)}
<h2>Cases</h2>
<table id="cases"><thead><tr><th>case</th><th>title</th><th>result</th><th>message ids</th><th>duration</th><th>reports</th></tr></thead>
<tbody>${m.cases.map((c) => caseRow(c, kind)).join('\n')}</tbody></table>
<h2>Reports and files</h2>
<ul>
${kind === 'observe' ? OBSERVE_FILES : WITNESS_FILES}
<li><a href="${BUNDLE_FILES.manifest}">manifest.json</a> (schema in mesh-assure's docs/evidence.md), signed by the sut mailbox's certificate in <a href="${BUNDLE_FILES.signature}">manifest.json.p7s</a> (signer: <a href="${BUNDLE_FILES.signer}">signer-certificate.pem</a>), and <a href="${BUNDLE_FILES.checksums}">MANIFEST.sha256</a>: check the bundle with <code>npx mesh-assure verify &lt;bundle.zip&gt;</code>, or the signature with <code>openssl cms -verify -binary -inform DER -in manifest.json.p7s -content manifest.json -CAfile &lt;NHS PTL CA bundle${m.rehearsal ? ', here sandbox-ca.pem' : ''}&gt; -purpose any -out /dev/null</code> and the files with <code>sha256sum -c MANIFEST.sha256</code>.</li>
</ul>
</main></body></html>
`;
}
