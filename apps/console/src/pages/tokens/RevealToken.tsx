import { Alert, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';
import type { CreatedToken } from '../../api/client';
import { TokenWarnings } from '../../components/common';

/**
 * The reveal-once screen: the full token, a Copy button, and the warning that it cannot be shown
 * again, after the issuer's warnings about the request (seed 004). The plaintext lives only in the
 * dialog's state and is dropped when the dialog closes.
 */
export function RevealToken({
  plaintext,
  name,
  warnings = [],
  onDone,
}: {
  plaintext: string;
  name: string;
  warnings?: CreatedToken['warnings'];
  onDone: () => void;
}) {
  return (
    <Stack>
      <TokenWarnings warnings={warnings} />
      <Alert color="yellow" title="Copy this token now" role="alert">
        This is the only time the full token of “{name}” is shown. After you close this dialog it cannot be
        retrieved again — only its key prefix stays visible. Store it in your secrets manager.
      </Alert>
      <Code block data-testid="token-plaintext" style={{ wordBreak: 'break-all', fontSize: 14 }}>
        {plaintext}
      </Code>
      <Group justify="space-between">
        <CopyButton value={plaintext} timeout={3000}>
          {({ copied, copy }) => (
            <Button variant={copied ? 'light' : 'filled'} color={copied ? 'teal' : undefined} onClick={copy}>
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
        <Button variant="default" onClick={onDone}>
          I have stored it — close
        </Button>
      </Group>
      <Text size="xs" c="dimmed">
        Latchkey keeps only a SHA-256 hash of the token.
      </Text>
    </Stack>
  );
}
