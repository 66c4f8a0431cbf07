// county-story.test.mjs: the whole county story through the production web front (nginx,
// HTTPS/WSS) in headless Chromium, as docs/operations.md tells a county to run it: the county's
// admin signs in at the console and creates an office in the administration page; a clerk of the
// county's directory (a real slapd, group buergerbuero-<office>) signs in with the directory
// password and is available; a citizen comes through the start page, enters that office's waiting
// room and is called into a consultation with two-way media. The audit log names the admin.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startWebFront, HOST } from './web-front.mjs';
import { launchFrontBrowser, assertClean } from './front-browser.mjs';
import { recordPeerConnections, inboundStats } from '../e2e/helpers/media-stats.mjs';
import { Slapd } from '../lib/slapd.mjs';
import { addClerk } from '../lib/queue.mjs';
import { until } from '../plugin/stack.mjs';

const SUFFIX = 'dc=landkreis,dc=test';
const PEOPLE = `ou=people,${SUFFIX}`;
const GROUPS = `ou=groups,${SUFFIX}`;
const SERVICE_DN = `cn=buergerbuero,ou=services,${SUFFIX}`;
const SERVICE_PW = 'service-account-secret-0815';
const LDIF = [
  `dn: ${PEOPLE}\nobjectClass: organizationalUnit\nou: people\n`,
  `dn: ${GROUPS}\nobjectClass: organizationalUnit\nou: groups\n`,
  `dn: ou=services,${SUFFIX}\nobjectClass: organizationalUnit\nou: services\n`,
  `dn: ${SERVICE_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: buergerbuero\nuserPassword: ${SERVICE_PW}\n`,
  `dn: uid=ayse,${PEOPLE}\nobjectClass: inetOrgPerson\nuid: ayse\ncn: Ayse Yilmaz\nsn: Yilmaz\n` +
    `displayName:: ${Buffer.from('Ayşe Yılmaz').toString('base64')}\nuserPassword: Verzeichnis-Passwort-1\n`,
  `dn: cn=buergerbuero-sozial,${GROUPS}\nobjectClass: groupOfNames\ncn: buergerbuero-sozial\nmember: uid=ayse,${PEOPLE}\n`,
].join('\n');
const ACL = [
  'access to attrs=userPassword by anonymous auth by * none',
  `access to * by dn.exact="${SERVICE_DN}" read by * none`,
];

let slapd, front, browser, openPage, adminPassword;

test.before(async () => {
  slapd = await new Slapd({ suffix: SUFFIX }).start(LDIF, { acl: ACL });
  front = await startWebFront('county-story', {}, {
    BB_LDAP_URL: slapd.url, BB_LDAP_BIND_DN: SERVICE_DN, BB_LDAP_BIND_PASSWORD: SERVICE_PW,
    BB_LDAP_USER_BASE: PEOPLE, BB_LDAP_GROUP_BASE: GROUPS, BB_LDAP_DISPLAY_ATTR: 'displayName',
  });
  // the first admin is the only account made on the command line (docs/operations.md)
  adminPassword = addClerk(front.stack.queue.svc.dbUrl, 'it-admin', { name: 'IT', role: 'admin' });
  let context;
  ({ browser, context, openPage } = await launchFrontBrowser(front));
  await recordPeerConnections(context);
});

test.after(async () => {
  await browser?.close().catch(() => {});
  await front?.stop();
  await slapd?.destroy();
});

async function signIn(page, login, password) {
  await page.goto(`https://${HOST}/console/`);
  await page.getByLabel('Benutzername').fill(login);
  await page.getByLabel('Passwort').fill(password);
  await page.getByRole('button', { name: 'Anmelden' }).click();
}

let clerk;

test('the admin creates an office in the browser, through the front', async () => {
  const page = await openPage();
  await signIn(page, 'it-admin', adminPassword);
  await page.getByRole('link', { name: 'Verwaltung' }).click();
  await page.getByRole('button', { name: 'Neues Amt anlegen' }).click();
  await page.getByLabel('Kennung').fill('sozial');
  await page.getByLabel('Name (Deutsch)').fill('Sozialamt');
  await page.getByLabel('Name (Englisch)').fill('Social welfare office');
  await page.getByLabel('Präfix der Wartenummern').fill('SOZ');
  await page.getByLabel('Wöchentliche Öffnungszeiten').fill('daily 00:00-24:00');
  await page.getByRole('button', { name: 'Anlegen' }).click();
  await page.getByRole('row', { name: /Sozialamt/ }).waitFor({ timeout: 20000 });
  assertClean(page, 'administration');
  await page.close();
});

test('a clerk of the county directory signs in with the directory password and is on duty', async () => {
  clerk = await openPage();
  await signIn(clerk, 'ayse', 'Verzeichnis-Passwort-1');
  await clerk.getByRole('button', { name: 'Nächste Person aufrufen' }).waitFor({ timeout: 20000 });
  await clerk.getByText('Ayşe Yılmaz').first().waitFor();
  assert.ok(clerk.sockets.includes(`wss://${HOST}/janus`), `Janus through the front: ${clerk.sockets}`);
  assert.equal(front.stack.queue.sql("SELECT auth || ' ' || role FROM clerk WHERE login = 'ayse'").trim(), 'ldap clerk');
});

test('a citizen from the start page is called into a consultation with two-way media', async () => {
  const citizen = await openPage();
  await citizen.goto(`https://${HOST}/`);
  const card = citizen.locator('li.office', { hasText: 'Sozialamt' });
  await card.getByText('Geöffnet').waitFor({ timeout: 20000 });
  await citizen.getByRole('button', { name: 'Warteraum betreten – Sozialamt' }).click();
  await citizen.getByText('Alles bereit.').waitFor({ timeout: 20000 });
  await citizen.getByRole('button', { name: 'Jetzt Warteraum betreten' }).click();
  await citizen.locator('.ticket-number', { hasText: /^SOZ-/ }).waitFor({ timeout: 20000 });

  await clerk.getByRole('button', { name: 'Nächste Person aufrufen' }).click();
  await citizen.getByRole('heading', { name: /^Gespräch mit / }).waitFor({ timeout: 30000 });
  for (const [page, who] of [[citizen, 'citizen'], [clerk, 'clerk']]) {
    await until(async () => {
      const s = await inboundStats(page);
      return s && s.video && s.video.framesDecoded > 10 && s.audio && s.audio.samples > 0;
    }, { timeoutMs: 30000, what: `${who} decoding video and audio through the front` });
  }
  assertClean(citizen, 'citizen');
  assertClean(clerk, 'clerk console');
  const row = front.stack.queue.sql("SELECT actor || ' ' || action || ' ' || target FROM audit_log WHERE target = 'sozial'").trim();
  assert.equal(row, 'it-admin office.create sozial');
});
