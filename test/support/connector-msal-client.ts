import type { ConfidentialClientApplication } from '@azure/msal-node';
import type { MsalServiceClientCredentialsFactory } from 'botframework-connector';

/** The MSAL client type botframework-connector was compiled against. */
export type ConnectorMsalClient = ConstructorParameters<
  typeof MsalServiceClientCredentialsFactory
>[1];

/**
 * Hands an MSAL client made from ESM to botframework-connector. The connector is CommonJS and
 * sees msal-node's CommonJS typings, so TypeScript takes the ESM class of the same package
 * and version for another; at run time the connector only calls `acquireTokenByClientCredential`.
 */
export function asConnectorMsalClient(client: ConfidentialClientApplication): ConnectorMsalClient {
  return client as unknown as ConnectorMsalClient;
}
