// Digdir's eInnsyn TypeScript SDK (@digdir/einnsyn-sdk), unchanged, against the eInnsyn
// fake of `fellesklient fake`: authenticate with the API key, publish an arkiv, an
// arkivdel, a saksmappe with a journalpost, read them back, page through a list, search,
// and see the fake refuse what eInnsyn refuses (a missing required field, a wrong key).
//
// Usage: node check.mjs '<the first line of fellesklient fake --json>'
import EInnsynClient, { ValidationError, AuthenticationError } from '@digdir/einnsyn-sdk';

const fake = JSON.parse(process.argv[2]);
const { baseUrl, apiKey, enhetId, orgnummer } = fake.einnsyn;
const client = new EInnsynClient({ baseUrl, apiKey, appInfo: 'fellesklient fake check' });
const steps = [];
const step = (s) => { steps.push(s); console.log(`ok ${steps.length} - ${s}`); };
const must = (cond, what) => { if (!cond) throw new Error(`not ok: ${what}`); };

const me = await client.authinfo.get();
must(me.authType === 'ApiKey' && me.id === enhetId && me.orgnummer === orgnummer, `authinfo ${JSON.stringify(me)}`);
step('authinfo: the API key is the Enhet\'s');

const arkiv = await client.arkiv.add({ tittel: 'Sakarkiv', externalId: 'ts-sdk-sakarkiv' });
must(arkiv.id.startsWith('ark_') && arkiv.entity === 'Arkiv', `arkiv ${JSON.stringify(arkiv)}`);
const del = await client.arkiv.addArkivdel(arkiv.id, { tittel: 'Sakarkiv 2026' });
must(del.entity === 'Arkivdel', 'arkivdel');
step('arkiv and arkivdel published');

const sm = await client.arkivdel.addSaksmappe(del.id, {
  offentligTittel: 'Byggesak Storgata 1', offentligTittelSensitiv: 'Byggesak Storgata 1, Kari Nordmann',
  saksaar: 2026, sakssekvensnummer: 42,
});
must(sm.entity === 'Saksmappe' && sm.saksaar === 2026, `saksmappe ${JSON.stringify(sm)}`);
for (let i = 1; i <= 3; i++) {
  const jp = await client.saksmappe.addJournalpost(sm.id, {
    offentligTittel: `Vedtak ${i}`, offentligTittelSensitiv: `Vedtak ${i} til Kari Nordmann`,
    journalaar: 2026, journalsekvensnummer: 100 + i, journalpostnummer: i,
    journalposttype: 'utgaaende_dokument', journaldato: `2026-03-0${i}`,
  });
  must(jp.entity === 'Journalpost', `journalpost ${JSON.stringify(jp)}`);
}
step('saksmappe with three journalposter published');

const got = await client.saksmappe.get(sm.id);
must(got.offentligTittel === 'Byggesak Storgata 1', 'saksmappe get');
const titles = [];
for await (const jp of client.iterate(await client.saksmappe.listJournalpost(sm.id, { limit: 2 }))) {
  titles.push(jp.offentligTittel);
}
must(titles.length === 3, `iterate over pages of 2 gave ${JSON.stringify(titles)}`);
step('read back, and iterated over pages of two');

const hits = await client.search.search({ query: 'Vedtak', entity: 'Journalpost' });
must(hits.items.length > 0, 'search finds the journalposter');
step(`search: ${hits.items.length} hit(s) on the first page`);

let refused = null;
try {
  await client.arkivdel.addSaksmappe(del.id, { offentligTittel: 'Uten saksaar' });
} catch (e) {
  refused = e;
}
must(refused instanceof ValidationError, `missing fields refused: ${refused}`);
step(`a saksmappe without its required fields is refused (${refused.constructor.name})`);

const stranger = new EInnsynClient({ baseUrl, apiKey: 'secret_wrong' });
let denied = null;
try {
  await stranger.authinfo.get();
} catch (e) {
  denied = e;
}
must(denied instanceof AuthenticationError, `a wrong API key is refused: ${denied}`);
step(`a wrong API key is refused (${denied.constructor.name})`);

await client.saksmappe.delete(sm.id);
step('saksmappe deleted');
console.log(`1..${steps.length}`);
