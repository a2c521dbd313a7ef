/** Small line icons drawn inline (no icon font: fonts vary by OS and the CSP allows no CDN). */
const PATHS = {
  copy: "M5.5 5.5V3.25c0-.41.34-.75.75-.75h6.5c.41 0 .75.34.75.75v6.5c0 .41-.34.75-.75.75H10.5M3.25 5.5h6.5c.41 0 .75.34.75.75v6.5c0 .41-.34.75-.75.75h-6.5a.75.75 0 0 1-.75-.75v-6.5c0-.41.34-.75.75-.75Z",
  check: "M3 8.5l3 3 7-7",
  refresh: "M13 8a5 5 0 1 1-1.46-3.54M13 2.5v3h-3",
  gate: "M2.5 13.5v-8L8 2.5l5.5 3v8M5.5 13.5V8h5v5.5M8 8v5.5",
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 14 }: { name: IconName; size?: number }) {
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.4}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
