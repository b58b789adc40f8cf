// The OpenID provider the browser tests sign staff in with: the certified
// `oidc-provider` library doing the real protocol (authorization code with
// PKCE, resource indicators, RS256 JWT access tokens published through a
// real JWKS), with a fixed staff directory and small login pages of our own
// so that a browser signs in by typing into a real form.
//
// It listens on 127.0.0.1 only and prints one line `issuer <url>` on stdout
// once it serves; everything else it says goes to stderr.
//
// Settings (environment; the port may also be the first argument):
//   OIDC_PORT                 port to listen on, 0 (the default) for any free one
//   OIDC_CLIENT_ID            the console's client id (default `console`)
//   OIDC_CLIENT_SECRET        the console's client secret (required)
//   OIDC_REDIRECT_URIS        the console's redirect URIs, separated by spaces or commas (required)
//   OIDC_POST_LOGOUT_REDIRECT_URIS   where the console may send people after signing out (optional)
//   OIDC_PORTAL_SECRET        when set, a second client `portal` (the member portal, a machine)
//                             that gets access tokens with the role `portal` by the client
//                             credentials grant, to submit complaints as the portal does
//   OIDC_AUDIENCE             the services' audience: the one resource indicator, and the
//                             access token's `aud`; an absolute URI such as `urn:complaints` (required)
//   OIDC_ACCESS_TOKEN_TTL     access token lifetime in seconds (default 600)
//   OIDC_ID_TOKEN_TTL         ID token lifetime in seconds (default 600)
//   OIDC_SESSION_TTL          provider session lifetime in seconds (default 3600)
//   OIDC_PASSWORD             the one password every staff account signs in with
//                             (default `correct horse battery staple`)
//   OIDC_ACCOUNTS             optional JSON object replacing the staff directory:
//                             { "<user name>": { "name": "...", "roles": ["..."], "team": "..." } }

import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import Provider, { errors } from 'oidc-provider';

/** Stops with a message naming the setting, before anything listens. */
function fail(message) {
  process.stderr.write(`oidc-provider: ${message}\n`);
  process.exit(2);
}

function setting(name, fallback) {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    if (fallback === undefined) fail(`${name} must be set`);
    return fallback;
  }
  return value.trim();
}

function seconds(name, fallback) {
  const text = setting(name, String(fallback));
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) fail(`${name} must be a whole number of seconds, not ${JSON.stringify(text)}`);
  return value;
}

function list(text) {
  return text.split(/[\s,]+/).filter((part) => part.length > 0);
}

const port = Number(process.argv[2] ?? setting('OIDC_PORT', '0'));
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`the port must be 0..65535, not ${process.argv[2] ?? process.env.OIDC_PORT}`);
const clientId = setting('OIDC_CLIENT_ID', 'console');
const clientSecret = setting('OIDC_CLIENT_SECRET');
const redirectUris = list(setting('OIDC_REDIRECT_URIS'));
const postLogoutRedirectUris = list(setting('OIDC_POST_LOGOUT_REDIRECT_URIS', ''));
const portalSecret = setting('OIDC_PORTAL_SECRET', '');
const audience = setting('OIDC_AUDIENCE');
// RFC 8707: a resource indicator is an absolute URI. The audience is the
// resource the console asks for, so it must be one too.
if (URL.parse(audience) === null) fail(`OIDC_AUDIENCE must be an absolute URI (such as urn:complaints), not ${JSON.stringify(audience)}`);
const accessTokenTtl = seconds('OIDC_ACCESS_TOKEN_TTL', 600);
const idTokenTtl = seconds('OIDC_ID_TOKEN_TTL', 600);
const sessionTtl = seconds('OIDC_SESSION_TTL', 3600);
const password = setting('OIDC_PASSWORD', 'correct horse battery staple');

/**
 * The staff directory: user name to display name, roles (the services'
 * role names) and team. Teams matter to handlers and managers, who reach
 * only their own team's complaints.
 */
const defaultAccounts = {
  'handler-north': { name: 'Nadia Hughes', roles: ['handler'], team: 'north' },
  'handler-south': { name: 'Samir Okafor', roles: ['handler'], team: 'south' },
  'manager-north': { name: 'Morag Reid', roles: ['manager'], team: 'north' },
  'manager-south': { name: 'Tom Adeyemi', roles: ['manager'], team: 'south' },
  // A Customer Service Manager monitors every open complaint (R-MON-1)
  // and, as the north team's manager too, allocates new ones.
  'customer-service-manager': { name: 'Dawn Ellison', roles: ['customer_service_manager', 'manager'], team: 'north' },
  // The complaints service's COMPLIANCE_MANAGER_ID and COMPLIANCE_TEAM
  // by default: Stage 3 goes to this person.
  'corporate-compliance-manager': { name: 'Claire Whitfield', roles: ['compliance_manager'], team: 'Compliance' },
  'head-of-cx': { name: 'Helen Carter', roles: ['head_of_customer_experience'] },
  'committee-member': { name: 'Colin Baptiste', roles: ['committee'] },
  dpo: { name: 'Priya Desai', roles: ['data_protection_officer'] },
  operator: { name: 'Owen Price', roles: ['operator'] },
};

let accounts = defaultAccounts;
if (process.env.OIDC_ACCOUNTS) {
  try {
    accounts = JSON.parse(process.env.OIDC_ACCOUNTS);
  } catch (e) {
    fail(`OIDC_ACCOUNTS is not JSON: ${e.message}`);
  }
  for (const [id, account] of Object.entries(accounts)) {
    if (typeof account?.name !== 'string' || !Array.isArray(account.roles)) {
      fail(`OIDC_ACCOUNTS: ${id} needs a name (string) and roles (array)`);
    }
  }
}

function account(id) {
  return Object.hasOwn(accounts, id) ? accounts[id] : undefined;
}

// A fresh signing key per run: the services fetch it from the JWKS, as
// they would from a real provider.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: `test-${randomBytes(6).toString('hex')}`, alg: 'RS256', use: 'sig' };

const configuration = {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      post_logout_redirect_uris: postLogoutRedirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    ...(portalSecret
      ? [{
        client_id: 'portal',
        client_secret: portalSecret,
        redirect_uris: [],
        grant_types: ['client_credentials'],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_basic',
      }]
      : []),
  ],
  clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
  pkce: { required: () => true },
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: { openid: ['sub'], profile: ['name'] },
  // The ID token carries the claims themselves, so a relying party needs
  // no userinfo call to greet the person by name.
  conformIdTokenClaims: false,
  findAccount(_ctx, sub) {
    const found = account(sub);
    if (!found) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, name: found.name };
      },
    };
  },
  // What the services read from the access token: who (sub), what they
  // may do (roles) and whose work they reach (team).
  async extraTokenClaims(_ctx, token) {
    // The portal is a machine: its tokens carry its one role.
    if (token.kind === 'ClientCredentials') return token.clientId === 'portal' ? { roles: ['portal'] } : undefined;
    if (token.kind !== 'AccessToken') return undefined;
    const found = account(token.accountId);
    if (!found) return undefined;
    const claims = { roles: found.roles, name: found.name };
    if (found.team) claims.team = found.team;
    return claims;
  },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: Boolean(portalSecret) },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = page('Sign out', `<h1>Sign out</h1>${form}<p><button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button></p>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('Signed out', '<h1>You have signed out</h1>');
      },
    },
    resourceIndicators: {
      enabled: true,
      // A console that names no resource still gets a token for the services.
      async defaultResource(_ctx, _client, oneOf) {
        return oneOf ?? audience;
      },
      // The token endpoint need not repeat the resource: the one granted is used.
      async useGrantedResource() {
        return true;
      },
      async getResourceServerInfo(_ctx, resourceIndicator) {
        if (resourceIndicator !== audience) throw new errors.InvalidTarget();
        return {
          scope: 'openid profile',
          audience,
          accessTokenFormat: 'jwt',
          accessTokenTTL: accessTokenTtl,
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
  ttl: {
    AccessToken: accessTokenTtl,
    ClientCredentials: accessTokenTtl,
    AuthorizationCode: 60,
    IdToken: idTokenTtl,
    Grant: sessionTtl,
    Interaction: 600,
    Session: sessionTtl,
  },
  interactions: {
    url(_ctx, interaction) {
      return `/interaction/${interaction.uid}`;
    },
  },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Sign-in error', `<h1>Sign-in error</h1><p>${escape(out.error)}: ${escape(out.error_description ?? '')}</p>`);
  },
};

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A whole page, accessible as it stands: language, title, landmark. */
function page(title, body) {
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} – Staff sign-in</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fff;line-height:1.5}
main{max-width:28rem;margin:2rem auto;padding:0 1rem}
label{display:block;font-weight:600;margin-top:1rem}
input{display:block;width:100%;box-sizing:border-box;font-size:1rem;padding:.5rem;border:2px solid #1b1b1b}
input:focus,button:focus{outline:3px solid #fd0;outline-offset:0}
button{margin-top:1.5rem;font-size:1rem;padding:.6rem 1.2rem;background:#00703c;color:#fff;border:0}
.error{color:#b10e1e;font-weight:600}
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

function loginPage(uid, { userName = '', error = '' } = {}) {
  const errorText = error ? `<p id="sign-in-error" class="error" role="alert">${escape(error)}</p>` : '';
  const described = error ? ' aria-describedby="sign-in-error"' : '';
  return page('Sign in', `<h1>Sign in to the complaints console</h1>
${errorText}
<form method="post" action="/interaction/${escape(uid)}/login" novalidate>
<label for="username">User name</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" value="${escape(userName)}" required${described}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${described}>
<button type="submit">Sign in</button>
</form>`);
}

async function formBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 16 * 1024) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res, status, html) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(html);
}

/**
 * The interaction pages: the login form, and consent granted at once, as
 * for a first-party client (the console is the body's own application),
 * with exactly what the request asked for.
 */
async function interaction(req, res, provider, path) {
  const match = /^\/interaction\/([^/]+)(\/login)?$/.exec(path);
  if (!match) return false;
  const details = await provider.interactionDetails(req, res);
  const { uid, prompt, params, session } = details;
  if (prompt.name === 'login') {
    if (req.method === 'GET' && !match[2]) {
      send(res, 200, loginPage(uid));
      return true;
    }
    if (req.method === 'POST' && match[2]) {
      const form = await formBody(req);
      const userName = (form.get('username') ?? '').trim();
      const found = account(userName);
      if (!found || form.get('password') !== password) {
        send(res, 200, loginPage(uid, { userName, error: 'The user name or password is not right.' }));
        return true;
      }
      await provider.interactionFinished(req, res, { login: { accountId: userName } }, { mergeWithLastSubmission: false });
      return true;
    }
  }
  if (prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const missing = prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return true;
  }
  send(res, 400, page('Sign-in error', '<h1>Sign-in error</h1><p>This sign-in step is not supported.</p>'));
  return true;
}

const server = createServer();
server.listen(port, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration);
  provider.on('server_error', (_ctx, error) => process.stderr.write(`oidc-provider: server error: ${error.stack ?? error}\n`));
  const callback = provider.callback();
  server.on('request', (req, res) => {
    const path = new URL(req.url, issuer).pathname;
    if (!path.startsWith('/interaction/')) {
      callback(req, res);
      return;
    }
    interaction(req, res, provider, path)
      .then((handled) => {
        if (!handled) send(res, 404, page('Not found', '<h1>Not found</h1>'));
      })
      .catch((error) => {
        // An expired or unknown interaction: say so rather than hang.
        process.stderr.write(`oidc-provider: interaction: ${error.message}\n`);
        if (!res.headersSent) send(res, 400, page('Sign-in error', `<h1>Sign-in error</h1><p>${escape(error.message)}</p><p>Start signing in again.</p>`));
      });
  });
  process.stdout.write(`issuer ${issuer}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
