import { createTheme, type CSSVariablesResolver, Modal } from '@mantine/core';

/**
 * Mantine's theme, made to meet WCAG AA (axe-core checks every page in the e2e spec): filled buttons use
 * shade 8, whose white label reads at 4.5:1 or more; the text of light badges, alerts and the active
 * navigation link is darkened to read at 5:1 or more on its tinted background; dimmed text is gray 7;
 * and a dialog's close button has a name.
 */
export const theme = createTheme({
  respectReducedMotion: true,
  primaryShade: 8,
  components: {
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
  },
});

/** Text on the light (tinted) variants, each at 5:1 or more against its colour's tint. */
const LIGHT_TEXT: Record<string, string> = {
  blue: '#145591',
  green: '#1f6e31',
  orange: '#a63c0c',
  red: '#a51d1d',
  teal: '#0b6b5b',
  yellow: '#9c4a00',
};

export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    ...Object.fromEntries(
      Object.entries(LIGHT_TEXT).map(([colour, text]) => [`--mantine-color-${colour}-light-color`, text]),
    ),
  },
  dark: {},
});
