import { smtpOptionsUrl } from './mail-transport';

describe('smtpOptionsUrl', () => {
  it('pools connections and bounds waits unless SMTP_URL says otherwise', () => {
    const url = new URL(smtpOptionsUrl('smtp://user:p%40ss@mail.example.com:587?socketTimeout=5000'));
    expect(url.username).toBe('user');
    expect(url.password).toBe('p%40ss');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      socketTimeout: '5000',
      pool: 'true',
      connectionTimeout: '10000',
      greetingTimeout: '10000',
    });
  });
});
