import { ConfidentialClientApplication } from '@azure/msal-node';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import {
  AuthenticationConstants,
  MsalServiceClientCredentialsFactory,
  PasswordServiceClientCredentialFactory,
  type ServiceClientCredentialsFactory,
} from 'botframework-connector';

import { isGuid } from '../../approvals/policy-schema.js';
import type { TeamsConfig } from '../../platform/config.js';

/**
 * CloudAdapter with its authenticate-then-run step opened up. `process()` would do the same
 * but prints every failure with console.error and sends the SDK's own message (a 500 for a
 * bad signature); the endpoint wants to decide the answer and log through pino itself.
 */
export class ShipmateCloudAdapter extends CloudAdapter {
  run(
    authHeader: string,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}

/** The adapter and what the rest of the Teams edge needs to know about the bot. */
export interface TeamsAdapter {
  adapter: ShipmateCloudAdapter;
  /** The bot's app id; empty when running unauthenticated. */
  appId: string;
  authenticated: boolean;
  /** The one tenant a single-tenant bot serves; undefined for a multi-tenant bot. */
  tenantId: string | undefined;
}

/**
 * botbuilder's CloudAdapter, with every authentication setting given at once: once one is set
 * the SDK defaults none of the others, so each falls back to the SDK's own public constant
 * here, never to a value of ours. BOT_OPENID_METADATA_URL also serves for the Emulator's
 * tokens, so a token that merely claims to come from elsewhere is checked against the same
 * keys instead of sending the SDK off to another metadata host.
 */
export function createTeamsAdapter(config: TeamsConfig): TeamsAdapter {
  const credentials = config.credentials;
  const loginUrl =
    config.loginUrl ??
    (credentials?.appType === 'SingleTenant' && credentials.tenantId !== undefined
      ? `${AuthenticationConstants.ToChannelFromBotLoginUrlPrefix}${credentials.tenantId}`
      : AuthenticationConstants.ToChannelFromBotLoginUrl);
  const metadataUrl =
    config.openIdMetadataUrl ?? AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl;
  const emulatorMetadataUrl =
    config.openIdMetadataUrl ?? AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl;

  const settings = {
    MicrosoftAppId: credentials?.appId ?? '',
    MicrosoftAppType: credentials?.appType ?? 'MultiTenant',
    MicrosoftAppTenantId: credentials?.tenantId ?? '',
    ToBotFromChannelOpenIdMetadataUrl: metadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: emulatorMetadataUrl,
    ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
    ToChannelFromBotLoginUrl: loginUrl,
    ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
    OAuthUrl: AuthenticationConstants.OAuthUrl,
    CallerId: 'urn:botframework:azure',
    ValidateAuthority: true,
  };
  const auth = new ConfigurationBotFrameworkAuthentication(
    settings,
    credentialsFactory(config, loginUrl),
  );
  return {
    adapter: new ShipmateCloudAdapter(auth),
    appId: credentials?.appId ?? '',
    authenticated: credentials !== undefined,
    tenantId: ownTenant(credentials),
  };
}

/**
 * The tenant a single-tenant bot checks activities against. Teams states tenants by id, so a
 * tenant configured by domain (`contoso.onmicrosoft.com`) cannot be compared: the check is
 * then off, and start-up says so (see `tenantCheck`).
 */
function ownTenant(credentials: TeamsConfig['credentials']): string | undefined {
  if (credentials?.appType !== 'SingleTenant' || credentials.tenantId === undefined) {
    return undefined;
  }
  return isGuid(credentials.tenantId) ? credentials.tenantId.toLowerCase() : undefined;
}

/** What start-up says about the tenant check, when it cannot be made. */
export function tenantCheck(config: TeamsConfig): string | undefined {
  const credentials = config.credentials;
  if (credentials?.appType !== 'SingleTenant' || credentials.tenantId === undefined) return;
  if (isGuid(credentials.tenantId)) return;
  return (
    'MICROSOFT_APP_TENANT_ID is a domain, and Teams names tenants by id: activities from ' +
    'other tenants are not refused. Give the tenant id (a UUID) to turn the check on'
  );
}

/**
 * The credentials the bot replies with. The SDK's stock factory builds MSAL without
 * `knownAuthorities`, so MSAL would first ask the public login host whether the authority is
 * real; naming the configured host as known keeps every request on BOT_LOGIN_URL.
 */
function credentialsFactory(
  config: TeamsConfig,
  loginUrl: string,
): ServiceClientCredentialsFactory {
  const credentials = config.credentials;
  // No app id: the SDK treats authentication as disabled and sends replies without a token.
  // The SDK's factories implement its abstract factory class rather than extend it.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  if (credentials === undefined) return new PasswordServiceClientCredentialFactory('', '');

  const msal = new ConfidentialClientApplication({
    auth: {
      clientId: credentials.appId,
      clientSecret: credentials.appPassword,
      authority: loginUrl,
      knownAuthorities: [new URL(loginUrl).host],
    },
  });
  // Our ESM import and the SDK's CommonJS one type the same class twice; only the methods matter.
  type SdkMsal = ConstructorParameters<typeof MsalServiceClientCredentialsFactory>[1];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  return new MsalServiceClientCredentialsFactory(credentials.appId, msal as unknown as SdkMsal);
}
