/** The client-description headers MESH asks for on the handshake (sent on every request, as official clients do). */
import os from 'node:os';
import { toolVersion } from '../config/tool-version.ts';
import { HEADER } from '../protocol/index.ts';

export function clientIdentityHeaders(clientName = 'mesh-assure'): Record<string, string> {
  return {
    [HEADER.clientVersion]: `${clientName}==${toolVersion()}`,
    [HEADER.osName]: os.type(),
    [HEADER.osVersion]: `${os.release()} ${os.version()}`.trim(),
    [HEADER.osArchitecture]: os.machine(),
  };
}
