import { nameWarnings } from './token-name-warnings';

const codes = (name: string) => nameWarnings(name).map((w) => w.code);

describe('token name warnings (seed 004)', () => {
  it.each(['prod-main-app', 'staging-api', 'crm-integration', 'Reporting Script', 'ops@team', 'v1.2.3'])(
    'has nothing to say about %p',
    (name) => {
      expect(nameWarnings(name)).toEqual([]);
    },
  );

  it.each(['alice@example.com', 'crm for bob.smith+crm@mail.acme.co.uk', 'ALICE@EXAMPLE.COM-laptop'])(
    'warns about the e-mail address in %p',
    (name) => {
      expect(codes(name)).toEqual(['NAME_CONTAINS_EMAIL']);
    },
  );

  it.each([
    'call +49 30 1234567',
    'support-(555) 123-4567',
    '020 7946 0958 desk',
    '+4930123456',
    '555.123.4567',
  ])('warns about the phone number in %p', (name) => {
    expect(codes(name)).toEqual(['NAME_CONTAINS_PHONE_NUMBER']);
  });

  it.each([
    'backup-2026-12-03',
    'sync 2026-12-03T10:30',
    'ticket-12345678',
    'build 20261203',
    '+1234567',
    'job-1234567890123456',
  ])('takes %p for no phone number (dates, short and over-long runs)', (name) => {
    expect(codes(name)).toEqual([]);
  });

  it('names both, e-mail first, with the field and a message that suggests a purpose-based name', () => {
    const warnings = nameWarnings('alice@example.com +44 20 7946 0958');
    expect(warnings).toEqual([
      { code: 'NAME_CONTAINS_EMAIL', field: 'name', message: expect.stringContaining('e-mail address') },
      { code: 'NAME_CONTAINS_PHONE_NUMBER', field: 'name', message: expect.stringContaining('phone number') },
    ]);
    expect(warnings[0].message).toContain('prod-main-app');
  });

  it('does not take the digits of an e-mail address for a phone number', () => {
    expect(codes('ops123456789@example.com')).toEqual(['NAME_CONTAINS_EMAIL']);
  });
});
