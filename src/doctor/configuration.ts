/** The first check: are the settings complete and valid for the target? Every problem is its own FAIL line. */
import { ConfigError, type Settings } from '../config/index.ts';
import { CHECK, fail, pass, type CheckResult } from './result.ts';

export interface ConfigurationCheck {
  results: CheckResult[];
  /** Present when the configuration is usable, so the later checks can run. */
  settings?: Settings;
}

export function checkConfiguration(load: () => Settings): ConfigurationCheck {
  try {
    const settings = load();
    const where = settings.baseUrl ? ` at ${settings.baseUrl}` : '';
    return {
      settings,
      results: [pass(CHECK.configuration, `target ${settings.target}${where}, mailbox ${settings.sut.mailboxId}`)],
    };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { results: error.problems.map((p) => fail(CHECK.configuration, `${p.variable}: ${p.problem}`, p.fix)) };
  }
}
