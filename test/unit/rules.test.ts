// Merchandiser rules as pure logic: conditions, time windows in time zones, precedence, validation
// with field-level errors, pin placement, and the admin key check.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyRequest } from 'fastify';
import { adminAuth } from '../../query/http/admin-auth.ts';
import { composeRules } from '../../ranking/rules/compose.ts';
import { applicableRules, normalizeQuery, ruleApplies, type RuleContext } from '../../ranking/rules/match.ts';
import { pinWindow, placePins } from '../../ranking/rules/pins.ts';
import type { Rule, RuleAction } from '../../ranking/rules/rule.ts';
import { inWindow, zonedToInstant } from '../../ranking/rules/time-window.ts';
import { validateRule } from '../../ranking/rules/validate.ts';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const rule = (
  id: string,
  conditions: Rule['conditions'],
  actions: RuleAction[] = [{ type: 'hide', group: { ids: ['x'] } }],
  priority = 0,
): Rule => ({ id, name: id, enabled: true, priority, conditions, actions });
const ctx = (c: Partial<RuleContext>): RuleContext => ({ now: NOW, ...c });

describe('rule conditions', () => {
  it('normalizes case, accents, punctuation and word endings', () =>
    assert.deepEqual(normalizeQuery('Red  SHOES!  Café'), ['red', 'shoe', 'cafe']));

  it('matches a query that equals, contains, or holds a phrase', () => {
    const equals = rule('e', { query: { match: 'equals', values: ['red shoe'] } });
    assert.ok(ruleApplies(equals, ctx({ q: 'Red Shoes' })));
    assert.ok(!ruleApplies(equals, ctx({ q: 'red running shoes' })));
    const contains = rule('c', { query: { match: 'contains', values: ['shoes red'] } });
    assert.ok(ruleApplies(contains, ctx({ q: 'red running shoes' })), 'every word, any order');
    assert.ok(!ruleApplies(contains, ctx({ q: 'red shirt' })));
    const phrase = rule('p', { query: { match: 'phrase', values: ['running shoe'] } });
    assert.ok(ruleApplies(phrase, ctx({ q: 'red running shoes' })));
    assert.ok(!ruleApplies(phrase, ctx({ q: 'shoes for running' })), 'the words in order, together');
    assert.ok(!ruleApplies(equals, ctx({})), 'a query rule never fires without a query');
  });

  it('matches a category page that is, or is under, a path', () => {
    const is = rule('i', { category: { is: 'Home > Kitchen' } });
    const under = rule('u', { category: { under: 'Home' } });
    assert.ok(ruleApplies(is, ctx({ category: 'Home > Kitchen' })));
    assert.ok(!ruleApplies(is, ctx({ category: 'Home > Kitchen > Knives' })));
    assert.ok(ruleApplies(under, ctx({ category: 'Home > Kitchen > Knives' })));
    assert.ok(ruleApplies(under, ctx({ category: 'Home' })));
    assert.ok(!ruleApplies(under, ctx({ category: 'Homeware' })), 'a path prefix is not a parent');
  });

  it('applies within its time window in its time zone, to its channels, and only when enabled', () => {
    // 12:00 UTC is 07:00 in New York (EST, UTC-5).
    assert.ok(
      ruleApplies(rule('w', { window: { start: '2026-11-27T07:00', time_zone: 'America/New_York' } }), ctx({})),
    );
    assert.ok(
      !ruleApplies(rule('w', { window: { start: '2026-11-27T07:01', time_zone: 'America/New_York' } }), ctx({})),
    );
    assert.ok(
      !ruleApplies(rule('w', { window: { end: '2026-11-27T07:00', time_zone: 'America/New_York' } }), ctx({})),
      'the end is exclusive',
    );
    assert.ok(ruleApplies(rule('c', { channels: ['app'] }), ctx({ channel: 'app' })));
    assert.ok(!ruleApplies(rule('c', { channels: ['app'] }), ctx({ channel: 'web' })));
    assert.ok(!ruleApplies(rule('c', { channels: ['app'] }), ctx({})));
    assert.ok(!ruleApplies({ ...rule('off', {}), enabled: false }, ctx({})));
  });

  it('converts local times across daylight saving changes', () => {
    assert.equal(zonedToInstant('2026-07-01T09:00', 'Europe/Berlin'), Date.parse('2026-07-01T07:00:00Z'));
    assert.equal(zonedToInstant('2026-01-01T09:00', 'Europe/Berlin'), Date.parse('2026-01-01T08:00:00Z'));
    assert.equal(zonedToInstant('2026-03-08T03:30', 'America/New_York'), Date.parse('2026-03-08T07:30:00Z'));
    assert.ok(
      inWindow(Date.parse('2026-03-29T01:30:00Z'), {
        start: '2026-03-29T03:30',
        end: '2026-03-29T04:00',
        time_zone: 'Europe/Berlin',
      }),
    );
  });

  it('orders applicable rules by priority, then id', () => {
    const rules = [
      rule('b', {}, undefined, 0),
      rule('a', {}, undefined, 0),
      rule('z', {}, undefined, 5),
      rule('q', { query: { match: 'equals', values: ['x'] } }),
    ];
    assert.deepEqual(
      applicableRules(rules, ctx({ q: 'y' })).map((r) => r.id),
      ['z', 'a', 'b'],
    );
  });
});

describe('rule composition', () => {
  it('lets the first redirect win alone', () => {
    const e = composeRules([
      rule('a', {}, [{ type: 'pin', id: 'p', position: 1 }]),
      rule('b', {}, [{ type: 'redirect', url: '/sale' }]),
      rule('c', {}, [{ type: 'redirect', url: '/other' }]),
    ]);
    assert.deepEqual(e.redirect, { url: '/sale', rule: 'b' });
    assert.deepEqual(e.pins, []);
    assert.deepEqual(e.fired, ['b']);
  });

  it('takes the first rewrite, every expansion, filter, hide and weight', () => {
    const e = composeRules([
      rule('a', {}, [
        { type: 'rewrite', query: 'television' },
        { type: 'expand', synonyms: ['tv', 'telly'] },
        { type: 'boost', group: { brands: ['Acme'] }, factor: 2 },
      ]),
      rule('b', {}, [
        { type: 'rewrite', query: 'monitor' },
        { type: 'expand', synonyms: ['telly', 'screen'] },
        { type: 'bury', group: { ids: ['old'] }, factor: 0.5 },
        { type: 'filter', group: { price_max: 100 } },
        { type: 'hide', group: { ids: ['h'] } },
      ]),
    ]);
    assert.deepEqual(e.rewrite, { query: 'television', rule: 'a' });
    assert.deepEqual(e.expansions, ['tv', 'telly', 'screen']);
    assert.deepEqual(
      e.weights.map((w) => [w.rule, w.factor]),
      [
        ['a', 2],
        ['b', 0.5],
      ],
    );
    assert.deepEqual(e.filters, [{ price_max: 100 }]);
    assert.deepEqual(e.hide, [{ ids: ['h'] }]);
  });

  it('gives a contested position to the earlier rule and moves the later pin to the next free one', () => {
    const e = composeRules([
      rule('a', {}, [
        { type: 'pin', id: 'p1', position: 2 },
        { type: 'pin', id: 'p2', position: 3 },
      ]),
      rule('b', {}, [
        { type: 'pin', id: 'p3', position: 2 },
        { type: 'pin', id: 'p1', position: 1 },
      ]),
    ]);
    assert.deepEqual(
      e.pins.map((p) => [p.id, p.position, p.rule]),
      [
        ['p1', 2, 'a'],
        ['p2', 3, 'a'],
        ['p3', 4, 'b'],
      ],
    );
  });
});

describe('rule validation', () => {
  const policy = { redirectHosts: ['shop.example'] };
  const valid = { id: 'r1', name: 'r', actions: [{ type: 'boost', group: { brands: ['Acme'] }, factor: 2 }] };
  const fails = (input: unknown, field: string) =>
    assert.throws(
      () => validateRule(input, policy),
      (e: Error & { field?: string }) => e.field === field,
      `expected an error naming ${field}`,
    );

  it('fills defaults into a valid rule', () =>
    assert.deepEqual(validateRule(valid, policy), { ...valid, enabled: true, priority: 0, conditions: {} }));
  it('names the field of a bad action', () =>
    fails({ ...valid, actions: [{ type: 'boost', group: { brands: ['A'] }, factor: 0.5 }] }, 'actions.0.factor'));
  it('names a missing field', () => fails({ id: 'r', actions: valid.actions }, 'name'));
  it('names an unknown field', () => fails({ ...valid, colour: 'red' }, 'colour'));
  it('refuses an empty product group', () =>
    fails({ ...valid, actions: [{ type: 'hide', group: {} }] }, 'actions.0.group'));
  it('refuses an unknown time zone', () =>
    fails(
      { ...valid, conditions: { window: { start: '2026-01-01T00:00', time_zone: 'Mars/Olympus' } } },
      'conditions.window.time_zone',
    ));
  it('refuses a window that ends before it starts', () =>
    fails(
      { ...valid, conditions: { window: { start: '2026-01-02T00:00', end: '2026-01-01T00:00' } } },
      'conditions.window.end',
    ));
  it('refuses two pins at one position', () =>
    fails(
      {
        ...valid,
        actions: [
          { type: 'pin', id: 'a', position: 1 },
          { type: 'pin', id: 'b', position: 1 },
        ],
      },
      'actions.1.position',
    ));
  it('refuses a redirect to another scheme', () =>
    fails({ ...valid, actions: [{ type: 'redirect', url: 'javascript:alert(1)' }] }, 'actions.0.url'));
  it('refuses relative redirects that browsers read as another site, and hosts not listed', () => {
    const redirect = (url: string) => ({ ...valid, actions: [{ type: 'redirect', url }] });
    for (const url of [
      '//evil.example/x',
      '/\\evil.example',
      '/\t/evil.example',
      '/sale\u0000',
      '/ /evil.example',
      'https://evil.example/x',
      'https://shop.example.evil.example/',
      'https://user:pw@shop.example/',
      'ftp://shop.example/',
    ])
      fails(redirect(url), 'actions.0.url');
    for (const url of ['/sale', '/help/returns?x=1#top', 'https://shop.example/sale', 'http://SHOP.example/'])
      assert.equal(validateRule(redirect(url), policy).actions[0]!.type, 'redirect', url);
  });
});

describe('pins on pages', () => {
  const pins = [{ position: 1 }, { position: 4 }, { position: 12 }];
  it('fetches the organic slice around the pins of each page', () => {
    assert.deepEqual(pinWindow(pins, 1, 5), { from: 0, size: 3 });
    assert.deepEqual(pinWindow(pins, 2, 5), { from: 3, size: 5 });
    assert.deepEqual(pinWindow(pins, 3, 5), { from: 8, size: 4 });
  });
  it('interleaves pins at their positions and closes up when the organic list runs out', () => {
    const placed = [
      { position: 1, hit: 'P1' },
      { position: 4, hit: 'P4' },
    ];
    assert.deepEqual(placePins(['a', 'b', 'c'], placed, 1, 5), ['P1', 'a', 'b', 'P4', 'c']);
    assert.deepEqual(placePins(['a'], placed, 1, 5), ['P1', 'a', 'P4']);
  });
});

describe('admin keys', () => {
  const auth = adminAuth('alice:key-one, bob:key-two');
  const req = (headers: Record<string, string>) => ({ headers }) as unknown as FastifyRequest;
  it('names the actor of a valid key, from either header', () => {
    assert.equal(auth.require(req({ 'x-admin-key': 'key-two' })), 'bob');
    assert.equal(auth.require(req({ authorization: 'Bearer key-one' })), 'alice');
  });
  it('refuses a missing or wrong key', () => {
    assert.throws(() => auth.require(req({})), { statusCode: 401 });
    assert.throws(() => auth.require(req({ 'x-admin-key': 'key-on' })), { statusCode: 401 });
  });
  it('refuses everyone when no key is configured, and a malformed entry at start', () => {
    assert.throws(() => adminAuth('').require(req({ 'x-admin-key': '' })), { statusCode: 401 });
    assert.throws(() => adminAuth('justakey'), /name:key/);
  });
});
