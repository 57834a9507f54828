/**
 * Variables a model process never inherits: the product's own credentials and connections.
 * Azure ML runs an entry script in a container that holds none of them; a local replica
 * gets the same treatment, so a model that prints its environment cannot leak them.
 *
 * TODO: replicas run as the product's OS user, so a model that goes looking can still read
 * the product's /proc/<pid>/environ and other services' key files under SHIPMATE_HOME. Running
 * replicas as a separate user (or in containers, as on AKS) would close that.
 */
const withheld = new RegExp(
  [
    'SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|APIKEY|API_KEY',
    '^SLACK_|^MICROSOFT_APP_|^AZURE_CLIENT_|^REDIS_URL$|^KUBECONFIG$',
  ].join('|'),
  'i',
);

/** The parent's environment less the product's secrets, plus the runner's own variables. */
export function modelEnvironment(
  parent: NodeJS.ProcessEnv,
  secretValues: (value: string) => boolean,
  runner: Record<string, string>,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined || withheld.test(name) || secretValues(value)) continue;
    env[name] = value;
  }
  return { ...env, ...runner };
}
