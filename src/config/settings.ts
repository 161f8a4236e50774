/** The typed settings object every part of mesh-assure reads, and the environment variables behind it. */

/** `sandbox` is the embedded one; `nhs-sandbox` is NHS England's own MESH sandbox at MESH_URL. */
export type TargetKind = 'sandbox' | 'nhs-sandbox' | 'int' | 'dep' | 'url';

export interface ClientTls {
  certPath?: string;
  keyPath?: string;
  keyPassphrase?: string;
  pfxPath?: string;
}

export interface MailboxSettings {
  mailboxId: string;
  password: string;
  tls: ClientTls;
}

export interface Settings {
  target: TargetKind;
  /** The MESH base URL (no trailing slash, no /messageexchange). Undefined for the sandbox until it is started. */
  baseUrl: string | undefined;
  sharedKey: string;
  workflowId: string;
  odsCode: string | undefined;
  sut: MailboxSettings;
  /** The counterpart mailbox; the sut's own settings when MESH_PEER_MAILBOX_ID is not set. */
  peer: MailboxSettings;
  peerIsSut: boolean;
  dormantMailboxId: string | undefined;
  /** Server CA bundle file; for int and dep the shipped NHS PTL G2 chain unless overridden. */
  caCertPath: string | undefined;
  product: { name: string | undefined; version: string | undefined; rfc: string | undefined };
  largeMessageMb: number;
  drain: boolean;
  requestTimeoutMs: number;
  deliveryTimeoutMs: number;
  /** MESH_PROXY: the HTTPS proxy to MESH, or `none`; unset, HTTPS_PROXY and NO_PROXY decide. */
  proxy: string | undefined;
}

/** Every variable mesh-assure reads, with the one-line meaning `.env.example` and errors repeat. */
export const VARIABLES = {
  MESH_TARGET:
    "sandbox (default), nhs-sandbox (NHS's own sandbox at MESH_URL), int, dep, or a base URL such as https://mesh.example.org",
  MESH_URL: 'base URL override for the chosen target; required for nhs-sandbox, for example http://127.0.0.1:8720',
  MESH_SHARED_KEY: "the environment's shared secret for the NHSMESH auth header (issued with the mailbox)",
  MESH_MAILBOX_ID: "the system under test's mailbox id, upper case, for example X26ABC1",
  MESH_MAILBOX_PASSWORD: "the system under test's mailbox password",
  MESH_PEER_MAILBOX_ID: 'a counterpart mailbox; when absent the sut mailbox also plays the peer',
  MESH_PEER_MAILBOX_PASSWORD: "the counterpart mailbox's password",
  MESH_DORMANT_MAILBOX_ID: 'a mailbox nobody reads, for cases 703 and 705',
  MESH_WORKFLOW_ID: 'the workflow id used for test messages',
  MESH_ODS_CODE: "the organisation's ODS code (CSR common name, evidence manifest)",
  MESH_CLIENT_CERT: 'client TLS certificate (PEM file) of the sut mailbox',
  MESH_CLIENT_KEY: 'private key (PEM file) of that certificate',
  MESH_CLIENT_KEY_PASSPHRASE: 'passphrase of the private key, when it is encrypted',
  MESH_CLIENT_PFX: 'a PKCS#12 (.pfx/.p12) file instead of MESH_CLIENT_CERT and MESH_CLIENT_KEY',
  MESH_PEER_CLIENT_CERT:
    "the peer mailbox's client certificate (PEM); the peer uses the sut's identity when no MESH_PEER_CLIENT_* is set",
  MESH_PEER_CLIENT_KEY: "private key (PEM file) of the peer's certificate",
  MESH_PEER_CLIENT_KEY_PASSPHRASE: "passphrase of the peer's private key",
  MESH_PEER_CLIENT_PFX: 'a PKCS#12 file for the peer instead of MESH_PEER_CLIENT_CERT and MESH_PEER_CLIENT_KEY',
  MESH_CA_CERT:
    'server CA bundle (PEM); for int and dep the shipped NHS PTL G2 chain is the default; for nhs-sandbox over TLS the certificate its run.sh prints',
  MESH_PRODUCT_NAME: 'product name, for the evidence',
  MESH_PRODUCT_VERSION: 'product version, for the evidence',
  MESH_RFC: 'the request for change this run re-tests, for the evidence',
  MESH_LARGE_MESSAGE_MB: 'size in MB of the chunked messages of cases 501 and 502 (default 210)',
  MESH_DRAIN: '1 lets a run acknowledge inbox messages it did not create',
  MESH_REQUEST_TIMEOUT_S: 'seconds before a request with no response is abandoned (default 300)',
  MESH_DELIVERY_TIMEOUT_S: 'seconds to wait for a sent message to arrive in the recipient inbox (default 600)',
  MESH_PROXY: 'HTTPS proxy to MESH, http://[user:password@]host:port, or none; unset, HTTPS_PROXY and NO_PROXY apply',
} as const;

export type VariableName = keyof typeof VARIABLES;
