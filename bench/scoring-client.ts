import { Pool } from 'undici';

/** The diabetes sample's request body: one row of ten numbers. */
export const diabetesBody = JSON.stringify({ data: [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]] });

/** Where a scoring request goes: a model process directly, or the gateway with a key. */
export interface ScoringRoute {
  label: string;
  pools: Pool[];
  path: string;
  headers: Record<string, string>;
}

/** Keep-alive pools of `connections` each to every replica port; requests go round robin. */
export function directRoute(ports: readonly number[], connections: number): ScoringRoute {
  return {
    label: 'direct',
    pools: ports.map((port) => new Pool(`http://127.0.0.1:${port}`, { connections })),
    path: '/score',
    headers: { 'content-type': 'application/json' },
  };
}

/** A keep-alive pool to the gateway, scoring `service` with `key`. */
export function gatewayRoute(
  gatewayUrl: string,
  service: string,
  key: string,
  connections: number,
): ScoringRoute {
  return {
    label: 'gateway',
    pools: [new Pool(gatewayUrl, { connections })],
    path: `/api/v1/service/${service}/score`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
  };
}

/** Sends one scoring request on pool `turn % pools` and reads the whole answer. */
export async function score(
  route: ScoringRoute,
  turn = 0,
): Promise<{ status: number; body: string }> {
  const pool = route.pools[turn % route.pools.length];
  if (pool === undefined) throw new Error(`${route.label}: no pool to score on`);

  const response = await pool.request({
    path: route.path,
    method: 'POST',
    headers: route.headers,
    body: diabetesBody,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  return { status: response.statusCode, body: await response.body.text() };
}

/** Closes every pool of the route. */
export async function closeRoute(route: ScoringRoute): Promise<void> {
  await Promise.all(route.pools.map((pool) => pool.close()));
}
