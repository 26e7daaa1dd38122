// SPDX-License-Identifier: AGPL-3.0-or-later
//
// idp.mjs -- Guichet's development and test OpenID provider.
//
// A real node-oidc-provider (pinned in package.json / package-lock.json)
// on loopback, with one static confidential client ("guichet-dev") and a
// demo account for every actor of the portal.  It is what `make demo` and
// the integration tests log in against; it is never part of a deployment.
//
// Environment (scripts/stack.sh sets the first three):
//   GUICHET_IDP_PORT   port to listen on, on 127.0.0.1 (default 9400)
//   IDP_CLIENT_SECRET  the guichet-dev client's secret
//   IDP_REDIRECT_BASE  the engine's public base URL: the redirect URI is
//                      BASE/auth/callback, the post-logout ones BASE/ and
//                      BASE/auth/logged-out
//   IDP_TEST_MODE=1    adds POST /__test/next (tests only, see below)
//
// Login interaction: GET /interaction/<uid> shows a form that posts
// prompt=login, login=<account>, password=<anything> back to the same
// URL (the password is not checked: these are demo accounts).  Consent is
// skipped for guichet-dev (loadExistingGrant).  An account marked
// "strong" in the demo world (sophie) logs in with the strong acr
// "urn:guichet:acr:strong"; every other account with "urn:guichet:acr:password".
//
// Test mode: POST /__test/next with mode=<m> makes the NEXT token response
// (or userinfo response for userinfo-sub) carry a bad token, re-signed
// with the provider's own key so that only the property under test is
// wrong.  Modes: wrong-iss, wrong-aud, expired, alg-none, bad-signature,
// wrong-nonce, no-nonce, userinfo-sub.  POST /__test/next with mode=off
// clears a pending mode.  Without IDP_TEST_MODE=1 the route does not exist.

import crypto from 'node:crypto';
import fs from 'node:fs';
import Provider from 'oidc-provider';

const PORT = Number.parseInt(process.env.GUICHET_IDP_PORT || '9400', 10);
const ISSUER = `http://127.0.0.1:${PORT}`;
const CLIENT_ID = 'guichet-dev';
const CLIENT_SECRET = process.env.IDP_CLIENT_SECRET || 'guichet-dev-secret-not-for-production';
const BASE = (process.env.IDP_REDIRECT_BASE || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const TEST_MODE = process.env.IDP_TEST_MODE === '1';

const ACR_PASSWORD = 'urn:guichet:acr:password';
const ACR_STRONG = 'urn:guichet:acr:strong';

// One demo account per actor of the portal, read from the demo world
// (data/demo/world.json): the same file tells the portal who each account
// is (scripts/demo_world.py) and the README and home page what to try.
const WORLD = JSON.parse(fs.readFileSync(
  new URL('../../data/demo/world.json', import.meta.url), 'utf8'));
const ACCOUNTS = Object.fromEntries(WORLD.accounts.map((a) => [a.login, {
  given_name: a.given_name,
  family_name: a.family_name,
  email: a.email,
  role: a.role.fr,
  strong: a.strong === true,
}]));

for (const a of Object.values(ACCOUNTS)) {
  a.name = `${a.given_name} ${a.family_name}`;
}

// The signing key: made at start, so restarting the provider rotates it
// (relying parties refetch the JWKS on an unknown kid).
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const KID = `guichet-dev-${crypto.randomBytes(6).toString('hex')}`;
const signingJwk = { ...privateKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' };

const html = (s) => String(s).replace(/[&<>"']/g, (c) => ({
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
}[c]));

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(title)} – fournisseur d’identité de test</title>
<style>
body{font-family:system-ui,sans-serif;max-width:36rem;margin:1.5rem auto;padding:0 1rem;line-height:1.5}
label{display:block;margin-top:.8rem;font-weight:600}
input{font-size:1rem;padding:.4rem;width:100%;box-sizing:border-box}
button{margin-top:1rem;font-size:1rem;padding:.5rem 1rem}
.note{background:#fff3cd;padding:.5rem .8rem;border-radius:4px}
.error{background:#f8d7da;padding:.5rem .8rem;border-radius:4px}
table{border-collapse:collapse;margin-top:1rem;width:100%}
td,th{border-bottom:1px solid #ccc;text-align:left;padding:.2rem .4rem}
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

function loginPage(uid, error, login) {
  const rows = Object.entries(ACCOUNTS).map(([id, a]) => `<tr><td><code>${html(id)}</code></td>`
    + `<td>${html(a.name)}</td><td>${html(a.role)}</td></tr>`).join('\n');
  return page('Connexion', `
<h1>Connexion de démonstration</h1>
<p class="note">Fournisseur d’identité de test : les mots de passe ne sont pas vérifiés.</p>
${error ? `<p class="error" role="alert">${html(error)}</p>` : ''}
<form method="post" action="/interaction/${html(uid)}" autocomplete="off">
<input type="hidden" name="prompt" value="login">
<label for="login">Identifiant</label>
<input id="login" name="login" required autofocus value="${html(login || '')}">
<label for="password">Mot de passe</label>
<input id="password" name="password" type="password" value="demo">
<button type="submit">Se connecter</button>
</form>
<p><a href="/interaction/${html(uid)}/abort">Annuler et revenir au guichet</a></p>
<table>
<caption>Comptes de démonstration</caption>
<thead><tr><th scope="col">Identifiant</th><th scope="col">Nom</th><th scope="col">Rôle</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`);
}

function consentPage(uid) {
  return page('Autorisation', `
<h1>Autoriser le guichet</h1>
<form method="post" action="/interaction/${html(uid)}">
<input type="hidden" name="prompt" value="consent">
<button type="submit">Autoriser</button>
</form>
<p><a href="/interaction/${html(uid)}/abort">Refuser</a></p>`);
}

async function readForm(ctx, limit = 16384) {
  let size = 0;
  const chunks = [];
  for await (const chunk of ctx.req) {
    size += chunk.length;
    if (size > limit) ctx.throw(413, 'request too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const configuration = {
  clients: [{
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    client_name: 'Guichet (développement)',
    redirect_uris: [`${BASE}/auth/callback`],
    post_logout_redirect_uris: [`${BASE}/`, `${BASE}/auth/logged-out`],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signingJwk] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  claims: {
    // acr, amr and auth_time ride with the openid scope so that every ID
    // token carries them, not only those asked for with acr_values
    // (which liboauth2 1.4.5.4 cannot send)
    acr: null,
    sid: null,
    auth_time: null,
    iss: null,
    openid: ['sub', 'acr', 'amr', 'auth_time'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
  },
  scopes: ['openid', 'email', 'profile'],
  ttl: {
    AuthorizationCode: 60,
    AccessToken: 600,
    IdToken: 600,
    Interaction: 600,
    Session: 8 * 3600,
    Grant: 8 * 3600,
  },
  acrValues: [ACR_PASSWORD, ACR_STRONG],
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = page('Déconnexion', `
<h1>Se déconnecter du fournisseur d’identité ?</h1>
${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Oui, me déconnecter</button>
<button type="submit" form="op.logoutForm">Non, rester connecté</button>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('Déconnecté', '<h1>Vous êtes déconnecté.</h1>');
      },
    },
  },
  interactions: {
    url(ctx, interaction) {
      return `/interaction/${interaction.uid}`;
    },
  },
  // first-party client: no consent screen
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const found = await ctx.oidc.provider.Grant.find(grantId);
      if (found) return found;
    }
    if (ctx.oidc.client.clientId !== CLIENT_ID) return undefined;
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  async findAccount(ctx, id) {
    const a = ACCOUNTS[id];
    if (!a) return undefined;
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          name: a.name,
          given_name: a.given_name,
          family_name: a.family_name,
          email: a.email,
          email_verified: true,
        };
      },
    };
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Erreur', `<h1>Erreur du fournisseur d’identité</h1>
<p><code>${html(out.error)}</code> : ${html(out.error_description || '')}</p>`);
  },
};

const provider = new Provider(ISSUER, configuration);

// --- the login interaction ---------------------------------------------

provider.use(async (ctx, next) => {
  const m = /^\/interaction\/([A-Za-z0-9_-]+)(\/abort)?$/.exec(ctx.path);
  if (!m) return next();
  ctx.set('Cache-Control', 'no-store');
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (m[2] && ctx.method === 'GET') {
    await provider.interactionFinished(ctx.req, ctx.res, {
      error: 'access_denied', error_description: 'End-User aborted interaction',
    }, { mergeWithLastSubmission: false });
    ctx.respond = false;
    return undefined;
  }
  if (ctx.method === 'GET') {
    ctx.type = 'html';
    ctx.body = details.prompt.name === 'login' ? loginPage(m[1]) : consentPage(m[1]);
    return undefined;
  }
  if (ctx.method !== 'POST') ctx.throw(405);
  const form = await readForm(ctx);
  if (form.get('prompt') === 'login' && details.prompt.name === 'login') {
    const id = (form.get('login') || '').trim().toLowerCase();
    const a = ACCOUNTS[id];
    if (!a) {
      ctx.status = 200;
      ctx.type = 'html';
      ctx.body = loginPage(m[1], 'Compte inconnu. Choisissez un des comptes de démonstration.', id);
      return undefined;
    }
    await provider.interactionFinished(ctx.req, ctx.res, {
      login: {
        accountId: id,
        acr: a.strong ? ACR_STRONG : ACR_PASSWORD,
        amr: a.strong ? ['pwd', 'mfa'] : ['pwd'],
        remember: false,
      },
    }, { mergeWithLastSubmission: false });
    ctx.respond = false;
    return undefined;
  }
  if (form.get('prompt') === 'consent' && details.prompt.name === 'consent') {
    const { grantId, session, params } = details;
    const grant = grantId ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const d = details.prompt.details;
    if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
    if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
    await provider.interactionFinished(ctx.req, ctx.res, {
      consent: { grantId: await grant.save() },
    }, { mergeWithLastSubmission: true });
    ctx.respond = false;
    return undefined;
  }
  ctx.throw(400, 'unexpected prompt');
  return undefined;
});

// --- test mode: bad tokens on request ------------------------------------

const b64u = (buf) => Buffer.from(buf).toString('base64url');

function forge(idToken, mode) {
  const [h, p] = idToken.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  const now = Math.floor(Date.now() / 1000);
  let key = privateKey;
  switch (mode) {
    case 'wrong-iss': claims.iss = 'http://127.0.0.1:1/not-the-issuer'; break;
    case 'wrong-aud': claims.aud = 'some-other-client'; break;
    case 'expired': claims.iat = now - 7200; claims.exp = now - 3600; break;
    case 'wrong-nonce': claims.nonce = 'forged-nonce'; break;
    case 'no-nonce': delete claims.nonce; break;
    case 'bad-signature':
      key = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      break;
    case 'alg-none': {
      const none = { alg: 'none', typ: header.typ || 'JWT' };
      return `${b64u(JSON.stringify(none))}.${b64u(JSON.stringify(claims))}.`;
    }
    default: break;
  }
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(claims))}`;
  const sig = crypto.sign('sha256', Buffer.from(input), key);
  return `${input}.${b64u(sig)}`;
}

if (TEST_MODE) {
  const MODES = new Set(['wrong-iss', 'wrong-aud', 'expired', 'alg-none', 'bad-signature',
    'wrong-nonce', 'no-nonce', 'userinfo-sub']);
  let pending = null;
  provider.use(async (ctx, next) => {
    if (ctx.path === '/__test/next') {
      if (ctx.method !== 'POST') ctx.throw(405);
      const mode = (await readForm(ctx)).get('mode');
      if (mode === 'off') pending = null;
      else if (MODES.has(mode)) pending = mode;
      else ctx.throw(400, 'unknown mode');
      ctx.body = { pending };
      return;
    }
    await next();
    if (!pending || ctx.status !== 200 || !ctx.body || typeof ctx.body !== 'object') return;
    if (ctx.path === '/token' && pending !== 'userinfo-sub' && ctx.body.id_token) {
      ctx.body = { ...ctx.body, id_token: forge(ctx.body.id_token, pending) };
      console.log(`test mode: forged id_token (${pending})`);
      pending = null;
    } else if (ctx.path === '/me' && pending === 'userinfo-sub' && ctx.body.sub) {
      ctx.body = { ...ctx.body, sub: 'someone-else' };
      console.log('test mode: userinfo with another sub');
      pending = null;
    }
  });
}

provider.listen(PORT, '127.0.0.1', () => {
  console.log(`identity provider ${ISSUER} (client ${CLIENT_ID}, redirect ${BASE}/auth/callback${TEST_MODE ? ', test mode' : ''})`);
});
