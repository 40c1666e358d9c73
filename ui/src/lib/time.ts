// Times as people read them.

/** timeLeft renders a countdown: "1 h 04 min", "3 min 07 s", "42 s", or "expired". */
export function timeLeft(milliseconds: number): string {
  if (!Number.isFinite(milliseconds) || milliseconds <= 0) return "expired";
  const totalSeconds = Math.ceil(milliseconds / 1000);
  const days = Math.floor(totalSeconds / 86400);
  const hours = Math.floor((totalSeconds % 86400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const two = (value: number) => String(value).padStart(2, "0");
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${two(minutes)} min`;
  if (minutes > 0) return `${minutes} min ${two(seconds)} s`;
  return `${seconds} s`;
}

/** clockTime renders an instant in the reader's time zone, to the second. */
export function clockTime(instant: string | number | Date): string {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return String(instant);
  return date.toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

/** duration renders an elapsed time in milliseconds: "850 ms", "12.3 s", "2 min 05 s". */
export function duration(milliseconds: number): string {
  if (milliseconds < 1000) return `${Math.max(0, Math.round(milliseconds))} ms`;
  if (milliseconds < 60000) return `${(milliseconds / 1000).toFixed(1)} s`;
  const minutes = Math.floor(milliseconds / 60000);
  const seconds = Math.floor((milliseconds % 60000) / 1000);
  return `${minutes} min ${String(seconds).padStart(2, "0")} s`;
}

/**
 * parseDuration reads a template's duration ("2h", "30m", "45s", "1h30m",
 * "7d") as milliseconds; undefined when it is not one.
 */
export function parseDuration(text: string | undefined): number | undefined {
  if (!text || !/^(\d+[dhms])+$/.test(text)) return undefined;
  const unit: Record<string, number> = {
    d: 86_400_000,
    h: 3_600_000,
    m: 60_000,
    s: 1000,
  };
  let total = 0;
  for (const [, amount, letter] of text.matchAll(/(\d+)([dhms])/g)) {
    total += Number(amount) * unit[letter];
  }
  return total;
}
