// The back office's words: every key in French and in English (with the same placeholders),
// the shared words included; fails on a key added in one language only.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EVENT_TYPES } from '@comptoir/protocol';
import { catalogueProblems } from '@comptoir/protocol/i18n';
import { MESSAGES } from '../src/i18n.messages';

describe('back office catalogue', () => {
  it('has every key in both languages', () => {
    assert.deepEqual(catalogueProblems(MESSAGES), []);
    assert.ok(Object.keys(MESSAGES.fr).length > 200);
    assert.equal(MESSAGES.fr['err.VALIDATION'], 'Saisie invalide', 'the shared words are in');
  });

  it('names every kind of event of the journal (JET)', () => {
    for (const e of EVENT_TYPES) assert.ok(`event.${e}` in MESSAGES.fr, e);
  });
});
