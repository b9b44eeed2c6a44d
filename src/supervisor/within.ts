/**
 * `work`'s value if it settles within `ms`, otherwise undefined. The timer goes as soon as the
 * race is decided: a pending Bun.sleep would keep a supervisor that is leaving alive for the
 * rest of its length (`tend stop` took two seconds, the length of the longest such wait).
 */
export async function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
