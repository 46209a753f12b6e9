/**
 * The environment of a process a test spawns: the test run's PATH (to find node, npm and tsx) and the variables
 * named in `inherit`, then `env`. Nothing else leaks in from the shell that runs the tests.
 */
export function childEnv(env: Record<string, string | undefined>, inherit: string[] = []): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(["PATH", ...inherit].map((name) => [name, process.env[name]])), ...env };
}
