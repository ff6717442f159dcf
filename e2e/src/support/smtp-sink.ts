import { SMTPServer } from 'smtp-server';
import { freePort, waitFor } from '@latchkey/testing';

/*
 * A real SMTP server for the e2e specs (the worker's SMTP_URL points at it): no TLS, no authentication,
 * every message kept with its envelope and raw source, and decoded far enough to assert on what a person
 * would read: headers (RFC 2047 encoded-words), the text/plain part (quoted-printable or base64, inside
 * multipart/* or alone) and the text/html part.
 */

/** One message as the sink received it. */
export interface ReceivedMail {
  /** Envelope sender (MAIL FROM). */
  from: string;
  /** Envelope recipients (RCPT TO). */
  to: string[];
  /** The message exactly as transferred (after the SMTP dot-unstuffing). */
  raw: string;
  /** Header fields by lower-cased name, unfolded and decoded; repeated fields joined with ", ". */
  headers: Record<string, string>;
  subject: string;
  /** The decoded text/plain part ('' when there is none). */
  text: string;
  /** The decoded text/html part, if any. */
  html: string | undefined;
  /** Sink clock, epoch milliseconds. */
  receivedAt: number;
}

/** What must never appear in a mail (issue 4): an API token, a redeem key, a signing secret. */
export const SECRET_PATTERNS: readonly RegExp[] = [
  /lk_[0-9A-Za-z]{20,}/, // a token is lk_ + 49 characters; its 8-character key prefix may appear
  /lkr_[A-Za-z0-9_-]{16,}/,
  /lksig_[A-Za-z0-9_-]{16,}/,
];

/**
 * Every secret-shaped string, and every one of `known` (plaintexts the test holds), found in the mail's
 * decoded headers, text, html or raw source: `[]` when the mail is clean. The raw source is searched too
 * because a part the decoder does not look at (an attachment, a second html part) is still sent.
 */
export function secretsIn(mail: ReceivedMail, known: readonly string[] = []): string[] {
  const places: Record<string, string> = {
    headers: Object.values(mail.headers).join('\n'),
    text: mail.text,
    html: mail.html ?? '',
    raw: mail.raw,
  };
  const found: string[] = [];
  for (const [place, content] of Object.entries(places)) {
    for (const pattern of SECRET_PATTERNS) {
      const match = pattern.exec(content);
      if (match) found.push(`${place}: ${match[0]}`);
    }
    for (const secret of known) {
      if (secret !== '' && content.includes(secret)) found.push(`${place}: ${secret}`);
    }
  }
  return found;
}

export class SmtpSink {
  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
    /** Every message received, in order of arrival. */
    readonly mails: ReceivedMail[],
  ) {}

  static async start(): Promise<SmtpSink> {
    const port = await freePort();
    const mails: ReceivedMail[] = [];
    const server = new SMTPServer({
      secure: false,
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      // Pooled client connections stay open; do not let them hold up close().
      closeTimeout: 500,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', callback);
        stream.on('end', () => {
          const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
          const to = session.envelope.rcptTo.map((rcpt) => rcpt.address);
          mails.push(parseMail(from, to, Buffer.concat(chunks).toString('utf8')));
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return new SmtpSink(server, port, mails);
  }

  /** The worker's SMTP_URL. */
  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Mails whose envelope names `address` as a recipient, in order of arrival. */
  mailsTo(address: string): ReceivedMail[] {
    const wanted = address.toLowerCase();
    return this.mails.filter((mail) => mail.to.some((to) => to.toLowerCase() === wanted));
  }

  /** The `n`-th mail (1-based) to `address` matching `filter`, once it has arrived. */
  nthTo(
    n: number,
    address: string,
    filter: (mail: ReceivedMail) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<ReceivedMail> {
    return waitFor(() => this.mailsTo(address).filter(filter)[n - 1], {
      timeoutMs,
      what: `mail #${n} to ${address}`,
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Decodes a message far enough for assertions; exported for the sink's own checks. */
export function parseMail(from: string, to: string[], raw: string): ReceivedMail {
  const top = parsePart(raw);
  const leaves = leafParts(top);
  const text = leaves.find((part) => part.type === 'text/plain' && !part.attachment);
  const html = leaves.find((part) => part.type === 'text/html' && !part.attachment);
  const headers: Record<string, string> = {};
  for (const [name, value] of top.headers) {
    const decoded = decodeEncodedWords(value);
    headers[name] = name in headers ? `${headers[name]}, ${decoded}` : decoded;
  }
  return {
    from,
    to,
    raw,
    headers,
    subject: headers.subject ?? '',
    text: text ? decodeBody(text) : '',
    html: html ? decodeBody(html) : undefined,
    receivedAt: Date.now(),
  };
}

interface MimePart {
  headers: [name: string, value: string][];
  /** Lower-cased media type, `text/plain` when absent (RFC 2045). */
  type: string;
  params: Record<string, string>;
  encoding: string;
  attachment: boolean;
  body: string;
  children: MimePart[];
}

function parsePart(source: string): MimePart {
  const blank = /\r?\n\r?\n/.exec(source);
  const headerText = blank ? source.slice(0, blank.index) : source;
  const body = blank ? source.slice(blank.index + blank[0].length) : '';
  const headers: [string, string][] = [];
  for (const line of headerText.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  const header = (name: string) => headers.find(([key]) => key === name)?.[1];
  const [type, params] = parseContentType(header('content-type') ?? 'text/plain');
  const part: MimePart = {
    headers,
    type,
    params,
    encoding: (header('content-transfer-encoding') ?? '7bit').toLowerCase(),
    attachment: /^\s*attachment/i.test(header('content-disposition') ?? ''),
    body,
    children: [],
  };
  if (type.startsWith('multipart/') && params.boundary) {
    part.children = splitMultipart(body, params.boundary).map(parsePart);
  }
  return part;
}

function parseContentType(value: string): [string, Record<string, string>] {
  const [type, ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const param of rest) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    const key = param.slice(0, eq).trim().toLowerCase();
    params[key] = param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
  }
  return [type.trim().toLowerCase(), params];
}

/** The bodies between `--boundary` delimiter lines, up to `--boundary--`. */
function splitMultipart(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const parts: string[][] = [];
  let current: string[] | undefined;
  for (const line of body.split(/\r?\n/)) {
    const trimmed = line.trimEnd();
    if (trimmed === `${delimiter}--`) {
      if (current) parts.push(current);
      current = undefined;
      break;
    }
    if (trimmed === delimiter) {
      if (current) parts.push(current);
      current = [];
      continue;
    }
    current?.push(line);
  }
  if (current) parts.push(current);
  return parts.map((lines) => lines.join('\r\n'));
}

function leafParts(part: MimePart): MimePart[] {
  return part.children.length === 0 ? [part] : part.children.flatMap(leafParts);
}

function decodeBody(part: MimePart): string {
  const charset = bufferEncoding(part.params.charset);
  switch (part.encoding) {
    case 'quoted-printable':
      return decodeQuotedPrintable(part.body, charset);
    case 'base64':
      return Buffer.from(part.body.replace(/\s+/g, ''), 'base64').toString(charset);
    default:
      return part.body;
  }
}

/** Soft line breaks (`=` at the end of a line) join lines; `=XX` is one byte of the charset. */
export function decodeQuotedPrintable(text: string, charset: BufferEncoding = 'utf8'): string {
  return bytesOf(text.replace(/=\r?\n/g, ''), /=([0-9A-Fa-f]{2})/y).toString(charset);
}

/** RFC 2047 `=?charset?B|Q?…?=` words; white space between adjacent encoded words is dropped. */
export function decodeEncodedWords(value: string): string {
  const word = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;
  const joined = value.replace(/(\?=)\s+(?==\?[^?\s]+\?[BbQq]\?)/g, '$1');
  // Adjacent words may split one multi-byte character: decode runs of words as one byte sequence.
  return joined.replace(/(?:=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)+/g, (run) => {
    const chunks: Buffer[] = [];
    let charset: BufferEncoding = 'utf8';
    for (const [, name, encoding, payload] of run.matchAll(word)) {
      charset = bufferEncoding(name);
      chunks.push(
        encoding.toUpperCase() === 'B'
          ? Buffer.from(payload, 'base64')
          : bytesOf(payload.replace(/_/g, ' '), /=([0-9A-Fa-f]{2})/y),
      );
    }
    return Buffer.concat(chunks).toString(charset);
  });
}

/** The bytes of `text` where each `escape` match is one byte (hex) and everything else is UTF-8. */
function bytesOf(text: string, escape: RegExp): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    escape.lastIndex = i;
    const match = escape.exec(text);
    if (match) {
      bytes.push(parseInt(match[1], 16));
      i += match[0].length - 1;
    } else {
      const character = String.fromCodePoint(text.codePointAt(i) ?? 0);
      bytes.push(...Buffer.from(character, 'utf8'));
      i += character.length - 1;
    }
  }
  return Buffer.from(bytes);
}

function bufferEncoding(charset: string | undefined): BufferEncoding {
  switch ((charset ?? 'utf-8').toLowerCase()) {
    case 'us-ascii':
    case 'ascii':
    case 'iso-8859-1':
    case 'latin1':
      return 'latin1';
    default:
      return 'utf8';
  }
}
