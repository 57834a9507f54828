/**
 * Child-process script for the stand-in tests: gets a token from the Entra stand-in with MSAL
 * Node, then, if given a conversation, sends one activity through botbuilder's own connector
 * factory with that token. Node reads NODE_EXTRA_CA_CERTS only at start-up, which is why this
 * runs in a process of its own. Prints one JSON line; exits 1 on failure.
 *
 * Usage: node --import tsx --import <loopback-only.ts> msal-token-probe.ts '<ProbeInput JSON>'
 */
import { ConfidentialClientApplication } from '@azure/msal-node';
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { ClaimsIdentity, MsalServiceClientCredentialsFactory } from 'botframework-connector';

import { asConnectorMsalClient } from './connector-msal-client.js';

/** What the parent passes as the one argument. */
export interface ProbeInput {
  loginUrl: string;
  authorityHost: string;
  clientId: string;
  clientSecret: string;
  tenantId: string;
  /** When both are given, an activity is sent there through botbuilder's connector factory. */
  serviceUrl?: string;
  conversationId?: string;
}

/** What the probe prints. */
export interface ProbeOutput {
  accessToken?: string;
  tokenType?: string;
  /** The id the Bot Connector gave the activity sent. */
  activityId?: string;
  error?: { name: string; message: string; errorCode?: string };
}

const botFrameworkScope = 'https://api.botframework.com';

async function probe(input: ProbeInput): Promise<ProbeOutput> {
  const clientApplication = new ConfidentialClientApplication({
    auth: {
      clientId: input.clientId,
      clientSecret: input.clientSecret,
      authority: input.loginUrl,
      // Without it MSAL asks the public cloud's instance discovery whether the host is trusted.
      knownAuthorities: [new URL(input.authorityHost).host],
    },
  });
  const token = await clientApplication.acquireTokenByClientCredential({
    scopes: [`${botFrameworkScope}/.default`],
  });
  const output: ProbeOutput = { accessToken: token?.accessToken, tokenType: token?.tokenType };
  if (input.serviceUrl === undefined || input.conversationId === undefined) return output;

  const auth = new ConfigurationBotFrameworkAuthentication(
    {
      MicrosoftAppId: input.clientId,
      MicrosoftAppTenantId: input.tenantId,
      ToChannelFromBotLoginUrl: input.loginUrl,
      ToChannelFromBotOAuthScope: botFrameworkScope,
      // Never fetched on this path; loopback so that no default points elsewhere.
      ToBotFromChannelOpenIdMetadataUrl: `${input.serviceUrl}unused-metadata`,
      ToBotFromEmulatorOpenIdMetadataUrl: `${input.serviceUrl}unused-metadata`,
      ToBotFromChannelTokenIssuer: botFrameworkScope,
      OAuthUrl: `${input.serviceUrl}unused-oauth`,
      CallerId: 'urn:botframework:azure',
      ValidateAuthority: false,
    },
    new MsalServiceClientCredentialsFactory(
      input.clientId,
      asConnectorMsalClient(clientApplication),
    ),
  );
  const identity = new ClaimsIdentity([{ type: 'aud', value: input.clientId }], true);
  const connector = await auth
    .createConnectorFactory(identity)
    .create(input.serviceUrl, botFrameworkScope);
  const sent = await connector.conversations.sendToConversation(input.conversationId, {
    type: 'message',
    text: 'sent by the probe',
  });
  return { ...output, activityId: sent.id };
}

const input = JSON.parse(process.argv[2] ?? '{}') as ProbeInput;
try {
  console.log(JSON.stringify(await probe(input)));
} catch (error) {
  const { name, message, errorCode } = error as Error & { errorCode?: string };
  console.log(JSON.stringify({ error: { name, message, errorCode } } satisfies ProbeOutput));
  process.exitCode = 1;
}
