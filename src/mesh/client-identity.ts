/** The client-description headers MESH asks for on the handshake (sent on every request, as official clients do). */
import os from 'node:os';
import { toolVersion } from '../config/tool-version.ts';
import { H } from '../protocol/index.ts';

export function clientIdentityHeaders(clientName = 'mesh-assure'): Record<string, string> {
  return {
    [H.clientVersion]: `${clientName}==${toolVersion()}`,
    [H.osName]: os.type(),
    [H.osVersion]: `${os.release()} ${os.version()}`.trim(),
    [H.osArchitecture]: os.machine(),
  };
}
