/** Figures as the page shows them: the API's numbers, grouped in thousands, never recomputed. */
const integer = new Intl.NumberFormat("en-US");
const decimal = new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

export const formatInteger = (value: number): string => integer.format(value);
export const formatDecimal = (value: number): string => decimal.format(value);

/** "+12 (+5.0%)", or without the percentage when the API has none (nothing in the previous period). */
export function formatChange(absolute: number, percent: number | null): string {
  const sign = (value: number) => (value > 0 ? "+" : "");
  const base = `${sign(absolute)}${formatInteger(absolute)}`;
  return percent === null ? base : `${base} (${sign(percent)}${formatDecimal(percent)}%)`;
}

export function formatTime(iso: string): string {
  return new Date(iso).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}
