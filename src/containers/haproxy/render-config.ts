import type { BalancerPlan } from '../deployment-plan';

/** Mozilla "intermediate" suites, matching reference §6.1 (no aNULL/eNULL/EXPORT/DES/RC4/3DES/MD5/PSK). */
const TLS_CIPHERS =
  'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:' +
  'ECDHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:' +
  'ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384';

export const BACKEND_NAME = 'replicas';
export const SERVER_PREFIX = 'replica';

/** Renders haproxy.cfg for one service. Pure: the same plan always gives the same text. */
export function renderHaproxyConfig(plan: BalancerPlan): string {
  return [
    '# Rendered by Wharf from the service spec; regenerated, never edited.',
    ...section('global', globalLines(plan)),
    ...section('resolvers docker', resolverLines()),
    ...section('defaults', defaultsLines(plan)),
    ...section('frontend service', frontendLines(plan)),
    ...section(`backend ${BACKEND_NAME}`, backendLines(plan)),
  ].join('\n');
}

function section(header: string, lines: string[]): string[] {
  return [header, ...lines.map((l) => `    ${l}`), ''];
}

function globalLines(plan: BalancerPlan): string[] {
  const lines = [
    'maxconn 4096',
    // Wharf reads backend UP/DOWN (show stat) and drains servers through this socket. It listens
    // on the container's own loopback and is never published: replicas and host processes cannot
    // reach it; Wharf runs its client inside the container (issue 9).
    `stats socket ipv4@127.0.0.1:${plan.adminPort} level admin`,
    'stats timeout 30s',
  ];
  if (plan.tlsCertFile !== undefined) {
    lines.push(
      'ssl-default-bind-options no-sslv3 no-tls-tickets',
      `ssl-default-bind-ciphers ${TLS_CIPHERS}`,
    );
  }
  return lines;
}

function resolverLines(): string[] {
  return [
    // Docker's embedded DNS answers for the replicas' network alias; short holds make a scale
    // visible within about a second without any reload.
    'nameserver docker 127.0.0.11:53',
    'accepted_payload_size 8192',
    'resolve_retries 3',
    'timeout resolve 1s',
    'timeout retry 1s',
    'hold valid 1s',
    'hold other 1s',
    'hold refused 1s',
    'hold nx 1s',
    'hold timeout 1s',
    'hold obsolete 1s',
  ];
}

function defaultsLines(plan: BalancerPlan): string[] {
  const lines = [
    `mode ${plan.mode}`,
    'timeout connect 5s',
    'timeout client 50s',
    'timeout client-fin 50s',
    'timeout server 50s',
    'timeout tunnel 1h',
    'option dontlognull',
    // A replica that just went away is retried on another one at once, not on itself 3 times.
    'option redispatch 1',
    'retries 3',
  ];
  if (plan.mode === 'http') {
    lines.push(
      'timeout http-request 5s',
      'timeout http-keep-alive 60s',
      'option http-server-close',
    );
  }
  return lines;
}

function frontendLines(plan: BalancerPlan): string[] {
  const tls = plan.tlsCertFile !== undefined ? ` ssl crt ${plan.tlsCertFile}` : '';
  const lines = [`bind :${plan.servicePort}${tls}`];
  if (plan.mode === 'http') lines.push('option forwardfor');
  if (plan.tlsCertFile !== undefined) {
    // The published Hyper template wrote "http" here, a bug (reference §6.1).
    lines.push(
      'http-request set-header X-Forwarded-Proto https',
      'http-response set-header Strict-Transport-Security max-age=15768000',
    );
  }
  lines.push(`default_backend ${BACKEND_NAME}`);
  return lines;
}

function backendLines(plan: BalancerPlan): string[] {
  const lines = [`balance ${plan.algorithm}`];
  if (plan.mode === 'http') {
    lines.push(
      'option httpchk GET /',
      'http-check expect rstatus ^[23]',
      // Idempotent retries on another replica cover a replica stopped mid-request (rolling update).
      'retry-on conn-failure empty-response response-timeout',
    );
  }
  lines.push(...affinityLines(plan));
  lines.push(
    // Unit "s" matters: a bare number is milliseconds (the Hyper template's bug, reference §6.2).
    `default-server check inter ${plan.checkIntervalSeconds}s fall ${plan.fall} rise ${plan.rise} ` +
      'resolvers docker resolve-prefer ipv4 init-addr none',
    `server-template ${SERVER_PREFIX} 1-${plan.slots} ${plan.replicaHost}:${plan.containerPort}`,
  );
  return lines;
}

function affinityLines(plan: BalancerPlan): string[] {
  if (!plan.sessionAffinity) return [];
  if (plan.mode === 'http') {
    // Dynamic cookies are derived from each server's address, which server-template needs.
    return [
      'cookie WHARF_AFFINITY insert indirect nocache dynamic',
      `dynamic-cookie-key ${plan.cookieKey}`,
    ];
  }
  return ['stick-table type ip size 100k expire 30m', 'stick on src'];
}
