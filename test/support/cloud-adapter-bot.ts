import { createServer } from 'node:http';

import { ConfidentialClientApplication } from '@azure/msal-node';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  TeamsActivityHandler,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type TurnContext,
} from 'botbuilder';
import { MsalServiceClientCredentialsFactory } from 'botframework-connector';
import express from 'express';

import type { BotFrameworkKeys } from './bot-framework-keys.js';
import { asConnectorMsalClient } from './connector-msal-client.js';
import type { EntraTokenStub } from './entra-token-stub.js';
import { listenOnLoopback } from './listen-on-loopback.js';

/** Options for {@link startCloudAdapterBot}. */
export interface CloudAdapterBotOptions {
  keys: BotFrameworkKeys;
  entra: EntraTokenStub;
  appId: string;
  appPassword: string;
  tenantId: string;
}

/** A minimal botbuilder bot on 127.0.0.1, wired to the stand-ins. */
export interface CloudAdapterBot {
  /** `http://127.0.0.1:<port>`; the bot listens on `/api/messages`. */
  ingressUrl: string;
  close(): Promise<void>;
}

/**
 * Starts the smallest CloudAdapter bot that proves the stand-ins speak the SDK's protocol: it
 * echoes messages and answers an `Action.Execute` with a card naming the verb. It trusts the
 * login stand-in's CA through MSAL's agent options, since this process cannot set
 * NODE_EXTRA_CA_CERTS for itself.
 */
export async function startCloudAdapterBot(
  options: CloudAdapterBotOptions,
): Promise<CloudAdapterBot> {
  const { keys, entra } = options;
  const clientApplication = new ConfidentialClientApplication({
    auth: {
      clientId: options.appId,
      clientSecret: options.appPassword,
      authority: entra.loginUrl,
      knownAuthorities: [new URL(entra.authorityHost).host],
    },
    system: { customAgentOptions: { ca: entra.ca } },
  });
  const auth = new ConfigurationBotFrameworkAuthentication(
    {
      MicrosoftAppId: options.appId,
      MicrosoftAppTenantId: options.tenantId,
      MicrosoftAppType: 'SingleTenant',
      ToBotFromChannelOpenIdMetadataUrl: keys.metadataUrl,
      ToBotFromEmulatorOpenIdMetadataUrl: keys.metadataUrl,
      ToBotFromChannelTokenIssuer: keys.issuer,
      ToChannelFromBotLoginUrl: entra.loginUrl,
      ToChannelFromBotOAuthScope: keys.issuer,
      OAuthUrl: `${entra.authorityHost}/unused-oauth`,
      CallerId: 'urn:botframework:azure',
      ValidateAuthority: false,
    },
    new MsalServiceClientCredentialsFactory(
      options.appId,
      asConnectorMsalClient(clientApplication),
    ),
  );
  const adapter = new CloudAdapter(auth);
  const bot = new EchoBot();

  const app = express();
  app.use(express.json());
  app.post('/api/messages', (request, response) => {
    void adapter.process(request, response, (context) => bot.run(context));
  });
  const listener = await listenOnLoopback(createServer(app));
  return { ingressUrl: `http://127.0.0.1:${listener.port}`, close: () => listener.close() };
}

class EchoBot extends TeamsActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
      await next();
    });
  }

  protected override onAdaptiveCardInvoke(
    _context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const card = {
      type: 'AdaptiveCard',
      version: '1.4',
      body: [{ type: 'TextBlock', text: `done: ${invokeValue.action.verb}` }],
    };
    return Promise.resolve({
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
      value: card,
    });
  }
}
