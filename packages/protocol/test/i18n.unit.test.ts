// The shared i18n module: the words of every coded error in both languages, and errors read from
// their code and field (never the server's English text in French).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_CODES } from '../src/errors';
import { PaymentMethod } from '../src/record';
import { Role } from '../src/central-api';
import { SosCopyKind } from '../src/sync';
import { SHARED_MESSAGES, catalogueProblems, errorText, translator, LANGS } from '../src/i18n/index';

const fr = translator(SHARED_MESSAGES, 'fr');
const en = translator(SHARED_MESSAGES, 'en');

describe('shared i18n catalogue', () => {
  it('has every key in both languages with the same placeholders', () => {
    assert.deepEqual(catalogueProblems(SHARED_MESSAGES), []);
  });

  it('catalogueProblems names a missing key, an empty text and differing placeholders', () => {
    const broken = { fr: { a: 'un {n}', b: 'deux', c: ' ' }, en: { a: 'one', c: 'three' } };
    assert.deepEqual(catalogueProblems(broken).sort(), ['en: missing b', 'fr: empty c', 'placeholders differ for a']);
  });

  it('translates every code of the error catalogue, every payment method, role and copy kind', () => {
    const keys = [
      ...Object.keys(ERROR_CODES).map((c) => `err.${c}`),
      ...PaymentMethod.options.map((m) => `method.${m}`),
      ...Role.options.map((r) => `role.${r}`),
      ...SosCopyKind.options.map((k) => `copyKind.${k}`),
    ];
    for (const lang of LANGS) for (const key of keys) assert.ok(key in SHARED_MESSAGES[lang], `${lang}: ${key}`);
  });
});

describe('errorText', () => {
  const validation = {
    code: 'VALIDATION',
    message: 'priceCents: Too small: expected number to be >=0; lines.0.sku: Invalid string',
    details: { issues: [{ path: 'priceCents', message: 'Too small' }, { path: 'lines.0.sku', message: 'Invalid string' }] },
  };

  it('names the fields of a validation error by their labels, without the English text in French', () => {
    const text = errorText(fr, validation);
    assert.equal(text, 'Saisie invalide — à corriger : « Prix », « SKU »');
    assert.doesNotMatch(text, /VALIDATION|Too small|Invalid/);
    assert.equal(errorText(en, validation), 'Invalid input — to correct: “Price”, “SKU”');
  });

  it('reads a coded refusal from its code; English adds the server message, French never', () => {
    const e = { code: 'INVALID_CREDENTIALS', message: 'Unknown user or wrong password' };
    assert.equal(errorText(fr, e), 'Identifiant ou mot de passe incorrect');
    assert.equal(errorText(en, e), 'Wrong username or password (Unknown user or wrong password)');
    assert.equal(errorText(fr, { code: 'PAYMENT_REFUSED', message: 'Payments do not cover', details: { reason: 'PAYMENT_SHORT' } }), 'Paiement refusé : les règlements ne couvrent pas le total');
    assert.equal(errorText(fr, { code: 'TOO_MANY_ATTEMPTS', message: 'x', details: { retryAfterSeconds: 30 } }), 'Trop d’essais : réessayez dans 30 s');
  });

  it('an unreachable server, an unknown code and a non-JSON answer read as sentences', () => {
    assert.equal(errorText(fr, new TypeError('Failed to fetch')), 'Le serveur ne répond pas');
    assert.equal(errorText(fr, { code: 'UNREACHABLE', message: 'GET /api/x: ECONNREFUSED' }), 'Le serveur ne répond pas');
    assert.equal(errorText(fr, { code: 'SOMETHING_NEW', message: 'New thing' }), 'Erreur inattendue');
    assert.equal(errorText(fr, { code: 'HTTP_502', message: 'Bad Gateway' }), 'Réponse inattendue du serveur (HTTP 502)');
    assert.equal(errorText(fr, { code: 'VALIDATION', message: 'Missing column(s): vatRate', details: { missing: ['vatRate'] } }), 'Saisie invalide — à corriger : « TVA »');
  });
});
