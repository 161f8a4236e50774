/** The environment for a pack run a test starts: this process's, without what a parent Playwright run sets for its own workers or the developer's MESH settings. */
export function packEnvironment(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const clean = Object.entries(process.env).filter(
    ([name]) => !/^(PW_|PLAYWRIGHT_|TEST_|MESH_)/.test(name) && name !== 'NODE_OPTIONS',
  );
  return { ...Object.fromEntries(clean), ...env };
}
