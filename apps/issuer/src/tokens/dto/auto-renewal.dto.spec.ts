import { BadRequestException, ValidationPipe } from '@nestjs/common';
import { CreateTokenDto } from './create-token.dto';
import { UpdateTokenDto } from './update-token.dto';

/** The issuer's global pipe (issuer.app.ts): unknown fields are refused, nested ones included. */
const pipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  stopAtFirstError: false,
});

async function validate<T>(metatype: new () => T, body: unknown): Promise<T> {
  return (await pipe.transform(body, { type: 'body', metatype })) as T;
}

/** The violations the pipe reports, or [] when the body passes. */
async function violations(metatype: new () => unknown, body: unknown): Promise<string[]> {
  try {
    await validate(metatype, body);
    return [];
  } catch (error) {
    if (!(error instanceof BadRequestException)) throw error;
    return (error.getResponse() as { message: string[] }).message;
  }
}

const valid = { everyDays: 30, callbackUrl: 'https://hooks.example.com/renewals' };

describe('auto-renewal settings in requests', () => {
  it('accepts settings with and without a mail recipient, and trims them', async () => {
    const created = await validate(CreateTokenDto, {
      name: 'crm',
      autoRenewal: {
        ...valid,
        callbackUrl: '  https://hooks.example.com/renewals ',
        mailRecipient: ' ops@example.com ',
      },
    });
    expect(created.autoRenewal).toEqual({ ...valid, mailRecipient: 'ops@example.com' });
    expect(await violations(CreateTokenDto, { name: 'crm', autoRenewal: valid })).toEqual([]);
    expect(
      await violations(CreateTokenDto, { name: 'crm', autoRenewal: { ...valid, mailRecipient: null } }),
    ).toEqual([]);
  });

  it.each([
    ['a period of 0 days', { ...valid, everyDays: 0 }, 'everyDays'],
    ['a period over 3650 days', { ...valid, everyDays: 3651 }, 'everyDays'],
    ['a fractional period', { ...valid, everyDays: 1.5 }, 'everyDays'],
    ['a period as a string', { ...valid, everyDays: '30' }, 'everyDays'],
    ['a blank callback URL', { ...valid, callbackUrl: '   ' }, 'callbackUrl'],
    [
      'a callback URL over 2048 characters',
      { ...valid, callbackUrl: `https://x.example/${'a'.repeat(2040)}` },
      'callbackUrl',
    ],
    ['a mail recipient that is not an email', { ...valid, mailRecipient: 'ops' }, 'mailRecipient'],
    [
      'a mail recipient over 254 characters',
      { ...valid, mailRecipient: `${'a'.repeat(250)}@example.com` },
      'mailRecipient',
    ],
    ['an unknown field inside', { ...valid, secret: 'x' }, 'secret'],
  ])('refuses %s', async (_label, autoRenewal, field) => {
    const errors = await violations(CreateTokenDto, { name: 'crm', autoRenewal });
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toContain(field);
  });

  it('takes settings without a callback URL (seed 003 makes it optional)', async () => {
    const created = await validate(CreateTokenDto, {
      name: 'crm',
      autoRenewal: { everyDays: 30, mailRecipient: 'ops@example.com' },
    });
    expect(created.autoRenewal).toEqual({ everyDays: 30, mailRecipient: 'ops@example.com' });
    expect(
      await violations(CreateTokenDto, { name: 'crm', autoRenewal: { everyDays: 30, callbackUrl: null } }),
    ).toEqual([]);
    expect(await violations(CreateTokenDto, { name: 'crm', autoRenewal: { callbackUrl: 'x' } })).not.toEqual(
      [],
    );
  });

  it('lets PATCH name any subset of the settings, the mail recipient alone included', async () => {
    const patched = await validate(UpdateTokenDto, { autoRenewal: { mailRecipient: ' team@example.com ' } });
    expect(patched.autoRenewal).toEqual({ mailRecipient: 'team@example.com' });
    expect(await violations(UpdateTokenDto, { autoRenewal: { mailRecipient: 'team' } })).not.toEqual([]);
    expect(await violations(UpdateTokenDto, { autoRenewal: { everyDays: 0 } })).not.toEqual([]);
    expect(await violations(UpdateTokenDto, { autoRenewal: { secret: 'x' } })).not.toEqual([]);
  });

  it('refuses auto-renewal that is not an object', async () => {
    expect(await violations(CreateTokenDto, { name: 'crm', autoRenewal: [valid] })).not.toEqual([]);
    expect(await violations(CreateTokenDto, { name: 'crm', autoRenewal: 'on' })).not.toEqual([]);
    expect(await violations(UpdateTokenDto, { autoRenewal: true })).not.toEqual([]);
  });

  it('lets PATCH set, replace or switch off auto-renewal', async () => {
    expect((await validate(UpdateTokenDto, { autoRenewal: valid })).autoRenewal).toEqual(valid);
    expect((await validate(UpdateTokenDto, { autoRenewal: null })).autoRenewal).toBeNull();
    expect((await validate(UpdateTokenDto, { description: 'x' })).autoRenewal).toBeUndefined();
    expect(await violations(UpdateTokenDto, { autoRenewal: { ...valid, extra: 1 } })).not.toEqual([]);
  });
});
