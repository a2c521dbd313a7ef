/** A small inline spinner; decorative (the surrounding text says what is happening). */
export function Spinner({ size = "sm" }: { size?: "sm" | "md" }) {
  return <span className={`spinner spinner-${size}`} aria-hidden="true" />;
}
