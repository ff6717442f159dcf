import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { WORKER_CONFIG, type WorkerConfig } from '../config';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** Stable per mail job, so a mail sent twice after a crash can be recognised as one. */
  messageId: string;
}

/** Options added to SMTP_URL unless it sets them itself: a connection pool and bounded waits. */
const URL_DEFAULTS: Record<string, string> = {
  pool: 'true',
  connectionTimeout: '10000',
  greetingTimeout: '10000',
  socketTimeout: '30000',
};

/** Pooled SMTP transport for notification mail (SMTP_URL, MAIL_FROM); closed on shutdown. */
@Injectable()
export class MailTransport implements OnApplicationShutdown {
  private readonly transporter: Transporter;

  constructor(@Inject(WORKER_CONFIG) private readonly config: WorkerConfig) {
    this.transporter = createTransport(smtpOptionsUrl(config.SMTP_URL));
  }

  async send(mail: OutgoingMail): Promise<void> {
    await this.transporter.sendMail({
      from: this.config.MAIL_FROM,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      messageId: mail.messageId,
    });
  }

  onApplicationShutdown(): void {
    this.transporter.close();
  }
}

export function smtpOptionsUrl(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  for (const [name, value] of Object.entries(URL_DEFAULTS)) {
    if (!url.searchParams.has(name)) url.searchParams.set(name, value);
  }
  return url.toString();
}
